/* Message queues (see ipc/mqueue.h). */
#include <ipc/mqueue.h>
#include <kern/arch.h>
#include <kern/timer.h>
#include <kern/waitq.h>

#define MQ_BUCKETS 64

static struct waitq receivers[MQ_BUCKETS];
static struct waitq senders[MQ_BUCKETS];
static bool initialised;

static struct waitq *bucket(struct waitq *table, const void *obj)
{
	uintptr_t h = (uintptr_t)obj;
	h ^= h >> 7;
	h ^= h >> 13;
	return &table[(h >> 4) % MQ_BUCKETS];
}

static void port_died(struct ipc_port *port)
{
	while (!list_empty(&port->messages)) {
		struct ipc_kmsg *kmsg = list_entry(port->messages.next, struct ipc_kmsg, link);
		list_remove(&kmsg->link);
		port->msgcount--;
		ipc_kmsg_destroy(kmsg);
	}
	waitq_wake_all(bucket(receivers, port));
	waitq_wake_all(bucket(senders, port));
}

static void pset_died(struct ipc_pset *pset)
{
	waitq_wake_all(bucket(receivers, pset));
}

void ipc_mqueue_init(void)
{
	if (initialised)
		return;
	irqflags_t f = arch_irq_save();
	if (!initialised) {
		for (unsigned i = 0; i < MQ_BUCKETS; i++) {
			waitq_init(&receivers[i]);
			waitq_init(&senders[i]);
		}
		ipc_port_death_hook = port_died;
		ipc_pset_death_hook = pset_died;
		initialised = true;
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
		if (!dest->active) {
			ipc_kmsg_destroy(kmsg);
			break;
		}
		if (dest->msgcount < dest->qlimit || sonce || (option & MACH_SEND_ALWAYS)) {
			list_push_back(&dest->messages, &kmsg->link);
			dest->msgcount++;
			waitq_wake_all(bucket(receivers, dest));
			if (dest->pset)
				waitq_wake_all(bucket(receivers, dest->pset));
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
		if (!port->active)
			return MACH_RCV_PORT_DIED;
		if (port->receiver != space)
			return MACH_RCV_PORT_CHANGED;
		if (port->pset)
			return MACH_RCV_PORT_CHANGED;
		return MACH_MSG_SUCCESS;
	}
	struct ipc_pset *pset = (struct ipc_pset *)obj;
	return pset->active ? MACH_MSG_SUCCESS : MACH_RCV_PORT_DIED;
}

mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t name,
				     mach_msg_option_t option, uint64_t timeout_ns,
				     uint32_t max_size, struct ipc_kmsg **kmsgp,
				     uint32_t *sizep, uint32_t *seqnop)
{
	uint64_t deadline = deadline_of(option & MACH_RCV_TIMEOUT, timeout_ns);
	mach_msg_return_t mr;
	irqflags_t f = arch_irq_save();

	struct ipc_entry *e = ipc_entry_lookup(space, name);
	uint32_t type = e ? IE_BITS_TYPE(e->bits) : 0;
	struct ipc_object *obj = e ? e->object : NULL;
	if (!(type & (MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_PORT_SET)) || obj == NULL) {
		arch_irq_restore(f);
		return MACH_RCV_INVALID_NAME;
	}
	if (obj->kind == IPC_OBJ_PORT && ((struct ipc_port *)obj)->pset) {
		arch_irq_restore(f);
		return MACH_RCV_IN_SET;
	}
	obj->refs++;   /* the entry may go while we sleep */

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
		int r = waitq_wait(bucket(receivers, obj), remaining(deadline));
		if (r == WAIT_TIMED_OUT && remaining(deadline) == 0) {
			mr = MACH_RCV_TIMED_OUT;
			break;
		}
		if (r == WAIT_INTERRUPTED) {
			mr = MACH_RCV_INTERRUPTED;
			break;
		}
	}
	ipc_object_release(obj);
	arch_irq_restore(f);
	return mr;
}
