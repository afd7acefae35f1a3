/* In-kernel self-tests of x86_64's threads and user mode: the FXSAVE image,
 * user x87/SSE state across context switches, SMAP and SMEP against the
 * user-copy routines, the kernel half every address space shares, the
 * syscall and segment setup, and a real program in ring 3 whose registers
 * must survive every syscall, interrupt and preemption. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/timer.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/thread.h>
#include <machine/trap.h>
#include "mmu.h"

/* --- the FXSAVE image ----------------------------------------------------- */

static void fill_pattern(struct fxsave_area *a, uint8_t seed)
{
	fpu_init_area(a);
	a->mxcsr = 0x1f80 | ((seed & 3u) << 13);   /* rounding control differs */
	a->fcw = 0x037f;
	for (unsigned r = 0; r < 16; r++)
		for (unsigned b = 0; b < 16; b++)
			a->xmm[r][b] = (uint8_t)(seed + r * 16 + b);
}

static bool same_state(const struct fxsave_area *a, const struct fxsave_area *b)
{
	return a->fcw == b->fcw && a->mxcsr == b->mxcsr &&
	       memcmp(a->xmm, b->xmm, sizeof(a->xmm)) == 0;
}

KTEST(x86_fxsave_roundtrip)
{
	/* The ktest thread is a kernel thread: the live registers are nobody's
	 * user state, so the test may load what it likes. */
	static struct fxsave_area in, out;
	KT_ASSERT(read_cr4() & CR4_OSFXSR);
	KT_ASSERT(!(read_cr0() & (CR0_EM | CR0_TS)));
	fill_pattern(&in, 0x40);
	memset(&out, 0xee, sizeof(out));
	fpu_restore(&in);
	fpu_save(&out);
	KT_EXPECT(same_state(&in, &out));
	KT_EXPECT(out.mxcsr == (0x1f80 | (0x40u & 3u) << 13));

	/* A new thread's image: exceptions masked, registers clear. */
	fpu_init_area(&in);
	fpu_restore(&in);
	fpu_save(&out);
	KT_EXPECT(out.fcw == 0x037f && out.mxcsr == 0x1f80);
	static const uint8_t zero[sizeof(out.xmm)];
	KT_EXPECT(memcmp(out.xmm, zero, sizeof(zero)) == 0);
}

/* --- user FPU state across switches ---------------------------------------
 * Two kernel threads pose as user threads (user_fpu set, their own image
 * loaded when they first run).  Each checks that the live registers hold
 * its own state, changes it, and yields to the other; a switch that lost
 * or mixed the states shows up at the next check. */

#define FPU_ROUNDS 40

static struct {
	volatile unsigned done;
	volatile unsigned bad[2];
	volatile unsigned switches;
} fsw;

static void fpu_thread(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	static struct fxsave_area want[2], live[2];
	for (unsigned round = 0; round < FPU_ROUNDS; round++) {
		fill_pattern(&want[me], (uint8_t)(me * 0x80 + round));
		fpu_save(&live[me]);
		if (!same_state(&want[me], &live[me]))
			fsw.bad[me]++;
		fill_pattern(&want[me], (uint8_t)(me * 0x80 + round + 1));
		fpu_restore(&want[me]);
		if (sched_yield())
			fsw.switches++;
	}
	fsw.done++;
}

KTEST(x86_fpu_state_across_switches)
{
	memset((void *)&fsw, 0, sizeof(fsw));
	unsigned prio = thread_current()->priority;
	KT_ASSERT(prio > 0);
	struct thread *t[2];
	for (unsigned i = 0; i < 2; i++) {
		/* More urgent than this thread: they alternate until done. */
		t[i] = thread_create_kernel("kt-fpu", fpu_thread, (void *)(uintptr_t)i, prio - 1);
		KT_ASSERT(t[i]);
		fill_pattern(&t[i]->arch.fpu, (uint8_t)(i * 0x80));
		t[i]->arch.user_fpu = true;
	}
	/* Both ready before either runs (the first would otherwise finish
	 * alone): they take over when this thread sleeps. */
	irqflags_t f = arch_irq_save();
	thread_start(t[0]);
	thread_start(t[1]);
	arch_irq_restore(f);
	uint64_t deadline = clock_ns() + 5 * NSEC_PER_SEC;
	while (fsw.done < 2 && clock_ns() < deadline)
		thread_sleep(NSEC_PER_MSEC);
	KT_ASSERT(fsw.done == 2);
	KT_EXPECT(fsw.bad[0] == 0 && fsw.bad[1] == 0);
	KT_EXPECT(fsw.switches >= FPU_ROUNDS);   /* they did take turns */
	ktest_note("%u switches between two FPU owners, %u + %u mismatches", fsw.switches,
		   fsw.bad[0], fsw.bad[1]);
}

/* --- SMAP, SMEP and the user copies ----------------------------------------
 * A map of our own, made current for the test: the kernel may reach its
 * pages only through the copy routines. */

#define UDATA_VA  0x10000000UL
#define SMEP_PROBE_VA 0x3f000000UL   /* ktest_x86_user_asm.S has its extable entry */
#define NOWHERE_VA 0x20000000UL      /* in no region */

int x86_smep_probe(uintptr_t code);   /* ktest_x86_user_asm.S */

KTEST(x86_smap_smep_uaccess)
{
	static struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t va = UDATA_VA, code = SMEP_PROBE_VA;
	KT_ASSERT(vm_allocate(&m, &va, 2 * PAGE_SIZE, false, PROT_RW) == K_OK);
	KT_ASSERT(vm_allocate(&m, &code, PAGE_SIZE, false, PROT_RX) == K_OK);
	const uint64_t word = 0x736d61702d6f6b21ULL;
	const uint8_t ret = 0xc3;
	KT_ASSERT(vm_map_write(&m, va, &word, sizeof(word)) == K_OK);
	KT_ASSERT(vm_map_write(&m, code, &ret, 1) == K_OK);

	struct vm_map *prev = vm_map_current();
	vm_map_activate(&m);

	uint64_t got = 0;
	bool smap = read_cr4() & CR4_SMAP, smep = read_cr4() & CR4_SMEP;
	/* A plain kernel read of a user page: SMAP faults it (the probe's
	 * exception-table entry catches that). */
	bool read_plain = arch_probe_read64((const void *)va, &got);
	KT_EXPECT(read_plain == !smap);
	/* The copy routine opens the window. */
	got = 0;
	KT_EXPECT(arch_copy_from_user(&got, (const void *)va, sizeof(got)) == K_OK);
	KT_EXPECT(got == word);
	/* The second page is not present yet: the copy faults, uaccess_fault()
	 * fills it, the copy goes on. */
	got = 1;
	KT_EXPECT(copyin(&got, va + PAGE_SIZE + 8, sizeof(got)) == K_OK);
	KT_EXPECT(got == 0);
	KT_EXPECT(ptable_translate(&m.pt, va + PAGE_SIZE, NULL, NULL));
	uint64_t back = ~word;
	KT_EXPECT(copyout(va + PAGE_SIZE + 16, &back, sizeof(back)) == K_OK);
	KT_EXPECT(arch_copy_from_user(&got, (const void *)(va + PAGE_SIZE + 16), 8) == K_OK);
	KT_EXPECT(got == ~word);
	/* No region: the fault cannot be resolved, the fixup answers. */
	KT_EXPECT(arch_copy_from_user(&got, (const void *)NOWHERE_VA, sizeof(got)) == K_EFAULT);
	KT_EXPECT(arch_copy_to_user((void *)NOWHERE_VA, &got, sizeof(got)) == K_EFAULT);
	/* A copy running off the end of the region fails part way. */
	uint8_t buf[16];
	KT_EXPECT(arch_copy_from_user(buf, (const void *)(va + 2 * PAGE_SIZE - 8), 16) == K_EFAULT);
	/* A write into read-only text fails the same way. */
	KT_EXPECT(arch_copy_to_user((void *)code, &got, 1) == K_EFAULT);
	/* The window is closed again after every copy. */
	uint64_t rflags;
	__asm__ volatile("pushfq; popq %0" : "=r"(rflags));
	KT_EXPECT(!(rflags & RFLAGS_AC));
	/* SMEP: the kernel does not run user code. */
	if (smep)
		KT_EXPECT(x86_smep_probe(code) == 0);

	vm_map_activate(prev);
	vm_map_destroy(&m);
	if (!smap || !smep)
		ktest_note("this CPU lacks%s%s: checked what it has", smap ? "" : " SMAP",
			   smep ? "" : " SMEP");
}

/* --- the kernel half of every address space -------------------------------- */

static unsigned pml4_slot(vaddr_t va) { return (va >> 39) & 511; }

/* Equal but for the accessed bit the CPU sets as it walks. */
static bool same_entry(pte_t a, pte_t b) { return ((a ^ b) & ~(PTE_A | PTE_D)) == 0; }

KTEST(x86_kernel_half_shared)
{
	static struct vm_map m1, m2;
	KT_ASSERT(vm_map_init(&m1) == K_OK);
	KT_ASSERT(vm_map_init(&m2) == K_OK);
	struct ptable *kpt = kernel_ptable();
	const pte_t *kr = ptable_page_ptr(kpt->root);
	const volatile pte_t *r1 = ptable_page_ptr(m1.pt.root);
	const volatile pte_t *r2 = ptable_page_ptr(m2.pt.root);

	/* The frozen entries: direct map, image, ioremap window. */
	unsigned shared = 0;
	for (unsigned i = 256; i < 512; i++)
		shared += pte_valid(r1[i]) && same_entry(r1[i], kr[i]);
	KT_EXPECT(shared == x86_kernel_half_shared());
	KT_EXPECT(pte_valid(r1[pml4_slot(DIRECT_MAP_BASE)]));
	KT_EXPECT(pte_valid(r1[pml4_slot(KERNEL_VBASE)]));
	KT_EXPECT(pte_valid(r1[pml4_slot(IOREMAP_BASE)]));
	for (unsigned i = 0; i < 256; i++)
		KT_EXPECT(!pte_valid(r1[i]));   /* the user half starts empty */

	/* A kernel mapping made after both roots exist (in the test half of the
	 * ioremap window) is reached through a user root at once, and gone
	 * from it once unmapped: the roots share the kernel's tables. */
	struct vm_map *prev = vm_map_current();
	vm_map_activate(&m1);
	KT_EXPECT((read_cr3() & PTE_ADDR_MASK) == m1.pt.root);
	const vaddr_t va = IOREMAP_BASE + IOREMAP_SIZE / 2 + 7 * PAGE_SIZE;
	KT_EXPECT(pml4_slot(va) == pml4_slot(IOREMAP_BASE));
	paddr_t pa = page_alloc(0);
	KT_ASSERT(pa != PADDR_NONE);
	bool mapped = ptable_map(kpt, va, pa, PAGE_SIZE, PROT_RW | PROT_GLOBAL) == K_OK;
	KT_EXPECT(mapped);
	if (mapped) {
		*(volatile uint64_t *)va = 0x6b68616c66ULL;
		KT_EXPECT(*(volatile uint64_t *)phys_to_virt(pa) == 0x6b68616c66ULL);
		vm_map_activate(&m2);
		uint64_t w = 0;
		KT_EXPECT(arch_probe_read64((const void *)va, &w) && w == 0x6b68616c66ULL);
		KT_EXPECT(ptable_unmap(kpt, va, PAGE_SIZE) == K_OK);
		KT_EXPECT(!arch_probe_read64((const void *)va, &w));
		vm_map_activate(&m1);
		KT_EXPECT(!arch_probe_read64((const void *)va, &w));
	}
	/* The shared entries did not change under either root. */
	for (unsigned i = 256; i < 512; i++)
		KT_EXPECT(same_entry(r1[i], kr[i]) && same_entry(r2[i], kr[i]));
	vm_map_activate(prev);
	vm_map_destroy(&m1);
	vm_map_destroy(&m2);
	page_free(pa, 0);
}

/* --- the syscall instruction and the segments ---------------------------- */

void x86_syscall_entry(void);   /* user_entry.S */

static uint64_t gdt_entry(unsigned sel)
{
	struct { uint16_t limit; uint64_t base; } __packed gdtr;
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	return ((const uint64_t *)gdtr.base)[sel >> 3];
}

#define DESC_DPL(d)   (((d) >> 45) & 3)
#define DESC_PRESENT  (1ULL << 47)
#define DESC_CODE     (1ULL << 43)
#define DESC_LONG     (1ULL << 53)

KTEST(x86_syscall_and_segments)
{
	KT_EXPECT(rdmsr(MSR_EFER) & EFER_SCE);
	KT_EXPECT(rdmsr(MSR_LSTAR) == (uint64_t)(uintptr_t)x86_syscall_entry);
	uint64_t star = rdmsr(MSR_STAR);
	/* SYSCALL's kernel CS/SS, and where SYSRET would find user CS/SS. */
	KT_EXPECT(((star >> 32) & 0xffff) == SEL_KCODE);
	KT_EXPECT((((star >> 48) & 0xfffc) + 8) == (SEL_UDATA & ~3u));
	KT_EXPECT((((star >> 48) & 0xfffc) + 16) == (SEL_UCODE & ~3u));
	uint64_t fmask = rdmsr(MSR_FMASK);
	uint64_t must = RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT;
	KT_EXPECT((fmask & must) == must);

	uint64_t ucode = gdt_entry(SEL_UCODE), udata = gdt_entry(SEL_UDATA);
	KT_EXPECT((ucode & DESC_PRESENT) && (ucode & DESC_CODE) && (ucode & DESC_LONG));
	KT_EXPECT(DESC_DPL(ucode) == 3);
	KT_EXPECT((udata & DESC_PRESENT) && !(udata & DESC_CODE) && DESC_DPL(udata) == 3);
	KT_EXPECT(gdt_entry(SEL_USYSRET) == 0);   /* no compatibility-mode code */

	/* Traps from user mode land at the top of this thread's stack. */
	struct thread *t = thread_current();
	KT_EXPECT(x86_kernel_stack() == (uintptr_t)t->kstack + KSTACK_SIZE);
	/* The frame a trap from user mode leaves there is below every kernel
	 * frame of the thread. */
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	KT_EXPECT(here < x86_kernel_stack() - TF_SIZE);
	KT_EXPECT(here > (uintptr_t)t->kstack);
}

/* --- a program in ring 3 ---------------------------------------------------- */

#define UCODE_VA  0x400000UL
#define USTACK_VA 0x7fff0000UL
#define USER_PRIO (SCHED_PRIO_KERNEL + 1)

extern const char kt_user_regs[], kt_user_regs_end[];

static struct task *start_regs_task(uint64_t run_ns)
{
	struct task *task = task_create("kt-x86-regs");
	if (!task)
		return NULL;
	vaddr_t code = UCODE_VA, stack = USTACK_VA;
	size_t len = (size_t)(kt_user_regs_end - kt_user_regs);
	struct thread *t = NULL;
	if (vm_allocate(&task->map, &code, PAGE_SIZE, false, PROT_RX) == K_OK &&
	    vm_allocate(&task->map, &stack, 4 * PAGE_SIZE, false, PROT_RW) == K_OK &&
	    vm_map_write(&task->map, code, kt_user_regs, len) == K_OK)
		t = thread_create_user(task, code, stack + 4 * PAGE_SIZE, run_ns, USER_PRIO);
	if (!t) {
		task_terminate(task, 1, NULL);
		task_wait(task);
		return NULL;
	}
	thread_start(t);
	return task;
}

KTEST(x86_user_registers_survive_traps)
{
	/* Two copies of the program take turns on the CPU for 60 ms each:
	 * timer interrupts preempt them in user mode at arbitrary points. */
	struct sched_stats s0, s1;
	sched_stats(&s0);
	struct task *a = start_regs_task(60 * NSEC_PER_MSEC);
	struct task *b = start_regs_task(60 * NSEC_PER_MSEC);
	KT_ASSERT(a && b);
	int sa = task_wait(a), sb = task_wait(b);
	sched_stats(&s1);
	KT_EXPECT(sa == 0);
	KT_EXPECT(sb == 0);
	KT_EXPECT(s1.preemptions > s0.preemptions);
	ktest_note("exit statuses %d %d, %llu preemptions", sa, sb,
		   (unsigned long long)(s1.preemptions - s0.preemptions));
}

/* An entry point or stack outside user space (non-canonical ones included)
 * ends the task and nothing else.  On hardware, IRETQ to a non-canonical
 * rip faults in the kernel, which is why arch_enter_user() refuses it;
 * QEMU's TCG raises that fault in user mode instead, so here the test can
 * only check the outcome. */
KTEST(x86_user_entry_outside_user_space)
{
	static const struct { uintptr_t pc, sp; } bad[] = {
		{ 0xdead000000000000UL, USTACK_VA },
		{ KERNEL_VBASE, USTACK_VA },
		{ UCODE_VA, 0x8000000000000000UL },
		{ UCODE_VA, USER_END },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct task *task = task_create("kt-x86-entry");
		KT_ASSERT(task);
		struct thread *t = thread_create_user(task, bad[i].pc, bad[i].sp, 0, USER_PRIO);
		if (!t) {
			task_terminate(task, 1, NULL);
			task_wait(task);
			KT_ASSERT(t);
		}
		thread_start(t);
		KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	}
}
