/* In-kernel self-tests of riscv64-only paths: breakpoints and the
 * exception table, the SBI as probed, the PLIC's delivery to this hart's
 * S-mode context, interrupt routing arguments, the timer's pending and
 * enable bits, the page-table entry format and W^X in the live tables, and
 * the image header loaders read. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/timer.h>
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
