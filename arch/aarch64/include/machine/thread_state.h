/* aarch64 user registers for thread_get_state/thread_set_state: machv's
 * own flavour (GNU Mach has none for aarch64; docs/abi.md).
 *
 *   x[0..30]  the general registers
 *   sp        SP_EL0
 *   pc        where the thread resumes
 *   pstate    the condition flags N Z C V (bits 31..28); the rest reads 0
 *             and is ignored when set (the thread always runs in EL0 with
 *             interrupts unmasked)
 *   tpidr     TPIDR_EL0, the user thread pointer
 * 35 doublewords: ARCH_THREAD_STATE_COUNT = 70 32-bit words. */
#ifndef MACHINE_THREAD_STATE_H
#define MACHINE_THREAD_STATE_H

#include <kern/types.h>

#define ARCH_THREAD_STATE_FLAVOR  1      /* MACHV_AARCH64_THREAD_STATE */

struct arch_user_state {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
	uint64_t tpidr;
};

#define ARCH_THREAD_STATE_COUNT   (sizeof(struct arch_user_state) / 4)
#define ARCH_PSTATE_USER_MASK     0xf0000000ULL    /* NZCV */

_Static_assert(sizeof(struct arch_user_state) == 35 * 8, "aarch64 thread state");
_Static_assert(__builtin_offsetof(struct arch_user_state, pc) == 32 * 8, "aarch64 thread state pc");

#define ARCH_USER_STATE_PC(s)   ((s)->pc)
#define ARCH_USER_STATE_SP(s)   ((s)->sp)
#define ARCH_USER_STATE_ARG0(s) ((s)->x[0])
#define ARCH_USER_STATE_MARK(s) ((s)->x[19])

/* An instruction word that branches to itself (b .):
 * the self-tests park user threads on it. */
#define ARCH_SPIN_INSN 0x14000000u

#endif
