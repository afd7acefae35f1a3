/* x86_64 instructions the arch code needs, as inline functions. */
#ifndef MACHINE_CPU_H
#define MACHINE_CPU_H

#include <kern/types.h>

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define CR_ACCESSORS(n) \
	static inline uint64_t read_cr##n(void) \
	{ uint64_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
	static inline void write_cr##n(uint64_t v) \
	{ __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
CR_ACCESSORS(0)
CR_ACCESSORS(2)
CR_ACCESSORS(3)
CR_ACCESSORS(4)
#undef CR_ACCESSORS

static inline void invlpg(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

#define CR0_MP   (1UL << 1)
#define CR0_EM   (1UL << 2)
#define CR0_TS   (1UL << 3)
#define CR0_NE   (1UL << 5)
#define CR0_WP   (1UL << 16)
#define CR4_PGE  (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_PCIDE (1UL << 17)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

/* CR3 with CR4.PCIDE: bits 11:0 tag the TLB entries, and bit 63 set on a
 * load keeps the entries already tagged with that PCID. */
#define CR3_PCID_MASK 0xfffUL
#define CR3_NOFLUSH   (1UL << 63)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1UL << 0)
#define EFER_NXE (1UL << 11)
#define MSR_STAR  0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084

/* CPUID feature bits used by more than one file. */
#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_HYPERVISOR   (1u << 31)
#define CPUID1_ECX_PCID         (1u << 17)
#define CPUID1_EDX_APIC         (1u << 9)
#define CPUID1_EDX_FXSR         (1u << 24)
#define CPUID7_EBX_SMEP         (1u << 7)
#define CPUID7_EBX_SMAP         (1u << 20)

/* Whether CR4.SMAP is on (cpu.c): stac/clac fault without SMAP. */
extern bool x86_smap_enabled;

/* Close the user-access window SMAP opens with stac. */
static inline void smap_clac(void)
{
	if (x86_smap_enabled)
		__asm__ volatile("clac" ::: "memory");
}

#endif
