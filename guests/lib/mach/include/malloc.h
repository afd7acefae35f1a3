/* The heap of programs built on guests/lib/mach (guests/lib/mach/malloc.c):
 * malloc, free, calloc and realloc over vm_allocate.
 *
 * Requests up to MALLOC_SMALL_MAX bytes come from pages carved into blocks
 * of one size class (16, 32, ... 2048 bytes); a free block goes back to its
 * class's free list and is reused by the next request of that class, but
 * the pages themselves are kept for the task's life.  Bigger requests get
 * memory of their own straight from vm_allocate, returned by free with
 * vm_deallocate.  Every block is 16-byte aligned and starts zeroed the
 * first time it is handed out (vm_allocate's zero-fill); calloc zeroes
 * reused ones too.
 *
 * Threads: a spin lock (yielding with swtch_pri) serialises the calls, so
 * threads of one task may share the heap; it is meant for programs with
 * one thread or a few, not for contention.  A pointer that malloc did not
 * return is refused by free/realloc with a message on the console, never
 * used (the page it lies in must still be readable: free of a wild
 * pointer may fault). */
#ifndef MACHV_MALLOC_H
#define MACHV_MALLOC_H

#include <stddef.h>

#define MALLOC_SMALL_MAX 2048

void *malloc(size_t size);
void free(void *p);
/* n * size bytes, zeroed; NULL if the product overflows. */
void *calloc(size_t n, size_t size);
/* The old contents up to the smaller size survive; realloc(NULL, n) is
 * malloc(n), realloc(p, 0) frees p and returns NULL. */
void *realloc(void *p, size_t size);
/* The bytes usable at p (at least what was asked for); 0 for NULL. */
size_t malloc_usable_size(void *p);

#endif
