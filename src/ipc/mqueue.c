/* Message queues (see ipc/mqueue.h). */
#include <ipc/mqueue.h>
#include <ipc/notify.h>
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/sched.h>
#include <kern/timer.h>
#include <kern/waitq.h>

#define MQ_BUCKETS 64

/* Senders blocked on a full queue sleep on wait queues hashed by port. */
static struct waitq senders[MQ_BUCKETS];
bool ipc_mqueue_ready;

/* A thread blocked in receive: registered on its port's or set's
 * rcv_waiters while it sleeps on its own wait queue, so that a sender can
 * find exactly the threads waiting for its port and hand one of them its
 * message directly (never queued, no look at the queue on wake-up). */
struct rcv_waiter {
	struct list link;          /* obj's rcv_waiters */
	struct waitq wq;
	uint32_t max_size;
	struct ipc_kmsg *kmsg;     /* handed over by a sender, or NULL */
	uint32_t seqno;
};

static struct waitq *bucket(struct waitq *table, const void *obj)
{
	uintptr_t h = (uintptr_t)obj;
	h ^= h >> 7;
	h ^= h >> 13;
	return &table[(h >> 4) % MQ_BUCKETS];
}

static struct list *waiters_of(struct ipc_object *obj)
{
	return obj->kind == IPC_OBJ_PORT ? &((struct ipc_port *)obj)->rcv_waiters
					 : &((struct ipc_pset *)obj)->rcv_waiters;
}

/* Wake every receiver waiting on a list; they look again (and register
 * again if they still have to wait). */
static void wake_receivers(struct list *waiters)
{
	while (!list_empty(waiters)) {
		struct rcv_waiter *w = list_entry(waiters->next, struct rcv_waiter, link);
		list_remove(&w->link);
		list_init(&w->link);
		waitq_wake_all(&w->wq);
	}
}

/* A new message for dest: give it straight to a receiver waiting on dest
 * or its set, as Mach does, when that keeps the queue's order (dest has
 * nothing queued) and the receiver has room for it.  True if handed. */
static struct rcv_waiter *handoff_candidate(struct ipc_port *dest, struct ipc_kmsg *kmsg)
{
	if (!list_empty(&dest->messages))
		return NULL;
	struct list *waiters = !list_empty(&dest->rcv_waiters) ? &dest->rcv_waiters
			     : dest->pset ? &dest->pset->rcv_waiters : NULL;
	if (waiters == NULL || list_empty(waiters))
		return NULL;
	struct rcv_waiter *w = list_entry(waiters->next, struct rcv_waiter, link);
	if (kmsg->size > w->max_size)
		return NULL;       /* the slow path says MACH_RCV_TOO_LARGE */
	return w;
}

/* Give kmsg to w (off the list); the caller wakes it. */
static void give(struct rcv_waiter *w, struct ipc_port *dest, struct ipc_kmsg *kmsg)
{
	list_remove(&w->link);
	list_init(&w->link);
	ipc_notify_accepted(kmsg);
	w->kmsg = kmsg;
	w->seqno = dest->seqno++;
}

static bool hand_off(struct ipc_port *dest, struct ipc_kmsg *kmsg)
{
	struct rcv_waiter *w = handoff_candidate(dest, kmsg);
	if (w == NULL)
		return false;
	give(w, dest, kmsg);
	waitq_wake_all(&w->wq);
	return true;
}

static void port_died(struct ipc_port *port)
{
	while (!list_empty(&port->messages)) {
		struct ipc_kmsg *kmsg = list_entry(port->messages.next, struct ipc_kmsg, link);
		list_remove(&kmsg->link);
		port->msgcount--;
		ipc_kmsg_destroy(kmsg);
	}
	wake_receivers(&port->rcv_waiters);
	waitq_wake_all(bucket(senders, port));
}

static void pset_died(struct ipc_pset *pset)
{
	wake_receivers(&pset->rcv_waiters);
}

/* The receive right left its space: its waiting receivers look again
 * (and find MACH_RCV_PORT_DIED, as in Mach). */
static void port_changed(struct ipc_port *port)
{
	wake_receivers(&port->rcv_waiters);
}

/* A port joined a set: a receiver blocked on the set must see the
 * messages already queued on it, and one blocked on the port itself
 * loses it (MACH_RCV_PORT_CHANGED). */
static void pset_added(struct ipc_pset *pset, struct ipc_port *port)
{
	wake_receivers(&port->rcv_waiters);
	if (!list_empty(&port->messages))
		wake_receivers(&pset->rcv_waiters);
}

/* Notifications are kernel messages: queued past the limit, never
 * waiting; a dead port just destroys them. */
static void notify_deliver(struct ipc_kmsg *kmsg)
{
	ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
}

void ipc_mqueue_setup(void)
{
	irqflags_t f = arch_irq_save();
	if (!ipc_mqueue_ready) {
		for (unsigned i = 0; i < MQ_BUCKETS; i++)
			waitq_init(&senders[i]);
		ipc_port_death_hook = port_died;
		ipc_pset_death_hook = pset_died;
		ipc_port_changed_hook = port_changed;
		ipc_pset_added_hook = pset_added;
		ipc_notify_deliver = notify_deliver;
		ipc_fastpath_enabled = !cmdline_has("ipc.nofastpath");
		ipc_mqueue_ready = true;
	}
	arch_irq_restore(f);
}

static uint64_t deadline_of(bool timed, uint64_t timeout_ns)
{
	if (!timed)
		return WAITQ_FOREVER;
	uint64_t now = clock_ns();
	return timeout_ns > UINT64_MAX - 1 - now ? WAITQ_FOREVER - 1 : now + timeout_ns;
}

static uint64_t remaining(uint64_t deadline)
{
	if (deadline == WAITQ_FOREVER)
		return WAITQ_FOREVER;
	uint64_t now = clock_ns();
	return deadline > now ? deadline - now : 0;
}

mach_msg_return_t ipc_mqueue_send(struct ipc_kmsg *kmsg, mach_msg_option_t option,
				  uint64_t timeout_ns)
{
	struct ipc_port *dest = ipc_kmsg_dest(kmsg);
	bool sonce = MACH_MSGH_BITS_REMOTE(kmsg->msg.hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE;
	uint64_t deadline = deadline_of(option & MACH_SEND_TIMEOUT, timeout_ns);
	mach_msg_return_t mr = MACH_MSG_SUCCESS;
	irqflags_t f = arch_irq_save();

	for (;;) {
		/* A dead port, or a receive right that would travel into its
		 * own queue: the message is destroyed, the send succeeds. */
		if (!dest->active || (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR)) {
			ipc_kmsg_destroy(kmsg);
			break;
		}
		if (hand_off(dest, kmsg))
			break;
		if (dest->msgcount < dest->qlimit || sonce || (option & MACH_SEND_ALWAYS)) {
			list_push_back(&dest->messages, &kmsg->link);
			dest->msgcount++;
			wake_receivers(&dest->rcv_waiters);
			if (dest->pset)
				wake_receivers(&dest->pset->rcv_waiters);
			break;
		}
		int r = waitq_wait(bucket(senders, dest), remaining(deadline));
		if (r == WAIT_TIMED_OUT && remaining(deadline) == 0) {
			mr = MACH_SEND_TIMED_OUT;
			break;
		}
		if (r == WAIT_INTERRUPTED) {
			mr = MACH_SEND_INTERRUPTED;
			break;
		}
	}
	arch_irq_restore(f);
	return mr;
}

/* The first message waiting for the receiver of obj (a port or set). */
static struct ipc_port *ready_port(struct ipc_object *obj)
{
	if (obj->kind == IPC_OBJ_PORT) {
		struct ipc_port *port = (struct ipc_port *)obj;
		return list_empty(&port->messages) ? NULL : port;
	}
	struct ipc_pset *pset = (struct ipc_pset *)obj;
	list_foreach(it, &pset->members) {
		struct ipc_port *port = list_entry(it, struct ipc_port, pset_link);
		if (!list_empty(&port->messages))
			return port;
	}
	return NULL;
}

/* Is obj still received by space under name?  MACH_MSG_SUCCESS if so. */
static mach_msg_return_t still_ours(struct ipc_object *obj, struct ipc_space *space)
{
	if (obj->kind == IPC_OBJ_PORT) {
		struct ipc_port *port = (struct ipc_port *)obj;
		/* A receive right that left the space (moved away, handed
		 * on by a port-destroyed notification) is as dead to this
		 * receiver, as in Mach; joining a set is a change. */
		if (!port->active || port->receiver != space)
			return MACH_RCV_PORT_DIED;
		if (port->pset)
			return MACH_RCV_PORT_CHANGED;
		return MACH_MSG_SUCCESS;
	}
	struct ipc_pset *pset = (struct ipc_pset *)obj;
	return pset->active ? MACH_MSG_SUCCESS : MACH_RCV_PORT_DIED;
}

/* The receive right or port set name denotes, for a receive. */
static mach_msg_return_t rcv_object(struct ipc_space *space, mach_port_name_t name,
				    struct ipc_object **objp)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	uint32_t type = e ? IE_BITS_TYPE(e->bits) : 0;
	struct ipc_object *obj = e ? e->object : NULL;
	if (!(type & (MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_PORT_SET)) || obj == NULL)
		return MACH_RCV_INVALID_NAME;
	if (obj->kind == IPC_OBJ_PORT && ((struct ipc_port *)obj)->pset)
		return MACH_RCV_IN_SET;
	*objp = obj;
	return MACH_MSG_SUCCESS;
}

/* Receive from obj (a reference held by the caller), interrupts
 * disabled.  handoff: a thread claimed by the caller, to be given the
 * CPU by the first wait (or made ready if there is none). */
static mach_msg_return_t receive_loop(struct ipc_object *obj, struct ipc_space *space,
				      mach_msg_option_t option, uint64_t deadline,
				      uint32_t max_size, struct thread *handoff,
				      struct ipc_kmsg **kmsgp, uint32_t *sizep, uint32_t *seqnop)
{
	mach_msg_return_t mr;
	for (;;) {
		mr = still_ours(obj, space);
		if (mr != MACH_MSG_SUCCESS)
			break;
		struct ipc_port *port = ready_port(obj);
		if (port) {
			struct ipc_kmsg *kmsg = list_entry(port->messages.next, struct ipc_kmsg, link);
			*sizep = kmsg->size;
			if (kmsg->size > max_size && (option & MACH_RCV_LARGE)) {
				mr = MACH_RCV_TOO_LARGE;
				break;
			}
			list_remove(&kmsg->link);
			port->msgcount--;
			*seqnop = port->seqno++;
			/* Out of the queue: a forced message is accepted. */
			ipc_notify_accepted(kmsg);
			waitq_wake_all(bucket(senders, port));
			if (kmsg->size > max_size) {
				ipc_kmsg_destroy(kmsg);
				mr = MACH_RCV_TOO_LARGE;
				break;
			}
			*kmsgp = kmsg;
			mr = MACH_MSG_SUCCESS;
			break;
		}
		struct rcv_waiter w = { .max_size = max_size, .kmsg = NULL };
		waitq_init(&w.wq);
		list_push_back(waiters_of(obj), &w.link);
		int r;
		if (handoff) {
			r = waitq_wait_handoff(&w.wq, remaining(deadline), handoff);
			handoff = NULL;
		} else {
			r = waitq_wait(&w.wq, remaining(deadline));
		}
		/* A message handed over wins over whatever else woke us. */
		if (w.kmsg) {
			*sizep = w.kmsg->size;
			*kmsgp = w.kmsg;
			*seqnop = w.seqno;
			mr = MACH_MSG_SUCCESS;
			break;
		}
		list_remove(&w.link);   /* (a no-op if a waker took it off) */
		if (r == WAIT_TIMED_OUT && remaining(deadline) == 0) {
			mr = MACH_RCV_TIMED_OUT;
			break;
		}
		if (r == WAIT_INTERRUPTED) {
			mr = MACH_RCV_INTERRUPTED;
			break;
		}
	}
	if (handoff)
		sched_wakeup(handoff);
	return mr;
}

mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t name,
				     mach_msg_option_t option, uint64_t timeout_ns,
				     uint32_t max_size, struct ipc_kmsg **kmsgp,
				     uint32_t *sizep, uint32_t *seqnop)
{
	uint64_t deadline = deadline_of(option & MACH_RCV_TIMEOUT, timeout_ns);
	struct ipc_object *obj;
	irqflags_t f = arch_irq_save();
	mach_msg_return_t mr = rcv_object(space, name, &obj);
	if (mr == MACH_MSG_SUCCESS) {
		obj->refs++;   /* the entry may go while we sleep */
		mr = receive_loop(obj, space, option, deadline, max_size, NULL, kmsgp, sizep, seqnop);
		ipc_object_release(obj);
	}
	arch_irq_restore(f);
	return mr;
}

static bool any_thread(struct thread *t, void *arg)
{
	(void)t;
	(void)arg;
	return true;
}

bool ipc_fastpath_enabled = true;

mach_msg_return_t ipc_mqueue_send_receive(struct ipc_kmsg *kmsg, struct ipc_space *space,
					  mach_port_name_t name, mach_msg_option_t option,
					  uint64_t timeout_ns, uint32_t max_size,
					  struct ipc_kmsg **kmsgp, uint32_t *sizep, uint32_t *seqnop)
{
	struct ipc_port *dest = ipc_kmsg_dest(kmsg);
	uint64_t deadline = deadline_of(option & MACH_RCV_TIMEOUT, timeout_ns);
	struct ipc_object *obj;
	mach_msg_return_t mr = IPC_MQUEUE_NO_FASTPATH;
	irqflags_t f = arch_irq_save();

	/* Only the plain case: a live destination with a receiver waiting
	 * and room for the message, a receive that will have to wait. */
	/* The cheap test first: most calls that miss have no receiver
	 * waiting (a message to one's own port, a busy server). */
	struct rcv_waiter *w = NULL;
	if (dest->active && !(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR) &&
	    kmsg->accepted == NULL && handoff_candidate(dest, kmsg) &&
	    !thread_current()->interrupt_pending && remaining(deadline) != 0 &&
	    rcv_object(space, name, &obj) == MACH_MSG_SUCCESS &&
	    still_ours(obj, space) == MACH_MSG_SUCCESS && ready_port(obj) == NULL)
		w = handoff_candidate(dest, kmsg);
	if (w) {
		give(w, dest, kmsg);
		/* The receiver is claimed, not made ready: this thread's
		 * wait below switches straight to it. */
		struct thread *to = waitq_claim(&w->wq, any_thread, NULL, WAIT_AWAKENED);
		obj->refs++;
		mr = receive_loop(obj, space, option, deadline, max_size, to, kmsgp, sizep, seqnop);
		ipc_object_release(obj);
	}
	arch_irq_restore(f);
	return mr;
}
