/* In-kernel self-tests of the memory subsystem: the page allocator, the slab
 * caches and kmalloc, and the page-table walker, on the real machine.
 *
 * Each test leaves the allocators as it found them and checks that it did
 * (free page counts back to the baseline, table pages back to the baseline). */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <machine/pte.h>

bool page_alloc_consistent(void);   /* test-only audit in page_alloc.c */

static size_t free_pages(void)
{
	struct page_stats st;
	page_alloc_stats(&st);
	return st.free_pages;
}

KTEST(mem_page_alloc_orders)
{
	size_t baseline = free_pages();
	for (unsigned o = 0; o < PAGE_ORDER_MAX; o++) {
		paddr_t pa = page_alloc(o);
		KT_ASSERT(pa != PADDR_NONE);
		KT_EXPECT(IS_ALIGNED(pa, (paddr_t)PAGE_SIZE << o));
		KT_EXPECT(free_pages() == baseline - ((size_t)1 << o));
		/* The block is real memory: its first and last words hold data. */
		uint64_t *first = phys_to_virt(pa);
		uint64_t *last = phys_to_virt(pa + (PAGE_SIZE << o) - sizeof(uint64_t));
		*first = 0x600d0000 + o;
		*last = 0xf00d0000 + o;
		KT_EXPECT(*first == 0x600d0000 + o && *last == 0xf00d0000 + o);
		KT_EXPECT(page_free(pa, o) == K_OK);
	}
	KT_EXPECT(free_pages() == baseline);
	KT_EXPECT(page_alloc(PAGE_ORDER_MAX) == PADDR_NONE);
	KT_EXPECT(page_alloc_consistent());
}

KTEST(mem_page_alloc_bad_free)
{
	struct page_stats before, after;
	paddr_t pa = page_alloc(1);
	KT_ASSERT(pa != PADDR_NONE);
	page_alloc_stats(&before);
	KT_EXPECT(page_free(pa, 0) == K_EINVAL);              /* wrong order */
	KT_EXPECT(page_free(pa, 2) == K_EINVAL);
	KT_EXPECT(page_free(pa + PAGE_SIZE, 0) == K_EINVAL);  /* tail of the block */
	KT_EXPECT(page_free(pa + 8, 1) == K_EINVAL);          /* misaligned */
	KT_EXPECT(page_free(ALIGN_DOWN(PADDR_NONE, PAGE_SIZE), 0) == K_EINVAL);
	page_alloc_stats(&after);
	KT_EXPECT(after.bad_frees == before.bad_frees + 5);
	KT_EXPECT(after.free_pages == before.free_pages);
	KT_EXPECT(page_free(pa, 1) == K_OK);
	KT_EXPECT(page_free(pa, 1) == K_EINVAL);              /* double free */
	page_alloc_stats(&after);
	KT_EXPECT(after.bad_frees == before.bad_frees + 6);
	KT_EXPECT(after.free_pages == before.free_pages + 2);
	KT_EXPECT(page_alloc_consistent());
}

/* Take every free page, chaining them through their own first word, then
 * give them all back.  Nothing may fail or print while memory is gone. */
KTEST(mem_page_alloc_exhaust)
{
	struct page_stats before, empty, after;
	page_alloc_stats(&before);
	paddr_t head = PADDR_NONE;
	size_t n = 0;
	for (paddr_t pa; (pa = page_alloc(0)) != PADDR_NONE; n++) {
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
	}
	page_alloc_stats(&empty);
	size_t freed = 0, refused = 0;
	while (head != PADDR_NONE) {
		paddr_t next = *(paddr_t *)phys_to_virt(head);
		if (page_free(head, 0) == K_OK)
			freed++;
		else
			refused++;
		head = next;
	}
	page_alloc_stats(&after);
	ktest_note("exhausted after %zu pages (%zu MiB)", n, n * PAGE_SIZE >> 20);
	KT_EXPECT(n == before.free_pages);
	KT_EXPECT(empty.free_pages == 0);
	KT_EXPECT(empty.failures == before.failures + 1);
	KT_EXPECT(freed == n && refused == 0);
	KT_EXPECT(after.free_pages == before.free_pages);
	/* Same free frames, so eager coalescing gives the same blocks back. */
	KT_EXPECT(memcmp(after.free_blocks, before.free_blocks, sizeof(before.free_blocks)) == 0);
	KT_EXPECT(page_alloc_consistent());
}

KTEST(mem_kmem_cache)
{
	enum { N = 100, SIZE = 72 };
	static struct kmem_cache *cache;   /* caches cannot be destroyed: make one */
	if (!cache)
		cache = kmem_cache_create("ktest-72", SIZE, 8);
	KT_ASSERT(cache != NULL);
	struct kmem_cache_stats st;
	kmem_cache_stats(cache, &st);
	size_t bad_before = st.bad_frees;
	size_t baseline = free_pages();
	unsigned char *obj[N];
	for (int i = 0; i < N; i++) {
		obj[i] = kmem_cache_alloc(cache);
		KT_ASSERT(obj[i] != NULL);
		KT_EXPECT(IS_ALIGNED((uintptr_t)obj[i], 8));
		memset(obj[i], i, SIZE);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < SIZE; j++)
			KT_ASSERT(obj[i][j] == (unsigned char)i);   /* no overlap */
	kmem_cache_stats(cache, &st);
	KT_EXPECT(st.in_use == N && st.capacity >= N);
	KT_EXPECT(free_pages() == baseline - st.slabs);

	KT_EXPECT(kmem_cache_free(cache, obj[1] + 1) == K_EINVAL);   /* not a start */
	for (int i = 0; i < N; i++)
		KT_EXPECT(kmem_cache_free(cache, obj[i]) == K_OK);
	KT_EXPECT(kmem_cache_free(cache, obj[0]) == K_EINVAL);       /* double */
	kmem_cache_stats(cache, &st);
	KT_EXPECT(st.in_use == 0 && st.bad_frees == bad_before + 2);
	KT_EXPECT(kmem_cache_reap(cache) == st.slabs);
	KT_EXPECT(free_pages() == baseline);
}

KTEST(mem_kmalloc)
{
	for (size_t size = 1; size <= KMALLOC_MAX; size = size * 2 + 1) {
		unsigned char *p = kmalloc(size);
		KT_ASSERT(p != NULL);
		KT_EXPECT(IS_ALIGNED((uintptr_t)p, 16));
		memset(p, 0xa5, size);
		KT_EXPECT(kfree(p) == K_OK);
		KT_EXPECT(kfree(p) == K_EINVAL);
	}
	unsigned char *p = kmalloc(KMALLOC_MAX);
	KT_EXPECT(p != NULL);
	KT_EXPECT(kfree(p) == K_OK);
	KT_EXPECT(kmalloc(KMALLOC_MAX + 1) == NULL);
	KT_EXPECT(kmalloc(0) == NULL);
	KT_EXPECT(kfree(NULL) == K_OK);
	unsigned char *z = kzalloc(200);
	KT_ASSERT(z != NULL);
	for (int i = 0; i < 200; i++)
		KT_EXPECT(z[i] == 0);
	KT_EXPECT(kfree(z + 16) == K_EINVAL);
	KT_EXPECT(kfree(z) == K_OK);
}

/* A scratch tree is never loaded, so only its bookkeeping is tested here. */
KTEST(mem_ptable_scratch)
{
	size_t baseline = free_pages();
	struct ptable pt;
	KT_ASSERT(ptable_create(&pt) == K_OK);
	KT_EXPECT(pt.table_pages == 1);
	paddr_t pa = page_alloc(2);
	KT_ASSERT(pa != PADDR_NONE);
	const vaddr_t va = 0x40000000;
	const size_t len = 4 * PAGE_SIZE;

	KT_EXPECT(ptable_map(&pt, va, pa, len, PROT_RW) == K_OK);
	KT_EXPECT(pt.table_pages == pt_levels());   /* one table per level */
	KT_EXPECT(ptable_map(&pt, va + PAGE_SIZE, pa, PAGE_SIZE, PROT_R) == K_EEXIST);
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		paddr_t got;
		unsigned prot;
		KT_EXPECT(ptable_translate(&pt, va + off + 12, &got, &prot));
		KT_EXPECT(got == pa + off + 12 && prot == PROT_RW);
	}
	KT_EXPECT(ptable_protect(&pt, va, len, PROT_R) == K_OK);
	unsigned prot = 0;
	KT_EXPECT(ptable_translate(&pt, va + PAGE_SIZE, NULL, &prot) && prot == PROT_R);
	KT_EXPECT(ptable_unmap(&pt, va, len) == K_OK);
	KT_EXPECT(!ptable_translate(&pt, va, NULL, NULL));
	KT_EXPECT(pt.table_pages == 1);
	ptable_destroy(&pt);
	KT_EXPECT(pt.table_pages == 0);
	KT_EXPECT(page_free(pa, 2) == K_OK);
	KT_EXPECT(free_pages() == baseline);
}

/* The live kernel tree: map a fresh page at a free address in the half of
 * the ioremap window that ioremap() leaves alone, use it, take it away. */
KTEST(mem_ptable_kernel_map)
{
	struct ptable *kpt = kernel_ptable();
	const vaddr_t window = IOREMAP_BASE + IOREMAP_SIZE / 2;
	size_t tables = kpt->table_pages;
	vaddr_t va = 0;
	for (vaddr_t v = window; v < window + (1UL << 30) && !va; v += PAGE_SIZE)
		if (!ptable_translate(kpt, v, NULL, NULL))
			va = v;
	KT_ASSERT(va != 0);
	paddr_t pa = page_alloc(0);
	KT_ASSERT(pa != PADDR_NONE);
	KT_ASSERT(ptable_map(kpt, va, pa, PAGE_SIZE, PROT_RW | PROT_GLOBAL) == K_OK);

	volatile uint64_t *mapped = (volatile uint64_t *)va;
	uint64_t *direct = phys_to_virt(pa);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		mapped[i] = 0x6d61636876000000ULL + i;
	bool same = true;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		same &= direct[i] == 0x6d61636876000000ULL + i;
	KT_EXPECT(same);

	KT_EXPECT(ptable_protect(kpt, va, PAGE_SIZE, PROT_R | PROT_GLOBAL) == K_OK);
	paddr_t got;
	unsigned prot;
	KT_EXPECT(ptable_translate(kpt, va, &got, &prot));
	KT_EXPECT(got == pa && !(prot & PROT_W) && (prot & PROT_R));
	uint64_t word = 0;
	KT_EXPECT(arch_probe_read64((const void *)va, &word) && word == 0x6d61636876000000ULL);

	KT_EXPECT(ptable_unmap(kpt, va, PAGE_SIZE) == K_OK);
	KT_EXPECT(!ptable_translate(kpt, va, NULL, NULL));
	KT_EXPECT(!arch_probe_read64((const void *)va, &word));   /* faults, recovered */
	KT_EXPECT(kpt->table_pages == tables);
	KT_EXPECT(page_free(pa, 0) == K_OK);
}
