/* What the riscv64 arch files share.  Bring-up order (riscv_boot.c, then
 * platform.c): SBI probe, early console, traps, device tree into boot_info,
 * boot hart's features and the clock; later (arch_init_platform) the PLIC,
 * the timer interrupt, the UART console and its input, the test finisher. */
#ifndef RISCV_RISCV_H
#define RISCV_RISCV_H

#include <kern/types.h>

struct pv_ops;
struct thread;
struct trap_frame;
struct fpu_state;

/* --- the boot hart (hart.c) --------------------------------------------- */
/* The hart that booted (a0 at entry); harts are not assumed to be 0. */
extern unsigned long riscv_boot_hart;
/* Read the boot hart's cpu node: ISA extensions.  Once, at boot. */
void hart_init(const void *dtb);
/* The boot hart's cpu node, or a negative K_E*. */
int hart_cpu_node(const void *dtb);
/* The phandle of the boot hart's local interrupt controller
 * ("riscv,cpu-intc" child of its cpu node), 0 if none. */
uint32_t hart_intc_phandle(const void *dtb);
/* ISA extensions of the boot hart, from "riscv,isa-extensions" or the
 * "riscv,isa" string. */
bool hart_has_ext(const char *ext);
const char *hart_mmu_name(void);      /* "sv48" or "sv39" */

/* --- time (timer.c) ---------------------------------------------------- */
/* The clock: the time CSR at /cpus timebase-frequency. */
void riscv_clock_init(const void *dtb);
uint64_t riscv_timebase_hz(void);
uint64_t riscv_clock_ns(void);
uint64_t riscv_ns_to_ticks(uint64_t ns);
/* The native clock and one-shot timer hooks (Sstc or SBI TIME). */
void riscv_time_ops(struct pv_ops *ops);
/* Enable the timer interrupt (from arch_init_platform). */
void riscv_timer_init(void);
bool riscv_timer_uses_sstc(void);

/* --- PLIC (plic.c) ----------------------------------------------------- */
/* Find the PLIC and the boot hart's S-mode context; all sources masked. */
int plic_init(const void *dtb);
/* The PLIC node the kernel drives (for arch_dt_irq_decode), or negative. */
int plic_node(void);
unsigned plic_sources(void);
/* Whether source is pending at the PLIC (tests). */
bool plic_pending(unsigned source);

/* --- 16550 UART (uart.c) ------------------------------------------------ */
/* Map the console UART named by the device tree and register it as a
 * console; route its receive interrupt through the PLIC. */
void uart_init(const void *dtb);
bool uart_present(void);
unsigned uart_irq(void);   /* its PLIC source, 0 if none */
/* Turn the transmitter-empty interrupt on or off (the PLIC delivery test:
 * an idle UART raises it as soon as it is enabled). */
void uart_set_thre_interrupt(bool on);

/* --- power (pv_native.c) ----------------------------------------------- */
/* Map QEMU's "sifive,test0" finisher, if present, so a failure power-off
 * can give QEMU a non-zero exit status. */
void finisher_init(const void *dtb);

/* --- self-interrupts (platform.c) -------------------------------------- */
void self_interrupt_init(void);

/* --- threads and user mode (thread.c, context.S, user_trap.c) ----------- */
/* The top of the current thread's kernel stack (its user frame ends there). */
uintptr_t riscv_kstack_top(void);
/* The C half of arch_enter_user: fill the frame tf for entering user mode. */
void riscv_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg);
/* sstatus for a return to user mode, with FP state fs (FS_*). */
uint64_t riscv_user_sstatus(uint64_t sstatus, unsigned fs);
/* Called with the frame of every ecall from user mode before it is
 * dispatched, when set (self-tests). */
extern void (*riscv_ecall_observer)(const struct trap_frame *tf);

/* --- the FP unit (fpu.c, fpu.S) ----------------------------------------- */
/* Whether user threads get an FP unit (the hart has D).  Once, at boot. */
void riscv_fpu_init(void);
bool riscv_fpu_present(void);
/* t's first FP instruction trapped: give it a zeroed unit (true), or
 * false if there is none. */
bool riscv_fpu_first_use(struct thread *t);
void riscv_fpu_save(struct fpu_state *f);
void riscv_fpu_load(const struct fpu_state *f);

/* --- address spaces (address_space.c) ----------------------------------- */
/* Usable hardware ASIDs besides 0 (0: the hart has none, and every switch
 * of address space flushes the TLB). */
unsigned long riscv_asid_count(void);
unsigned riscv_asid_bits(void);
/* The hardware ASID arch_user_space_activate() uses for asid (0: none). */
unsigned long riscv_hw_asid(unsigned asid);

#endif
