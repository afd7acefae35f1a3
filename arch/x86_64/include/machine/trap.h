/* The register frame the kernel keeps for every entry from an interrupt, an
 * exception or the syscall instruction, and the segment selectors the
 * entries load.
 *
 * trap_entry.S (interrupts, exceptions) and user_entry.S (syscall) build
 * the same frame, so one return path (trap_return: pop, iretq) serves every
 * entry.  For a thread in user mode the frame sits at the very top of its
 * kernel stack: TSS.rsp0 points there, and the syscall entry switches to
 * the same address. */
#ifndef MACHINE_TRAP_H
#define MACHINE_TRAP_H

/* GDT selectors (gdt.c).  The order is what SYSCALL/SYSRET impose:
 * SYSCALL loads CS = STAR[47:32] and SS = STAR[47:32] + 8; SYSRET to 64-bit
 * code loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, so user data
 * must sit right below user code. */
#define SEL_KCODE   0x08
#define SEL_KDATA   0x10
#define SEL_USYSRET 0x18          /* STAR[63:48]: the slot SYSRET counts from */
#define SEL_UDATA   (0x20 | 3)
#define SEL_UCODE   (0x28 | 3)
#define SEL_TSS     0x30

/* Byte offsets into struct trap_frame (for the assembly entries). */
#define TF_RAX     (14 * 8)
#define TF_VECTOR  (15 * 8)
#define TF_ERROR   (16 * 8)
#define TF_RIP     (17 * 8)
#define TF_CS      (18 * 8)
#define TF_RFLAGS  (19 * 8)
#define TF_RSP     (20 * 8)
#define TF_SS      (21 * 8)
#define TF_SIZE    (22 * 8)

/* frame.vector for an entry through the syscall instruction: not an IDT
 * vector, so nothing mistakes it for one. */
#define VEC_SYSCALL 0x100

#define RFLAGS_CF   (1UL << 0)
#define RFLAGS_ONE  (1UL << 1)    /* always set */
#define RFLAGS_TF   (1UL << 8)
#define RFLAGS_IF   (1UL << 9)
#define RFLAGS_DF   (1UL << 10)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT   (1UL << 14)
#define RFLAGS_RF   (1UL << 16)
#define RFLAGS_AC   (1UL << 18)

#ifdef __ASSEMBLER__
/* Push the general registers in struct trap_frame's order (r15 ends up
 * lowest); every entry builds its frame with this, trap_return pops it. */
.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm
#else
#include <kern/types.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (by user_entry.S for syscall) */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "trap frame");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR, "trap frame");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == TF_RIP, "trap frame");
_Static_assert(__builtin_offsetof(struct trap_frame, ss) == TF_SS, "trap frame");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame");

static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

#define VEC_DE  0
#define VEC_DB  1
#define VEC_NMI 2
#define VEC_BP  3
#define VEC_UD  6
#define VEC_NM  7
#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14
#define VEC_MC  18
#define VEC_FIRST_IRQ 32
#define VEC_SPURIOUS 0xff

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_RSVD    (1u << 3)
#define PF_FETCH   (1u << 4)

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

/* The stack the CPU switches to on an entry from user mode (TSS.rsp0 and
 * the syscall entry's stack): the top of the running thread's kernel
 * stack (gdt.c). */
void x86_set_kernel_stack(uintptr_t top);
uintptr_t x86_kernel_stack(void);

/* Leave the kernel through the frame tf (on the current kernel stack),
 * restoring every register it holds (trap_entry.S). */
__noreturn void x86_trap_return(struct trap_frame *tf);

/* The syscall instruction's MSRs (syscall.c); the entry is user_entry.S. */
void x86_syscall_init(void);
void x86_syscall(struct trap_frame *tf);
#endif

#endif
