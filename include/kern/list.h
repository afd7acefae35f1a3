/* Intrusive doubly linked lists (circular, with a head node). */
#ifndef KERN_LIST_H
#define KERN_LIST_H

#include <kern/types.h>

struct list {
	struct list *prev, *next;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list *l) { l->prev = l->next = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }

static inline void list_insert_after(struct list *pos, struct list *n)
{
	n->prev = pos;
	n->next = pos->next;
	pos->next->prev = n;
	pos->next = n;
}
static inline void list_push_back(struct list *l, struct list *n) { list_insert_after(l->prev, n); }
static inline void list_push_front(struct list *l, struct list *n) { list_insert_after(l, n); }

static inline void list_remove(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

static inline struct list *list_pop_front(struct list *l)
{
	if (list_empty(l))
		return NULL;
	struct list *n = l->next;
	list_remove(n);
	return n;
}

#define list_entry(p, type, member) container_of(p, type, member)
#define list_foreach(it, l) for (struct list *it = (l)->next; it != (l); it = it->next)
#define list_foreach_safe(it, tmp, l) \
	for (struct list *it = (l)->next, *tmp = it->next; it != (l); it = tmp, tmp = it->next)

#endif
