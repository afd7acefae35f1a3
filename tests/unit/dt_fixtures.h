/* Shared fixtures of the device-tree host tests (test_dt.c compares the
 * reader with libfdt; test_dt_damage.c feeds it broken trees): the dumped
 * trees, libfdt's view of a tree, and the walk comparisons both use. */
#ifndef DT_FIXTURES_H
#define DT_FIXTURES_H

#include <stdbool.h>
#include <stdint.h>
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kern/dt.h>
#include <kern/errno.h>

/* Assertions for the hot paths (the damage sweep runs them millions of
 * times): unlike ck_assert, which records its location on every pass, these
 * cost nothing until they fail. */
#define require(expr) \
	do { \
		if (!(expr)) \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #expr); \
	} while (0)
#define require_msg(expr, ...) \
	do { \
		if (!(expr)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

#ifndef DTB_DIR
#define DTB_DIR "tests/unit/dtb"
/* Properties of a node as dt_foreach_prop reports them (collect_prop). */
struct prop_list {
	int n;
	const char *name[256];
	const void *val[256];
	int len[256];
};

int collect_prop(const char *name, const void *val, int len, void *arg);

/* Address ranges as the dt_range_fn callbacks report them (add_range). */
struct ranges {
	int n;
	uint64_t base[64], size[64];
};

void add_range(paddr_t base, uint64_t size, void *arg);

#endif

#define MAX_DTBS 32
#define MAX_NODES 1024
#define MAX_DEPTH 64

struct dtb {
	char name[64];
	uint8_t *data;
	size_t len;
};

extern struct dtb dtbs[MAX_DTBS];
extern int ndtbs;

struct node_info {
	int off;
	int depth;
	char path[512];
};

/* Every node of the tree libfdt_nodes() last walked. */
extern struct node_info nodes[MAX_NODES];

void compare_compatible(const void *fdt, int count);
void compare_mem_rsv(const void *fdt);
void compare_paths(const void *fdt, int count);
void compare_phandles(const void *fdt, int count);
void compare_props(const void *fdt, int count);
void compare_walk(const void *fdt, int count, bool quadratic);
uint8_t *copy_of(const void *p, size_t len);
const struct dtb *find_dtb(const char *name);
uint32_t get_be32(const void *p);
int libfdt_nodes(const void *fdt);
void load_dtbs(void);
void put_be32(void *p, uint32_t v);
void same_result(int ours, int theirs, const char *what);

/* Properties of a node as dt_foreach_prop reports them (collect_prop). */
struct prop_list {
	int n;
	const char *name[256];
	const void *val[256];
	int len[256];
};

int collect_prop(const char *name, const void *val, int len, void *arg);

/* Address ranges as the dt_range_fn callbacks report them (add_range). */
struct ranges {
	int n;
	uint64_t base[64], size[64];
};

void add_range(paddr_t base, uint64_t size, void *arg);

#endif
