/* The paravirt ops table: the one narrow seam between the portable kernel and
 * whatever runs underneath it.
 *
 * Every hook has a native default supplied by the arch (arch_pv_native());
 * pv_init() then lets the detected hypervisor (hv/) replace the hooks it does
 * better, once, at boot.  After pv_init() the table is read-only by
 * convention. */
#ifndef PV_PV_H
#define PV_PV_H

#include <kern/types.h>

struct pv_ops {
	const char *clock_name;      /* "tsc", "kvmclock", "xen-pvclock", "cntvct" ... */
	/* Monotonic nanoseconds since an arbitrary boot-time origin. */
	uint64_t (*clock_ns)(void);

	const char *timer_name;
	/* Arm the one-shot timer to fire at clock_ns() >= deadline; a deadline in
	 * the past fires at once.  Re-arming replaces the previous deadline. */
	void (*timer_arm)(uint64_t deadline_ns);
	void (*timer_cancel)(void);

	const char *console_name;
	/* Early console, usable before any driver: one byte, polled. */
	void (*early_putc)(char c);

	/* TLB maintenance for the current CPU: one range, or everything. */
	void (*tlb_flush_range)(vaddr_t va, size_t len);
	void (*tlb_flush_all)(void);

	/* Wait for the next interrupt (interrupts must be enabled by the caller
	 * or atomically by the hook, as the arch documents). */
	void (*halt)(void);

	/* Power off; status 0 means success.  Falls back to halting forever. */
	__noreturn void (*shutdown)(int status);
	__noreturn void (*reboot)(void);
};

extern struct pv_ops pv_ops;

/* Fill pv_ops: native defaults, then the hypervisor's overrides. */
void pv_init(void);

/* Convenience wrappers so callers read naturally. */
static inline uint64_t pv_clock_ns(void) { return pv_ops.clock_ns(); }
static inline void pv_timer_arm(uint64_t deadline_ns) { pv_ops.timer_arm(deadline_ns); }
static inline void pv_timer_cancel(void) { pv_ops.timer_cancel(); }
static inline void pv_tlb_flush(vaddr_t va, size_t len) { pv_ops.tlb_flush_range(va, len); }
static inline void pv_halt(void) { pv_ops.halt(); }
static inline __noreturn void pv_shutdown(int status) { pv_ops.shutdown(status); }

/* Supplied by each arch: its native hooks (serial, TSC/LAPIC, invlpg ...). */
void arch_pv_native(struct pv_ops *ops);

#endif
