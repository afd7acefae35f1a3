/* The register frame trap_entry.S builds on the kernel stack for every
 * exception and interrupt, in push order reversed. */
#ifndef MACHINE_TRAP_H
#define MACHINE_TRAP_H

#include <kern/types.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_DE  0
#define VEC_DB  1
#define VEC_NMI 2
#define VEC_BP  3
#define VEC_UD  6
#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14
#define VEC_FIRST_IRQ 32
#define VEC_SPURIOUS 0xff

void x86_trap(struct trap_frame *tf);
void idt_init(void);
void gdt_init(void);
/* Install a handler for an interrupt vector (32..254). */
typedef void (*vector_handler_t)(struct trap_frame *tf, void *arg);
int vector_alloc(vector_handler_t fn, void *arg);
void vector_set(unsigned vec, vector_handler_t fn, void *arg);
/* Called at the end of each hardware interrupt (LAPIC EOI), set by the LAPIC
 * driver once it is up. */
extern void (*x86_irq_eoi)(void);

#endif
