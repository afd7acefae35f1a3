/* The x86_64 platform: ACPI, interrupt controllers, timers, buses.
 * Everything arch_init_platform() brings up, and the hooks other x86 files
 * use.  Bring-up order (platform.c): ACPI, legacy PIC masked, LAPIC, IOAPIC,
 * TSC frequency, one-shot timer, serial input. */
#ifndef X86_PLATFORM_H
#define X86_PLATFORM_H

#include <kern/types.h>

struct pv_ops;

/* Native clock and one-shot timer hooks (TSC, LAPIC or TSC-deadline).
 * Called by arch_pv_native(), possibly more than once, before the platform
 * is up: it only installs hooks; tsc_init()/lapic_timer_init() make them
 * live. */
void native_time_ops(struct pv_ops *ops);

/* ACPI S5 power-off and reset through the FADT; return if unavailable. */
void acpi_poweroff(void);
void acpi_reset(void);

/* --- legacy 8259 PICs (pit.c) ------------------------------------------ */
/* Move the PICs' vectors out of the exception range and mask every line. */
void pic_disable(void);

/* --- local APIC (lapic.c) ----------------------------------------------- */
void lapic_init(void);
uint32_t lapic_id(void);
bool lapic_x2apic(void);
void lapic_eoi(void);
/* Send vector to this CPU (fixed delivery, self shorthand). */
void lapic_self_ipi(uint8_t vector);
/* The LAPIC timer: LVT timer register, divide configuration, counts. */
#define LAPIC_TIMER_ONESHOT 0u
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_LVT_MASKED (1u << 16)
void lapic_timer_setup(uint8_t vector, uint32_t mode);
void lapic_timer_set_count(uint32_t count);   /* 0 stops it */
uint32_t lapic_timer_current(void);

/* --- IOAPICs (ioapic.c) ------------------------------------------------- */
void ioapic_init(void);

/* --- time (tsc.c, pit.c, lapic_timer.c) ----------------------------------- */
/* Find the TSC frequency (CPUID, hypervisor leaf or PIT calibration) and
 * start the native clock. */
void tsc_init(void);
/* Before anything else that takes time: start the PIT run tsc_init will
 * measure the TSC against, where it will need to. */
void tsc_boot_start(void);
/* Register the CMOS real-time clock if it answers (cmos_rtc.c). */
void cmos_rtc_probe(void);
uint64_t tsc_hz(void);
/* The native clock: TSC ticks scaled to ns (0 until tsc_init()). */
uint64_t tsc_clock_ns(void);
/* Convert a duration in ns to TSC ticks at the native TSC frequency. */
uint64_t tsc_ns_to_ticks(uint64_t ns);
/* The PIT's input clock, and how many TSC ticks pass while it counts
 * pit_ticks of it (16 to 61,440, i.e. up to ~51 ms); 0 if there is no PIT
 * that answers. */
#define PIT_HZ 1193182u
uint64_t pit_measure_tsc(uint16_t pit_ticks);
/* The pieces: start a PIT channel counting freely (false: no PIT answers;
 * it wraps every 55 ms, which the caller must rule out), stamp it - the
 * PIT ticks since it started, read with the TSC around the read, once at
 * least `ticks` have passed - and stop it. */
struct pit_stamp {
	uint16_t elapsed;       /* PIT ticks since the run started (mod 65536) */
	uint64_t tsc;           /* the TSC at that moment */
};
bool pit_run_start(void);
bool pit_stamp_after(uint16_t ticks, struct pit_stamp *out);
void pit_run_stop(void);
/* Choose and start the one-shot timer (needs the LAPIC and the TSC). */
void lapic_timer_init(void);
bool lapic_timer_has_tsc_deadline(void);
/* pv_ops.timer_arm/timer_cancel; no-ops until lapic_timer_init(). */
void lapic_timer_arm(uint64_t deadline_ns);
void lapic_timer_cancel(void);

/* --- self-interrupts (platform.c) --------------------------------------- */
void self_interrupt_init(void);

#endif
