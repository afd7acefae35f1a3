/* The user x87/SSE state (see <machine/thread.h>): turning SSE on for user
 * mode, saving and restoring it with FXSAVE/FXRSTOR.
 *
 * The kernel itself never executes an x87 or SSE instruction (it is built
 * with -mgeneral-regs-only), so these are the only places that touch the
 * registers, and the 64-bit forms keep the full 64-bit instruction and data
 * pointers. */
#include <kern/string.h>
#include <machine/cpu.h>
#include <machine/thread.h>

#define FCW_DEFAULT   0x037f    /* FNINIT: every x87 exception masked, 64-bit precision */
#define MXCSR_DEFAULT 0x1f80    /* every SSE exception masked, round to nearest */

void fpu_init(void)
{
	/* x87 present (EM clear), WAIT honours TS (MP), x87 errors as #MF
	 * rather than the legacy IRQ 13 (NE), no lazy trapping (TS clear). */
	uint64_t cr0 = read_cr0();
	cr0 &= ~(CR0_EM | CR0_TS);
	cr0 |= CR0_MP | CR0_NE;
	write_cr0(cr0);
	/* FXSAVE/FXRSTOR cover the SSE registers, SSE instructions are legal,
	 * and unmasked SSE exceptions raise #XM. */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_save(struct fxsave_area *a)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*a));
}

void fpu_restore(const struct fxsave_area *a)
{
	__asm__ volatile("fxrstor64 %0" :: "m"(*a));
}

void fpu_init_area(struct fxsave_area *a)
{
	memset(a, 0, sizeof(*a));
	a->fcw = FCW_DEFAULT;
	a->mxcsr = MXCSR_DEFAULT;
}
