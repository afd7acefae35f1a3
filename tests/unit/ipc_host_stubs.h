/* Kernel services for the IPC host tests: kmalloc over malloc with live
 * counts and failure injection, and a panic that aborts the test. */
#ifndef IPC_HOST_STUBS_H
#define IPC_HOST_STUBS_H
#include <stddef.h>
extern size_t stub_live_allocs;      /* kmalloc'd blocks not yet freed */
extern size_t stub_live_bytes;
extern size_t stub_biggest;          /* largest single request */
extern long stub_fail_after;         /* fail the allocation after this many; -1 never */
extern size_t stub_live_pages;       /* page_alloc'd pages not yet freed */
#endif
