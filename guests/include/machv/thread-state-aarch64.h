/* aarch64 thread state (machv's flavour 1, 35 doublewords): x0-x30, the
 * stack pointer (SP_EL0), pc, pstate (only NZCV matters), TPIDR_EL0.
 * Include <machv/thread-state.h>. */
#ifndef MACHV_THREAD_STATE_AARCH64_H
#define MACHV_THREAD_STATE_AARCH64_H

struct machv_thread_state {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
	uint64_t tpidr;
};
_Static_assert(sizeof(struct machv_thread_state) == 35 * 8, "aarch64 thread state");

#define MACHV_STATE_PC(s)   ((s)->pc)
#define MACHV_STATE_SP(s)   ((s)->sp)
#define MACHV_STATE_ARG0(s) ((s)->x[0])
#define MACHV_STATE_SP_BIAS 0

#endif
