/* The kernel object allocator: slab caches of fixed-size objects, plus
 * kmalloc/kfree over a family of power-of-two caches.
 *
 * Slabs are single pages obtained from a backend (the page allocator in the
 * kernel, aligned_alloc in host tests).  Each slab keeps a bitmap of its
 * allocated objects, so freeing an object twice, or a pointer that is not an
 * object of the cache, is detected and refused rather than corrupting the
 * free list. */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include <kern/types.h>

struct kmem_backend {
	/* Return one zeroed or dirty page-aligned page of PAGE_SIZE bytes, or NULL. */
	void *(*page_get)(void);
	void (*page_put)(void *page);
};

struct kmem_cache_stats {
	const char *name;
	size_t obj_size;
	size_t slabs;      /* pages held */
	size_t in_use;     /* objects allocated */
	size_t capacity;   /* objects that fit in the pages held */
	size_t bad_frees;  /* refused frees */
};

struct kmem_cache;

/* The kernel's backend: order-0 frames from page_alloc via the direct map. */
extern const struct kmem_backend kmem_page_backend;

/* Install the page backend; must come before any other call. */
void kmem_init(const struct kmem_backend *backend);

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *cache);
/* Returns 0, or K_EINVAL for a double or foreign free (nothing is changed). */
int kmem_cache_free(struct kmem_cache *cache, void *obj);
/* Return empty slabs to the backend; returns the number of pages released. */
size_t kmem_cache_reap(struct kmem_cache *cache);
void kmem_cache_stats(struct kmem_cache *cache, struct kmem_cache_stats *out);

/* General-purpose allocation: sizes up to KMALLOC_MAX from the size caches,
 * larger requests fail (use the page allocator).  kfree(NULL) is a no-op;
 * kfree of a bad pointer returns K_EINVAL. */
#define KMALLOC_MAX 2048
void *kmalloc(size_t size);
void *kzalloc(size_t size);
int kfree(void *ptr);

/* Visit every cache (size caches included) for statistics. */
void kmem_foreach_cache(void (*fn)(struct kmem_cache *c, void *arg), void *arg);

#endif
