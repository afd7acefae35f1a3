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
