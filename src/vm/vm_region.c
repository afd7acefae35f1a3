/* The sorted region list of a vm_map (see kern/vm_region.h).
 *
 * A plain sorted list: tasks have a handful of regions (text, data, stack,
 * a few allocations), so a linear walk is both the simplest and the fastest
 * structure at this size.  Ranges are half-open [start, end) and every
 * comparison is written so that an end at the top of the address space
 * cannot wrap. */
#include <kern/errno.h>
#include <kern/vm_region.h>
#include <machine/param.h>

static struct vm_region *region_of(struct list *l)
{
	return list_entry(l, struct vm_region, link);
}

struct vm_region *vm_region_first(const struct vm_map *map)
{
	return list_empty(&map->regions) ? NULL : region_of(map->regions.next);
}

struct vm_region *vm_region_next(const struct vm_map *map, const struct vm_region *r)
{
	return r->link.next == &map->regions ? NULL : region_of(r->link.next);
}

static struct vm_region *region_prev(const struct vm_map *map, const struct vm_region *r)
{
	return r->link.prev == &map->regions ? NULL : region_of(r->link.prev);
}

struct vm_region *vm_region_first_above(const struct vm_map *map, vaddr_t va)
{
	for (struct vm_region *r = vm_region_first(map); r; r = vm_region_next(map, r))
		if (r->end > va)
			return r;
	return NULL;
}

struct vm_region *vm_region_lookup(const struct vm_map *map, vaddr_t va)
{
	struct vm_region *r = vm_region_first_above(map, va);
	return r && r->start <= va ? r : NULL;
}

bool vm_region_range_free(const struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_region *r = vm_region_first_above(map, start);
	return !r || r->start >= end;
}

bool vm_region_range_allows(const struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot)
{
	vaddr_t va = start;
	for (struct vm_region *r = vm_region_first_above(map, start); va < end;
	     r = vm_region_next(map, r)) {
		if (!r || r->start > va || (r->prot & prot) != prot)
			return false;
		va = r->end;
	}
	return true;
}

int vm_region_find_space(const struct vm_map *map, size_t size, vaddr_t lo, vaddr_t hi,
			 vaddr_t *start)
{
	vaddr_t cand = ALIGN_UP(lo, PAGE_SIZE);
	if (size == 0 || cand < lo)
		return K_ENOSPC;
	for (struct vm_region *r = vm_region_first_above(map, cand); r; r = vm_region_next(map, r)) {
		if (cand >= hi)
			return K_ENOSPC;
		if (r->start > cand && r->start - cand >= size)
			break;               /* the gap below r fits */
		if (r->end > cand)
			cand = r->end;
	}
	if (cand >= hi || hi - cand < size)
		return K_ENOSPC;
	*start = cand;
	return K_OK;
}

static bool same_kind(const struct vm_region *a, const struct vm_region *b)
{
	return a->prot == b->prot && a->max_prot == b->max_prot && a->inherit == b->inherit &&
	       !a->fixed && !b->fixed;
}

/* Merge r with its successor if they touch and agree; true if merged. */
static bool merge_next(struct vm_map *map, struct vm_region *r)
{
	struct vm_region *n = vm_region_next(map, r);
	if (!n || n->start != r->end || !same_kind(r, n))
		return false;
	r->end = n->end;
	vm_region_remove(map, n);
	return true;
}

static int insert(struct vm_map *map, const struct vm_region *want);

int vm_region_insert(struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot,
		     unsigned max_prot)
{
	struct vm_region want = { .start = start, .end = end, .prot = prot, .max_prot = max_prot,
				  .inherit = VM_INHERIT_DEFAULT };
	return insert(map, &want);
}

int vm_region_insert_fixed(struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot,
			   unsigned max_prot, paddr_t pa)
{
	struct vm_region want = { .start = start, .end = end, .prot = prot, .max_prot = max_prot,
				  .inherit = VM_INHERIT_SHARE, .fixed = true, .fixed_pa = pa };
	return insert(map, &want);
}

static int insert(struct vm_map *map, const struct vm_region *tmpl)
{
	vaddr_t start = tmpl->start, end = tmpl->end;
	if (start >= end || !IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE))
		return K_EINVAL;
	if (!vm_region_range_free(map, start, end))
		return K_EEXIST;
	struct vm_region *next = vm_region_first_above(map, start);
	struct vm_region *prev = next ? region_prev(map, next) : NULL;
	if (!next && !list_empty(&map->regions))
		prev = region_of(map->regions.prev);

	struct vm_region want = *tmpl;
	if (prev && prev->end == start && same_kind(prev, &want)) {
		prev->end = end;
		merge_next(map, prev);
		return K_OK;
	}
	if (next && next->start == end && same_kind(next, &want)) {
		next->start = start;
		return K_OK;
	}
	struct vm_region *r = vm_region_alloc();
	if (!r)
		return K_ENOMEM;
	*r = want;
	if (prev)
		list_insert_after(&prev->link, &r->link);
	else
		list_push_front(&map->regions, &r->link);
	map->nregions++;
	return K_OK;
}

/* Cut r at va (strictly inside it) using the spare record n for the upper
 * part. */
static void split(struct vm_map *map, struct vm_region *r, vaddr_t va, struct vm_region *n)
{
	*n = *r;
	n->start = va;
	if (r->fixed)
		n->fixed_pa = r->fixed_pa + (va - r->start);
	r->end = va;
	list_insert_after(&r->link, &n->link);
	map->nregions++;
}

static bool straddles(const struct vm_region *r, vaddr_t va)
{
	return r && r->start < va && va < r->end;
}

int vm_region_clip(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_region *lo = vm_region_lookup(map, start);
	struct vm_region *hi = end > start ? vm_region_lookup(map, end - 1) : NULL;
	bool cut_lo = straddles(lo, start), cut_hi = hi && end < hi->end;

	/* Get every record first, so a failure leaves the list untouched. */
	struct vm_region *spare[2] = { NULL, NULL };
	unsigned need = (unsigned)cut_lo + (unsigned)cut_hi;
	for (unsigned i = 0; i < need; i++) {
		spare[i] = vm_region_alloc();
		if (!spare[i]) {
			for (unsigned j = 0; j < i; j++)
				vm_region_free(spare[j]);
			return K_ENOMEM;
		}
	}
	unsigned used = 0;
	if (cut_lo)
		split(map, lo, start, spare[used++]);
	if (cut_hi) {
		hi = vm_region_lookup(map, end - 1);   /* may be the upper half of lo */
		split(map, hi, end, spare[used++]);
	}
	return K_OK;
}

void vm_region_remove(struct vm_map *map, struct vm_region *r)
{
	for (unsigned i = 0; i < 2; i++)
		if (map->hint[i] == r)
			map->hint[i] = NULL;
	list_remove(&r->link);
	map->nregions--;
	vm_region_free(r);
}

void vm_region_coalesce(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_region *r = vm_region_first_above(map, start > 0 ? start - 1 : 0);
	while (r && r->start <= end) {
		if (!merge_next(map, r))
			r = vm_region_next(map, r);
	}
}
