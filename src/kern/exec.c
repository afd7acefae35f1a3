/* Program loading (see kern/exec.h): a validated ELF image becomes regions
 * of a task's map, filled through vm_map_write(), plus a stack holding the
 * arguments the way GNU Mach lays them out. */
#include <kern/arch.h>
#include <kern/elf.h>
#include <kern/errno.h>
#include <kern/exec.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/vm_map.h>

unsigned exec_elf_machine(void)
{
	static const struct { const char *arch; unsigned machine; } table[] = {
		{ "x86_64", EM_X86_64 }, { "aarch64", EM_AARCH64 }, { "riscv64", EM_RISCV },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (strcmp(arch_name(), table[i].arch) == 0)
			return table[i].machine;
	return 0;
}

static int fail(const char **why, const char *reason, int rc)
{
	if (why)
		*why = reason;
	return rc;
}

static int put_word(struct vm_map *map, uintptr_t va, uint64_t value)
{
	return vm_map_write(map, va, &value, sizeof(value));
}

/* Lay out argc, argv, an empty envp and the strings at the top of the stack
 * (sizes checked by the caller). */
static int build_stack(struct vm_map *map, int argc, char **argv, size_t strbytes, uintptr_t *sp)
{
	size_t words = 1 + ((size_t)argc + 1) + 1;
	uintptr_t base = ALIGN_DOWN(EXEC_STACK_TOP - strbytes - words * 8, 16);
	uintptr_t str = base + words * 8;
	int rc = put_word(map, base, (uint64_t)argc);
	for (int i = 0; i < argc && rc == K_OK; i++) {
		size_t len = strlen(argv[i]) + 1;
		rc = put_word(map, base + 8 * (1 + (size_t)i), str);
		if (rc == K_OK)
			rc = vm_map_write(map, str, argv[i], len);
		str += len;
	}
	if (rc == K_OK)
		rc = put_word(map, base + 8 * (1 + (size_t)argc), 0);      /* argv end */
	if (rc == K_OK)
		rc = put_word(map, base + 8 * (2 + (size_t)argc), 0);      /* envp end */
	*sp = base;
	return rc;
}

int exec_load(struct vm_map *map, const void *image, size_t size, int argc, char **argv,
	      uintptr_t *entry, uintptr_t *sp, const char **why)
{
	struct elf_image elf;
	int rc = elf_parse(image, size, exec_elf_machine(), USER_BASE, EXEC_STACK_BASE, &elf, why);
	if (rc != K_OK)
		return rc;
	if (argc < 0 || argc > EXEC_ARGC_MAX)
		return fail(why, "too many arguments", K_EINVAL);
	size_t strbytes = 0;
	for (int i = 0; i < argc; i++) {
		if (!argv[i])
			return fail(why, "NULL argument", K_EINVAL);
		strbytes += strnlen(argv[i], EXEC_ARGS_BYTES) + 1;
		if (strbytes > EXEC_ARGS_BYTES)
			return fail(why, "arguments too long", K_ENOSPC);
	}

	for (unsigned i = 0; i < elf.nsegs; i++) {
		const struct elf_segment *s = &elf.segs[i];
		vaddr_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		size_t len = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - start;
		rc = vm_allocate(map, &start, len, false, s->prot);
		if (rc != K_OK)
			return fail(why, "cannot allocate a segment", rc);
		/* Pages past filesz are fresh zero pages: that is the bss. */
		rc = vm_map_write(map, s->vaddr, (const char *)image + s->offset, s->filesz);
		if (rc != K_OK)
			return fail(why, "cannot fill a segment", rc);
	}
	vaddr_t stack = EXEC_STACK_BASE;
	rc = vm_allocate(map, &stack, EXEC_STACK_SIZE, false, PROT_R | PROT_W);
	if (rc == K_OK)
		rc = build_stack(map, argc, argv, strbytes, sp);
	if (rc != K_OK)
		return fail(why, "cannot build the stack", rc);
	*entry = elf.entry;
	return K_OK;
}

struct task *exec_program(const void *image, size_t size, const char *name, int argc,
			  char **argv, unsigned prio, int *err)
{
	const char *why = NULL;
	struct elf_image elf;
	/* Validate before making anything, so a bad file is one clear line. */
	int rc = elf_parse(image, size, exec_elf_machine(), USER_BASE, EXEC_STACK_BASE, &elf, &why);
	struct task *task = NULL;
	if (rc == K_OK) {
		task = task_create(name);
		if (!task) {
			rc = K_ENOMEM;
			why = "no memory for a task";
		}
	}
	uintptr_t entry, sp;
	if (task)
		rc = exec_load(&task->map, image, size, argc, argv, &entry, &sp, &why);
	if (task && rc == K_OK) {
		struct thread *t = thread_create_user(task, entry, sp, sp, prio);
		if (t) {
			thread_start(t);
			*err = K_OK;
			return task;
		}
		rc = K_ENOMEM;
		why = "no memory for a thread";
	}
	kprintf("exec: cannot start %s: %s\n", name, why ? why : "error");
	if (task) {
		/* It never ran: end it, and wait so its map and struct go now. */
		task_terminate(task, 1, "could not be loaded");
		task_wait(task);
	}
	*err = rc;
	return NULL;
}
