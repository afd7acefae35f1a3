/* The pvclock ABI: a per-vCPU page the hypervisor keeps current, from which
 * the guest computes nanoseconds with one TSC read and no exit.
 *
 * The layout is shared by KVM (MSR_KVM_SYSTEM_TIME_NEW, Linux
 * Documentation/virt/kvm/x86/msr.rst, "pvclock_vcpu_time_info") and Xen
 * (struct vcpu_time_info in xen/include/public/xen.h), and is defined here
 * once, with the field names of the KVM document:
 *
 *   time = system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 *   (a negative tsc_shift shifts right)
 *
 * The hypervisor makes version odd while it updates the other fields; a
 * reader retries until it sees the same even version before and after. */
#ifndef HV_PVCLOCK_H
#define HV_PVCLOCK_H

#include <kern/types.h>

struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __packed;

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock ABI is 32 bytes");

/* flags */
#define PVCLOCK_TSC_STABLE_BIT (1u << 0)   /* same time base on every vCPU */
#define PVCLOCK_GUEST_STOPPED  (1u << 1)

/* Scale a TSC delta by the pvclock multiplier and shift. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

/* Read the time in ns.  read_tsc reads the counter the page is relative to
 * (rdtsc on x86).  If last is not NULL, the result never goes below *last
 * and *last is updated: the page is only guaranteed monotonic across
 * vCPUs (and across hypervisor updates) with PVCLOCK_TSC_STABLE_BIT. */
uint64_t pvclock_read_ns(const volatile struct pvclock_vcpu_time_info *ti,
			 uint64_t (*read_tsc)(void), uint64_t *last);

/* The counter frequency the page implies, in Hz (0 if the page is empty). */
uint64_t pvclock_tsc_hz(const volatile struct pvclock_vcpu_time_info *ti);

#endif
