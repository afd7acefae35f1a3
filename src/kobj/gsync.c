/* gnumach.defs: gsync_wait, gsync_wake, gsync_requeue — GNU Mach's
 * futex-like synchronisation on a word of user memory (what glibc's Hurd
 * locks are built on), and thread_terminate_release (pthread exit).
 *
 * A waiter is keyed by (task, address), or with GSYNC_SHARED by the
 * physical address of the word, so tasks sharing memory meet; it sleeps
 * on a wait queue of its own, listed in a bucket of a small hash table.
 * The value check and the enqueue happen with interrupts disabled, and so
 * does every wake: on one CPU no wake can slip between them. */
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/list.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>
#include <kern/vm_region.h>
#include <kern/waitq.h>
#include "routines.h"

/* GNU Mach's flag values (kern/gsync.h). */
#define GSYNC_SHARED    0x01
#define GSYNC_QUAD      0x02
#define GSYNC_TIMED     0x04
#define GSYNC_BROADCAST 0x08
#define GSYNC_MUTATE    0x10

#define KERN_TIMEDOUT    27
#define KERN_INTERRUPTED 28

#define GSYNC_BUCKETS 64

struct gsync_key {
	const void *space;     /* the task, or NULL for a shared (physical) key */
	uintptr_t addr;        /* user address, or physical address when shared */
};

struct gsync_waiter {
	struct list link;      /* in its bucket */
	struct gsync_key key;
	bool woken;
	struct waitq wq;
};

static struct list buckets[GSYNC_BUCKETS];
static bool buckets_ready;

static struct list *bucket_of(const struct gsync_key *k)
{
	if (!buckets_ready) {
		for (unsigned i = 0; i < GSYNC_BUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	uintptr_t h = k->addr ^ (uintptr_t)k->space;
	h ^= h >> 17;
	h ^= h >> 7;
	return &buckets[(h >> 2) % GSYNC_BUCKETS];
}

static bool key_eq(const struct gsync_key *a, const struct gsync_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* The key of the word at addr in task (4-byte aligned, in user space, in
 * a region with the access needed).  A shared key needs the page present:
 * the caller has just read the word. */
static kern_return_t make_key(struct task *task, uintptr_t addr, int flags,
			      struct gsync_key *key)
{
	if (addr % 4 || addr < USER_BASE || addr > USER_END - 8)
		return KERN_INVALID_ADDRESS;
	if (!(flags & GSYNC_SHARED)) {
		*key = (struct gsync_key){ task, addr };
		return KERN_SUCCESS;
	}
	paddr_t pa;
	unsigned prot;
	if (!ptable_translate(&task->map.pt, ALIGN_DOWN(addr, PAGE_SIZE), &pa, &prot))
		return KERN_INVALID_ADDRESS;
	*key = (struct gsync_key){ NULL, pa + (addr & (PAGE_SIZE - 1)) };
	return KERN_SUCCESS;
}

static bool read_word(struct task *task, uintptr_t addr, uint32_t *v)
{
	return vm_map_read(&task->map, addr, v, sizeof(*v)) == K_OK;
}

kern_return_t S_gsync_wait(struct task *task, uintptr_t addr, uint32_t val1, uint32_t val2,
			   uint32_t msec, int32_t flags)
{
	if (task == NULL || task->exiting)
		return KERN_INVALID_TASK;
	uint32_t words = (flags & GSYNC_QUAD) ? 2 : 1;
	if (addr < USER_BASE || addr > USER_END - 8 ||
	    !vm_map_range_allows(&task->map, addr, words * 4, PROT_R))
		return KERN_INVALID_ADDRESS;
	uint32_t v[2] = { 0, 0 };
	/* Read once with interrupts on (the page may need faulting in), and
	 * again with them off, where no wake can come in between. */
	if (!read_word(task, addr, &v[0]))
		return KERN_INVALID_ADDRESS;

	struct gsync_waiter w;
	waitq_init(&w.wq);
	w.woken = false;
	irqflags_t f = arch_irq_save();
	kern_return_t kr = make_key(task, addr, flags, &w.key);
	if (kr == KERN_SUCCESS && (!read_word(task, addr, &v[0]) ||
				   (words == 2 && !read_word(task, addr + 4, &v[1]))))
		kr = KERN_INVALID_ADDRESS;
	if (kr == KERN_SUCCESS && (v[0] != val1 || (words == 2 && v[1] != val2)))
		kr = KERN_INVALID_ARGUMENT;   /* GNU Mach: the value changed */
	if (kr == KERN_SUCCESS) {
		list_push_back(bucket_of(&w.key), &w.link);
		uint64_t timeout = (flags & GSYNC_TIMED) ? (uint64_t)msec * NSEC_PER_MSEC
							 : WAITQ_FOREVER;
		int r = waitq_wait(&w.wq, timeout);
		if (!w.woken) {
			list_remove(&w.link);
			kr = r == WAIT_TIMED_OUT ? KERN_TIMEDOUT : KERN_INTERRUPTED;
		}
	}
	arch_irq_restore(f);
	return kr;
}

/* Wake (or move) the waiters of key: at most one unless all. */
static unsigned wake_key(const struct gsync_key *key, bool all)
{
	struct list *b = bucket_of(key);
	unsigned n = 0;
	for (struct list *it = b->next, *next; it != b; it = next) {
		next = it->next;
		struct gsync_waiter *w = list_entry(it, struct gsync_waiter, link);
		if (!key_eq(&w->key, key))
			continue;
		list_remove(&w->link);
		w->woken = true;
		waitq_wake_all(&w->wq);
		n++;
		if (!all)
			break;
	}
	return n;
}

kern_return_t S_gsync_wake(struct task *task, uintptr_t addr, uint32_t val, int32_t flags)
{
	if (task == NULL || task->exiting)
		return KERN_INVALID_TASK;
	if (addr < USER_BASE || addr > USER_END - 8 ||
	    !vm_map_range_allows(&task->map, addr, 4, (flags & GSYNC_MUTATE) ? PROT_W : PROT_R))
		return KERN_INVALID_ADDRESS;
	uint32_t v;
	if (!read_word(task, addr, &v))   /* faults the page in for a shared key */
		return KERN_INVALID_ADDRESS;
	irqflags_t f = arch_irq_save();
	struct gsync_key key;
	kern_return_t kr = make_key(task, addr, flags, &key);
	if (kr == KERN_SUCCESS && (flags & GSYNC_MUTATE) &&
	    vm_map_write(&task->map, addr, &val, sizeof(val)) != K_OK)
		kr = KERN_INVALID_ADDRESS;
	if (kr == KERN_SUCCESS)
		wake_key(&key, flags & GSYNC_BROADCAST);
	arch_irq_restore(f);
	return kr;
}

kern_return_t S_gsync_requeue(struct task *task, uintptr_t src_addr, uintptr_t dst_addr,
			      int32_t wake_one, int32_t flags)
{
	if (task == NULL || task->exiting)
		return KERN_INVALID_TASK;
	uint32_t v;
	if (!read_word(task, src_addr, &v) || !read_word(task, dst_addr, &v))
		return KERN_INVALID_ADDRESS;
	irqflags_t f = arch_irq_save();
	struct gsync_key src, dst;
	kern_return_t kr = make_key(task, src_addr, flags, &src);
	if (kr == KERN_SUCCESS)
		kr = make_key(task, dst_addr, flags, &dst);
	if (kr == KERN_SUCCESS) {
		if (wake_one)
			wake_key(&src, false);
		struct list *from = bucket_of(&src), *to = bucket_of(&dst);
		for (struct list *it = from->next, *next; it != from; it = next) {
			next = it->next;
			struct gsync_waiter *w = list_entry(it, struct gsync_waiter, link);
			if (!key_eq(&w->key, &src))
				continue;
			list_remove(&w->link);
			w->key = dst;
			list_push_back(to, &w->link);
			if (!(flags & GSYNC_BROADCAST))
				break;
		}
	}
	arch_irq_restore(f);
	return kr;
}

/* What glibc's pthread_exit does last: give back the thread's name for
 * itself, its reply port and its stack, then end the thread (the caller,
 * usually: it never returns to user mode). */
kern_return_t S_thread_terminate_release(struct thread *thread, struct task *task,
					 mach_port_name_t thread_name,
					 mach_port_name_t reply_port, uintptr_t address,
					 uintptr_t size)
{
	if (thread == NULL || task == NULL || thread->task != task)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	if (task->itk_space) {
		if (MACH_PORT_VALID(thread_name))
			ipc_space_deallocate(task->itk_space, thread_name);
		if (MACH_PORT_VALID(reply_port))
			ipc_space_destroy_name(task->itk_space, reply_port);
	}
	arch_irq_restore(f);
	if (size)
		S_vm_deallocate(task, address, size);
	return S_thread_terminate(thread);
}

/* gnumach.defs's cache statistics: machv has no object cache and no
 * paging, so every count is 0. */
kern_return_t S_vm_cache_statistics(struct task *task, void *stats)
{
	if (task == NULL)
		return KERN_INVALID_TASK;
	int32_t out[11] = { 0 };
	memcpy(stats, out, sizeof(out));
	return KERN_SUCCESS;
}
