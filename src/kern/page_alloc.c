/* Binary buddy allocator over physical page frames (see kern/page_alloc.h).
 *
 * Every frame has one small record in the caller's meta array.  A block of
 * 2^k frames is described by its first frame (the head: FREE or ALLOCATED,
 * with the order k); the other frames of the block are TAIL.  Frames the
 * allocator was never given are RESERVED.  Because each frame's state is
 * explicit, every bad free (double, interior, reserved, outside, misaligned,
 * wrong order) is caught with O(1) work before anything is changed.
 *
 * Free blocks of each order sit on a doubly linked list threaded through the
 * meta records by index, so the managed frames themselves are never touched
 * and host tests can use made-up frame numbers.
 *
 * Buddies are computed on absolute frame numbers, so every block is
 * naturally aligned in physical memory even when base_pfn is not.
 *
 * Locking: list manipulation runs between page_alloc_lock() and
 * page_alloc_unlock().  They are plain functions supplied by the environment:
 * src/vm/page_glue.c (interrupts off) in the kernel, the test program on the
 * host.  That keeps this file free of arch code. */
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/arch.h>
#include <kern/page_alloc.h>

irqflags_t page_alloc_lock(void);
void page_alloc_unlock(irqflags_t flags);

#define NIL UINT32_MAX

enum frame_state {
	FRAME_RESERVED = 0,   /* not ours to hand out (holes, firmware, kernel) */
	FRAME_FREE,           /* head of a free block, on free_list[order] */
	FRAME_ALLOCATED,      /* head of an allocated block */
	FRAME_TAIL,           /* inside a block whose head is elsewhere */
};

struct page_meta {
	uint32_t next, prev;  /* free-list links (indices into meta), NIL at ends */
	uint8_t state;
	uint8_t order;        /* block order; meaningful for heads only */
};

static struct {
	struct page_meta *meta;
	uint64_t base_pfn;
	size_t npages;
	uint32_t free_list[PAGE_ORDER_MAX];
	struct page_stats stats;
} pa_state;

#define META(i) (pa_state.meta[i])

size_t page_alloc_meta_size(size_t npages)
{
	return npages * sizeof(struct page_meta);
}

void page_alloc_init(uint64_t base_pfn, size_t npages, void *meta)
{
	/* Indices are 32-bit: 16 TiB of 4 KiB frames is plenty for a guest. */
	if (npages >= NIL)
		npages = NIL - 1;
	pa_state.meta = meta;
	pa_state.base_pfn = base_pfn;
	pa_state.npages = npages;
	for (size_t i = 0; i < npages; i++)
		META(i) = (struct page_meta){ NIL, NIL, FRAME_RESERVED, 0 };
	for (unsigned o = 0; o < PAGE_ORDER_MAX; o++)
		pa_state.free_list[o] = NIL;
	pa_state.stats = (struct page_stats){ 0 };
}

/* --- free lists ------------------------------------------------------ */

static void list_push(uint32_t i, unsigned order)
{
	uint32_t head = pa_state.free_list[order];
	META(i).state = FRAME_FREE;
	META(i).order = order;
	META(i).prev = NIL;
	META(i).next = head;
	if (head != NIL)
		META(head).prev = i;
	pa_state.free_list[order] = i;
	pa_state.stats.free_blocks[order]++;
}

static void list_remove(uint32_t i)
{
	struct page_meta *m = &META(i);
	if (m->prev != NIL)
		META(m->prev).next = m->next;
	else
		pa_state.free_list[m->order] = m->next;
	if (m->next != NIL)
		META(m->next).prev = m->prev;
	m->next = m->prev = NIL;
	pa_state.stats.free_blocks[m->order]--;
}

/* Index of the frame numbered pfn, or NIL if we do not manage it. */
static uint32_t frame_index(uint64_t pfn)
{
	if (pfn < pa_state.base_pfn || pfn - pa_state.base_pfn >= pa_state.npages)
		return NIL;
	return (uint32_t)(pfn - pa_state.base_pfn);
}

/* Put the block of 2^order frames at index i on the free lists, merging it
 * with its buddy for as long as the buddy is a free block of the same order. */
static void insert_free(uint32_t i, unsigned order)
{
	while (order + 1 < PAGE_ORDER_MAX) {
		uint64_t pfn = pa_state.base_pfn + i;
		uint32_t b = frame_index(pfn ^ (1ULL << order));
		if (b == NIL || META(b).state != FRAME_FREE || META(b).order != order)
			break;
		list_remove(b);
		if (b < i) {
			META(i).state = FRAME_TAIL;
			i = b;
		} else {
			META(b).state = FRAME_TAIL;
		}
		order++;
	}
	list_push(i, order);
}

/* Are the n frames from index i all reserved (not yet handed over)? */
static bool all_reserved(uint32_t i, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		if (META(i + j).state != FRAME_RESERVED)
			return false;
	return true;
}

/* --- public interface ------------------------------------------------ */

void page_free_range(paddr_t start, paddr_t end)
{
	if (end <= start || start > PADDR_NONE - PAGE_SIZE)  /* empty, or would wrap */
		return;
	uint64_t first = ALIGN_UP(start, (paddr_t)PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t last = ALIGN_DOWN(end, (paddr_t)PAGE_SIZE) >> PAGE_SHIFT;

	irqflags_t f = page_alloc_lock();
	for (uint64_t pfn = first; pfn < last;) {
		uint32_t i = frame_index(pfn);
		if (i == NIL) {
			pfn++;
			continue;
		}
		/* The biggest buddy-aligned block of reserved frames from here:
		 * one insertion instead of one per page (what boot hands over
		 * is mostly whole megabytes). */
		unsigned order = 0;
		while (order + 1 < PAGE_ORDER_MAX && (pfn & ((2ULL << order) - 1)) == 0 &&
		       pfn + (2ULL << order) <= last &&
		       frame_index(pfn + (2ULL << order) - 1) != NIL &&
		       all_reserved(i + (1u << order), 1u << order))
			order++;
		if (META(i).state != FRAME_RESERVED) {
			/* Handing the same frame over twice: refuse, as page_free does. */
			pa_state.stats.bad_frees++;
			pfn++;
			continue;
		}
		for (uint32_t j = 1; j < (1u << order); j++)
			META(i + j).state = FRAME_TAIL;
		pa_state.stats.total_pages += (size_t)1 << order;
		pa_state.stats.free_pages += (size_t)1 << order;
		insert_free(i, order);
		pfn += 1ULL << order;
	}
	page_alloc_unlock(f);
}

paddr_t page_alloc(unsigned order)
{
	irqflags_t f = page_alloc_lock();
	unsigned k = order;
	while (k < PAGE_ORDER_MAX && pa_state.free_list[k] == NIL)
		k++;
	if (order >= PAGE_ORDER_MAX || k >= PAGE_ORDER_MAX) {
		pa_state.stats.failures++;
		page_alloc_unlock(f);
		return PADDR_NONE;
	}

	uint32_t i = pa_state.free_list[k];
	list_remove(i);
	/* Split: keep the lower half, give the upper half back each time. */
	while (k > order) {
		k--;
		list_push(i + (1u << k), k);
	}
	META(i).state = FRAME_ALLOCATED;
	META(i).order = order;
	pa_state.stats.free_pages -= (size_t)1 << order;
	pa_state.stats.allocs++;
	page_alloc_unlock(f);
	return (paddr_t)(pa_state.base_pfn + i) << PAGE_SHIFT;
}

int page_free(paddr_t pa, unsigned order)
{
	irqflags_t f = page_alloc_lock();
	uint32_t i = frame_index(pa >> PAGE_SHIFT);
	bool ok = order < PAGE_ORDER_MAX &&
		IS_ALIGNED(pa, (paddr_t)PAGE_SIZE << order) &&
		i != NIL &&
		META(i).state == FRAME_ALLOCATED &&
		META(i).order == order;
	if (!ok) {
		pa_state.stats.bad_frees++;
		page_alloc_unlock(f);
		return K_EINVAL;
	}
	pa_state.stats.free_pages += (size_t)1 << order;
	pa_state.stats.frees++;
	insert_free(i, order);
	page_alloc_unlock(f);
	return K_OK;
}

void page_alloc_stats(struct page_stats *out)
{
	irqflags_t f = page_alloc_lock();
	*out = pa_state.stats;
	page_alloc_unlock(f);
}

/* --- self-check ------------------------------------------------------ */

/* Audit every invariant of the allocator; true if all hold.  O(frames), for
 * tests (host and in-kernel) only, so it is not in the public header: callers
 * declare it themselves.
 *   - each free list is well linked, its blocks FREE heads of that order,
 *     aligned, inside the range, not mergeable with their buddy, with TAIL
 *     frames inside, and its length equals stats.free_blocks[order];
 *   - the FREE heads found by scanning all frames are exactly those listed;
 *   - stats.free_pages equals the pages on the lists. */
bool page_alloc_consistent(void);   /* no header: see above */
bool page_alloc_consistent(void)
{
	irqflags_t f = page_alloc_lock();
	bool ok = true;
	size_t listed_pages = 0, listed_heads = 0, scanned_heads = 0;

	for (unsigned o = 0; o < PAGE_ORDER_MAX && ok; o++) {
		size_t n = 0;
		uint32_t prev = NIL;
		for (uint32_t i = pa_state.free_list[o]; i != NIL && ok; i = META(i).next) {
			uint64_t pfn = pa_state.base_pfn + i;
			uint32_t b = frame_index(pfn ^ (1ULL << o));
			ok = META(i).state == FRAME_FREE && META(i).order == o &&
				META(i).prev == prev && IS_ALIGNED(pfn, 1ULL << o) &&
				(size_t)i + (1u << o) <= pa_state.npages &&
				n < pa_state.npages;
			if (ok && o + 1 < PAGE_ORDER_MAX && b != NIL)
				ok = !(META(b).state == FRAME_FREE && META(b).order == o);
			for (uint32_t t = 1; ok && t < (1u << o); t++)
				ok = META(i + t).state == FRAME_TAIL;
			prev = i;
			n++;
		}
		ok = ok && n == pa_state.stats.free_blocks[o];
		listed_heads += n;
		listed_pages += n << o;
	}
	for (size_t i = 0; i < pa_state.npages && ok; i++)
		if (META(i).state == FRAME_FREE)
			scanned_heads++;
	ok = ok && scanned_heads == listed_heads &&
		listed_pages == pa_state.stats.free_pages;
	page_alloc_unlock(f);
	return ok;
}
