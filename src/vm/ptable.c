/* The portable radix page-table walker (see kern/ptable.h).
 *
 * Level 0 holds 4 KiB leaves; level pt_levels()-1 is the root.  Each table
 * has 512 entries indexed by 9 bits of the virtual address above the page
 * offset; higher bits (the canonical sign extension) are ignored.  An all-zero
 * entry is invalid on every supported arch, which is how entries are cleared.
 *
 * Every operation walks a range recursively: at each table it visits the
 * entries the range touches, each with the sub-range [va, last] that falls
 * under it.  Ranges are carried with an inclusive last address so a range
 * ending at the top of the address space does not wrap to 0.
 *
 * Table pages emptied by an unmap are unhooked at once but freed only after
 * a TLB flush of the range, so no CPU can still walk through a page being
 * reused.  They wait in a small batch; a full batch is flushed early. */
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <machine/param.h>
#include <machine/pte.h>
#include "pv/pv.h"

#define PT_BITS    9
#define PT_ENTRIES (1u << PT_BITS)
#define DOOMED_MAX 16

/* What a walk did, for the caller to turn into a result. */
struct walk {
	struct ptable *pt;
	vaddr_t va;           /* the whole range, for flushes */
	size_t len;
	paddr_t delta;        /* map: pa - va */
	unsigned prot;        /* map, protect */
	size_t changed;       /* leaves mapped, unmapped or re-protected */
	size_t refused;       /* large leaves the range covers only partly */
	paddr_t doomed[DOOMED_MAX];   /* unhooked tables waiting for a flush */
	unsigned ndoomed;
};

static unsigned top_level(void)
{
	return pt_levels() - 1;
}

/* Bytes mapped by one entry of a table at this level. */
static uint64_t entry_span(unsigned level)
{
	return (uint64_t)PAGE_SIZE << (PT_BITS * level);
}

static pte_t *entry_of(paddr_t table, vaddr_t va, unsigned level)
{
	pte_t *t = ptable_page_ptr(table);
	return &t[(va >> (PAGE_SHIFT + PT_BITS * level)) & (PT_ENTRIES - 1)];
}

/* Last address of the part of [va, last] that falls under va's entry. */
static vaddr_t entry_last(vaddr_t va, vaddr_t last, unsigned level)
{
	vaddr_t end = va | (vaddr_t)(entry_span(level) - 1);
	return end < last ? end : last;
}

static bool covers_whole_entry(vaddr_t va, vaddr_t last, unsigned level)
{
	uint64_t mask = entry_span(level) - 1;
	return (va & mask) == 0 && (last & mask) == mask;
}

static bool table_empty(paddr_t table)
{
	const pte_t *t = ptable_page_ptr(table);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (pte_valid(t[i]))
			return false;
	return true;
}

/* Check the arguments common to every range operation. */
static bool range_ok(vaddr_t va, size_t len)
{
	uint64_t tree_span = entry_span(top_level()) * PT_ENTRIES;
	return len != 0 && IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) &&
		va + (len - 1) >= va && len <= tree_span;
}

/* --- the recursive walks --------------------------------------------- */

static bool any_mapped(paddr_t table, unsigned level, vaddr_t va, vaddr_t last)
{
	for (;;) {
		vaddr_t sub_last = entry_last(va, last, level);
		pte_t e = *entry_of(table, va, level);
		if (pte_valid(e) &&
		    (pte_is_leaf(e, level) || any_mapped(pte_pa(e), level - 1, va, sub_last)))
			return true;
		if (sub_last == last)
			return false;
		va = sub_last + 1;
	}
}

/* The leaves of one last-level table, in one pass: the direct map alone
 * is tens of thousands of them, filled at boot.  On every arch a leaf is
 * its frame number shifted into place beside flags that do not depend on
 * it, so consecutive frames' leaves differ by one constant step: the
 * flags are worked out once, not per entry. */
static void map_leaves(struct walk *w, paddr_t table, vaddr_t va, vaddr_t last)
{
	pte_t *e = entry_of(table, va, 0);
	size_t n = ((last - va) >> PAGE_SHIFT) + 1;
	paddr_t pa = va + w->delta;
	pte_t leaf = pte_leaf(pa, w->prot);
	pte_t step = pte_leaf(pa + PAGE_SIZE, w->prot) - leaf;
	for (size_t i = 0; i < n; i++, leaf += step)
		e[i] = leaf;
	w->changed += n;
}

static int map_walk(struct walk *w, paddr_t table, unsigned level, vaddr_t va, vaddr_t last)
{
	if (level == 0) {
		map_leaves(w, table, va, last);
		return K_OK;
	}
	for (;;) {
		vaddr_t sub_last = entry_last(va, last, level);
		pte_t *e = entry_of(table, va, level);
		if (!pte_valid(*e)) {
			paddr_t child = ptable_page_alloc();
			if (child == PADDR_NONE)
				return K_ENOMEM;
			w->pt->table_pages++;
			*e = pte_table(child);
		} else if (pte_is_leaf(*e, level)) {
			return K_EEXIST;   /* any_mapped() rules this out */
		}
		int rc = map_walk(w, pte_pa(*e), level - 1, va, sub_last);
		if (rc != K_OK)
			return rc;
		if (sub_last == last)
			return K_OK;
		va = sub_last + 1;
	}
}

/* Flush the range, then free the tables unhooked so far. */
static void flush_and_release(struct walk *w)
{
	pv_tlb_flush(w->va, w->len);
	for (unsigned i = 0; i < w->ndoomed; i++) {
		ptable_page_free(w->doomed[i]);
		w->pt->table_pages--;
	}
	w->ndoomed = 0;
}

static void unmap_walk(struct walk *w, paddr_t table, unsigned level, vaddr_t va, vaddr_t last)
{
	for (;;) {
		vaddr_t sub_last = entry_last(va, last, level);
		pte_t *e = entry_of(table, va, level);
		if (!pte_valid(*e)) {
			/* hole: nothing to do */
		} else if (pte_is_leaf(*e, level)) {
			if (level == 0 || covers_whole_entry(va, sub_last, level)) {
				*e = 0;
				w->changed++;
			} else {
				w->refused++;   /* would need splitting a large page */
			}
		} else {
			paddr_t child = pte_pa(*e);
			unmap_walk(w, child, level - 1, va, sub_last);
			if (table_empty(child)) {
				*e = 0;
				if (w->ndoomed == DOOMED_MAX)
					flush_and_release(w);
				w->doomed[w->ndoomed++] = child;
			}
		}
		if (sub_last == last)
			return;
		va = sub_last + 1;
	}
}

static void protect_walk(struct walk *w, paddr_t table, unsigned level, vaddr_t va, vaddr_t last)
{
	for (;;) {
		vaddr_t sub_last = entry_last(va, last, level);
		pte_t *e = entry_of(table, va, level);
		if (!pte_valid(*e)) {
			/* hole */
		} else if (level == 0) {
			*e = pte_leaf(pte_pa(*e), w->prot);
			w->changed++;
		} else if (pte_is_leaf(*e, level)) {
			/* The portable entry API only builds 4 KiB leaves. */
			w->refused++;
		} else {
			protect_walk(w, pte_pa(*e), level - 1, va, sub_last);
		}
		if (sub_last == last)
			return;
		va = sub_last + 1;
	}
}

static void free_tree(struct ptable *pt, paddr_t table, unsigned level)
{
	if (level > 0) {
		const pte_t *t = ptable_page_ptr(table);
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if (pte_valid(t[i]) && !pte_is_leaf(t[i], level))
				free_tree(pt, pte_pa(t[i]), level - 1);
	}
	ptable_page_free(table);
	pt->table_pages--;
}

/* Unmap w's range, flush, then free the tables that became empty. */
static void unmap_and_flush(struct walk *w)
{
	unmap_walk(w, w->pt->root, top_level(), w->va, w->va + (w->len - 1));
	if (w->changed || w->ndoomed)
		flush_and_release(w);
}

/* --- public interface ------------------------------------------------ */

int ptable_create(struct ptable *pt)
{
	pt->root = ptable_page_alloc();
	pt->table_pages = pt->root == PADDR_NONE ? 0 : 1;
	return pt->root == PADDR_NONE ? K_ENOMEM : K_OK;
}

void ptable_destroy(struct ptable *pt)
{
	if (pt->root != PADDR_NONE)
		free_tree(pt, pt->root, top_level());
	pt->root = PADDR_NONE;
}

int ptable_map(struct ptable *pt, vaddr_t va, paddr_t pa, size_t len, unsigned prot)
{
	if (!range_ok(va, len) || !IS_ALIGNED(pa, PAGE_SIZE) || pa + (len - 1) < pa ||
	    pte_pa(pte_leaf(pa, prot)) != pa ||
	    pte_pa(pte_leaf(pa + len - PAGE_SIZE, prot)) != pa + len - PAGE_SIZE)
		return K_EINVAL;   /* misaligned, wrapping, or beyond the entry's reach */
	vaddr_t last = va + (len - 1);
	if (any_mapped(pt->root, top_level(), va, last))
		return K_EEXIST;

	struct walk w = { .pt = pt, .delta = pa - va, .prot = prot };
	int rc = map_walk(&w, pt->root, top_level(), va, last);
	pte_publish();
	if (rc != K_OK) {
		/* Undo: the range was empty before, so unmapping all of it removes
		 * exactly what we added, tables created for it included. */
		struct walk undo = { .pt = pt, .va = va, .len = len };
		unmap_and_flush(&undo);
	}
	return rc;
}

int ptable_unmap(struct ptable *pt, vaddr_t va, size_t len)
{
	if (!range_ok(va, len))
		return K_EINVAL;
	struct walk w = { .pt = pt, .va = va, .len = len };
	unmap_and_flush(&w);
	return w.refused ? K_EINVAL : K_OK;
}

int ptable_protect(struct ptable *pt, vaddr_t va, size_t len, unsigned prot)
{
	if (!range_ok(va, len))
		return K_EINVAL;
	struct walk w = { .pt = pt, .prot = prot };
	protect_walk(&w, pt->root, top_level(), va, va + (len - 1));
	if (w.changed)
		pv_tlb_flush(va, len);
	if (w.refused)
		return K_EINVAL;
	return w.changed ? K_OK : K_ENOENT;
}

bool ptable_translate(const struct ptable *pt, vaddr_t va, paddr_t *pa, unsigned *prot)
{
	paddr_t table = pt->root;
	for (unsigned level = top_level();; level--) {
		pte_t e = *entry_of(table, va, level);
		if (!pte_valid(e))
			return false;
		if (pte_is_leaf(e, level)) {
			uint64_t mask = entry_span(level) - 1;
			/* Large leaves are naturally aligned; masking also drops any
			 * arch bits (x86 PAT) that share the low address bits. */
			if (pa)
				*pa = (pte_pa(e) & ~(paddr_t)mask) + (va & mask);
			if (prot)
				*prot = pte_prot(e);
			return true;
		}
		table = pte_pa(e);
	}
}
