/* User address spaces on aarch64, and the CPU settings user mode needs.
 *
 * The kernel lives in the TTBR1 half, so a user space is only a TTBR0
 * tree: arch_user_space_init() has nothing to copy, and switching spaces
 * is one TTBR0 write carrying the address-space ID.  User leaves are nG
 * (<machine/pte.h>), so the TLB tags them with the ASID and a switch needs
 * no flush.
 *
 * ASIDs: the portable VM hands out small numbers (vm_map.asid, 0 = none);
 * they are folded onto the hardware's (8 or 16 bits, TCR_EL1.AS).  Each
 * hardware ASID remembers the (tree, number) it last served: when another
 * space takes it over, its old entries are dropped with TLBI ASIDE1IS.
 * Spaces without a number share the last hardware ASID the same way.
 *
 * "No user space" is hardware ASID 0 with TCR_EL1.EPD0 set: TTBR0 walks
 * off, and since nothing is ever walked under ASID 0, no TLB entry can
 * answer for a low address either: every one faults (as during boot).
 *
 * PAN (ARMv8.1), when present, is set now and by every exception to EL1
 * (SCTLR_EL1.SPAN = 0), so a stray kernel access to user memory faults;
 * the copy routines (uaccess.S) use unprivileged ldtr/sttr, which PAN does
 * not stop. */
#include <kern/arch.h>
#include <kern/printf.h>
#include <kern/ptable.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include "platform.h"

/* At most this many hardware ASIDs are used (bounds the owner table). */
#define HW_ASIDS_MAX 1024

struct asid_owner {
	paddr_t root;
	unsigned asid;
};

static unsigned hw_asids = 256;
static struct asid_owner asid_owner[HW_ASIDS_MAX];
static bool have_pan;

bool aarch64_has_pan(void) { return have_pan; }

void aarch64_user_init(void)
{
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);

	/* FP/SIMD for user space; the kernel itself never uses it. */
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
	/* The virtual counter for user-space clocks and benchmarks. */
	write_sysreg(cntkctl_el1, CNTKCTL_EL0VCTEN);

	uint64_t tcr = read_sysreg(tcr_el1);
	if (ID_MMFR0_ASIDBITS(mmfr0) == 2) {
		tcr |= TCR_AS;
		hw_asids = HW_ASIDS_MAX;
	} else {
		tcr &= ~TCR_AS;
		hw_asids = 256;
	}
	write_sysreg(tcr_el1, tcr);
	isb();
	/* Entries cached under the other ASID size must not survive. */
	__asm__ volatile("tlbi vmalle1; dsb nsh; isb" ::: "memory");

	uint64_t sctlr = read_sysreg(sctlr_el1) | SCTLR_UCT | SCTLR_DZE | SCTLR_UCI | SCTLR_NTWE;
	have_pan = ID_MMFR1_PAN(mmfr1) != 0;
	if (have_pan)
		sctlr &= ~SCTLR_SPAN;
	write_sysreg(sctlr_el1, sctlr);
	isb();
	if (have_pan)
		__asm__ volatile(".arch_extension pan\n msr pan, #1" ::: "memory");
	kprintf("aarch64: %u-bit ASIDs, PAN %s\n", hw_asids > 256 ? 16 : 8,
		have_pan ? "on" : "not implemented");
}

void arch_user_space_init(struct ptable *pt)
{
	(void)pt;   /* nothing shared: the kernel is in TTBR1 */
}

/* Numbered spaces get hardware ASIDs 1 .. hw_asids-2; the last one serves
 * every space without a number; 0 is "no user space". */
static unsigned hw_asid(unsigned asid)
{
	return asid ? 1 + (asid - 1) % (hw_asids - 2) : hw_asids - 1;
}

static void user_walks(bool on)
{
	uint64_t tcr = read_sysreg(tcr_el1);
	uint64_t want = on ? tcr & ~TCR_EPD0 : tcr | TCR_EPD0;
	if (want != tcr) {
		write_sysreg(tcr_el1, want);
		isb();
	}
}

void arch_user_space_activate(const struct ptable *pt, unsigned asid)
{
	irqflags_t f = arch_irq_save();
	if (!pt) {
		user_walks(false);
		if (read_sysreg(ttbr0_el1) != 0) {
			write_sysreg(ttbr0_el1, 0);
			isb();
		}
		arch_irq_restore(f);
		return;
	}
	unsigned hw = hw_asid(asid);
	uint64_t ttbr = (pt->root & PTE_ADDR_MASK) | (uint64_t)hw << TTBR_ASID_SHIFT;
	struct asid_owner *o = &asid_owner[hw];
	if (o->root != pt->root || o->asid != asid) {
		/* The previous owner's entries go before the new tree is walked
		 * under this ASID.  If the live TTBR0 uses it, park on ASID 0 with
		 * walks off first, so that nothing refills them meanwhile. */
		if (read_sysreg(ttbr0_el1) >> TTBR_ASID_SHIFT == hw) {
			user_walks(false);
			write_sysreg(ttbr0_el1, 0);
			isb();
		}
		__asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb"
				 :: "r"((uint64_t)hw << TTBR_ASID_SHIFT) : "memory");
		o->root = pt->root;
		o->asid = asid;
	}
	if (read_sysreg(ttbr0_el1) != ttbr) {
		write_sysreg(ttbr0_el1, ttbr);
		isb();
	}
	user_walks(true);
	arch_irq_restore(f);
}

void aarch64_user_space_save(struct aarch64_user_regs *s)
{
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->tcr = read_sysreg(tcr_el1);
}

void aarch64_user_space_restore(const struct aarch64_user_regs *s)
{
	irqflags_t f = arch_irq_save();
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(tcr_el1, s->tcr);
	isb();
	/* Whatever was walked in between is gone, whichever ASID it had. */
	__asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
	for (unsigned i = 0; i < HW_ASIDS_MAX; i++)
		asid_owner[i] = (struct asid_owner){ 0, 0 };
	arch_irq_restore(f);
}
