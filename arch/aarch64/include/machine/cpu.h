/* aarch64 system registers and instructions the arch code needs.  The bit
 * names follow the Arm Architecture Reference Manual (DDI 0487). */
#ifndef MACHINE_CPU_H
#define MACHINE_CPU_H

/* MAIR_EL1: attribute 0 normal write-back read/write-allocate, attribute 1
 * Device-nGnRE (the indexes are MT_NORMAL/MT_DEVICE in <machine/pte.h>). */
#define MAIR_VALUE 0x04ffULL

/* TCR_EL1: 48-bit VA in both halves, 4 KiB granules, walks cacheable and
 * inner shareable.  IPS is filled from ID_AA64MMFR0_EL1 at boot. */
#define TCR_T0SZ(n)   ((n) << 0)
#define TCR_EPD0      (1ULL << 7)
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K    (0ULL << 14)
#define TCR_T1SZ(n)   ((n) << 16)
#define TCR_EPD1      (1ULL << 23)
#define TCR_IRGN1_WBWA (1ULL << 24)
#define TCR_ORGN1_WBWA (1ULL << 26)
#define TCR_SH1_INNER (3ULL << 28)
#define TCR_TG1_4K    (2ULL << 30)
#define TCR_IPS_SHIFT 32
#define TCR_VALUE (TCR_T0SZ(16) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | \
		   TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | \
		   TCR_SH1_INNER | TCR_TG1_4K)

/* SCTLR_EL1: the RES1 bits of ARMv8.0 (EOS, TSCXT, EIS, SPAN, nTLSMD,
 * LSMAOE: exceptions are context synchronising, PAN left alone), then MMU,
 * caches and stack alignment checking. */
#define SCTLR_RES1    0x30d00800ULL
#define SCTLR_M       (1ULL << 0)
#define SCTLR_C       (1ULL << 2)
#define SCTLR_SA      (1ULL << 3)
#define SCTLR_I       (1ULL << 12)
#define SCTLR_MMU_OFF SCTLR_RES1
#define SCTLR_MMU_ON  (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I)

/* SCTLR_EL1 bits for user space (user.c): SPAN = 0 makes every exception
 * to EL1 set PSTATE.PAN; the others let EL0 read CTR_EL0, use DC ZVA and
 * cache maintenance by address, and execute WFE, as Linux allows. */
#define SCTLR_SPAN    (1ULL << 23)
#define SCTLR_DZE     (1ULL << 14)
#define SCTLR_UCT     (1ULL << 15)
#define SCTLR_NTWE    (1ULL << 18)
#define SCTLR_UCI     (1ULL << 26)

/* TCR_EL1.AS: 16-bit ASIDs.  TTBR0_EL1 carries the ASID in bits 63:48. */
#define TCR_AS        (1ULL << 36)
#define TTBR_ASID_SHIFT 48

/* CPACR_EL1.FPEN = 0b11: FP/SIMD instructions do not trap at EL0 or EL1. */
#define CPACR_FPEN    (3ULL << 20)

/* CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0. */
#define CNTKCTL_EL0VCTEN (1ULL << 1)

/* ID register fields. */
#define ID_MMFR0_ASIDBITS(r) (((r) >> 4) & 0xf)    /* 0: 8 bits, 2: 16 bits */
#define ID_MMFR1_PAN(r)      (((r) >> 20) & 0xf)   /* nonzero: PSTATE.PAN */

/* HCR_EL2.RW: EL1 is AArch64.  CNTHCTL_EL2.EL1PCTEN/EL1PCEN: EL1 may use
 * the physical counter and timer. */
#define HCR_RW        (1ULL << 31)
#define CNTHCTL_EL1PCTEN (1ULL << 0)
#define CNTHCTL_EL1PCEN  (1ULL << 1)
/* CPTR_EL2 with its RES1 bits and no traps. */
#define CPTR_EL2_RES1 0x33ffULL
/* SPSR for "EL1 using SP_EL1, every exception masked". */
#define SPSR_EL1H_MASKED 0x3c5ULL

/* DAIF bits as the msr daifset/daifclr immediates name them, and as read. */
#define DAIF_IRQ_FIQ_IMM 3
#define DAIF_I        (1ULL << 7)

/* CNTV_CTL_EL0 */
#define CNT_CTL_ENABLE  (1ULL << 0)
#define CNT_CTL_IMASK   (1ULL << 1)
#define CNT_CTL_ISTATUS (1ULL << 2)

#ifndef __ASSEMBLER__
#include <kern/types.h>

#define read_sysreg(r) ({ uint64_t v__; __asm__ volatile("mrs %0, " #r : "=r"(v__)); v__; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %x0" :: "rZ"((uint64_t)(v)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }

/* PSTATE.PAN as the generic encoding reads it (bit 22), so that no
 * ARMv8.1 assembler support is needed. */
static inline bool pan_enabled(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, S3_0_C4_C2_3" : "=r"(v));
	return (v >> 22) & 1;
}

/* The affinity fields of MPIDR_EL1 (Aff3 moved next to Aff2), as GICv3
 * routing and the device tree's cpu reg use them. */
static inline uint64_t mpidr_affinity(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (m & 0xffffffULL) | ((m >> 32) & 0xff) << 24;
}

/* One extable entry from inline assembly: fault at label `f`, resume at `r`. */
#define EXTABLE_ENTRY(f, r) \
	"   .pushsection .extable, \"a\"\n" \
	"   .balign 8\n" \
	"   .quad " #f ", " #r "\n" \
	"   .popsection\n"

#endif

#endif
