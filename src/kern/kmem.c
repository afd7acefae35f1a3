/* Slab caches and kmalloc (see kern/kmem.h).
 *
 * A slab is one page from the backend.  Its header sits at the start of the
 * page, so any object pointer finds its slab by rounding down to the page.
 * Objects follow the header at a fixed stride.  The header keeps a bitmap of
 * allocated objects rather than a free list threaded through the objects:
 * a use-after-free cannot corrupt the allocator, and a double free or a
 * pointer that is not an object start is recognised before anything changes.
 *
 * Each cache keeps its slabs on three lists (partial, full, empty) so
 * allocation never searches: it takes the first partial slab, else an empty
 * one, else a new page.  Empty slabs stay cached until kmem_cache_reap().
 *
 * Cache descriptors come from a fixed table (no destroy in the interface, so
 * a bounded table is enough and creation fails cleanly when it is full).
 *
 * Locking: kmem_lock()/kmem_unlock() are supplied by the environment
 * (src/vm/page_glue.c in the kernel, the test on the host), like
 * page_alloc_lock().  The backend is called with the lock held; the kernel's
 * lock only disables interrupts, so the page allocator's nests inside it. */
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/arch.h>
#include <kern/string.h>
#include <kern/kmem.h>

irqflags_t kmem_lock(void);
void kmem_unlock(irqflags_t flags);

#define SLAB_MAGIC      0x51ab0b1ecafe5eedULL
#define SLAB_MAX_OBJS   512
#define KMEM_CACHES_MAX 64
#define KMALLOC_MIN     16
#define KMALLOC_ALIGN   16
#define KMALLOC_CLASSES 8          /* 16 .. 2048 */

struct slab {
	uint64_t magic;
	struct kmem_cache *cache;
	struct slab *prev, *next;
	uint32_t in_use;
	uint64_t used[SLAB_MAX_OBJS / 64];   /* bit set = object allocated */
};

struct kmem_cache {
	const char *name;
	size_t obj_size;
	size_t stride;         /* distance between objects */
	size_t first;          /* offset of object 0 from the page start */
	size_t per_slab;
	bool kmalloc_class;
	struct slab *partial, *full, *empty;
	size_t slabs, in_use, bad_frees;
};

static const struct kmem_backend *backend;
static struct kmem_cache caches[KMEM_CACHES_MAX];
static size_t ncaches;
static struct kmem_cache *size_caches[KMALLOC_CLASSES];
static size_t stray_frees;   /* kfree of pointers no cache owns */

/* --- slab lists ------------------------------------------------------ */

static struct slab **list_for(struct kmem_cache *c, size_t in_use)
{
	if (in_use == 0)
		return &c->empty;
	return in_use == c->per_slab ? &c->full : &c->partial;
}

static void list_add(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_del(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* Move s to the list that matches its new count. */
static void slab_set_in_use(struct kmem_cache *c, struct slab *s, size_t in_use)
{
	struct slab **from = list_for(c, s->in_use), **to = list_for(c, in_use);
	s->in_use = in_use;
	if (from != to) {
		list_del(from, s);
		list_add(to, s);
	}
}

static bool slab_test(const struct slab *s, size_t i)
{
	return s->used[i / 64] & (1ULL << (i % 64));
}

static void slab_flip(struct slab *s, size_t i)
{
	s->used[i / 64] ^= 1ULL << (i % 64);
}

static size_t slab_first_free(const struct slab *s, size_t per_slab)
{
	for (size_t w = 0; w < SLAB_MAX_OBJS / 64; w++) {
		if (~s->used[w] == 0)
			continue;
		size_t i = w * 64 + (size_t)__builtin_ctzll(~s->used[w]);
		return i < per_slab ? i : per_slab;
	}
	return per_slab;
}

static struct slab *slab_new(struct kmem_cache *c)
{
	struct slab *s = backend->page_get();
	if (!s)
		return NULL;
	if (!IS_ALIGNED((uintptr_t)s, PAGE_SIZE)) {   /* a broken backend */
		backend->page_put(s);
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->cache = c;
	list_add(&c->empty, s);
	c->slabs++;
	return s;
}

/* --- caches ---------------------------------------------------------- */

static struct kmem_cache *cache_create(const char *name, size_t size, size_t align, bool kmalloc_class)
{
	if (align == 0)
		align = sizeof(void *);
	if (size == 0 || size > PAGE_SIZE || align > PAGE_SIZE / 2 || (align & (align - 1)))
		return NULL;
	size_t stride = ALIGN_UP(size, align);
	size_t first = ALIGN_UP(sizeof(struct slab), align);
	if (first + stride > PAGE_SIZE)
		return NULL;

	irqflags_t f = kmem_lock();
	struct kmem_cache *c = NULL;
	if (ncaches < KMEM_CACHES_MAX) {
		c = &caches[ncaches++];
		*c = (struct kmem_cache){
			.name = name, .obj_size = size, .stride = stride, .first = first,
			.per_slab = MIN((PAGE_SIZE - first) / stride, (size_t)SLAB_MAX_OBJS),
			.kmalloc_class = kmalloc_class,
		};
	}
	kmem_unlock(f);
	return c;
}

void kmem_init(const struct kmem_backend *be)
{
	static const char *const names[KMALLOC_CLASSES] = {
		"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
		"kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
	};
	/* Starting over forgets every cache: the kernel calls this once; host
	 * tests call it per test case. */
	backend = be;
	ncaches = 0;
	stray_frees = 0;
	for (size_t i = 0; i < KMALLOC_CLASSES; i++)
		size_caches[i] = cache_create(names[i], (size_t)KMALLOC_MIN << i, KMALLOC_ALIGN, true);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	return cache_create(name, size, align, false);
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	if (!c)
		return NULL;
	irqflags_t f = kmem_lock();
	struct slab *s = c->partial ? c->partial : c->empty;
	if (!s)
		s = slab_new(c);
	void *obj = NULL;
	if (s) {
		size_t i = slab_first_free(s, c->per_slab);
		slab_flip(s, i);
		slab_set_in_use(c, s, s->in_use + 1);
		c->in_use++;
		obj = (char *)s + c->first + i * c->stride;
	}
	kmem_unlock(f);
	return obj;
}

/* The slab holding obj if obj is an allocated object start of cache c; else
 * NULL.  *index receives the object's number. */
static struct slab *owning_slab(struct kmem_cache *c, const void *obj, size_t *index)
{
	struct slab *s = (struct slab *)ALIGN_DOWN((uintptr_t)obj, PAGE_SIZE);
	size_t off = (uintptr_t)obj - (uintptr_t)s;
	if (!obj || s->magic != SLAB_MAGIC || s->cache != c || off < c->first)
		return NULL;
	off -= c->first;
	if (off % c->stride != 0 || off / c->stride >= c->per_slab)
		return NULL;
	*index = off / c->stride;
	return slab_test(s, *index) ? s : NULL;
}

int kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!c)
		return K_EINVAL;
	irqflags_t f = kmem_lock();
	size_t i;
	struct slab *s = owning_slab(c, obj, &i);
	if (!s) {
		c->bad_frees++;
		kmem_unlock(f);
		return K_EINVAL;
	}
	slab_flip(s, i);
	slab_set_in_use(c, s, s->in_use - 1);
	c->in_use--;
	kmem_unlock(f);
	return K_OK;
}

size_t kmem_cache_reap(struct kmem_cache *c)
{
	if (!c)
		return 0;
	size_t n = 0;
	irqflags_t f = kmem_lock();
	while (c->empty) {
		struct slab *s = c->empty;
		list_del(&c->empty, s);
		s->magic = 0;   /* stale pointers into the page are no longer ours */
		backend->page_put(s);
		c->slabs--;
		n++;
	}
	kmem_unlock(f);
	return n;
}

void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *out)
{
	irqflags_t f = kmem_lock();
	*out = (struct kmem_cache_stats){
		.name = c->name, .obj_size = c->obj_size, .slabs = c->slabs,
		.in_use = c->in_use, .capacity = c->slabs * c->per_slab,
		.bad_frees = c->bad_frees,
	};
	kmem_unlock(f);
}

void kmem_foreach_cache(void (*fn)(struct kmem_cache *c, void *arg), void *arg)
{
	size_t n = ncaches;   /* caches are never removed: a snapshot is safe */
	for (size_t i = 0; i < n; i++)
		fn(&caches[i], arg);
}

/* --- kmalloc --------------------------------------------------------- */

void *kmalloc(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX)
		return NULL;
	size_t cls = 0;
	while (((size_t)KMALLOC_MIN << cls) < size)
		cls++;
	return kmem_cache_alloc(size_caches[cls]);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

int kfree(void *ptr)
{
	if (!ptr)
		return K_OK;
	/* Find the cache from the slab header, trusting the header only once
	 * its magic matches and its cache pointer is one of ours. */
	const struct slab *s = (const struct slab *)ALIGN_DOWN((uintptr_t)ptr, PAGE_SIZE);
	struct kmem_cache *c = NULL;
	irqflags_t f = kmem_lock();
	if (s->magic == SLAB_MAGIC)
		for (size_t i = 0; i < ncaches; i++)
			if (s->cache == &caches[i])
				c = &caches[i];
	bool ok = c && c->kmalloc_class;
	if (c && !ok)
		c->bad_frees++;       /* an object of a named cache: not ours to free */
	else if (!c)
		stray_frees++;        /* no cache to blame */
	kmem_unlock(f);
	return ok ? kmem_cache_free(c, ptr) : K_EINVAL;
}
