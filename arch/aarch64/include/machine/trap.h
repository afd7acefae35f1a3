/* The register frame trap_entry.S builds on the kernel stack for every
 * exception, and the exception syndrome fields traps.c decodes. */
#ifndef MACHINE_TRAP_H
#define MACHINE_TRAP_H

/* Offsets the assembly uses; trap.c checks them against the struct. */
#define TF_X0     0
#define TF_SP     (31 * 8)
#define TF_ELR    (32 * 8)
#define TF_SPSR   (33 * 8)
#define TF_ESR    (34 * 8)
#define TF_FAR    (35 * 8)
#define TF_KIND   (36 * 8)
#define TF_SIZE   (38 * 8)     /* a multiple of 16: sp stays aligned */

/* Which of the 16 vector table entries was taken: source * 4 + type. */
#define TRAP_SYNC   0
#define TRAP_IRQ    1
#define TRAP_FIQ    2
#define TRAP_SERROR 3
#define TRAP_FROM_EL1_SP0 0
#define TRAP_FROM_EL1     4
#define TRAP_FROM_EL0_64  8
#define TRAP_FROM_EL0_32  12

/* ESR_ELx exception classes the kernel names (DDI 0487 D19.2.36). */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)       ((esr) & 0x1ffffff)
#define EC_UNKNOWN         0x00
#define EC_DABT_LOWER      0x24
#define EC_DABT_CUR        0x25
#define EC_IABT_LOWER      0x20
#define EC_IABT_CUR        0x21
#define EC_BRK             0x3c
#define EC_WFX             0x01
#define EC_SVC64           0x15
#define EC_SERROR          0x2f
/* Data/instruction abort ISS: fault status code and write-not-read. */
#define ISS_FSC(iss)       ((iss) & 0x3f)
#define ISS_WNR            (1u << 6)
#define ISS_CM             (1u << 8)    /* cache maintenance: reads as a read */
#define ISS_FNV            (1u << 10)   /* FAR not valid */
#define FSC_TRANSLATION(l) (0x04 + (l))

#ifdef __ASSEMBLER__
/* Load x0-x30 from the frame at sp, drop the frame and eret: the end of
 * every return through a frame (trap_entry.S, thread_state_entry.S), once
 * ELR_EL1, SPSR_EL1 and SP_EL0 hold the frame's values.  Nothing after an
 * eret may run, even speculatively. */
.macro FRAME_POP_ERET
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #TF_SIZE
	eret
	dsb	nsh
	isb
.endm
#endif

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr, spsr, esr, far;
	uint64_t kind;
	uint64_t pad;
};

void aarch64_trap(struct trap_frame *tf);
/* The vector table (trap_entry.S); VBAR_EL1 points at it. */
extern char exception_vectors[];
/* Number of brk instructions reported and resumed (for ktests). */
unsigned long aarch64_breakpoint_count(void);

#endif

#endif
