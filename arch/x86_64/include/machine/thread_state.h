/* x86_64 user registers for thread_get_state/thread_set_state: GNU Mach's
 * struct i386_thread_state, flavour i386_THREAD_STATE, in its x86_64
 * layout (mach/machine/thread_status.h; the sizes and offsets are facts of
 * the ABI and checked below).
 *
 * rsp and ursp: GNU Mach keeps the user stack pointer in ursp.  Getting
 * fills both with it; setting takes ursp.  cs and ss read as the user
 * selectors and are ignored when set; of rfl only the arithmetic flags and
 * DF can be set (IF is always on, and nothing privileged gets through). */
#ifndef MACHINE_THREAD_STATE_H
#define MACHINE_THREAD_STATE_H

#include <kern/types.h>

#define ARCH_THREAD_STATE_FLAVOR  1      /* i386_THREAD_STATE */
#define ARCH_FLOAT_STATE_FLAVOR   2      /* i386_FLOAT_STATE: not served */

struct arch_user_state {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rsp, rbx, rdx, rcx, rax;
	uint64_t rip;
	uint32_t cs, pad0;
	uint64_t rfl;
	uint64_t ursp;
	uint32_t ss, pad1;
};

/* In 32-bit words, as thread_get_state counts (i386_THREAD_STATE_COUNT). */
#define ARCH_THREAD_STATE_COUNT   (sizeof(struct arch_user_state) / 4)

_Static_assert(sizeof(struct arch_user_state) == 168, "i386_thread_state (x86_64)");
_Static_assert(__builtin_offsetof(struct arch_user_state, rdi) == 64, "i386_thread_state.rdi");
_Static_assert(__builtin_offsetof(struct arch_user_state, rax) == 120, "i386_thread_state.rax");
_Static_assert(__builtin_offsetof(struct arch_user_state, rip) == 128, "i386_thread_state.rip");
_Static_assert(__builtin_offsetof(struct arch_user_state, cs) == 136, "i386_thread_state.cs");
_Static_assert(__builtin_offsetof(struct arch_user_state, rfl) == 144, "i386_thread_state.rfl");
_Static_assert(__builtin_offsetof(struct arch_user_state, ursp) == 152, "i386_thread_state.ursp");
_Static_assert(__builtin_offsetof(struct arch_user_state, ss) == 160, "i386_thread_state.ss");

/* Accessors portable code (self-tests, the routines) uses. */
#define ARCH_USER_STATE_PC(s)   ((s)->rip)
#define ARCH_USER_STATE_SP(s)   ((s)->ursp)
#define ARCH_USER_STATE_ARG0(s) ((s)->rdi)
/* A callee-saved register the self-tests use as a marker. */
#define ARCH_USER_STATE_MARK(s) ((s)->rbx)

/* An instruction word that branches to itself (jmp . (EB FE), then two nops):
 * the self-tests park user threads on it. */
#define ARCH_SPIN_INSN 0x9090feebu

#endif
