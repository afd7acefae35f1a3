/* Internals shared by the device-tree reader's files (src/dev/dt*.c):
 * the bounded view of a blob every call reads through, and the node and
 * property primitives built on it.  Not for use outside src/dev. */
#ifndef DEV_DT_VIEW_H
#define DEV_DT_VIEW_H

#include <kern/dt.h>

#define MAX_HOPS 64           /* interrupt-parent chains longer are loops */

struct view {
	const uint8_t *blob;
	uint32_t total;
	const uint8_t *st;    /* structure block */
	uint32_t st_size;
	const char *str;      /* strings block */
	uint32_t str_size;
	uint32_t rsv;         /* offset of the memory reservation block */
};

struct prop {
	const char *name;
	const uint8_t *val;
	int len;
};

/* Fill v from blob's header (trusting its totalsize); K_EINVAL if malformed. */
int dt_view_open(const void *blob, struct view *v);
/* 0 if node is the offset of a BEGIN_NODE token, else a negative K_E*. */
int dt_view_node_valid(const struct view *v, int node);
int dt_view_parent(const struct view *v, int node);
int dt_view_find_phandle(const struct view *v, uint32_t phandle);
/* Property name of node into *p; 0 or a negative K_E*. */
int dt_view_getprop(const struct view *v, int node, const char *name, struct prop *p);

#endif
