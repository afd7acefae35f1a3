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

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct trap_frame {
	uint64_t x[32];        /* x[0] unused (zero); x[2] is the sp before the trap */
	uint64_t sepc, sstatus, scause, stval;
};

#define REG_RA 1
#define REG_SP 2
#define REG_S0 8

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

void riscv_trap(struct trap_frame *tf);
/* Point stvec at trap_entry (direct mode). */
void trap_init(void);
/* Breakpoints (ebreak) taken and resumed so far. */
unsigned long riscv_breakpoint_count(void);

/* The handler for each supervisor interrupt cause the platform enables. */
typedef void (*intr_handler_t)(void);
void riscv_set_intr_handler(unsigned cause, intr_handler_t fn);
#endif

#endif
