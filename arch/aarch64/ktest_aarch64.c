/* In-kernel self-tests of aarch64-only paths: brk and undefined-instruction
 * recovery, the descriptor format, W^X as the MMU enforces it, the device
 * tree's GIC specifiers, interrupt routing arguments, the generic timer
 * interrupt itself, SMCCC/PSCI answers; and for threads and user mode: the
 * FP/SIMD save area, the context switch, a new thread's first context, PAN
 * and the user copy routines, ASID switches, the system-call frame. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <kern/timer.h>
#include <kern/vm_map.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/smccc.h>
#include <machine/thread.h>
#include <machine/trap.h>
#include "hv/smccc/smccc_hv.h"
#include "platform.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[];

KTEST(aarch64_breakpoint)
{
	unsigned long before = aarch64_breakpoint_count();
	volatile int reached = 0;
	__asm__ volatile("brk #0x4d" ::: "memory");
	reached = 1;
	__asm__ volatile("brk #0x4d" ::: "memory");
	KT_EXPECT(reached == 1);                  /* execution went on */
	KT_EXPECT(aarch64_breakpoint_count() == before + 2);
}

/* An undefined instruction with an exception-table entry resumes at its
 * fixup (the route semihosting and a refused SMCCC conduit take). */
KTEST(aarch64_undefined_recovered)
{
	int ok = 1;
	__asm__ volatile("1: udf #0\n"
			 "   b 3f\n"
			 "2: mov %w0, #0\n"
			 "3:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(ok) :: "memory");
	KT_EXPECT(ok == 0);
}

/* A store that may fault: false if it did. */
static bool probe_write64(void *addr, uint64_t v)
{
	int ok = 1;
	__asm__ volatile("1: str %2, [%1]\n"
			 "   b 3f\n"
			 "2: mov %w0, #0\n"
			 "3:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(ok) : "r"(addr), "r"(v) : "memory");
	return ok;
}

KTEST(aarch64_pte_format)
{
	for (unsigned prot = 0; prot < 0x40; prot++) {
		unsigned want = prot | PROT_R;       /* no write- or exec-only pages */
		pte_t e = pte_leaf(0x12345000, want);
		KT_EXPECT(pte_valid(e) && pte_pa(e) == 0x12345000);
		KT_EXPECT(pte_prot(e) == want);
		KT_EXPECT(e & PTE_AF);
		/* W^X at both levels: executable means PXN or UXN clear, and the
		 * kernel never executes a user page. */
		if (!(want & PROT_X))
			KT_EXPECT((e & PTE_PXN) && (e & PTE_UXN));
		if (want & PROT_USER)
			KT_EXPECT(e & PTE_PXN);
	}
	/* User pages: EL0-accessible (AP[1]), tagged with the ASID (nG); user
	 * code runs at EL0 only (UXN clear, PXN set). */
	pte_t ucode = pte_leaf(0x5000, PROT_RX | PROT_USER), udata = pte_leaf(0x6000, PROT_RW | PROT_USER);
	KT_EXPECT((ucode & PTE_USER) && (ucode & PTE_NG) && (ucode & PTE_RDONLY));
	KT_EXPECT((ucode & PTE_PXN) && !(ucode & PTE_UXN));
	KT_EXPECT((udata & PTE_USER) && (udata & PTE_NG) && !(udata & PTE_RDONLY));
	KT_EXPECT((udata & PTE_PXN) && (udata & PTE_UXN));
	pte_t kcode = pte_leaf(0x7000, PROT_RX | PROT_GLOBAL);
	KT_EXPECT(!(kcode & PTE_USER) && !(kcode & PTE_NG) && !(kcode & PTE_PXN) && (kcode & PTE_UXN));
	KT_EXPECT(pte_is_leaf(pte_leaf(0, PROT_R), 0));
	KT_EXPECT(!pte_is_leaf(pte_table(0x1000), 1));
	KT_EXPECT(pte_is_leaf(0x40000000ULL | PTE_VALID, 2));     /* a 1 GiB block */
	KT_EXPECT(!pte_valid(0));
}

/* What the kernel's tree says about its own image, and what the MMU does. */
KTEST(aarch64_wx_enforced)
{
	struct ptable *kpt = kernel_ptable();
	unsigned prot;
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_text, NULL, &prot));
	KT_EXPECT((prot & PROT_X) && !(prot & PROT_W));
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_rodata, NULL, &prot));
	KT_EXPECT(!(prot & PROT_X) && !(prot & PROT_W));
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_data, NULL, &prot));
	KT_EXPECT(!(prot & PROT_X) && (prot & PROT_W));
	/* Stores to text and rodata fault (and are recovered). */
	uint64_t word;
	KT_ASSERT(arch_probe_read64(_rodata, &word));
	KT_EXPECT(!probe_write64(_rodata, word));
	KT_ASSERT(arch_probe_read64(_text, &word));
	KT_EXPECT(!probe_write64(_text, word));
	static uint64_t scratch;
	KT_EXPECT(probe_write64(&scratch, 0x5a) && scratch == 0x5a);
}

KTEST(aarch64_dt_gic_specifiers)
{
	const void *dtb = boot_dtb();
	int gic = -1;
	for (int n = dt_root(dtb); n >= 0 && gic < 0; n = dt_next_node(dtb, n, NULL))
		if (gic_node_version(dtb, n))
			gic = n;
	KT_ASSERT(gic >= 0);
	unsigned line = 0, flags = 99;
	const uint32_t spi_edge[3] = { 0, 16, 1 }, ppi_level[3] = { 1, 11, 4 };
	const uint32_t ppi_v2[3] = { 1, 14, 0xf04 }, spi_low[3] = { 0, 3, 8 };
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_edge, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 48 && flags == IRQ_EDGE);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, ppi_level, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 27 && flags == IRQ_LEVEL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, ppi_v2, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 30 && flags == IRQ_LEVEL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_low, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 35 && flags == (IRQ_LEVEL | IRQ_ACTIVE_LOW));
	const uint32_t bad_type[3] = { 2, 0, 4 }, bad_ppi[3] = { 1, 16, 4 }, bad_trig[3] = { 0, 1, 3 };
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_type, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_ppi, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_trig, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_edge, 2, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, dt_root(dtb), spi_edge, 3, &line, &flags) == K_ENODEV);
}

static void never_called(void *arg) { (void)arg; }

KTEST(aarch64_irq_attach_rejects)
{
	KT_EXPECT(arch_irq_attach(1, IRQ_EDGE, never_called, NULL) == K_EINVAL);    /* an SGI */
	KT_EXPECT(arch_irq_attach(4000, IRQ_EDGE, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, 0x80, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, IRQ_LEVEL | IRQ_ACTIVE_LOW, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, IRQ_EDGE, NULL, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(27, IRQ_LEVEL, never_called, NULL) == K_EBUSY);   /* the timer */
	uint64_t addr;
	uint32_t data;
	KT_EXPECT(arch_msi_alloc(never_called, NULL, &addr, &data) == K_ENODEV);
	KT_EXPECT(arch_msi_alloc(NULL, NULL, &addr, &data) == K_EINVAL);
}

/* The virtual timer's condition, seen directly: armed in the past it
 * asserts ISTATUS at once; cancelled it does not.  Whatever the kernel had
 * armed (a sleeping thread's timeout, a quantum) is put back afterwards. */
static uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

KTEST(aarch64_virtual_timer_status)
{
	irqflags_t f = arch_irq_save();
	uint64_t saved_ctl = read_sysreg(cntv_ctl_el0), saved_cval = read_sysreg(cntv_cval_el0);
	uint64_t now = counter_now();
	write_sysreg(cntv_cval_el0, now - 1);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	isb();
	KT_EXPECT(read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS);
	write_sysreg(cntv_cval_el0, now + generic_timer_hz() * 10);
	isb();
	KT_EXPECT(!(read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS));
	write_sysreg(cntv_cval_el0, saved_cval);
	write_sysreg(cntv_ctl_el0, saved_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK));
	isb();
	arch_irq_restore(f);

	/* Ten milliseconds of counter are ten milliseconds of clock.  Each
	 * clock reading is bracketed by two counter readings, so the clock
	 * must fall inside the bracket; a host that deschedules the vCPU
	 * inside a bracket only widens it, and a bracket too wide to judge is
	 * measured again. */
	uint64_t hz = generic_timer_hz();
	bool judged = false, agrees = false;
	for (int attempt = 0; attempt < 5 && !judged; attempt++) {
		f = arch_irq_save();
		uint64_t c0 = counter_now(), t0 = clock_ns(), c0b = counter_now();
		while (counter_now() - c0 < hz / 100)
			arch_cpu_relax();
		uint64_t c1 = counter_now(), t1 = clock_ns(), c1b = counter_now();
		arch_irq_restore(f);
		uint64_t lo = (c1 - c0b) * NSEC_PER_SEC / hz, hi = (c1b - c0) * NSEC_PER_SEC / hz;
		if (hi - lo > NSEC_PER_MSEC)
			continue;
		judged = true;
		uint64_t dt = t1 - t0;
		agrees = lo >= 9 * NSEC_PER_MSEC && dt + NSEC_PER_USEC >= lo && dt <= hi + NSEC_PER_USEC;
		if (!agrees)
			ktest_note("clock %llu ns against counter %llu..%llu ns", (unsigned long long)dt,
				   (unsigned long long)lo, (unsigned long long)hi);
	}
	KT_EXPECT(judged && agrees);
}

KTEST(aarch64_smccc)
{
	char text[37];
	const uint32_t kvm[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };
	smccc_uid_format(kvm, text);
	KT_EXPECT(strcmp(text, "28b46fb6-2ec5-11e9-a9ca-4b564d003a74") == 0);
	/* Without a conduit nothing is issued: every call reads as refused. */
	enum smccc_conduit saved = smccc_conduit();
	smccc_set_conduit(SMCCC_CONDUIT_NONE);
	struct smccc_res none = smccc_call(PSCI_VERSION_FID, 0, 0, 0);
	smccc_set_conduit(saved);
	KT_EXPECT(smccc_ret32(none) == SMCCC_RET_NOT_SUPPORTED);
	if (smccc_conduit() == SMCCC_CONDUIT_NONE) {
		ktest_note("skipped the calls: no SMCCC conduit in the device tree");
		return;
	}
	KT_EXPECT(psci_version() >= 0x2);          /* 0.2 or later: the DT says so */
	KT_EXPECT(smccc_probe()->version >= 0x10000);
	/* A function nobody implements (SiP range, last id) is refused
	 * cleanly, whoever answers. */
	KT_EXPECT(smccc_ret32(smccc_call(0x8200fffe, 0, 0, 0)) == SMCCC_RET_NOT_SUPPORTED);
	ktest_note("PSCI %u.%u, SMCCC %u.%u", psci_version() >> 16, psci_version() & 0xffff,
		   smccc_probe()->version >> 16, smccc_probe()->version & 0xffff);
}

/* --- threads and user mode ------------------------------------------------ */

static void fpsimd_pattern(struct arch_fpsimd *fp, uint64_t seed)
{
	for (unsigned i = 0; i < 64; i++)
		fp->v[i] = seed * 0x9e3779b97f4a7c15ULL + i * 0x0101010101010101ULL;
	/* Architected bits only: AHP, DN, FZ, RMode; and the cumulative flags
	 * with QC. */
	fp->fpcr = (seed & 1 ? 0x07c00000ULL : 0x02400000ULL);
	fp->fpsr = (seed & 1 ? 0x0800009fULL : 0x00000011ULL);
}

KTEST(aarch64_fpsimd_save_area)
{
	static struct arch_fpsimd orig, a, b;
	irqflags_t f = arch_irq_save();
	aarch64_fpsimd_save(&orig);
	fpsimd_pattern(&a, 3);
	memset(&b, 0, sizeof(b));
	aarch64_fpsimd_load(&a);
	aarch64_fpsimd_save(&b);
	aarch64_fpsimd_load(&orig);
	arch_irq_restore(f);
	KT_EXPECT(memcmp(a.v, b.v, sizeof(a.v)) == 0);
	KT_EXPECT(b.fpcr == a.fpcr);
	KT_EXPECT(b.fpsr == a.fpsr);
}

/* Two contexts on one CPU, switched by hand (interrupts off, so nothing
 * else runs): each must get back its own callee-saved registers, FP/SIMD
 * registers and TPIDR_EL0. */
static struct thread kt_main, kt_other;
static struct arch_fpsimd kt_fp_main, kt_fp_other, kt_fp_other_sets, kt_fp_seen, kt_fp_back;
static uint64_t kt_tpidr_seen;
/* Not static: written only by the inline assembly, which the compiler must
 * not assume leaves it alone. */
uint64_t kt_callee_after[10];
static uint8_t kt_other_stack[4096] __aligned(16);

static __noreturn void kt_other_side(void)
{
	aarch64_fpsimd_save(&kt_fp_seen);
	kt_tpidr_seen = read_sysreg(tpidr_el0);
	aarch64_fpsimd_load(&kt_fp_other_sets);
	write_sysreg(tpidr_el0, 0x5e7);
	arch_context_switch(&kt_other, &kt_main);
	for (;;)
		arch_cpu_relax();          /* never switched to again */
}

KTEST(aarch64_context_switch)
{
	static struct arch_fpsimd orig;
	irqflags_t f = arch_irq_save();
	uint64_t tpidr = read_sysreg(tpidr_el0);
	aarch64_fpsimd_save(&orig);

	memset(&kt_other.arch, 0, sizeof(kt_other.arch));
	kt_other.arch.sp = (uint64_t)(uintptr_t)(kt_other_stack + sizeof(kt_other_stack));
	kt_other.arch.lr = (uint64_t)(uintptr_t)kt_other_side;
	kt_other.arch.tpidr_el0 = 0x07e4;
	fpsimd_pattern(&kt_fp_other, 5);
	kt_other.arch.fp = kt_fp_other;
	fpsimd_pattern(&kt_fp_other_sets, 6);
	fpsimd_pattern(&kt_fp_main, 7);
	aarch64_fpsimd_load(&kt_fp_main);
	write_sysreg(tpidr_el0, 0x3a1);

	__asm__ volatile(
		"mov x19, #0x1900\n mov x20, #0x1a00\n mov x21, #0x1b00\n mov x22, #0x1c00\n"
		"mov x23, #0x1d00\n mov x24, #0x1e00\n mov x25, #0x1f00\n mov x26, #0x2000\n"
		"mov x27, #0x2100\n mov x28, #0x2200\n"
		"adrp x0, kt_main\n add x0, x0, :lo12:kt_main\n"
		"adrp x1, kt_other\n add x1, x1, :lo12:kt_other\n"
		"bl arch_context_switch\n"
		"adrp x9, kt_callee_after\n add x9, x9, :lo12:kt_callee_after\n"
		"stp x19, x20, [x9, #0]\n stp x21, x22, [x9, #16]\n stp x23, x24, [x9, #32]\n"
		"stp x25, x26, [x9, #48]\n stp x27, x28, [x9, #64]\n"
		::: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		    "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22",
		    "x23", "x24", "x25", "x26", "x27", "x28", "x30", "cc", "memory");

	aarch64_fpsimd_save(&kt_fp_back);
	uint64_t tpidr_back = read_sysreg(tpidr_el0);
	write_sysreg(tpidr_el0, tpidr);
	aarch64_fpsimd_load(&orig);
	arch_irq_restore(f);

	/* The other side started with its own saved state... */
	KT_EXPECT(memcmp(kt_fp_seen.v, kt_fp_other.v, sizeof(kt_fp_seen.v)) == 0);
	KT_EXPECT(kt_fp_seen.fpcr == kt_fp_other.fpcr && kt_fp_seen.fpsr == kt_fp_other.fpsr);
	KT_EXPECT(kt_tpidr_seen == 0x07e4);
	/* ...and what it left was saved on the way out... */
	KT_EXPECT(memcmp(kt_other.arch.fp.v, kt_fp_other_sets.v, sizeof(kt_fp_other_sets.v)) == 0);
	KT_EXPECT(kt_other.arch.fp.fpcr == kt_fp_other_sets.fpcr);
	KT_EXPECT(kt_other.arch.tpidr_el0 == 0x5e7);
	/* ...while this side got all of its own back. */
	KT_EXPECT(memcmp(kt_fp_back.v, kt_fp_main.v, sizeof(kt_fp_main.v)) == 0);
	KT_EXPECT(kt_fp_back.fpcr == kt_fp_main.fpcr && kt_fp_back.fpsr == kt_fp_main.fpsr);
	KT_EXPECT(tpidr_back == 0x3a1);
	for (unsigned i = 0; i < 10; i++)
		KT_EXPECT(kt_callee_after[i] == 0x1900 + 0x100 * i);
}

KTEST(aarch64_thread_first_context)
{
	static struct thread t;
	static uint8_t stack[KSTACK_SIZE] __aligned(16);
	memset(&t, 0xa5, sizeof(t));
	t.kstack = stack;
	arch_thread_init(&t);
	/* Below the room kept for the user frame at the top. */
	KT_EXPECT(t.arch.sp == (uint64_t)(uintptr_t)(stack + KSTACK_SIZE - TF_SIZE));
	KT_EXPECT(t.arch.sp % 16 == 0);
	KT_EXPECT(t.arch.lr == (uint64_t)(uintptr_t)aarch64_thread_start);
	KT_EXPECT(t.arch.x19_x29[10] == 0);              /* x29: backtraces end */
	KT_EXPECT(t.arch.tpidr_el0 == 0 && t.arch.fp.fpcr == 0 && t.arch.fp.fpsr == 0);
	bool clean = true;
	for (unsigned i = 0; i < 64; i++)
		clean &= t.arch.fp.v[i] == 0;
	KT_EXPECT(clean);                                /* nothing of a previous owner */
}

/* A user space of two pages at KT_UVA: read-write, then read-only; the
 * next page is unmapped. */
#define KT_UVA 0x40000000UL

struct kt_space {
	struct ptable pt;
	paddr_t rw, ro;
};

static bool kt_space_create(struct kt_space *s, uint8_t seed)
{
	if (ptable_create(&s->pt) < 0)
		return false;
	s->rw = ptable_page_alloc();
	s->ro = ptable_page_alloc();
	if (s->rw == PADDR_NONE || s->ro == PADDR_NONE)
		return false;
	uint8_t *rw = phys_to_virt(s->rw), *ro = phys_to_virt(s->ro);
	for (unsigned i = 0; i < PAGE_SIZE; i++) {
		rw[i] = (uint8_t)(seed + i * 7);
		ro[i] = (uint8_t)(seed + 0x80 + i * 3);
	}
	return ptable_map(&s->pt, KT_UVA, s->rw, PAGE_SIZE, PROT_RW | PROT_USER) == K_OK &&
	       ptable_map(&s->pt, KT_UVA + PAGE_SIZE, s->ro, PAGE_SIZE, PROT_R | PROT_USER) == K_OK;
}

static void kt_space_destroy(struct kt_space *s)
{
	bool have_tree = s->pt.root && s->pt.root != PADDR_NONE;
	if (have_tree)
		ptable_unmap(&s->pt, KT_UVA, 2 * PAGE_SIZE);     /* flushes the TLB */
	if (s->rw != PADDR_NONE)
		ptable_page_free(s->rw);
	if (s->ro != PADDR_NONE)
		ptable_page_free(s->ro);
	if (have_tree)
		ptable_destroy(&s->pt);
}

static bool pan_probe_without_pan(const void *addr, uint64_t *out)
{
	__asm__ volatile(".arch_extension pan\n msr pan, #0" ::: "memory");
	bool ok = arch_probe_read64(addr, out);
	__asm__ volatile(".arch_extension pan\n msr pan, #1" ::: "memory");
	return ok;
}

KTEST(aarch64_pan_and_uaccess)
{
	static struct kt_space s;
	static uint8_t buf[PAGE_SIZE + 64];
	memset(&s, 0, sizeof(s));
	s.rw = s.ro = PADDR_NONE;
	bool made = kt_space_create(&s, 0x11);
	if (!made) {
		kt_space_destroy(&s);
		KT_ASSERT(made);
	}
	const uint8_t *rw = phys_to_virt(s.rw), *ro = phys_to_virt(s.ro);
	struct aarch64_user_regs saved;
	aarch64_user_space_save(&saved);
	arch_user_space_activate(&s.pt, 0);

	/* PAN stops a plain kernel read of a mapped user page: the same read
	 * with PAN cleared for a moment succeeds. */
	uint64_t word = 0;
	if (aarch64_has_pan()) {
		KT_EXPECT(pan_enabled());
		KT_EXPECT(!arch_probe_read64((void *)KT_UVA, &word));
		KT_EXPECT(pan_probe_without_pan((void *)KT_UVA, &word));
		KT_EXPECT(pan_enabled());
	} else {
		ktest_note("PAN not implemented (ID_AA64MMFR1_EL1.PAN = 0): plain reads work");
		KT_EXPECT(arch_probe_read64((void *)KT_UVA, &word));
	}
	KT_EXPECT(memcmp(&word, rw, 8) == 0);

	/* The copy routines work either way: every length and misalignment
	 * through the 32-, 8- and 1-byte loops. */
	bool all_good = true;
	for (unsigned off = 0; off < 9; off++)
		for (unsigned len = 0; len <= 72; len++) {
			memset(buf, 0xee, len + 1);
			all_good &= arch_copy_from_user(buf, (void *)(KT_UVA + off), len) == 0;
			all_good &= memcmp(buf, rw + off, len) == 0 && buf[len] == 0xee;
		}
	KT_EXPECT(all_good);
	/* Across into the read-only page (readable): fine. */
	KT_EXPECT(arch_copy_from_user(buf, (void *)(KT_UVA + PAGE_SIZE - 13), 40) == 0);
	KT_EXPECT(memcmp(buf, rw + PAGE_SIZE - 13, 13) == 0 && memcmp(buf + 13, ro, 27) == 0);

	/* Writes land in the user page; a write to the read-only page is
	 * refused (sttr is checked with EL0's permissions) and changes nothing. */
	for (unsigned i = 0; i < 100; i++)
		buf[i] = (uint8_t)(0xc0 ^ i);
	KT_EXPECT(arch_copy_to_user((void *)(KT_UVA + 5), buf, 100) == 0);
	KT_EXPECT(memcmp(rw + 5, buf, 100) == 0);
	uint8_t ro_before = ro[0];
	KT_EXPECT(arch_copy_to_user((void *)(KT_UVA + PAGE_SIZE), buf, 1) == K_EFAULT);
	KT_EXPECT(ro[0] == ro_before);

	/* Unmapped user memory, and kernel memory reached through a "user"
	 * pointer, both end the copy with K_EFAULT. */
	KT_EXPECT(arch_copy_from_user(buf, (void *)(KT_UVA + 2 * PAGE_SIZE), 8) == K_EFAULT);
	KT_EXPECT(arch_copy_from_user(buf, (void *)(KT_UVA + 2 * PAGE_SIZE - 4), 8) == K_EFAULT);
	KT_EXPECT(arch_copy_from_user(buf, (const void *)ktest_note, 8) == K_EFAULT);
	static uint64_t kernel_word = 0x1234;
	KT_EXPECT(arch_copy_to_user(&kernel_word, buf, 8) == K_EFAULT && kernel_word == 0x1234);
	if (aarch64_has_pan())
		KT_EXPECT(pan_enabled());

	aarch64_user_space_restore(&saved);
	kt_space_destroy(&s);
}

/* The same user address in three spaces: each ASID sees its own page, and
 * a space that takes over an ASID does not see its predecessor's. */
KTEST(aarch64_asid_spaces)
{
	static struct kt_space sp[3];
	for (unsigned i = 0; i < 3; i++) {
		memset(&sp[i], 0, sizeof(sp[i]));
		sp[i].rw = sp[i].ro = PADDR_NONE;
	}
	bool made = true;
	for (unsigned i = 0; i < 3; i++)
		made &= kt_space_create(&sp[i], (uint8_t)(0x20 * (i + 1)));
	struct aarch64_user_regs saved;
	aarch64_user_space_save(&saved);
	uint8_t b = 0;
	if (made) {
		arch_user_space_activate(&sp[0].pt, 1);
		KT_EXPECT(read_sysreg(ttbr0_el1) >> TTBR_ASID_SHIFT == 1);
		KT_EXPECT((read_sysreg(ttbr0_el1) & PTE_ADDR_MASK) == sp[0].pt.root);
		KT_EXPECT(!(read_sysreg(tcr_el1) & TCR_EPD0));
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == 0 && b == 0x20);
		arch_user_space_activate(&sp[1].pt, 2);
		KT_EXPECT(read_sysreg(ttbr0_el1) >> TTBR_ASID_SHIFT == 2);
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == 0 && b == 0x40);
		arch_user_space_activate(&sp[0].pt, 1);
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == 0 && b == 0x20);
		/* ASID 1 handed to another space. */
		arch_user_space_activate(&sp[2].pt, 1);
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == 0 && b == 0x60);
		/* Without an ASID of its own: not ASID 0, which means "none". */
		arch_user_space_activate(&sp[1].pt, 0);
		KT_EXPECT(read_sysreg(ttbr0_el1) >> TTBR_ASID_SHIFT != 0);
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == 0 && b == 0x40);
		/* No user space: nothing low is reachable. */
		arch_user_space_activate(NULL, 0);
		KT_EXPECT(read_sysreg(tcr_el1) & TCR_EPD0);
		KT_EXPECT(read_sysreg(ttbr0_el1) == 0);
		KT_EXPECT(arch_copy_from_user(&b, (void *)KT_UVA, 1) == K_EFAULT);
	}
	aarch64_user_space_restore(&saved);
	for (unsigned i = 0; i < 3; i++)
		kt_space_destroy(&sp[i]);
	KT_EXPECT(made);
}

/* The system-call path on a frame as trap_entry.S builds it for an svc
 * from EL0: the number from x8, the result in x0, nothing else touched. */
KTEST(aarch64_svc_frame)
{
	KT_EXPECT(TF_SP == 31 * 8 && TF_ELR == TF_SP + 8 && TF_SIZE % 16 == 0);
	static struct trap_frame tf;
	for (unsigned i = 0; i < 31; i++)
		tf.x[i] = 0xa000 + i;
	tf.sp = 0x7ffff0;
	tf.elr = 0x400004;
	tf.spsr = 0;
	tf.esr = (uint64_t)EC_SVC64 << 26 | 1u << 25;
	tf.far = 0;
	tf.kind = TRAP_FROM_EL0_64 | TRAP_SYNC;
	struct trap_frame before = tf;

	tf.x[8] = (uint64_t)(long)TRAP_MACHV_CLOCK_NS;
	uint64_t t0 = clock_ns();
	aarch64_el0_svc(&tf);
	uint64_t t1 = clock_ns();
	KT_EXPECT(tf.x[0] >= t0 && tf.x[0] <= t1);
	bool untouched = tf.x[8] == (uint64_t)(long)TRAP_MACHV_CLOCK_NS;
	for (unsigned i = 1; i < 31; i++)
		untouched &= i == 8 || tf.x[i] == before.x[i];
	untouched &= tf.sp == before.sp && tf.elr == before.elr && tf.spsr == before.spsr;
	KT_EXPECT(untouched);

	/* The self-test thread has no task, so no port space: the thread
	 * port's name is MACH_PORT_NULL (ipc/mach_msg.h). */
	tf.x[8] = (uint64_t)(long)TRAP_MACH_THREAD_SELF;
	tf.x[0] = 0x5555;
	aarch64_el0_svc(&tf);
	KT_EXPECT(tf.x[0] == 0);

	/* The access of an abort, from its syndrome. */
	const uint64_t dabt = (uint64_t)EC_DABT_LOWER << 26, iabt = (uint64_t)EC_IABT_LOWER << 26;
	KT_EXPECT(aarch64_abort_access(dabt | FSC_TRANSLATION(3)) == VM_FAULT_READ);
	KT_EXPECT(aarch64_abort_access(dabt | ISS_WNR | 0x0f) == VM_FAULT_WRITE);
	KT_EXPECT(aarch64_abort_access(dabt | ISS_WNR | ISS_CM | 0x07) == VM_FAULT_READ);
	KT_EXPECT(aarch64_abort_access(iabt | 0x0f) == VM_FAULT_EXEC);
}
