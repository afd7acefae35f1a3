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

/* Lay out argc, argv, envp and the strings at the top of the stack (sizes
 * checked by the caller). */
static int build_stack(struct vm_map *map, const struct exec_strings *s, size_t strbytes,
		       uintptr_t *sp)
{
	size_t words = 1 + ((size_t)s->argc + 1) + ((size_t)s->envc + 1);
	uintptr_t base = ALIGN_DOWN(EXEC_STACK_TOP - strbytes - words * 8, 16);
	uintptr_t str = base + words * 8;
	int rc = put_word(map, base, (uint64_t)s->argc);
	/* argv's pointers from base + 8, envp's after argv's NULL. */
	uintptr_t slot = base + 8;
	for (int list = 0; list < 2 && rc == K_OK; list++) {
		int n = list ? s->envc : s->argc;
		char **v = list ? s->envp : s->argv;
		for (int i = 0; i < n && rc == K_OK; i++, slot += 8) {
			size_t len = strlen(v[i]) + 1;
			rc = put_word(map, slot, str);
			if (rc == K_OK)
				rc = vm_map_write(map, str, v[i], len);
			str += len;
		}
		if (rc == K_OK)
			rc = put_word(map, slot, 0);   /* the list's NULL */
		slot += 8;
	}
	*sp = base;
	return rc;
}

/* Bytes of the strings of n entries of v, or a reason they do not fit. */
static const char *strings_size(int n, char **v, size_t *total)
{
	if (n < 0 || n > EXEC_ARGC_MAX)
		return "too many arguments";
	for (int i = 0; i < n; i++) {
		if (!v[i])
			return "NULL argument";
		*total += strnlen(v[i], EXEC_ARGS_BYTES) + 1;
		if (*total > EXEC_ARGS_BYTES)
			return "arguments too long";
	}
	return NULL;
}

int exec_load_strings(struct vm_map *map, const void *image, size_t size,
		      const struct exec_strings *strings, uintptr_t *entry, uintptr_t *sp,
		      const char **why)
{
	struct elf_image elf;
	int rc = elf_parse(image, size, exec_elf_machine(), USER_BASE, EXEC_STACK_BASE, &elf, why);
	if (rc != K_OK)
		return rc;
	size_t strbytes = 0;
	const char *bad = strings_size(strings->argc, strings->argv, &strbytes);
	if (!bad)
		bad = strings_size(strings->envc, strings->envp, &strbytes);
	if (bad)
		return fail(why, bad, strbytes > EXEC_ARGS_BYTES ? K_ENOSPC : K_EINVAL);

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
		rc = build_stack(map, strings, strbytes, sp);
	if (rc != K_OK)
		return fail(why, "cannot build the stack", rc);
	*entry = elf.entry;
	return K_OK;
}

int exec_load(struct vm_map *map, const void *image, size_t size, int argc, char **argv,
	      uintptr_t *entry, uintptr_t *sp, const char **why)
{
	struct exec_strings strings = { argc, argv, 0, NULL };
	return exec_load_strings(map, image, size, &strings, entry, sp, why);
}

struct task *exec_program_prepared(const void *image, size_t size, const char *name,
				   struct exec_strings *strings, exec_prepare_fn prepare,
				   void *arg, unsigned prio, int *err)
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
	if (task && prepare) {
		rc = prepare(task, strings, arg);
		if (rc != K_OK)
			why = "cannot give it its ports";
	}
	uintptr_t entry, sp;
	if (task && rc == K_OK)
		rc = exec_load_strings(&task->map, image, size, strings, &entry, &sp, &why);
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

struct task *exec_program(const void *image, size_t size, const char *name, int argc,
			  char **argv, unsigned prio, int *err)
{
	struct exec_strings strings = { argc, argv, 0, NULL };
	return exec_program_prepared(image, size, name, &strings, NULL, NULL, prio, err);
}
