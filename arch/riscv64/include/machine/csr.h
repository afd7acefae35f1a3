/* riscv64 control and status registers: names, bits, and accessors.
 * Privileged spec 1.12 (S-mode) plus Sstc's stimecmp. */
#ifndef MACHINE_CSR_H
#define MACHINE_CSR_H

/* sstatus */
#define SSTATUS_SIE   (1UL << 1)
#define SSTATUS_SPIE  (1UL << 5)
#define SSTATUS_SPP   (1UL << 8)
#define SSTATUS_FS_SHIFT 13
#define SSTATUS_FS    (3UL << SSTATUS_FS_SHIFT)
#define SSTATUS_SUM   (1UL << 18)
#define SSTATUS_MXR   (1UL << 19)

/* The FS field (and struct arch_thread.fs): the FP unit is off (any FP
 * instruction traps), in its initial state (all zero), clean (the registers
 * match the saved copy) or dirty (written since; must be saved). */
#define FS_OFF     0u
#define FS_INITIAL 1u
#define FS_CLEAN   2u
#define FS_DIRTY   3u

/* sie / sip: supervisor software, timer and external interrupts */
#define IRQ_S_SOFT    1
#define IRQ_S_TIMER   5
#define IRQ_S_EXT     9
#define SIE_SSIE      (1UL << IRQ_S_SOFT)
#define SIE_STIE      (1UL << IRQ_S_TIMER)
#define SIE_SEIE      (1UL << IRQ_S_EXT)
#define SIP_SSIP      SIE_SSIE
#define SIP_STIP      SIE_STIE
#define SIP_SEIP      SIE_SEIE

/* scounteren: which counters U-mode may read */
#define SCOUNTEREN_CY (1UL << 0)
#define SCOUNTEREN_TM (1UL << 1)
#define SCOUNTEREN_IR (1UL << 2)

/* scause: the top bit marks interrupts */
#define SCAUSE_INTERRUPT (1UL << 63)

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39  8UL
#define SATP_MODE_SV48  9UL
#define SATP_PPN_MASK   ((1UL << 44) - 1)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  0xffffUL

#define CSR_STIMECMP 0x14d

#ifndef __ASSEMBLER__
#include <kern/types.h>

#define csr_read(csr) ({ \
	unsigned long __v; \
	__asm__ volatile("csrr %0, " #csr : "=r"(__v) :: "memory"); \
	__v; })
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" :: "rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, bits) \
	__asm__ volatile("csrs " #csr ", %0" :: "rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" :: "rK"((unsigned long)(bits)) : "memory")
#define csr_read_clear(csr, bits) ({ \
	unsigned long __v; \
	__asm__ volatile("csrrc %0, " #csr ", %1" : "=r"(__v) : "rK"((unsigned long)(bits)) : "memory"); \
	__v; })

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static inline void sfence_vma_page(unsigned long va)
{
	__asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
}

/* Every non-global translation of one address space. */
static inline void sfence_vma_asid(unsigned long asid)
{
	__asm__ volatile("sfence.vma zero, %0" :: "r"(asid) : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}
#endif

#endif
