/* riscv64 user registers for thread_get_state/thread_set_state: machv's
 * own flavour (GNU Mach has none for riscv64; docs/abi.md).
 *
 *   pc        where the thread resumes
 *   x[0..30]  registers x1..x31 (x[n-1] is xn: x[1] sp, x[9] a0)
 * No status bits: nothing in sstatus is the user's to see or change (the
 * FP unit's state follows the thread by itself).
 * 32 doublewords: ARCH_THREAD_STATE_COUNT = 64 32-bit words. */
#ifndef MACHINE_THREAD_STATE_H
#define MACHINE_THREAD_STATE_H

#include <kern/types.h>

#define ARCH_THREAD_STATE_FLAVOR  1      /* MACHV_RISCV64_THREAD_STATE */

struct arch_user_state {
	uint64_t pc;
	uint64_t x[31];
};

#define ARCH_THREAD_STATE_COUNT   (sizeof(struct arch_user_state) / 4)

_Static_assert(sizeof(struct arch_user_state) == 32 * 8, "riscv64 thread state");

#define ARCH_USER_STATE_PC(s)   ((s)->pc)
#define ARCH_USER_STATE_SP(s)   ((s)->x[1])
#define ARCH_USER_STATE_ARG0(s) ((s)->x[9])
#define ARCH_USER_STATE_MARK(s) ((s)->x[8])   /* s1 = x9 */

/* An instruction word that branches to itself (j ., that is jal x0, 0):
 * the self-tests park user threads on it. */
#define ARCH_SPIN_INSN 0x0000006fu

#endif
