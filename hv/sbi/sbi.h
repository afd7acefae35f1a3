/* The RISC-V Supervisor Binary Interface (SBI spec v2.0): the call layer
 * and what was found by probing at boot.  riscv64-only.
 *
 * On riscv the SBI is the layer under the kernel, whether that is firmware
 * (OpenSBI under TCG or on hardware) or a hypervisor (KVM answers the SBI
 * itself, with implementation id 3): so it is both the arch's firmware
 * interface and where a hypervisor shows itself (hv/sbi/sbi_detect.c).
 *
 * sbi_init() probes once: BASE (spec version, implementation, and
 * probe_extension for each extension below).  Every service then uses the
 * v0.2+ extension when it was found and the legacy v0.1 call otherwise. */
#ifndef HV_SBI_SBI_H
#define HV_SBI_SBI_H

#include <kern/types.h>

/* Extension ids. */
#define SBI_EXT_LEGACY_SET_TIMER     0x00
#define SBI_EXT_LEGACY_PUTCHAR       0x01
#define SBI_EXT_LEGACY_GETCHAR       0x02
#define SBI_EXT_LEGACY_SHUTDOWN      0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45   /* "TIME" */
#define SBI_EXT_IPI    0x735049     /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43   /* "RFNC" */
#define SBI_EXT_HSM    0x48534d     /* "HSM" */
#define SBI_EXT_SRST   0x53525354   /* "SRST" */
#define SBI_EXT_DBCN   0x4442434e   /* "DBCN" */

/* BASE functions. */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT        3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

/* Error codes (sbiret.error). */
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED           -1
#define SBI_ERR_NOT_SUPPORTED    -2
#define SBI_ERR_INVALID_PARAM    -3
#define SBI_ERR_DENIED           -4
#define SBI_ERR_INVALID_ADDRESS  -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED  -7
#define SBI_ERR_ALREADY_STOPPED  -8

/* Implementation ids (SBI spec, chapter 4.9). */
#define SBI_IMPL_BBL      0
#define SBI_IMPL_OPENSBI  1
#define SBI_IMPL_XVISOR   2
#define SBI_IMPL_KVM      3
#define SBI_IMPL_RUSTSBI  4
#define SBI_IMPL_DIOSIX   5
#define SBI_IMPL_COFFER   6
#define SBI_IMPL_XEN      7
#define SBI_IMPL_POLARFIRE_HSS 8
#define SBI_IMPL_COREBOOT 9
#define SBI_IMPL_OREBOOT  10
#define SBI_IMPL_BHYVE    11

/* SRST reset types and reasons. */
#define SBI_SRST_SHUTDOWN      0
#define SBI_SRST_COLD_REBOOT   1
#define SBI_SRST_WARM_REBOOT   2
#define SBI_SRST_NO_REASON     0
#define SBI_SRST_SYSTEM_FAILURE 1

/* HSM hart states. */
#define SBI_HSM_STARTED        0
#define SBI_HSM_STOPPED        1
#define SBI_HSM_START_PENDING  2
#define SBI_HSM_STOP_PENDING   3

struct sbiret {
	long error;
	long value;
};

/* One SBI call: extension ext, function fid, up to six arguments. */
struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
		       unsigned long a1, unsigned long a2, unsigned long a3,
		       unsigned long a4, unsigned long a5);
/* A legacy (v0.1) call: the result is a0 alone. */
long sbi_legacy_call(unsigned long ext, unsigned long a0);
/* An SBI error as a K_E* code (kern/errno.h). */
int sbi_errno(long sbi_error);

/* Probe the implementation and the extensions this kernel uses.  Once, in
 * the first C code (it only makes ecalls: no memory, no console needed). */
void sbi_init(void);

/* What sbi_init() found. */
enum sbi_ext_index { SBI_TIME, SBI_IPI, SBI_RFENCE, SBI_HSM, SBI_SRST, SBI_DBCN, SBI_NEXT };
bool sbi_has(enum sbi_ext_index ext);
/* Spec version as major << 24 | minor (0.1 when BASE is missing). */
unsigned long sbi_spec_version(void);
long sbi_impl_id(void);              /* -1 for a v0.1 SBI (no BASE) */
unsigned long sbi_impl_version(void);
const char *sbi_impl_name(long id);  /* NULL for an unknown id */
/* "OpenSBI 1.5, SBI v2.0, extensions: TIME IPI RFENCE HSM SRST DBCN". */
void sbi_describe(char *buf, size_t len);

/* --- services, each with its legacy fallback ---------------------------- */

/* Program the next timer event at absolute time (the `time` CSR's units);
 * clears a pending timer interrupt. */
void sbi_set_timer(uint64_t stime_value);
/* One byte to the firmware console (DBCN write_byte, else legacy putchar). */
void sbi_console_putc(char c);
/* Send a supervisor software interrupt to the harts of hart_mask (bit n is
 * hart hart_mask_base + n). */
int sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
/* sfence.vma of [start, start+size) on the harts of the mask (size ~0UL:
 * everything). */
int sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
			  unsigned long start, unsigned long size);
/* HSM: start hart at physical start_addr with a1 = opaque; its state. */
int sbi_hart_start(unsigned long hartid, paddr_t start_addr, unsigned long opaque);
int sbi_hart_status(unsigned long hartid);
/* SRST system_reset, else legacy shutdown (for SBI_SRST_SHUTDOWN); returns
 * only if the firmware refused. */
int sbi_system_reset(unsigned type, unsigned reason);

#endif
