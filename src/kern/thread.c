/* Threads: creation, kernel stacks, the end of a thread, and the reaper
 * that reclaims what dead threads and finished tasks leave behind.
 *
 * A kernel stack is KSTACK_SIZE of contiguous pages.  Stacks given up
 * (by a dead thread, or by one blocking with a continuation) go to a small
 * cache first, because the next thread to need one is usually not far
 * behind: a continuation thread that wakes takes a stack at once.  The
 * lowest word of every stack in use holds a canary; the scheduler checks
 * it on every switch, so an overflow is reported near where it happened.
 *
 * A thread cannot free the stack it is running on, so its end has two
 * steps: thread_exit() marks it dead and switches away; the next thread
 * gives the stack back (sched_switch_finish), and the reaper, a kernel
 * thread, frees the struct later, together with the maps of tasks whose
 * last thread has gone (destroying a map can take a while and must not run
 * with interrupts disabled). */
#include <kern/arch.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <kern/waitq.h>
#include "sched_internal.h"

#define KSTACK_ORDER 1
_Static_assert(KSTACK_SIZE == (PAGE_SIZE << KSTACK_ORDER), "KSTACK_ORDER matches KSTACK_SIZE");
#define KSTACK_CANARY 0x6b737461636b2121ULL   /* "kstack!!" */
#define STACK_CACHE_MAX 16
/* The reaper is urgent: what it frees is what new threads are made of. */
#define REAPER_PRIO 2

/* struct thread comes from a slab cache, or from whole pages when the
 * arch's FPU area makes it too large for a slab. */
static struct kmem_cache *thread_cache;
static unsigned thread_pages_order;

static struct list all_threads = LIST_INIT(all_threads);
static unsigned next_thread_id = 1;
static size_t nalive, nwith_stack;

static void *stack_cache;              /* free stacks, linked through word 0 */
static size_t nstacks_cached;

static struct list dead_threads = LIST_INIT(dead_threads);   /* via run_link */
static struct list finished_tasks = LIST_INIT(finished_tasks); /* via reap_link */
static struct waitq reaper_wq;
static struct thread *reaper;

/* --- memory ------------------------------------------------------------ */

static size_t thread_struct_bytes(void)
{
	return thread_cache ? ALIGN_UP(sizeof(struct thread), _Alignof(struct thread))
			    : (size_t)PAGE_SIZE << thread_pages_order;
}

static struct thread *thread_struct_alloc(void)
{
	struct thread *t;
	if (thread_cache) {
		t = kmem_cache_alloc(thread_cache);
	} else {
		paddr_t pa = page_alloc(thread_pages_order);
		t = pa == PADDR_NONE ? NULL : phys_to_virt(pa);
	}
	if (t)
		memset(t, 0, sizeof(*t));
	return t;
}

static void thread_struct_free(struct thread *t)
{
	if (thread_cache)
		kmem_cache_free(thread_cache, t);
	else
		page_free(virt_to_phys(t), thread_pages_order);
}

static void *kstack_get(void)
{
	irqflags_t f = arch_irq_save();
	void *s = stack_cache;
	if (s) {
		stack_cache = *(void **)s;
		nstacks_cached--;
	}
	arch_irq_restore(f);
	if (!s) {
		paddr_t pa = page_alloc(KSTACK_ORDER);
		if (pa == PADDR_NONE)
			return NULL;
		s = phys_to_virt(pa);
	}
	*(uint64_t *)s = KSTACK_CANARY;
	return s;
}

static void kstack_put(void *s)
{
	irqflags_t f = arch_irq_save();
	bool keep = nstacks_cached < STACK_CACHE_MAX;
	if (keep) {
		*(void **)s = stack_cache;
		stack_cache = s;
		nstacks_cached++;
	}
	arch_irq_restore(f);
	if (!keep)
		page_free(virt_to_phys(s), KSTACK_ORDER);
}

bool thread_stack_intact(const struct thread *t)
{
	return !t->kstack || *(const uint64_t *)t->kstack == KSTACK_CANARY;
}

void thread_release_stack(struct thread *t)
{
	if (!t->kstack)
		return;
	kstack_put(t->kstack);
	t->kstack = NULL;
	nwith_stack--;
}

bool thread_grant_stack(struct thread *t)
{
	t->kstack = kstack_get();
	if (!t->kstack)
		return false;
	nwith_stack++;
	arch_thread_init(t);
	return true;
}

/* --- creation ---------------------------------------------------------- */

static void thread_register(struct thread *t, const char *name, unsigned prio)
{
	strlcpy(t->name, name ? name : "thread", sizeof(t->name));
	t->priority = t->base_priority = prio;
	list_init(&t->run_link);
	list_init(&t->task_link);
	list_init(&t->wait_link);
	t->wait_timer.arg = t;
	t->refs = 1;               /* its own, dropped by the reaper */
	t->created_ns = clock_ns();
	irqflags_t f = arch_irq_save();
	t->id = next_thread_id++;
	list_push_back(&all_threads, &t->all_link);
	nalive++;
	if (t->kstack)
		nwith_stack++;
	arch_irq_restore(f);
}

struct thread *thread_create_at(const char *name, void (*fn)(void *), void *arg, unsigned prio)
{
	if (!fn || prio > SCHED_PRIO_COUNT)
		return NULL;
	struct thread *t = thread_struct_alloc();
	if (!t)
		return NULL;
	t->kstack = kstack_get();
	if (!t->kstack) {
		thread_struct_free(t);
		return NULL;
	}
	t->state = THREAD_EMBRYO;
	t->kentry = fn;
	t->karg = arg;
	thread_register(t, name, prio);
	arch_thread_init(t);
	return t;
}

struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg, unsigned prio)
{
	if (prio >= SCHED_PRIO_COUNT)
		return NULL;
	return thread_create_at(name, fn, arg, prio);
}

struct thread *thread_adopt_boot(const char *name, unsigned prio)
{
	struct thread *t = thread_struct_alloc();
	if (!t)
		return NULL;
	t->state = THREAD_RUNNING;
	thread_register(t, name, prio);
	return t;
}

void thread_start(struct thread *t)
{
	if (t && t->state == THREAD_EMBRYO)
		sched_wakeup(t);
}

/* --- the end of a thread ----------------------------------------------- */

void thread_bury(struct thread *t)
{
	t->state = THREAD_DEAD;
	list_push_back(&dead_threads, &t->run_link);
	waitq_wake_one(&reaper_wq);
}

void thread_exit(int status)
{
	arch_irq_disable();
	struct thread *t = thread_current();
	t->exit_status = status;
	if (t->wait_timer.pending)
		timer_cancel(&t->wait_timer);
	if (t->task)
		task_detach_thread(t);
	thread_bury(t);
	sched_switch();
	panic("thread %s (%u) ran after it exited", t->name, t->id);
}

void thread_interrupt(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	if (t->state != THREAD_DEAD) {
		t->interrupt_pending = true;
		if (t->state == THREAD_BLOCKED) {
			if (t->waitq) {
				waitq_end_wait(t, WAIT_INTERRUPTED);
			} else {
				t->wait_result = WAIT_INTERRUPTED;
				sched_make_ready(t);
			}
		}
	}
	arch_irq_restore(f);
	sched_preempt_check();
}

void thread_bootstrap(void)
{
	sched_switch_finish();
	struct thread *t = thread_current();
	thread_continue_t cont = t->continuation;
	t->continuation = NULL;
	arch_irq_enable();
	if (cont)
		cont();
	else
		t->kentry(t->karg);
	thread_exit(0);
}

/* --- the reaper -------------------------------------------------------- */

void thread_reference(struct thread *t)
{
	if (!t)
		return;
	irqflags_t f = arch_irq_save();
	t->refs++;
	arch_irq_restore(f);
}

/* The struct goes with the last reference; until then a dead thread
 * stays on the thread list (state DEAD, no stack, no task). */
void thread_deallocate(struct thread *t)
{
	if (!t)
		return;
	irqflags_t f = arch_irq_save();
	bool last = --t->refs == 0;
	if (last) {
		if (t->state != THREAD_DEAD)
			panic("thread %s (%u): last reference dropped while alive", t->name, t->id);
		list_remove(&t->all_link);
		nalive--;
	}
	arch_irq_restore(f);
	if (last)
		thread_struct_free(t);
}

static void thread_free(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	thread_release_stack(t);   /* still there if it died before it ran */
	arch_irq_restore(f);
	thread_deallocate(t);      /* its own reference */
}

void reaper_add_task(struct task *task)
{
	list_push_back(&finished_tasks, &task->reap_link);
	waitq_wake_one(&reaper_wq);
}

static void reaper_main(void *unused)
{
	for (;;) {
		irqflags_t f = arch_irq_save();
		while (list_empty(&dead_threads) && list_empty(&finished_tasks))
			waitq_wait(&reaper_wq, WAITQ_FOREVER);
		/* Threads first: a task's last thread is queued before the
		 * task, and task_wait() promises that all of it is gone. */
		struct list *n = list_pop_front(&dead_threads);
		struct list *tn = n ? NULL : list_pop_front(&finished_tasks);
		arch_irq_restore(f);
		if (n)
			thread_free(list_entry(n, struct thread, run_link));
		else
			task_reap(list_entry(tn, struct task, reap_link));
	}
}

void thread_init(void)
{
	size_t align = MAX(_Alignof(struct thread), (size_t)16);
	thread_cache = kmem_cache_create("thread", sizeof(struct thread), align);
	if (!thread_cache)
		while (((size_t)PAGE_SIZE << thread_pages_order) < sizeof(struct thread))
			thread_pages_order++;
	waitq_init(&reaper_wq);
}

void reaper_start(void)
{
	reaper = thread_create_kernel("reaper", reaper_main, NULL, REAPER_PRIO);
	if (!reaper)
		panic("no memory for the reaper thread");
	thread_start(reaper);
}

/* --- statistics -------------------------------------------------------- */

void thread_stats(struct thread_stats *out)
{
	irqflags_t f = arch_irq_save();
	*out = (struct thread_stats){
		.alive = nalive,
		.with_stack = nwith_stack,
		.stacks_cached = nstacks_cached,
		.bytes_per_thread = thread_struct_bytes() + KSTACK_SIZE,
	};
	arch_irq_restore(f);
}
