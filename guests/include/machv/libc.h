/* The tiny C library of machv's user programs, without the GNU Mach trap
 * names (<machv/lib.h> adds them; programs built on GNU Mach's headers
 * include this one).
 *
 * Formatted output and the string routines are the kernel's own
 * (src/kern/printf.c and string.c, compiled a second time for user space);
 * their output goes to the console through mach_print.  The declarations
 * here must match include/kern/printf.h and string.h: guests/lib/abi_check.c
 * includes both and fails the build if they drift apart. */
#ifndef MACHV_LIBC_H
#define MACHV_LIBC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <machv/trap-base.h>

/* --- Output (printf.c's formats: %d %i %u %x %X %o %p %s %c %% with '-',
 * '0', width, '.precision', and hh h l ll z t j). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* The string and a newline. */
int puts(const char *s);

/* --- Strings and memory (the kernel's string.c). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
/* Decimal, or hex with 0x, optional K/M/G suffix; false unless all of
 * [s, s+len) is a number. */
bool parse_u64(const char *s, size_t len, uint64_t *out);

/* --- Process. */
/* The stack pointer the kernel started _start with (for checks of the
 * initial stack layout). */
extern uintptr_t __machv_initial_sp;
int main(int argc, char **argv, char **envp);
/* End the task with status (what returning from main does). */
__attribute__((noreturn)) void exit(int status);

/* --- Time. */
/* Spin (no trap but a clock read every few thousand iterations) until ms
 * milliseconds of the kernel's clock have passed: CPU work the scheduler
 * can only take away by preempting. */
void spin_ms(unsigned ms);
/* Sleep ms milliseconds (thread_switch with SWITCH_OPTION_WAIT). */
void sleep_ms(unsigned ms);

/* --- Threads. */
/* Start fn(arg) in a new thread of this task on the given stack.  Returns
 * the thread id or a negative error.  If fn returns, the thread sleeps
 * until the task ends (there is no thread-exit trap yet). */
long thread_spawn(void (*fn)(void *), void *arg, void *stack, size_t size);
/* Per-thread data without a thread pointer: the initial thread is slot 0,
 * each thread_spawn() thread gets the next slot (found again from the
 * stack pointer, so it must stay on the stack it was given).  At most
 * THREAD_SLOTS - 1 spawned threads have a slot; later ones share slot 0. */
#define THREAD_SLOTS 32
int thread_self_slot(void);
/* Give the thread that will run on [stack, stack + size) a slot of its
 * own (thread_spawn does it; so does mach_thread_start for threads made
 * with thread_create).  Returns the slot, 0 when the table is full.  Not
 * for concurrent use: threads are started from one thread at a time. */
int thread_register_stack(void *stack, size_t size);

#endif
