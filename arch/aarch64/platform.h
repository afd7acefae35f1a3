/* The aarch64 platform: everything arch/aarch64 brings up from the device
 * tree, and the hooks its files share.  Bring-up order (platform.c): GIC,
 * self-interrupt SGI, generic timer, PL011 input. */
#ifndef AARCH64_PLATFORM_H
#define AARCH64_PLATFORM_H

#include <kern/types.h>

struct pv_ops;
struct ptable;

/* The device tree as the kernel reads it (through the direct map). */
const void *boot_dtb(void);
/* The exception level the loader entered the kernel at (1 or 2). */
extern unsigned boot_entry_el;

/* --- traps (traps.c) ---------------------------------------------------- */
void traps_init(void);
struct trap_frame;
/* A system call from EL0: x8 the number, x0..x6 the arguments, the result
 * in x0 (the rest of the frame untouched). */
void aarch64_el0_svc(struct trap_frame *tf);
/* The VM_FAULT_* access of a data or instruction abort's syndrome. */
unsigned aarch64_abort_access(uint64_t esr);

/* --- threads and user mode (thread.c, context.S, user_space.c, uaccess.S) - */
/* CPU settings for user mode: FP/SIMD access, EL0 counter access, ASID
 * size, PAN.  Called once at boot, before any user space exists. */
void aarch64_user_init(void);
bool aarch64_has_pan(void);
/* The first instructions of every new thread (arch_thread_init). */
void aarch64_thread_start(void);
__noreturn void aarch64_eret_to_user(uintptr_t pc, uintptr_t sp, uintptr_t arg,
				     uintptr_t kstack_top);
/* The copy routines' code: faults there may be resolved and retried. */
extern char aarch64_uaccess_start[], aarch64_uaccess_end[];
/* The raw user-space registers, for self-tests that borrow TTBR0; restore
 * also empties the TLB and forgets every ASID's owner. */
struct aarch64_user_regs { uint64_t ttbr0, tcr; };
void aarch64_user_space_save(struct aarch64_user_regs *s);
void aarch64_user_space_restore(const struct aarch64_user_regs *s);

/* --- TTBR1 switch (mmu_switch.S), boot tables (boot/head.S) ------------- */
void aarch64_replace_ttbr1(paddr_t root, paddr_t idmap, vaddr_t va_offset);
extern uint64_t boot_idmap_l0[], boot_dmap_l1[], boot_kimg_l2[];

/* --- PL011 UART (pl011.c) ----------------------------------------------- */
/* Find the console UART in the tree (stdout-path, else the first
 * "arm,pl011") and reach it through the boot fixmap.  False if none. */
bool pl011_early_init(const void *dtb);
void pl011_putc(char c);
/* Map the UART's page at the same fixmap address in the kernel tree
 * (before it becomes live). */
void pl011_map_fixmap(struct ptable *pt);
/* Register it as a console and route its receive interrupt. */
void pl011_enable_input(const void *dtb);

/* --- GIC (gic.c, gicv2.c, gicv3.c) ------------------------------------------- */
/* The controller-specific half of the driver. */
struct gic_ops {
	const char *name;
	unsigned nlines;                          /* INTIDs 0..nlines-1 exist */
	uint32_t (*ack)(void);                    /* raw IAR value */
	void (*eoi)(uint32_t iar);
	void (*set_trigger)(unsigned intid, bool edge);
	void (*enable)(unsigned intid);
	void (*disable)(unsigned intid);
	void (*send_sgi_self)(unsigned intid);
};
#define GIC_SPURIOUS_FIRST 1020
/* Find the controller in the tree and bring up this CPU's interface. */
void gic_init(const void *dtb);
/* Probe one controller node; NULL if it cannot be used. */
const struct gic_ops *gicv2_probe(const void *dtb, int node);
const struct gic_ops *gicv3_probe(const void *dtb, int node);
/* The IRQ exception: acknowledge, dispatch and end every pending INTID. */
void gic_handle_irq(void);
/* SGIs go through the same handler table; sgi < 16. */
int gic_attach_sgi(unsigned sgi, void (*handler)(void *arg), void *arg);
void gic_send_self_sgi(unsigned sgi);
/* Which compatible strings name a GIC, and its version (0: not a GIC). */
int gic_node_version(const void *dtb, int node);

/* --- generic timer (timer.c) ----------------------------------------------- */
/* Clock and one-shot hooks (CNTVCT_EL0, CNTV_*); usable from boot on. */
void generic_timer_ops(struct pv_ops *ops);
/* Route the virtual timer's PPI (from the /timer node). */
void generic_timer_init(const void *dtb);
uint64_t generic_timer_hz(void);

/* --- self-interrupts (platform.c) --------------------------------------- */
void self_interrupt_init(void);

/* --- power (pv_native.c) ---------------------------------------------------- */
/* Semihosting SYS_EXIT with the kernel's status, when the emulator has
 * semihosting on; returns when it is not available. */
void semihosting_exit(int status);

#endif
