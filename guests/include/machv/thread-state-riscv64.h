/* riscv64 thread state (machv's flavour 1, 32 doublewords): pc, then
 * x1..x31 (x[n-1] is register xn: x[1] is sp, x[9] is a0).
 * Include <machv/thread-state.h>. */
#ifndef MACHV_THREAD_STATE_RISCV64_H
#define MACHV_THREAD_STATE_RISCV64_H

struct machv_thread_state {
	uint64_t pc;
	uint64_t x[31];
};
_Static_assert(sizeof(struct machv_thread_state) == 32 * 8, "riscv64 thread state");

#define MACHV_STATE_PC(s)   ((s)->pc)
#define MACHV_STATE_SP(s)   ((s)->x[1])
#define MACHV_STATE_ARG0(s) ((s)->x[9])
#define MACHV_STATE_SP_BIAS 0

#endif
