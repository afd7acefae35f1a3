/* malloc-test: the heap of guests/lib/mach/malloc.c - every size class and
 * big blocks, alignment, contents that survive, reuse after free, realloc
 * keeping contents across classes and into big blocks, calloc's zeroes and
 * overflow check, and a mixed workload whose blocks must never overlap
 * (each carries a pattern checked before it is freed). */
#include <mt.h>
#include <mach_init.h>
#include <malloc.h>

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static bool intact(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return false;
	return true;
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void sizes(void)
{
	static const size_t cases[] = { 0, 1, 15, 16, 17, 31, 100, 255, 256, 1000, 2047, 2048,
					2049, 4000, 4096, 10000, 100000, 1 << 20 };
	bool aligned = true, kept = true, usable = true;

	void *ps[sizeof(cases) / sizeof(cases[0])];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ps[i] = malloc(cases[i]);
		if (!mt_ok(ps[i] != NULL, "malloc(%zu)", cases[i]))
			continue;
		aligned &= (uintptr_t)ps[i] % 16 == 0;
		usable &= malloc_usable_size(ps[i]) >= cases[i];
		fill(ps[i], cases[i], (unsigned)i);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ps[i])
			kept &= intact(ps[i], cases[i], (unsigned)i);
	mt_ok(aligned, "every block is 16-byte aligned");
	mt_ok(usable, "malloc_usable_size covers what was asked");
	mt_ok(kept, "every block kept its contents while the others were written");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		free(ps[i]);
	free(NULL);
	mt_ok(true, "free(NULL) does nothing");
}

static void reuse(void)
{
	void *a = malloc(40), *b;

	free(a);
	b = malloc(48);
	mt_ok(a == b, "a freed block is reused by the next request of its class (%p %p)", a, b);
	free(b);
	a = malloc(50000);
	mt_ok(a != NULL, "a big block");
	free(a);
	b = malloc(50000);
	mt_ok(b != NULL, "another after freeing it");
	free(b);
}

static void reallocs(void)
{
	unsigned char *p = malloc(10), *q;

	fill(p, 10, 1);
	q = realloc(p, 12);
	mt_ok(q == p, "growing within the class stays in place");
	q = realloc(q, 300);
	mt_ok(q && intact(q, 10, 1), "growing to another class keeps the contents");
	fill(q, 300, 2);
	p = realloc(q, 70000);
	mt_ok(p && intact(p, 300, 2), "growing into a big block keeps the contents");
	fill(p, 70000, 3);
	q = realloc(p, 200000);
	mt_ok(q && intact(q, 70000, 3), "a big block grown keeps the contents");
	p = realloc(q, 20);
	mt_ok(p && intact(p, 20, 3), "shrinking keeps the first bytes");
	mt_ok(realloc(p, 0) == NULL, "realloc to 0 frees");
	p = realloc(NULL, 33);
	mt_ok(p != NULL, "realloc(NULL) allocates");
	free(p);
}

static void callocs(void)
{
	unsigned char *p = malloc(64);
	bool zero = true;

	memset(p, 0xaa, 64);
	free(p);
	p = calloc(8, 8);
	for (int i = 0; i < 64; i++)
		zero &= p[i] == 0;
	mt_ok(zero, "calloc zeroes a reused block");
	free(p);
	p = calloc(3, 30000);
	zero = p != NULL;
	for (int i = 0; p && i < 90000; i++)
		zero &= p[i] == 0;
	mt_ok(zero, "calloc of a big block is zero");
	free(p);
	mt_ok(calloc(SIZE_MAX / 2, 3) == NULL, "calloc refuses an overflowing product");
	mt_ok(malloc(SIZE_MAX - 10) == NULL, "malloc refuses an impossible size");
}

#define SLOTS 200

static void workload(void)
{
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	int bad = 0, ops = 0;

	for (int round = 0; round < 3000; round++) {
		int i = (int)(rnd() % SLOTS);
		if (ptr[i]) {
			if (!intact(ptr[i], len[i], (unsigned)i))
				bad++;
			if (rnd() % 3 == 0) {
				size_t n = rnd() % 3000;
				unsigned char *q = realloc(ptr[i], n);
				if (q && !intact(q, n < len[i] ? n : len[i], (unsigned)i))
					bad++;
				if (q || n == 0) {
					ptr[i] = q;
					len[i] = q ? n : 0;
					if (q)
						fill(q, n, (unsigned)i);
				}
			} else {
				free(ptr[i]);
				ptr[i] = NULL;
			}
		} else {
			len[i] = rnd() % 8 == 0 ? rnd() % 20000 : rnd() % 600;
			ptr[i] = malloc(len[i]);
			if (!ptr[i]) {
				bad++;
				continue;
			}
			fill(ptr[i], len[i], (unsigned)i);
		}
		ops++;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (ptr[i] && !intact(ptr[i], len[i], (unsigned)i))
			bad++;
		free(ptr[i]);
	}
	mt_eq(bad, 0, "%d mixed operations: no block lost its pattern or overlapped", ops);
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("malloc-test");
	sizes();
	reuse();
	reallocs();
	callocs();
	workload();
	return mt_end();
}
