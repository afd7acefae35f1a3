/* The scheduler's ready queues: one FIFO list per priority level and a
 * bitmap of the levels that are not empty, so that finding the most urgent
 * ready thread is one find-first-set, whatever the number of threads.
 *
 * The queues hold bare list links with the level given by the caller, so
 * this file knows nothing of struct thread and is tested on the host
 * (tests/unit/test_runq.c).  Callers serialise access (the scheduler runs
 * with interrupts disabled). */
#ifndef KERN_RUNQ_H
#define KERN_RUNQ_H

#include <kern/list.h>
#include <kern/types.h>

#define RUNQ_LEVELS 32   /* = SCHED_PRIO_COUNT; one bit per level */

struct runq {
	uint32_t nonempty;               /* bit p set: queues[p] has entries */
	unsigned count;
	struct list queues[RUNQ_LEVELS];
};

void runq_init(struct runq *rq);
/* Queue n at level prio: at the back (its turn comes after everyone
 * already waiting there), or at the front (it resumes before them). */
void runq_push_back(struct runq *rq, struct list *n, unsigned prio);
void runq_push_front(struct runq *rq, struct list *n, unsigned prio);
/* Take n off level prio (the level it was queued at). */
void runq_remove(struct runq *rq, struct list *n, unsigned prio);
/* The most urgent non-empty level (0 is the most urgent), or -1. */
int runq_best(const struct runq *rq);
/* Take the first entry of the most urgent level; NULL if empty. */
struct list *runq_pop(struct runq *rq, unsigned *prio);

#endif
