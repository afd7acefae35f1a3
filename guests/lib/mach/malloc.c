/* malloc over vm_allocate (see <malloc.h> for the design).
 *
 * Every page the heap hands out memory from starts with a struct
 * page_head: small blocks live in pages of one size class after that
 * head, and a big block's own region starts with one too, the block
 * following it.  So free() finds what it needs from the page a pointer
 * lies in, without a table. */
#include <machv/libc.h>
#include <mach_init.h>
#include <malloc.h>
#include "mach.h"

#define PAGE        MACHV_PAGE_SIZE
#define HEAD_SIZE   16                  /* keeps blocks 16-byte aligned */
#define MIN_SHIFT   4                   /* 16 bytes */
#define NCLASSES    8                   /* 16 .. 2048 */
#define MAGIC_SMALL 0x6d616c73u         /* "mals" */
#define MAGIC_BIG   0x6d616c62u         /* "malb" */

struct page_head {
	uint32_t magic;
	uint32_t class;                 /* small: the size class */
	uint64_t size;                  /* big: the bytes the caller may use */
};
_Static_assert(sizeof(struct page_head) == HEAD_SIZE, "page head keeps alignment");

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[NCLASSES];
static volatile int heap_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&heap_lock, 1, __ATOMIC_ACQUIRE))
		swtch_pri(0);
}

static void unlock(void)
{
	__atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE);
}

static size_t class_size(unsigned class)
{
	return (size_t)1 << (class + MIN_SHIFT);
}

static unsigned class_of(size_t size)
{
	unsigned c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

static struct page_head *head_of(void *p)
{
	return (struct page_head *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1));
}

/* Carve a fresh page into blocks of the class; false when out of memory. */
static bool grow(unsigned class)
{
	vm_address_t page = 0;
	size_t bsize = class_size(class);

	if (vm_allocate(mach_task_self(), &page, PAGE, TRUE) != KERN_SUCCESS)
		return false;
	struct page_head *h = (struct page_head *)page;
	h->magic = MAGIC_SMALL;
	h->class = class;
	/* Blocks sit at multiples of their size, the first slot left to the
	 * head (a whole block of it: a 2048-byte page holds one block). */
	for (uintptr_t b = page + PAGE - bsize; b >= page + bsize; b -= bsize) {
		struct free_block *fb = (struct free_block *)b;
		fb->next = free_lists[class];
		free_lists[class] = fb;
	}
	return true;
}

static void *big_alloc(size_t size)
{
	vm_address_t addr = 0;
	size_t total;

	if (size > SIZE_MAX - HEAD_SIZE - PAGE)
		return NULL;
	total = (size + HEAD_SIZE + PAGE - 1) & ~(PAGE - 1);
	if (vm_allocate(mach_task_self(), &addr, total, TRUE) != KERN_SUCCESS)
		return NULL;
	struct page_head *h = (struct page_head *)addr;
	h->magic = MAGIC_BIG;
	h->class = 0;
	h->size = total - HEAD_SIZE;
	return (void *)(addr + HEAD_SIZE);
}

void *malloc(size_t size)
{
	if (size > MALLOC_SMALL_MAX)
		return big_alloc(size);
	unsigned class = class_of(size ? size : 1);
	void *p = NULL;

	lock();
	if (free_lists[class] || grow(class)) {
		struct free_block *fb = free_lists[class];
		free_lists[class] = fb->next;
		fb->next = NULL;
		p = fb;
	}
	unlock();
	return p;
}

/* The page head of a block malloc returned, or NULL (with a message) for a
 * pointer it did not. */
static struct page_head *check(void *p, const char *who)
{
	struct page_head *h = head_of(p);

	uintptr_t off = (uintptr_t)p - (uintptr_t)h;

	if (h->magic == MAGIC_SMALL && h->class < NCLASSES &&
	    off >= class_size(h->class) && off % class_size(h->class) == 0)
		return h;
	if (h->magic == MAGIC_BIG && (uintptr_t)p == (uintptr_t)h + HEAD_SIZE)
		return h;
	printf("malloc: %s of %p, which malloc did not return: ignored\n", who, p);
	return NULL;
}

void free(void *p)
{
	if (!p)
		return;
	struct page_head *h = check(p, "free");
	if (!h)
		return;
	if (h->magic == MAGIC_BIG) {
		(void)vm_deallocate(mach_task_self(), (vm_address_t)h, h->size + HEAD_SIZE);
		return;
	}
	lock();
	struct free_block *fb = p;
	fb->next = free_lists[h->class];
	free_lists[h->class] = fb;
	unlock();
}

size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	struct page_head *h = check(p, "malloc_usable_size");
	if (!h)
		return 0;
	return h->magic == MAGIC_BIG ? h->size : class_size(h->class);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	struct page_head *h = check(p, "realloc");
	if (!h)
		return NULL;
	size_t have = h->magic == MAGIC_BIG ? h->size : class_size(h->class);
	/* Shrinking a small block in place wastes at most half of it; a big
	 * one keeps its pages until it is freed. */
	if (size <= have && (h->magic == MAGIC_BIG || size > have / 2 || have == 16))
		return p;
	void *q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, size < have ? size : have);
	free(p);
	return q;
}
