/* spawn(): a program from an ELF image into a new task, built from the
 * outside with Mach's task, VM and thread calls (<spawn.h>). */
#include <machv/libc.h>
#include <machv/thread-state.h>
#include <mach_init.h>
#include <malloc.h>
#include <spawn.h>
#include <mach/notify.h>
#include <mach/task_special_ports.h>
#include <mach/vm_prot.h>
#include "mach.h"
#include "mach_port.h"
#include "gnumach.h"

/* The few ELF64 fields spawn reads (the System V gABI's layout). */
struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* The machine this task runs on: the only one spawn can start. */
#if defined(__x86_64__)
#define ELF_MACHINE 62
#elif defined(__aarch64__)
#define ELF_MACHINE 183
#else
#define ELF_MACHINE 243   /* RISC-V */
#endif

#define PAGE MACHV_PAGE_SIZE
#define MAX_PHDRS 16

static const char *last_error = "";

const char *spawn_error(void)
{
	return last_error;
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(uint64_t)(PAGE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* The image's header into *eh and its PT_LOAD headers into load[] (their
 * count), or -1 with last_error set.  Headers are copied out first: an
 * image inside a cpio archive is only 4-byte aligned. */
static int check_image(const void *image, size_t size, struct elf64_ehdr *eh,
		       struct elf64_phdr *load)
{
	int n = 0;
	bool entry_ok = false;

	if (!image || size < sizeof(*eh)) {
		last_error = "not an ELF file";
		return -1;
	}
	memcpy(eh, image, sizeof(*eh));
	if (memcmp(eh->ident, "\177ELF", 4) != 0) {
		last_error = "not an ELF file";
		return -1;
	}
	if (eh->ident[4] != 2 || eh->ident[5] != 1) {
		last_error = "not a little-endian ELF64 file";
		return -1;
	}
	if (eh->type != ET_EXEC || eh->machine != ELF_MACHINE) {
		last_error = "not an executable for this machine";
		return -1;
	}
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phoff > size || (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum) {
		last_error = "program headers outside the file";
		return -1;
	}
	for (unsigned i = 0; i < eh->phnum; i++) {
		struct elf64_phdr ph;
		const struct elf64_phdr *p = &ph;
		memcpy(&ph, (const char *)image + eh->phoff + i * sizeof(ph), sizeof(ph));
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (n == MAX_PHDRS) {
			last_error = "too many segments";
			return -1;
		}
		if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset ||
		    p->vaddr + p->memsz < p->vaddr) {
			last_error = "a segment outside the file";
			return -1;
		}
		if ((p->flags & PF_W) && (p->flags & PF_X)) {
			last_error = "a segment both writable and executable";
			return -1;
		}
		for (int j = 0; j < n; j++)
			if (page_down(p->vaddr) < page_up(load[j].vaddr + load[j].memsz) &&
			    page_down(load[j].vaddr) < page_up(p->vaddr + p->memsz)) {
				last_error = "segments share a page";
				return -1;
			}
		if ((p->flags & PF_X) && eh->entry >= p->vaddr && eh->entry < p->vaddr + p->memsz)
			entry_ok = true;
		load[n++] = *p;
	}
	if (n == 0) {
		last_error = "no loadable segment";
		return -1;
	}
	if (!entry_ok) {
		last_error = "the entry point is outside every executable segment";
		return -1;
	}
	return n;
}

static kern_return_t load_segment(mach_port_t child, const void *image,
				  const struct elf64_phdr *p)
{
	vm_address_t start = page_down(p->vaddr);
	vm_size_t len = page_up(p->vaddr + p->memsz) - start;
	vm_prot_t prot = ((p->flags & PF_R) ? VM_PROT_READ : 0) |
			 ((p->flags & PF_W) ? VM_PROT_WRITE : 0) |
			 ((p->flags & PF_X) ? VM_PROT_EXECUTE : 0);
	kern_return_t kr;

	if ((kr = vm_allocate(child, &start, len, FALSE)) != KERN_SUCCESS)
		return kr;
	if (p->filesz) {
		kr = vm_write(child, p->vaddr, (vm_offset_t)((const char *)image + p->offset),
			      p->filesz);
		if (kr != KERN_SUCCESS)
			return kr;
	}
	return vm_protect(child, start, len, FALSE, prot);
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The stack region and the initial stack at its top; *sp gets the stack
 * pointer. */
static kern_return_t make_stack(mach_port_t child, char *const *argv, char *const *envp,
				vm_address_t *sp)
{
	size_t argc = count(argv), envc = count(envp), strings = 0;
	vm_address_t base = 0;
	kern_return_t kr;

	for (size_t i = 0; i < argc; i++)
		strings += strlen(argv[i]) + 1;
	for (size_t i = 0; i < envc; i++)
		strings += strlen(envp[i]) + 1;
	size_t words = 1 + argc + 1 + envc + 1;
	size_t need = words * 8 + strings;
	if (need > SPAWN_STACK_SIZE / 2)
		return KERN_INVALID_ARGUMENT;

	/* One page more, given back below the stack: an overflow faults. */
	if ((kr = vm_allocate(child, &base, SPAWN_STACK_SIZE + PAGE, TRUE)) != KERN_SUCCESS)
		return kr;
	(void)vm_deallocate(child, base, PAGE);
	vm_address_t top = base + PAGE + SPAWN_STACK_SIZE;
	vm_address_t at = (top - need) & ~(vm_address_t)15;
	size_t len = top - at;

	char *buf = calloc(1, len);
	if (!buf)
		return KERN_RESOURCE_SHORTAGE;
	uint64_t *slot = (uint64_t *)buf;
	size_t str = words * 8;
	*slot++ = argc;
	for (int pass = 0; pass < 2; pass++) {
		char *const *v = pass ? envp : argv;
		size_t c = pass ? envc : argc;
		for (size_t i = 0; i < c; i++) {
			size_t l = strlen(v[i]) + 1;
			memcpy(buf + str, v[i], l);
			*slot++ = at + str;
			str += l;
		}
		*slot++ = 0;
	}
	kr = vm_write(child, at, (vm_offset_t)buf, len);
	free(buf);
	*sp = at;
	return kr;
}

static kern_return_t start_thread(mach_port_t child, uint64_t pc, vm_address_t sp)
{
	struct machv_thread_state st;
	mach_msg_type_number_t cnt = MACHV_THREAD_STATE_COUNT;
	mach_port_t th;
	kern_return_t kr;

	if ((kr = thread_create(child, &th)) != KERN_SUCCESS)
		return kr;
	kr = thread_get_state(th, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st, &cnt);
	if (kr == KERN_SUCCESS) {
		/* crt0's _start wants sp exactly at argc: no call frame. */
		MACHV_STATE_PC(&st) = pc;
		MACHV_STATE_SP(&st) = sp;
		MACHV_STATE_ARG0(&st) = sp;
		kr = thread_set_state(th, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st,
				      MACHV_THREAD_STATE_COUNT);
	}
	if (kr == KERN_SUCCESS)
		kr = thread_resume(th);
	(void)mach_port_deallocate(mach_task_self(), th);
	return kr;
}

kern_return_t spawn(const struct spawn_args *a, mach_port_t *task)
{
	struct elf64_ehdr eh;
	struct elf64_phdr load[MAX_PHDRS];
	mach_port_t self = mach_task_self(), child;
	vm_address_t sp;
	kern_return_t kr;
	int n;

	last_error = "";
	if (!a || !task || !a->argv || !a->argv[0]) {
		last_error = "no argv[0]";
		return KERN_INVALID_ARGUMENT;
	}
	*task = MACH_PORT_NULL;
	if ((n = check_image(a->image, a->size, &eh, load)) < 0)
		return KERN_INVALID_ARGUMENT;
	if ((kr = task_create(self, FALSE, &child)) != KERN_SUCCESS)
		return kr;

	/* The kernel's lines about the task ("task NAME (ID) exited...") name
	 * it; kernel_debug_name_t holds 31 characters and a NUL. */
	kernel_debug_name_t tname;
	memset(tname, 0, sizeof(tname));
	strlcpy(tname, a->name ? a->name : a->argv[0], sizeof(tname));
	(void)task_set_name(child, tname);

	for (int i = 0; i < n && kr == KERN_SUCCESS; i++)
		kr = load_segment(child, a->image, &load[i]);
	if (kr == KERN_SUCCESS && MACH_PORT_VALID(a->bootstrap))
		kr = task_set_special_port(child, TASK_BOOTSTRAP_PORT, a->bootstrap);
	for (size_t i = 0; i < a->ngive && kr == KERN_SUCCESS; i++)
		if (MACH_PORT_VALID(a->give[i]))
			kr = mach_port_insert_right(child, a->give[i], a->give[i],
						    MACH_MSG_TYPE_COPY_SEND);
	if (kr == KERN_SUCCESS)
		kr = make_stack(child, a->argv, a->envp, &sp);
	if (kr == KERN_SUCCESS)
		kr = start_thread(child, eh.entry, sp);
	if (kr != KERN_SUCCESS) {
		(void)task_terminate(child);
		(void)mach_port_deallocate(self, child);
		return kr;
	}
	*task = child;
	return KERN_SUCCESS;
}

kern_return_t spawn_watch(mach_port_t task, mach_port_t notify)
{
	mach_port_t prev = MACH_PORT_NULL;
	kern_return_t kr;

	/* sync 1: a task that has already ended (a short program may be done
	 * before its parent gets here) is notified at once, not refused. */
	kr = mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME, 1,
					    notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	if (kr == KERN_SUCCESS && MACH_PORT_VALID(prev))
		(void)mach_port_deallocate(mach_task_self(), prev);
	return kr;
}

void spawn_forget(mach_port_t task)
{
	mach_port_urefs_t refs = 0;

	if (mach_port_get_refs(mach_task_self(), task, MACH_PORT_RIGHT_DEAD_NAME, &refs) ==
	    KERN_SUCCESS && refs > 0)
		(void)mach_port_mod_refs(mach_task_self(), task, MACH_PORT_RIGHT_DEAD_NAME,
					 -(mach_port_delta_t)refs);
}

struct exit_msg {
	mach_msg_header_t h;
	mach_msg_type_t task_type;
	mach_port_name_inlined_t task;
	mach_msg_type_t status_type;
	int32_t status;
};

void spawn_exit(int status)
{
	struct {
		struct exit_msg m;
		char reply_room[64];
	} buf;
	struct exit_msg *m = &buf.m;
	mach_port_t boot = MACH_PORT_NULL, reply;

	if (task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &boot) ==
	    KERN_SUCCESS && MACH_PORT_VALID(boot) && MACH_PORT_VALID(reply = mach_reply_port())) {
		memset(&buf, 0, sizeof(buf));
		m->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
						MACH_MSG_TYPE_MAKE_SEND_ONCE) |
				 MACH_MSGH_BITS_COMPLEX;
		m->h.msgh_remote_port = boot;
		m->h.msgh_local_port = reply;
		m->h.msgh_id = SPAWN_EXIT_ID;
		m->task_type.msgt_name = MACH_MSG_TYPE_COPY_SEND;
		m->task_type.msgt_size = 64;
		m->task_type.msgt_number = 1;
		m->task_type.msgt_inline = TRUE;
		m->task.name = mach_task_self();
		m->status_type.msgt_name = MACH_MSG_TYPE_INTEGER_32;
		m->status_type.msgt_size = 32;
		m->status_type.msgt_number = 1;
		m->status_type.msgt_inline = TRUE;
		m->status = status;
		/* Wait for the acknowledgement, so that the task is still alive
		 * (and its port still names it) while the server reads the
		 * message; a server that does not answer within a second is not
		 * waited for longer. */
		(void)mach_msg(&m->h, MACH_SEND_MSG | MACH_SEND_TIMEOUT | MACH_RCV_MSG |
			       MACH_RCV_TIMEOUT, sizeof(*m), sizeof(buf), reply, 1000,
			       MACH_PORT_NULL);
	}
	exit(status);
}

bool spawn_parse_exit(const mach_msg_header_t *msg, mach_port_t *task, int *status)
{
	const struct exit_msg *m = (const struct exit_msg *)msg;

	if (msg->msgh_id != SPAWN_EXIT_ID || msg->msgh_size < sizeof(*m) ||
	    !(msg->msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    m->task_type.msgt_name != MACH_MSG_TYPE_PORT_SEND ||
	    m->status_type.msgt_name != MACH_MSG_TYPE_INTEGER_32)
		return false;
	*task = m->task.name;
	*status = m->status;
	return true;
}
