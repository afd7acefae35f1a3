/* In-kernel self-tests of riscv64-only paths: breakpoints and the
 * exception table, the SBI as probed, the PLIC's delivery to this hart's
 * S-mode context, interrupt routing arguments, the timer's pending and
 * enable bits, the page-table entry format and W^X in the live tables, the
 * image header loaders read; and for threads and user mode: the FP state
 * across switches, user memory closed to the kernel outside the copy
 * routines (SUM), user address spaces (kernel half, ASIDs), and a real
 * ecall from user mode with its frame. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/timer.h>
#include <kern/vm_map.h>
#include <kern/waitq.h>
#include <machine/csr.h>
#include <machine/pte.h>
#include <machine/trap.h>
#include <kern/boot_info.h>
#include "hv/hv.h"
#include "hv/sbi/sbi.h"
#include "riscv.h"

extern char _text[], _etext[], _rodata[], _data[], _kernel_end[];

KTEST(riscv_breakpoint)
{
	unsigned long before = riscv_breakpoint_count();
	volatile int reached = 0;
	__asm__ volatile(".4byte 0x00100073" ::: "memory");   /* ebreak */
	reached = 1;
	__asm__ volatile(".2byte 0x9002" ::: "memory");       /* c.ebreak */
	KT_EXPECT(reached == 1);                  /* execution went on, both lengths */
	KT_EXPECT(riscv_breakpoint_count() == before + 2);
}

/* The exception table recovers any exception at a listed instruction, not
 * only faulting loads: the Sstc probe relies on it for illegal CSRs. */
KTEST(riscv_extable_illegal_instruction)
{
	unsigned long recovered = 0;
	__asm__ volatile(
		"1: .4byte 0\n"            /* all-zero: defined as illegal */
		"   j 3f\n"
		"2: li %0, 1\n"
		"3:\n"
		"   .pushsection .extable, \"a\"\n"
		"   .balign 8\n"
		"   .dword 1b, 2b\n"
		"   .popsection\n"
		: "+r"(recovered) :: "memory");
	KT_EXPECT(recovered == 1);
	/* A misaligned probe either works (emulated) or is refused: no crash. */
	static const uint64_t words[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL };
	uint64_t v = 0;
	if (arch_probe_read64((const char *)words + 4, &v))
		KT_EXPECT(v == 0xddeeff0011223344ULL);
}

KTEST(riscv_sbi)
{
	char desc[128];
	sbi_describe(desc, sizeof(desc));
	ktest_note("%s", desc);
	KT_ASSERT(sbi_spec_version() >= (0UL << 24 | 2));   /* BASE exists */
	KT_EXPECT(sbi_impl_name(sbi_impl_id()) != NULL);
	KT_EXPECT(sbi_has(SBI_TIME) && sbi_has(SBI_SRST) && sbi_has(SBI_HSM));
	/* Only the KVM-family ids name a hypervisor: OpenSBI is firmware. */
	if (sbi_impl_id() == SBI_IMPL_OPENSBI)
		KT_EXPECT(strcmp(hv_name(), "none") == 0);
	if (sbi_impl_id() == SBI_IMPL_KVM)
		KT_EXPECT(strcmp(hv_name(), "KVM") == 0);

	/* HSM agrees on which hart is running this; every other hart of the
	 * device tree exists and waits to be started (SMP comes later). */
	const void *dtb = phys_to_virt(boot_info.dtb);
	KT_EXPECT(sbi_hart_status(riscv_boot_hart) == SBI_HSM_STARTED);
	uint64_t id;
	unsigned others = 0;
	for (int n = dt_cpu_next(dtb, -1, &id); n >= 0; n = dt_cpu_next(dtb, n, &id)) {
		if (id == riscv_boot_hart)
			continue;
		others++;
		KT_EXPECT(sbi_hart_status(id) == SBI_HSM_STOPPED);
	}
	KT_EXPECT(sbi_hart_status(~0UL >> 1) == K_EINVAL);     /* no such hart */
	ktest_note("boot hart %lu, %u other hart(s) stopped", riscv_boot_hart, others);
}

static volatile bool thre_armed;
static volatile unsigned thre_seen;

static void thre_handler(void *arg)
{
	if (!thre_armed)
		return;
	thre_seen++;
	uart_set_thre_interrupt(false);   /* lowers the line */
}

/* A real device interrupt through the PLIC: an idle UART raises its
 * transmitter-empty interrupt as soon as it is enabled.  With interrupts
 * off it must show as pending at the PLIC and as sip.SEIP on this hart
 * (the right context was found); with them on it must reach a handler
 * sharing the UART's line, and be claimed and completed. */
KTEST(riscv_plic_delivery)
{
	static bool attached;
	unsigned line = uart_irq();
	if (!uart_present() || !line) {
		ktest_note("skipped: no UART interrupt routed through the PLIC");
		return;
	}
	if (!attached)
		KT_ASSERT(arch_irq_attach(line, IRQ_LEVEL, thre_handler, NULL) == K_OK);
	attached = true;

	irqflags_t f = arch_irq_save();
	thre_seen = 0;
	thre_armed = true;
	uart_set_thre_interrupt(true);
	bool pending = false, seip = false;
	for (int i = 0; i < 100000 && !(pending && seip); i++) {
		pending = plic_pending(line);
		seip = csr_read(sip) & SIP_SEIP;
	}
	KT_EXPECT(pending);
	KT_EXPECT(seip);
	KT_EXPECT(thre_seen == 0);
	arch_irq_enable();
	for (int i = 0; i < 1000000 && thre_seen == 0; i++)
		arch_cpu_relax();
	arch_irq_disable();
	thre_armed = false;
	uart_set_thre_interrupt(false);
	KT_EXPECT(thre_seen >= 1);
	KT_EXPECT(!(csr_read(sip) & SIP_SEIP));   /* claimed and completed */
	arch_irq_restore(f);
}

static void never_called(void *arg) { (void)arg; }

KTEST(riscv_irq_attach_rejects)
{
	uint64_t addr;
	uint32_t data;
	KT_EXPECT(arch_msi_alloc(never_called, NULL, &addr, &data) == K_ENODEV);
	if (plic_node() < 0) {
		KT_EXPECT(arch_irq_attach(1, IRQ_LEVEL, never_called, NULL) == K_ENODEV);
		ktest_note("skipped the rest: no PLIC (an AIA-only machine?)");
		return;
	}
	KT_EXPECT(arch_irq_attach(0, IRQ_LEVEL, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(plic_sources() + 1, IRQ_LEVEL, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(1, 0x80, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(1, IRQ_LEVEL, NULL, NULL) == K_EINVAL);
	/* The UART's line is level-triggered: an edge handler cannot share it. */
	if (uart_irq())
		KT_EXPECT(arch_irq_attach(uart_irq(), IRQ_EDGE, never_called, NULL) == K_EBUSY);

	const void *dtb = phys_to_virt(boot_info.dtb);
	unsigned line = 0, flags = 0;
	uint32_t cells[2] = { 7, 4 };
	KT_EXPECT(arch_dt_irq_decode(dtb, plic_node(), cells, 1, &line, &flags) == K_OK);
	KT_EXPECT(line == 7 && flags == IRQ_LEVEL);
	KT_EXPECT(arch_dt_irq_decode(dtb, plic_node(), cells, 2, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, dt_root(dtb), cells, 1, &line, &flags) == K_ENODEV);
	cells[0] = 0;
	KT_EXPECT(arch_dt_irq_decode(dtb, plic_node(), cells, 1, &line, &flags) == K_EINVAL);
	cells[0] = plic_sources() + 1;
	KT_EXPECT(arch_dt_irq_decode(dtb, plic_node(), cells, 1, &line, &flags) == K_EINVAL);
}

static void fired(struct timer_event *ev) { *(volatile bool *)ev->arg = true; }

/* The timer interrupt is pending (sip.STIP) once its deadline passes and
 * enabled (sie.STIE) only while an event waits. */
KTEST(riscv_timer_bits)
{
	/* The scheduler leaves its quantum timer to lapse rather than cancel
	 * it: let any such timer fire first, so that ours is the only one. */
	uint64_t drain = clock_ns() + 100 * NSEC_PER_MSEC;
	while ((csr_read(sie) & SIE_STIE) && clock_ns() < drain)
		arch_cpu_relax();
	irqflags_t f = arch_irq_save();
	volatile bool done = false;
	struct timer_event ev = { .fn = fired, .arg = (void *)&done };
	KT_EXPECT(!(csr_read(sie) & SIE_STIE));   /* nothing pending at the start */
	timer_add(&ev, clock_ns() + 100 * NSEC_PER_USEC);
	KT_EXPECT(csr_read(sie) & SIE_STIE);
	uint64_t give_up = clock_ns() + 100 * NSEC_PER_MSEC;
	while (!(csr_read(sip) & SIP_STIP) && clock_ns() < give_up)
		arch_cpu_relax();
	KT_EXPECT(csr_read(sip) & SIP_STIP);
	KT_EXPECT(!done);                         /* interrupts are off */
	arch_irq_enable();
	while (!done && clock_ns() < give_up)
		arch_cpu_relax();
	arch_irq_disable();
	KT_EXPECT(done);
	KT_EXPECT(!(csr_read(sie) & SIE_STIE));
	KT_EXPECT(!(csr_read(sip) & SIP_STIP));
	ktest_note("timer: %s", riscv_timer_uses_sstc() ? "Sstc" : "SBI TIME");
	arch_irq_restore(f);
}

KTEST(riscv_pte_format)
{
	paddr_t pa = 0x123456789000ULL;
	pte_t t = pte_table(pa);
	KT_EXPECT(pte_valid(t) && !pte_is_leaf(t, 2) && pte_pa(t) == pa);
	KT_EXPECT((t & (PTE_RWX | PTE_U | PTE_A | PTE_D)) == 0);
	static const unsigned protos[] = {
		PROT_R, PROT_RW, PROT_RX, PROT_R | PROT_GLOBAL, PROT_RW | PROT_USER,
		PROT_RW | PROT_NOCACHE | PROT_GLOBAL,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(protos); i++) {
		pte_t e = pte_leaf(pa, protos[i]);
		KT_EXPECT(pte_valid(e) && pte_is_leaf(e, 0) && pte_is_leaf(e, 2));
		KT_EXPECT(pte_pa(e) == pa);
		KT_EXPECT(pte_prot(e) == protos[i]);
		KT_EXPECT(e & PTE_A);
		KT_EXPECT(!(e & PTE_W) || (e & PTE_D));
	}
	/* User pages are never global: one task's page would show through
	 * every other task's ASID. */
	pte_t user = pte_leaf(pa, PROT_RW | PROT_USER | PROT_GLOBAL);
	KT_EXPECT((user & PTE_U) && !(user & PTE_G));
	pte_t dev = pte_leaf(pa, PROT_RW | PROT_NOCACHE);
	KT_EXPECT((dev & PTE_PBMT_MASK) == (hart_has_ext("svpbmt") ? PTE_PBMT_IO : 0));
	KT_EXPECT((pte_leaf(pa, PROT_RW) & PTE_PBMT_MASK) == 0);
}

KTEST(riscv_paging)
{
	unsigned long satp = csr_read(satp);
	unsigned long mode = satp >> SATP_MODE_SHIFT;
	KT_EXPECT(mode == (pt_levels() == 4 ? SATP_MODE_SV48 : SATP_MODE_SV39));
	KT_EXPECT((satp & SATP_PPN_MASK) == kernel_ptable()->root >> 12);
	KT_EXPECT(!(csr_read(sstatus) & SSTATUS_SUM));
	ktest_note("%s, %zu page-table pages", hart_mmu_name(), kernel_ptable()->table_pages);

	/* W^X in the live tables. */
	struct { const void *va; unsigned want, forbid; } checks[] = {
		{ _text, PROT_R | PROT_X, PROT_W },
		{ _rodata, PROT_R, PROT_W | PROT_X },
		{ _data, PROT_R | PROT_W, PROT_X },
		{ phys_to_virt(virt_to_phys(_data)), PROT_R | PROT_W, PROT_X },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(checks); i++) {
		paddr_t pa;
		unsigned prot;
		KT_ASSERT(ptable_translate(kernel_ptable(), (vaddr_t)checks[i].va, &pa, &prot));
		KT_EXPECT((prot & checks[i].want) == checks[i].want);
		KT_EXPECT(!(prot & checks[i].forbid));
		KT_EXPECT(prot & PROT_GLOBAL);
	}
	/* Nothing in the lower half, nothing at the boot identity map. */
	KT_EXPECT(!ptable_translate(kernel_ptable(), virt_to_phys(_text), NULL, NULL));
	KT_EXPECT(!ptable_translate(kernel_ptable(), 0, NULL, NULL));
}

static unsigned root_slot(vaddr_t va)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * (pt_levels() - 1))) & 511;
}

/* User roots copy the kernel root's upper half when they are made, so that
 * half must be complete from boot and never change: every part of the
 * kernel layout has its root entry, and mapping and unmapping kernel pages
 * (here in the test half of the ioremap window, where tables are made and
 * freed) happens below the root. */
KTEST(riscv_kernel_half_fixed)
{
	struct ptable *kpt = kernel_ptable();
	const pte_t *root = phys_to_virt(kpt->root);
	static pte_t before[256];
	memcpy(before, root + 256, sizeof(before));

	const vaddr_t layout[] = {
		(vaddr_t)phys_to_virt(virt_to_phys(_data)), IOREMAP_BASE,
		IOREMAP_BASE + IOREMAP_SIZE - 1, (vaddr_t)_text, (vaddr_t)_kernel_end - 1,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(layout); i++) {
		KT_EXPECT(root_slot(layout[i]) >= 256);
		KT_EXPECT(pte_valid(root[root_slot(layout[i])]));
	}
	KT_EXPECT(root_slot(USER_END - 1) < 256);

	const vaddr_t window = IOREMAP_BASE + IOREMAP_SIZE / 2;
	vaddr_t va = 0;
	for (vaddr_t v = window; v < IOREMAP_BASE + IOREMAP_SIZE && !va; v += PAGE_SIZE)
		if (!ptable_translate(kpt, v, NULL, NULL))
			va = v;
	KT_ASSERT(va != 0);
	paddr_t pa = page_alloc(0);
	KT_ASSERT(pa != PADDR_NONE);
	KT_ASSERT(ptable_map(kpt, va, pa, PAGE_SIZE, PROT_RW | PROT_GLOBAL) == K_OK);
	*(volatile uint64_t *)va = 42;
	KT_EXPECT(*(volatile uint64_t *)phys_to_virt(pa) == 42);
	KT_EXPECT(ptable_unmap(kpt, va, PAGE_SIZE) == K_OK);
	page_free(pa, 0);
	KT_EXPECT(memcmp(before, root + 256, sizeof(before)) == 0);
}

/* What a loader of the Linux boot protocol checks (boot-image-header.rst). */
KTEST(riscv_image_header)
{
	const uint8_t *h = (const uint8_t *)_text;
	uint64_t text_offset, image_size, flags;
	uint32_t version;
	memcpy(&text_offset, h + 8, 8);
	memcpy(&image_size, h + 16, 8);
	memcpy(&flags, h + 24, 8);
	memcpy(&version, h + 32, 4);
	KT_EXPECT(text_offset == 0x200000);
	KT_EXPECT(image_size == (uint64_t)(_kernel_end - _text));
	KT_EXPECT(flags == 0);
	KT_EXPECT(version == 2);
	KT_EXPECT(memcmp(h + 48, "RISCV\0\0\0", 8) == 0);
	KT_EXPECT(memcmp(h + 56, "RSC\x05", 4) == 0);
	/* code0 is a jal x0 (j) forward past the 64-byte header. */
	uint32_t code0;
	memcpy(&code0, h, 4);
	KT_EXPECT((code0 & 0xfff) == 0x06f);
	KT_EXPECT(IS_ALIGNED(virt_to_phys(_text), 2UL << 20));
}

/* --- threads and user mode ---------------------------------------------- */

static void fpu_pattern(struct fpu_state *f, uint64_t seed)
{
	for (unsigned i = 0; i < 32; i++)
		f->f[i] = seed * 0x9e3779b97f4a7c15ULL + i * 0x0101010101010101ULL;
	f->fcsr = (seed * 37 + 11) & 0xff;   /* frm (3 bits) and fflags (5) */
}

static bool fpu_same(const struct fpu_state *a, const struct fpu_state *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static struct fpu_state helper_wanted, helper_found;
static volatile bool helper_done;

/* A thread that, like a user thread with FP state, gets its registers
 * loaded when switched in; it checks them and leaves others behind. */
static void fpu_helper(void *arg)
{
	riscv_fpu_save(&helper_found);
	struct fpu_state junk;
	fpu_pattern(&junk, 99);
	riscv_fpu_load(&junk);
	thread_current()->arch.fs = FS_DIRTY;   /* as if a program had written them */
	helper_done = true;
}

/* f0-f31 and fcsr survive a trip through the registers bit for bit, and
 * a switch to a thread with other FP state and back: the switch saves this
 * thread's (Dirty) registers, loads the other's, and loads these again. */
KTEST(riscv_fpu_round_trip)
{
	if (!riscv_fpu_present()) {
		ktest_skip("the hart has no D extension");
		return;
	}
	struct fpu_state a, b, back;
	fpu_pattern(&a, 1);
	fpu_pattern(&b, 2);
	riscv_fpu_load(&a);
	riscv_fpu_save(&back);
	KT_EXPECT(fpu_same(&a, &back));
	riscv_fpu_load(&b);
	riscv_fpu_save(&back);
	KT_EXPECT(fpu_same(&b, &back));
	KT_EXPECT(((csr_read(sstatus) & SSTATUS_FS) >> SSTATUS_FS_SHIFT) == FS_OFF);

	struct thread *self = thread_current();
	KT_ASSERT(self && self->arch.fs == FS_OFF);   /* kernel threads have none */
	struct thread *h = thread_create_kernel("kt-fpu", fpu_helper, NULL, SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(h != NULL);
	fpu_pattern(&helper_wanted, 3);
	h->arch.fpu = helper_wanted;
	h->arch.fs = FS_CLEAN;
	helper_done = false;

	riscv_fpu_load(&a);
	self->arch.fs = FS_DIRTY;
	thread_start(h);
	for (int i = 0; i < 100 && !helper_done; i++)
		thread_sleep(NSEC_PER_MSEC);
	KT_EXPECT(helper_done);
	KT_EXPECT(fpu_same(&helper_found, &helper_wanted));
	KT_EXPECT(self->arch.fs == FS_CLEAN);          /* saved on the way out */
	KT_EXPECT(fpu_same(&self->arch.fpu, &a));
	riscv_fpu_save(&back);
	KT_EXPECT(fpu_same(&back, &a));                /* loaded on the way back */
	self->arch.fs = FS_OFF;
}

/* A small user address space: code and data in a fresh vm_map. */
struct kt_space {
	struct vm_map map;
	vaddr_t data, ro, absent;
};

static const char kt_bytes[] = "machv riscv64 user page";

static bool kt_space_make(struct kt_space *s)
{
	if (vm_map_init(&s->map) != K_OK)
		return false;
	s->data = s->ro = 0;
	if (vm_allocate(&s->map, &s->data, 4 * PAGE_SIZE, true, PROT_RW) != K_OK ||
	    vm_allocate(&s->map, &s->ro, PAGE_SIZE, true, PROT_R) != K_OK ||
	    vm_map_write(&s->map, s->data, kt_bytes, sizeof(kt_bytes)) != K_OK) {
		vm_map_destroy(&s->map);
		return false;
	}
	s->absent = s->data + 64 * PAGE_SIZE;   /* in no region */
	return true;
}

/* With a user map active and SUM clear, the kernel cannot read a user page
 * even through a fault-tolerant load (the hart refuses S-mode accesses to
 * U pages), while the copy routines can, and bring in pages not yet
 * present; an address outside every region, or a write to a read-only
 * region, is K_EFAULT and nothing worse.  SUM is clear after every copy. */
KTEST(riscv_user_memory_sum)
{
	static struct kt_space s;
	KT_ASSERT(kt_space_make(&s));
	paddr_t pa;
	unsigned prot;
	KT_ASSERT(ptable_translate(&s.map.pt, s.data, &pa, &prot));
	KT_EXPECT((prot & PROT_USER) && !(prot & PROT_GLOBAL) && !(prot & PROT_X));

	irqflags_t f = arch_irq_save();   /* keep this map the active one */
	vm_map_activate(&s.map);
	uint64_t word = 0;
	KT_EXPECT(!arch_probe_read64((const void *)s.data, &word));
	KT_EXPECT(!(csr_read(sstatus) & SSTATUS_SUM));

	char buf[sizeof(kt_bytes)] = "";
	KT_EXPECT(arch_copy_from_user(buf, (const void *)s.data, sizeof(buf)) == K_OK);
	KT_EXPECT(memcmp(buf, kt_bytes, sizeof(buf)) == 0);
	KT_EXPECT(!(csr_read(sstatus) & SSTATUS_SUM));

	/* Unaligned, into a page not present yet (the VM faults it in). */
	const vaddr_t fresh = s.data + 2 * PAGE_SIZE + 3;
	KT_EXPECT(!ptable_translate(&s.map.pt, fresh, NULL, NULL));
	KT_EXPECT(arch_copy_to_user((void *)fresh, kt_bytes, sizeof(kt_bytes)) == K_OK);
	KT_EXPECT(!(csr_read(sstatus) & SSTATUS_SUM));
	KT_ASSERT(ptable_translate(&s.map.pt, fresh & ~(PAGE_SIZE - 1), &pa, NULL));
	KT_EXPECT(memcmp((char *)phys_to_virt(pa) + 3, kt_bytes, sizeof(kt_bytes)) == 0);
	uint64_t words[4] = { 1, 2, 3, 4 };
	KT_EXPECT(arch_copy_from_user(words, (const void *)(s.data + 3 * PAGE_SIZE), sizeof(words)) == K_OK);
	KT_EXPECT(words[0] == 0 && words[3] == 0);     /* zero-filled on demand */

	KT_EXPECT(arch_copy_from_user(buf, (const void *)s.absent, 8) == K_EFAULT);
	KT_EXPECT(arch_copy_to_user((void *)s.ro, buf, 8) == K_EFAULT);
	KT_EXPECT(arch_copy_from_user(buf, (const void *)s.ro, 8) == K_OK);   /* readable */
	KT_EXPECT(arch_copy_to_user((void *)s.ro, buf, 8) == K_EFAULT);       /* present, still not */
	/* A copy running off the end of the last region stops with K_EFAULT. */
	KT_EXPECT(arch_copy_from_user(buf, (const void *)(s.ro + PAGE_SIZE - 4), 8) == K_EFAULT);
	KT_EXPECT(!(csr_read(sstatus) & SSTATUS_SUM));

	/* The active root: this map's, with its ASID; its kernel half is the
	 * kernel's own. */
	unsigned long satp = csr_read(satp);
	KT_EXPECT((satp & SATP_PPN_MASK) == s.map.pt.root >> PAGE_SHIFT);
	KT_EXPECT((satp >> SATP_ASID_SHIFT & SATP_ASID_MASK) == riscv_hw_asid(s.map.asid));
	const pte_t *user_root = phys_to_virt(s.map.pt.root);
	const pte_t *kernel_root = phys_to_virt(kernel_ptable()->root);
	KT_EXPECT(memcmp(user_root + 256, kernel_root + 256, 256 * sizeof(pte_t)) == 0);
	vm_map_activate(NULL);
	arch_irq_restore(f);
	vm_map_destroy(&s.map);
}

/* ASIDs: a root its ASID last served is switched to without a flush; a
 * new root for an ASID, or a reused root page, is flushed.  Observable
 * here only as satp's contents and the bookkeeping, so check those. */
KTEST(riscv_address_space_switch)
{
	static struct vm_map m1, m2;
	KT_ASSERT(vm_map_init(&m1) == K_OK);
	KT_ASSERT(vm_map_init(&m2) == K_OK);
	ktest_note("%lu hardware ASIDs in use", riscv_asid_count());
	irqflags_t f = arch_irq_save();
	unsigned long before = csr_read(satp);
	arch_user_space_activate(&m1.pt, 7);
	unsigned long s1 = csr_read(satp);
	KT_EXPECT((s1 & SATP_PPN_MASK) == m1.pt.root >> PAGE_SHIFT);
	KT_EXPECT((s1 >> SATP_ASID_SHIFT & SATP_ASID_MASK) == riscv_hw_asid(7));
	KT_EXPECT(s1 >> SATP_MODE_SHIFT == before >> SATP_MODE_SHIFT);
	arch_user_space_activate(&m2.pt, 0);
	unsigned long s2 = csr_read(satp);
	KT_EXPECT((s2 & SATP_PPN_MASK) == m2.pt.root >> PAGE_SHIFT);
	KT_EXPECT((s2 >> SATP_ASID_SHIFT & SATP_ASID_MASK) == 0);
	if (riscv_asid_count()) {
		KT_EXPECT(riscv_hw_asid(7) == 7);
		KT_EXPECT(riscv_hw_asid(riscv_asid_count() + 7) == 7);   /* folded */
	} else {
		KT_EXPECT(riscv_hw_asid(7) == 0);
	}
	/* Back to the map the VM thinks is active (this test went behind its
	 * back), before these roots are freed. */
	csr_write(satp, before);
	sfence_vma_all();
	arch_irq_restore(f);
	vm_map_destroy(&m1);
	vm_map_destroy(&m2);
}

/* --- a real ecall from user mode ----------------------------------------- */

/* thread_switch with option a1 = 22, which does not exist:
 * KERN_INVALID_ARGUMENT.  (An unknown trap number would be an exception
 * that kills the task.) */
#define KT_MAGIC_TRAP TRAP_THREAD_SWITCH
#define KT_THREAD_ARG 0x5eedUL

static struct trap_frame ecall_seen;
static volatile unsigned ecalls_magic, ecalls_exit;
static volatile unsigned ecall_fs;

static void ecall_observer(const struct trap_frame *tf)
{
	if ((long)tf->x[REG_A7] == KT_MAGIC_TRAP) {
		if (ecalls_magic++ == 0) {
			ecall_seen = *tf;
			ecall_fs = thread_current()->arch.fs;
		}
	} else if ((long)tf->x[REG_A7] == TRAP_MACHV_EXIT) {
		ecalls_exit++;
	}
}

static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}

/* The program (x9 = s1, x18 = s2, x5 = f5):
 *     mv s1, a0              the thread's argument
 *     fmv.d.x f5, s1         the FP unit's first use (or a nop without D)
 *     fmv.x.d s2, f5
 *     li a0..a6, 11..77; li a7, KT_MAGIC_TRAP
 *     ecall                  -> KERN_INVALID_ARGUMENT in a0
 *     li a7, TRAP_MACHV_EXIT
 *     ecall                  exit with that status
 *     j . */
static size_t ecall_program(uint32_t *code, size_t *ecall_at)
{
	size_t n = 0;
	bool fp = riscv_fpu_present();
	code[n++] = addi(9, 10, 0);
	code[n++] = fp ? 0x79u << 25 | 9u << 15 | 5u << 7 | 0x53 : addi(0, 0, 0);
	code[n++] = fp ? 0x71u << 25 | 5u << 15 | 18u << 7 | 0x53 : addi(18, 9, 0);
	for (unsigned i = 0; i < 7; i++)
		code[n++] = addi(10 + i, 0, 11 * (int)(i + 1));
	code[n++] = addi(17, 0, KT_MAGIC_TRAP);
	*ecall_at = n * 4;
	code[n++] = 0x00000073;
	code[n++] = addi(17, 0, TRAP_MACHV_EXIT);
	code[n++] = 0x00000073;
	code[n++] = 0x0000006f;
	return n;
}

/* A task whose program makes a kernel call that fails and exits with the
 * result.  The frame the kernel saw at the ecall: every argument register
 * where the convention says, the number in a7, sepc at the ecall, a trap
 * from user mode with interrupts to come back on, the thread argument in
 * a0 at entry and every other register zero (s-registers untouched by the
 * program); the failing call returned KERN_INVALID_ARGUMENT in a0 and
 * execution went on after the ecall (sepc + 4), so the exit status is 4.
 * With D, the program's first FP instruction turned the unit on (Dirty at
 * the trap, or Clean if a preemption saved it in between). */
KTEST(riscv_ecall_frame)
{
	struct task *task = task_create("kt-ecall");
	KT_ASSERT(task != NULL);
	vaddr_t text = 0, stack = 0;
	uint32_t code[32];
	size_t ecall_at;
	size_t n = ecall_program(code, &ecall_at);
	KT_ASSERT(vm_allocate(&task->map, &text, PAGE_SIZE, true, PROT_RX) == K_OK);
	KT_ASSERT(vm_allocate(&task->map, &stack, 2 * PAGE_SIZE, true, PROT_RW) == K_OK);
	KT_ASSERT(vm_map_write(&task->map, text, code, n * sizeof(code[0])) == K_OK);
	vaddr_t sp = stack + 2 * PAGE_SIZE - 16;

	ecalls_magic = ecalls_exit = 0;
	riscv_ecall_observer = ecall_observer;
	struct thread *t = thread_create_user(task, text, sp, KT_THREAD_ARG, SCHED_PRIO_USER);
	KT_ASSERT(t != NULL);
	thread_start(t);
	for (int i = 0; i < 200 && !ecalls_exit && ecalls_magic < 3; i++)
		thread_sleep(NSEC_PER_MSEC);
	if (!ecalls_exit)
		task_terminate(task, TASK_STATUS_KILLED, "riscv_ecall_frame: did not exit");
	int status = task_wait(task);
	riscv_ecall_observer = NULL;

	KT_EXPECT(ecalls_magic == 1);
	KT_EXPECT(ecalls_exit == 1);
	KT_EXPECT(status == KERN_INVALID_ARGUMENT);
	KT_ASSERT(ecalls_magic >= 1);
	const struct trap_frame *tf = &ecall_seen;
	KT_EXPECT(tf->scause == EXC_ECALL_U);
	KT_EXPECT(tf->sepc == text + ecall_at);
	KT_EXPECT(!(tf->sstatus & SSTATUS_SPP));
	KT_EXPECT(tf->sstatus & SSTATUS_SPIE);
	KT_EXPECT(!(tf->sstatus & SSTATUS_SUM));
	for (unsigned i = 0; i < 7; i++)
		KT_EXPECT(tf->x[REG_A0 + i] == 11 * (i + 1));
	KT_EXPECT((long)tf->x[REG_A7] == KT_MAGIC_TRAP);
	KT_EXPECT(tf->x[REG_SP] == sp);
	KT_EXPECT(tf->x[9] == KT_THREAD_ARG);
	KT_EXPECT(tf->x[18] == KT_THREAD_ARG);
	bool others_zero = tf->x[REG_RA] == 0 && tf->x[REG_GP] == 0 && tf->x[REG_TP] == 0;
	for (unsigned r = 5; r < 32; r++)
		if (r != 9 && r != 18 && (r < 10 || r > 17))
			others_zero &= tf->x[r] == 0;
	KT_EXPECT(others_zero);
	if (riscv_fpu_present()) {
		/* Dirty, or Clean if a timer preemption between the program's FP
		 * instruction and its ecall saved the registers: on either way. */
		unsigned fs = (tf->sstatus & SSTATUS_FS) >> SSTATUS_FS_SHIFT;
		KT_EXPECT(fs == FS_DIRTY || fs == FS_CLEAN);
		KT_EXPECT(ecall_fs == FS_DIRTY || ecall_fs == FS_CLEAN);
	} else {
		KT_EXPECT(((tf->sstatus & SSTATUS_FS) >> SSTATUS_FS_SHIFT) == FS_OFF);
	}
}
