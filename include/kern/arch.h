/* The arch interface: everything the portable kernel may ask of the machine.
 *
 * Portable code (src/, virtio/) includes this header and never an arch/
 * file.  Each architecture implements these functions under arch/<arch>/ and
 * supplies constants and small inline helpers in <machine/...> headers:
 *
 *   <machine/param.h>   PAGE_SIZE, PAGE_SHIFT, the kernel's virtual layout,
 *                       phys_to_virt()
 *   <machine/pte.h>     the page-table entry format (see kern/ptable.h)
 *   <machine/io.h>      mmio_read/write{8,16,32,64} with device ordering
 *   <machine/barrier.h> mb(), rmb(), wmb(), dma_mb() */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H

#include <kern/types.h>
#include <machine/param.h>
#include <machine/io.h>
#include <machine/barrier.h>

/* --- Boot sequence: kmain() calls these in this order ----------------- */

/* Switch the MMU to the kernel page-table tree rooted at root (built by
 * src/vm/kmap.c), with whatever control-register setup the arch needs. */
void arch_mmu_activate(paddr_t root);
/* Interrupt controllers and timers.  pv_ops is filled. */
void arch_init_platform(void);

/* The portable entry point, called by the arch once boot_info is filled and
 * traps are set up. */
__noreturn void kmain(void);

/* --- Threads and user mode ----------------------------------------------
 * <machine/thread.h> defines struct arch_thread (the saved kernel context
 * and the FPU/SIMD area), embedded first in struct thread. */

struct thread;
struct ptable;

/* Prepare t so that the first arch_context_switch() to it starts
 * thread_bootstrap() (src/kern/thread.c) on the top of t->kstack. */
void arch_thread_init(struct thread *t);
/* Save the running context (callee-saved registers, stack pointer, FPU/SIMD
 * state) into from and resume to; also points the CPU's "stack for traps
 * from user mode" (TSS rsp0, SP_EL1 at eret, sscratch) at to's stack. */
void arch_context_switch(struct thread *from, struct thread *to);
/* From the current thread's kernel stack, enter user mode at pc with stack
 * sp and arg in the first argument register. */
__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg);
/* A new user address space: fill the root of pt with what every space
 * shares (the kernel half on x86_64 and riscv64; nothing on aarch64, whose
 * kernel lives in TTBR1). */
void arch_user_space_init(struct ptable *pt);
/* Switch the user half of the address space to pt (asid: 0 = none). */
void arch_user_space_activate(const struct ptable *pt, unsigned asid);
/* Copy between kernel and user memory with the user-access window opened
 * (SMAP stac/clac, PAN, SUM); a fault is resolved through uaccess_fault()
 * or ends the copy with K_EFAULT.  Callers have range-checked already. */
int arch_copy_from_user(void *dst, const void *usrc, size_t len);
int arch_copy_to_user(void *udst, const void *src, size_t len);

/* --- CPU state ------------------------------------------------------- */

typedef unsigned long irqflags_t;
/* <machine/irq.h>: arch_irq_save() (disable interrupts, return the old
 * state), arch_irq_restore(flags), arch_irq_enable(), arch_irq_disable(),
 * arch_irq_enabled() — inline, they are on every hot path. */
#include <machine/irq.h>
void arch_cpu_relax(void);               /* spin-wait hint */
const char *arch_name(void);             /* "x86_64" ... */

/* --- Memory ---------------------------------------------------------- */

/* Physical address of a kernel virtual address (direct map or image). */
paddr_t virt_to_phys(const void *va);
/* Map device memory uncached into kernel space; NULL on failure. */
void *ioremap(paddr_t pa, size_t len);

/* Make instructions just written at kva (through the direct map) visible
 * to instruction fetch on this CPU (x86: nothing to do; Arm: clean the
 * data cache to the point of unification and invalidate the instruction
 * cache; RISC-V: fence.i). */
void arch_sync_icache(const void *kva, size_t len);

/* Read a word from an address that may not be mapped; returns false instead
 * of faulting.  The exception-recovery path of every arch. */
bool arch_probe_read64(const void *addr, uint64_t *out);

/* --- Interrupts ------------------------------------------------------ */

typedef void (*irq_handler_t)(void *arg);

#define IRQ_EDGE   0x0u
#define IRQ_LEVEL  0x1u
#define IRQ_ACTIVE_LOW 0x2u
/* Route a wired interrupt line (IOAPIC GSI, GIC SPI, PLIC source) to handler. */
int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t handler, void *arg);
/* Allocate a message-signalled interrupt; fills the address/data to program
 * into the device.  K_ENODEV where the platform has no MSI. */
int arch_msi_alloc(irq_handler_t handler, void *arg, uint64_t *addr, uint32_t *data);
/* Translate a device-tree interrupt specifier (cells[0..ncells) of
 * controller node `controller`) into a line for arch_irq_attach() and its
 * IRQ_* flags.  K_ENODEV where the platform has no device tree. */
int arch_dt_irq_decode(const void *dtb, int controller, const uint32_t *cells,
		       int ncells, unsigned *line, unsigned *flags);
/* Raise this CPU's self-interrupt, whose handler calls
 * self_interrupt_drain() (kern/self_irq.h).  K_ENODEV if the platform has
 * not set one up. */
int arch_raise_self_interrupt(void);

/* --- Buses and devices ----------------------------------------------- */

/* Find the platform's buses and start their drivers (PCI, virtio-mmio). */
void arch_probe_devices(void);
/* PCI configuration space (legacy ports or ECAM, as the platform has). */
uint32_t arch_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width);
void arch_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width, uint32_t val);

/* --- Diagnostics ----------------------------------------------------- */

/* Backtraces are portable (kern/backtrace.h): <machine/frame.h> gives the
 * arch's frame-record layout. */
/* Look up the kernel symbol containing addr; returns its name or NULL and
 * sets *offset. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
