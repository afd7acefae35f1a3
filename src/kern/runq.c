/* Priority run queues (see runq.h).  Level 0 is bit 0, so the most urgent
 * non-empty level is the lowest set bit. */
#include "runq.h"

void runq_init(struct runq *rq)
{
	rq->nonempty = 0;
	rq->count = 0;
	for (unsigned p = 0; p < RUNQ_LEVELS; p++)
		list_init(&rq->queues[p]);
}

void runq_push_back(struct runq *rq, struct list *n, unsigned prio)
{
	list_push_back(&rq->queues[prio], n);
	rq->nonempty |= 1u << prio;
	rq->count++;
}

void runq_push_front(struct runq *rq, struct list *n, unsigned prio)
{
	list_push_front(&rq->queues[prio], n);
	rq->nonempty |= 1u << prio;
	rq->count++;
}

void runq_remove(struct runq *rq, struct list *n, unsigned prio)
{
	list_remove(n);
	if (list_empty(&rq->queues[prio]))
		rq->nonempty &= ~(1u << prio);
	rq->count--;
}

int runq_best(const struct runq *rq)
{
	return rq->nonempty ? __builtin_ctz(rq->nonempty) : -1;
}

struct list *runq_pop(struct runq *rq, unsigned *prio)
{
	int best = runq_best(rq);
	if (best < 0)
		return NULL;
	struct list *n = rq->queues[best].next;
	runq_remove(rq, n, (unsigned)best);
	if (prio)
		*prio = (unsigned)best;
	return n;
}
