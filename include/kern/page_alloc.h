/* The physical page allocator: a binary buddy allocator over page frames.
 *
 * The allocator keeps its bookkeeping (one struct page per frame) outside the
 * frames it manages, so it never touches the memory it hands out and can be
 * unit-tested on the host with made-up frame numbers. */
#ifndef KERN_PAGE_ALLOC_H
#define KERN_PAGE_ALLOC_H

#include <kern/types.h>

#define PAGE_ORDER_MAX 11          /* largest block: 2^10 pages (4 MiB) */
#define PADDR_NONE ((paddr_t)-1)   /* "no page" */

struct page_stats {
	size_t total_pages;   /* frames handed to the allocator */
	size_t free_pages;    /* frames currently free */
	size_t free_blocks[PAGE_ORDER_MAX]; /* free blocks of each order */
	size_t allocs, frees; /* successful calls since boot */
	size_t failures;      /* allocation requests that could not be met */
	size_t bad_frees;     /* double or invalid frees detected and refused */
};

/* Set up an allocator for frames [base_pfn, base_pfn + npages), all reserved,
 * with meta an array of npages page_meta-sized records (see
 * page_alloc_meta_size).  Call page_free_range() for the usable parts. */
size_t page_alloc_meta_size(size_t npages);
void page_alloc_init(uint64_t base_pfn, size_t npages, void *meta);
/* Hand the frames of [start, end) (byte addresses, page aligned inward) to the
 * allocator as free. */
void page_free_range(paddr_t start, paddr_t end);

/* Allocate 2^order contiguous, naturally aligned frames; PADDR_NONE if none. */
paddr_t page_alloc(unsigned order);
/* Free a block from page_alloc.  A double free, a wrong order or an address
 * the allocator does not own is refused with K_EINVAL and counted. */
int page_free(paddr_t pa, unsigned order);

void page_alloc_stats(struct page_stats *out);

#endif
