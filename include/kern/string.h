/* The freestanding string and memory routines the kernel uses. */
#ifndef KERN_STRING_H
#define KERN_STRING_H

#include <kern/types.h>

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

/* Parse an unsigned number in base 10, or base 16 with a 0x prefix, with an
 * optional K/M/G suffix.  Returns false (and leaves *out alone) unless the
 * whole of [s, s+len) is a valid number that fits in 64 bits. */
bool parse_u64(const char *s, size_t len, uint64_t *out);

#endif
