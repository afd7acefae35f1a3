/* x86_64 thread state: GNU Mach's struct i386_thread_state (flavour
 * i386_THREAD_STATE, 168 bytes).  The user stack pointer is ursp; rsp
 * reads the same and is ignored when set.  Include <machv/thread-state.h>. */
#ifndef MACHV_THREAD_STATE_X86_64_H
#define MACHV_THREAD_STATE_X86_64_H

struct machv_thread_state {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rsp, rbx, rdx, rcx, rax;
	uint64_t rip;
	uint32_t cs, cs_pad;
	uint64_t rfl;
	uint64_t ursp;
	uint32_t ss, ss_pad;
};
_Static_assert(sizeof(struct machv_thread_state) == 168, "i386_thread_state");

#define MACHV_STATE_PC(s)   ((s)->rip)
#define MACHV_STATE_SP(s)   ((s)->ursp)
#define MACHV_STATE_ARG0(s) ((s)->rdi)
/* A C function is entered with %rsp + 8 16-byte aligned. */
#define MACHV_STATE_SP_BIAS 8

#endif
