/* Formatted output.  Supports %d %i %u %x %X %o %p %s %c %% with flags
 * '-', '0', width, '.precision' (strings), and length modifiers hh h l ll z t j. */
#ifndef KERN_PRINTF_H
#define KERN_PRINTF_H

#include <kern/types.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Print to every registered console. */
int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

#endif
