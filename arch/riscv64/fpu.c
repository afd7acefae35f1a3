/* The FP unit for user threads.
 *
 * The kernel never uses it (rv64imac, sstatus.FS off), so the unit is
 * there only for user programs, and only if the hart has the D extension
 * (f0-f31 64 bits wide; a hart with F alone is treated as having none).
 * A user thread starts with FS off; its first FP instruction traps as
 * illegal, and riscv_fpu_first_use() gives it a zeroed unit in the Initial
 * state and runs the instruction again.  An instruction that is still
 * illegal with the unit on is the program's fault. */
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/csr.h>
#include "riscv.h"

static bool fpu_present;

void riscv_fpu_init(void)
{
	/* Without F, FS may still be writable (the privileged spec leaves it
	 * to the implementation), so the ISA string decides; the read-back
	 * catches a device tree that promises more than the hart has. */
	csr_set(sstatus, (unsigned long)FS_INITIAL << SSTATUS_FS_SHIFT);
	bool writable = csr_read(sstatus) & SSTATUS_FS;
	csr_clear(sstatus, SSTATUS_FS);
	fpu_present = writable && hart_has_ext("d");
}

bool riscv_fpu_present(void) { return fpu_present; }

bool riscv_fpu_first_use(struct thread *t)
{
	if (!fpu_present)
		return false;
	/* In this order a switch at any point (interrupts are on) leaves the
	 * thread with zeroed registers: from the Initial mark on, switching
	 * back in loads the zeroed area. */
	memset(&t->arch.fpu, 0, sizeof(t->arch.fpu));
	t->arch.fs = FS_INITIAL;
	riscv_fpu_load(&t->arch.fpu);    /* f0-f31 = 0, fcsr = 0 (round to nearest) */
	return true;
}
