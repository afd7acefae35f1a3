/* KVM's paravirtual features on x86 (Linux Documentation/virt/kvm/x86/
 * cpuid.rst and msr.rst; constants from the UAPI header <asm/kvm_para.h>).
 *
 * The feature bits of CPUID base+1 are recorded and printed.  With
 * KVM_FEATURE_CLOCKSOURCE2, kvmclock replaces the native clock: the
 * physical address of a pvclock page, with bit 0 set, goes into
 * MSR_KVM_SYSTEM_TIME_NEW and KVM keeps the page current.  The page is
 * checked before it is trusted (a VMM may advertise the feature and not
 * implement it): it must get an even, non-zero version and its time must
 * advance; otherwise the MSR is cleared and the native clock stays.
 *
 * The one-shot timer stays native (LAPIC / TSC-deadline): it arms by the
 * distance from the current pv clock, so it works on kvmclock's time base
 * without converting absolute times (see arch/x86_64/lapic_timer.c). */
#include <kern/arch.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <machine/cpu.h>
#include <machine/tsc.h>
#include <asm/kvm_para.h>
#include "hv/kvm/kvm.h"
#include "hv/pvclock.h"
#include "hv/x86/cpuid.h"

static uint32_t features;
/* One vCPU for now; SMP will need one page per vCPU.  The ABI wants it
 * 4-byte aligned and not crossing a page: 64-byte alignment ensures both. */
static struct pvclock_vcpu_time_info kvmclock_page __aligned(64);
static uint64_t kvmclock_last;
static bool kvmclock_stable;

uint32_t kvm_features(void) { return features; }

static const char *const feature_names[] = {
	[KVM_FEATURE_CLOCKSOURCE] = "CLOCKSOURCE",
	[KVM_FEATURE_NOP_IO_DELAY] = "NOP_IO_DELAY",
	[KVM_FEATURE_MMU_OP] = "MMU_OP",
	[KVM_FEATURE_CLOCKSOURCE2] = "CLOCKSOURCE2",
	[KVM_FEATURE_ASYNC_PF] = "ASYNC_PF",
	[KVM_FEATURE_STEAL_TIME] = "STEAL_TIME",
	[KVM_FEATURE_PV_EOI] = "PV_EOI",
	[KVM_FEATURE_PV_UNHALT] = "PV_UNHALT",
	[KVM_FEATURE_PV_TLB_FLUSH] = "PV_TLB_FLUSH",
	[KVM_FEATURE_ASYNC_PF_VMEXIT] = "ASYNC_PF_VMEXIT",
	[KVM_FEATURE_PV_SEND_IPI] = "PV_SEND_IPI",
	[KVM_FEATURE_POLL_CONTROL] = "POLL_CONTROL",
	[KVM_FEATURE_PV_SCHED_YIELD] = "PV_SCHED_YIELD",
	[KVM_FEATURE_ASYNC_PF_INT] = "ASYNC_PF_INT",
	[KVM_FEATURE_MSI_EXT_DEST_ID] = "MSI_EXT_DEST_ID",
	[KVM_FEATURE_HC_MAP_GPA_RANGE] = "HC_MAP_GPA_RANGE",
	[KVM_FEATURE_MIGRATION_CONTROL] = "MIGRATION_CONTROL",
	[KVM_FEATURE_CLOCKSOURCE_STABLE_BIT] = "CLOCKSOURCE_STABLE",
};

static void print_features(void)
{
	char line[400];
	size_t n = ksnprintf(line, sizeof(line), "kvm: features %#x:", features);
	for (unsigned bit = 0; bit < 32 && n < sizeof(line); bit++) {
		if (!(features & (1u << bit)))
			continue;
		const char *name = bit < ARRAY_SIZE(feature_names) ? feature_names[bit] : NULL;
		if (name)
			n += (size_t)ksnprintf(line + n, sizeof(line) - n, " %s", name);
		else
			n += (size_t)ksnprintf(line + n, sizeof(line) - n, " bit%u", bit);
	}
	kprintf("%s\n", line);
}

/* wrmsr that reports a #GP instead of taking it (exception table). */
static bool wrmsr_safe(uint32_t msr, uint64_t v)
{
	int ok = 1;
	__asm__ volatile(
		"1: wrmsr\n"
		"   jmp 3f\n"
		"2: xorl %0, %0\n"
		"3:\n"
		"   .pushsection .extable, \"a\"\n"
		"   .balign 8\n"
		"   .quad 1b, 2b\n"
		"   .popsection\n"
		: "+r"(ok) : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	return ok;
}

static uint64_t read_tsc(void)
{
	__asm__ volatile("lfence" ::: "memory");
	return rdtsc();
}

static uint64_t kvmclock_ns(void)
{
	return pvclock_read_ns(&kvmclock_page, read_tsc, kvmclock_stable ? NULL : &kvmclock_last);
}

/* Bounded waits: a VMM that never fills the page must not hang the boot. */
#define PAGE_WAIT_POLLS 1000000
#define ADVANCE_TSC_TICKS (1ULL << 22)

static bool kvmclock_works(void)
{
	volatile struct pvclock_vcpu_time_info *ti = &kvmclock_page;
	int i;
	for (i = 0; i < PAGE_WAIT_POLLS && (ti->version == 0 || (ti->version & 1)); i++)
		arch_cpu_relax();
	if (i == PAGE_WAIT_POLLS || !ti->tsc_to_system_mul)
		return false;
	uint64_t t0 = kvmclock_ns(), start = rdtsc();
	while (rdtsc() - start < ADVANCE_TSC_TICKS)
		arch_cpu_relax();
	return kvmclock_ns() > t0;
}

static void kvmclock_init(struct pv_ops *ops)
{
	paddr_t pa = virt_to_phys(&kvmclock_page);
	memset(&kvmclock_page, 0, sizeof(kvmclock_page));
	if (!wrmsr_safe(MSR_KVM_SYSTEM_TIME_NEW, pa | KVM_MSR_ENABLED)) {
		kprintf("kvmclock: MSR_KVM_SYSTEM_TIME_NEW refused; keeping the %s clock\n",
			ops->clock_name);
		return;
	}
	if (!kvmclock_works()) {
		wrmsr_safe(MSR_KVM_SYSTEM_TIME_NEW, 0);
		kprintf("kvmclock: advertised but the page never became valid; keeping the %s clock\n",
			ops->clock_name);
		return;
	}
	kvmclock_stable = (features & (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)) &&
			  (kvmclock_page.flags & PVCLOCK_TSC_STABLE_BIT);
	uint64_t hz = pvclock_tsc_hz(&kvmclock_page);
	kprintf("kvmclock: page at %#llx, tsc %llu.%03llu MHz%s\n", (unsigned long long)pa,
		(unsigned long long)(hz / 1000000), (unsigned long long)(hz % 1000000 / 1000),
		kvmclock_stable ? ", stable" : "");
	/* The page states the TSC rate exactly; the native timer needs it. */
	tsc_set_known_hz(hz, "kvmclock");
	ops->clock_name = "kvmclock";
	ops->clock_ns = kvmclock_ns;
}

void kvm_init(struct pv_ops *ops)
{
	uint32_t base = hv_cpuid_base(KVM_SIGNATURE);
	if (!base)
		return;
	if (cpuid(base, 0).eax >= base + 1 || cpuid(base, 0).eax == 0)
		features = cpuid(base + 1, 0).eax;   /* eax 0 means "up to base + 1" */
	print_features();
	if (features & (1u << KVM_FEATURE_CLOCKSOURCE2))
		kvmclock_init(ops);
}
