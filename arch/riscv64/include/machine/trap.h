/* The register frame trap_entry.S saves on the kernel stack for every trap
 * (exception or interrupt), and the trap-side services other riscv64 files
 * use. */
#ifndef MACHINE_TRAP_H
#define MACHINE_TRAP_H

/* Offsets for trap_entry.S: x1..x31 at 8*n, then the CSRs. */
#define TF_SEPC    (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE  (34 * 8)
#define TF_STVAL   (35 * 8)
#define TF_SIZE    (36 * 8)
/* What trap_entry.S takes off the stack per trap: the frame plus a frame
 * record {s0, sepc} above it.  A user trap's frame starts this far below
 * the top of the thread's kernel stack. */
#define TF_STACK_ALLOC (TF_SIZE + 16)

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct trap_frame {
	uint64_t x[32];        /* x[0] unused (zero); x[2] is the sp before the trap */
	uint64_t sepc, sstatus, scause, stval;
};
_Static_assert(__builtin_offsetof(struct trap_frame, sepc) == TF_SEPC, "trap_entry.S offsets");
_Static_assert(__builtin_offsetof(struct trap_frame, stval) == TF_STVAL, "trap_entry.S offsets");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE && TF_STACK_ALLOC % 16 == 0, "frame size");

#define REG_RA 1
#define REG_SP 2
#define REG_GP 3
#define REG_TP 4
#define REG_S0 8
#define REG_A0 10     /* a0..a7 are x10..x17: ecall's arguments, a7 the number */
#define REG_A7 17
#define REG_T5 30     /* the user-copy routines' retry record (traps.c) */

/* Exception causes (scause without the interrupt bit). */
#define EXC_INSN_MISALIGNED   0
#define EXC_INSN_ACCESS       1
#define EXC_ILLEGAL_INSN      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_INSN_PAGE_FAULT   12
#define EXC_LOAD_PAGE_FAULT   13
#define EXC_STORE_PAGE_FAULT  15

/* Traps taken in the kernel (traps.c) and in user mode (user_trap.c). */
void riscv_trap(struct trap_frame *tf);
void riscv_user_trap(struct trap_frame *tf);
/* The user frame of a thread whose kernel stack starts at kstack: where
 * its user registers are while it is in the kernel. */
static inline struct trap_frame *riscv_user_frame(void *kstack, size_t kstack_size)
{
	return (struct trap_frame *)((char *)kstack + kstack_size - TF_STACK_ALLOC);
}
/* Run the handler of an interrupt (scause has the top bit set). */
void riscv_interrupt(struct trap_frame *tf);
/* "illegal instruction", "load page fault"...: scause by name. */
const char *riscv_cause_name(uint64_t scause);
/* Point stvec at trap_entry (direct mode). */
void trap_init(void);
/* Breakpoints (ebreak) taken and resumed so far. */
unsigned long riscv_breakpoint_count(void);

/* The handler for each supervisor interrupt cause the platform enables. */
typedef void (*intr_handler_t)(void);
void riscv_set_intr_handler(unsigned cause, intr_handler_t fn);
#endif

#endif
