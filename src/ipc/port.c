/* Ports and port sets: allocation, references, death. */
#include <ipc/notify.h>
#include <ipc/port.h>
#include <kern/kmem.h>
#include <kern/panic.h>

static size_t nr_ports, nr_psets;

void (*ipc_port_death_hook)(struct ipc_port *port);
void (*ipc_pset_death_hook)(struct ipc_pset *pset);
void (*ipc_port_changed_hook)(struct ipc_port *port);
void (*ipc_pset_added_hook)(struct ipc_pset *pset, struct ipc_port *port);

struct ipc_port *ipc_port_alloc(void)
{
	struct ipc_port *port = kzalloc(sizeof(*port));
	if (port == NULL)
		return NULL;
	port->obj.refs = 1;
	port->obj.kind = IPC_OBJ_PORT;
	port->active = true;
	port->qlimit = MACH_PORT_QLIMIT_DEFAULT;
	list_init(&port->messages);
	list_init(&port->pset_link);
	list_init(&port->dnrequests);
	list_init(&port->rcv_waiters);
	nr_ports++;
	return port;
}

void ipc_port_reference(struct ipc_port *port)
{
	port->obj.refs++;
}

static void port_die(struct ipc_port *port);

void ipc_port_release(struct ipc_port *port)
{
	assert(port->obj.refs > 0);
	if (--port->obj.refs > 0)
		return;
	/* Nobody can name the port any more; a live port with no references
	 * left would be a receive right lost in transit, so kill it first
	 * (no port-destroyed rescue: nothing could hold it). */
	if (port->active)
		port_die(port);
	nr_ports--;
	kfree(port);
}

/* The port is dead for good: requests fire or go, the queue empties. */
static void port_die(struct ipc_port *port)
{
	port->active = false;
	port->receiver = NULL;
	port->receiver_name = MACH_PORT_NULL;
	ipc_pset_remove(port);
	/* The message queue's side (ipc/mqueue.h) destroys the queued
	 * messages and wakes the threads waiting on the port. */
	if (ipc_port_death_hook)
		ipc_port_death_hook(port);
	port->has_payload = false;
	port->kotype = IKOT_NONE;
	port->kobject = NULL;
	ipc_port_clear_destination(port);
	ipc_dnrequest_fire_all(port);
	/* An unused request right is destroyed like any other: the
	 * requester hears of it by a send-once notification (Mach).  A
	 * port-destroyed request that could not be honoured is released. */
	struct ipc_port *ns = port->nsrequest, *pd = port->pdrequest;
	port->nsrequest = port->pdrequest = NULL;
	ipc_notify_send_once(ns);
	if (IPC_PORT_VALID(pd))
		ipc_port_release_sonce(pd);
}

void ipc_port_destroy(struct ipc_port *port)
{
	if (!port->active)
		return;
	struct ipc_port *pd = port->pdrequest;
	if (pd != NULL && ipc_notify_deliver != NULL) {
		/* Reborn: the receive right leaves for the request's port.
		 * Its set and its waiting receivers lose it; its queue stays. */
		port->pdrequest = NULL;
		ipc_pset_remove(port);
		port->receiver = NULL;
		port->receiver_name = MACH_PORT_NULL;
		if (ipc_port_changed_hook)
			ipc_port_changed_hook(port);
		if (!ipc_port_check_circularity(port, pd)) {
			ipc_port_reference(port);   /* the right in the message */
			if (ipc_notify_port_destroyed(pd, port))
				return;
			ipc_port_clear_destination(port);
			port->obj.refs--;           /* the caller still holds one */
		}
		/* Sending the right to itself would keep it forever. */
		ipc_port_release_sonce(pd);
	}
	port_die(port);
}

void ipc_port_srights_dec(struct ipc_port *port)
{
	assert(port->srights > 0);
	if (--port->srights > 0 || !port->active || port->nsrequest == NULL)
		return;
	struct ipc_port *ns = port->nsrequest;
	port->nsrequest = NULL;
	ipc_notify_no_senders(ns, port->mscount);
}

void ipc_port_release_send(struct ipc_port *port)
{
	ipc_port_srights_dec(port);
	ipc_port_release(port);
}

void ipc_port_release_sonce(struct ipc_port *port)
{
	assert(port->sorights > 0);
	port->sorights--;
	ipc_port_release(port);
}

bool ipc_port_check_circularity(struct ipc_port *port, struct ipc_port *dest)
{
	/* Follow the chain of receive rights in transit from dest: reaching
	 * port means the message would end up inside port's own queue. */
	for (struct ipc_port *base = dest; ; base = base->destination) {
		if (base == port)
			return true;
		if (!base->active || base->receiver != NULL || base->destination == NULL)
			break;
	}
	ipc_port_clear_destination(port);
	ipc_port_reference(dest);
	port->destination = dest;
	return false;
}

void ipc_port_clear_destination(struct ipc_port *port)
{
	struct ipc_port *dest = port->destination;
	if (dest == NULL)
		return;
	port->destination = NULL;
	ipc_port_release(dest);
}

struct ipc_port *ipc_port_make_send(struct ipc_port *port)
{
	port->mscount++;
	port->srights++;
	ipc_port_reference(port);
	return port;
}

struct ipc_port *ipc_port_make_sonce(struct ipc_port *port)
{
	port->sorights++;
	ipc_port_reference(port);
	return port;
}

struct ipc_port *ipc_port_copy_send(struct ipc_port *port)
{
	port->srights++;
	ipc_port_reference(port);
	return port;
}

void ipc_port_set_kobject(struct ipc_port *port, enum ipc_kobject_type type, void *kobject)
{
	port->kotype = type;
	port->kobject = kobject;
}

struct ipc_pset *ipc_pset_alloc(void)
{
	struct ipc_pset *pset = kzalloc(sizeof(*pset));
	if (pset == NULL)
		return NULL;
	pset->obj.refs = 1;
	pset->obj.kind = IPC_OBJ_PSET;
	pset->active = true;
	list_init(&pset->members);
	list_init(&pset->rcv_waiters);
	nr_psets++;
	return pset;
}

void ipc_pset_release(struct ipc_pset *pset)
{
	assert(pset->obj.refs > 0);
	if (--pset->obj.refs > 0)
		return;
	ipc_pset_destroy(pset);
	nr_psets--;
	kfree(pset);
}

void ipc_pset_remove(struct ipc_port *port)
{
	struct ipc_pset *pset = port->pset;
	if (pset == NULL)
		return;
	list_remove(&port->pset_link);
	pset->nmembers--;
	port->pset = NULL;
}

void ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port)
{
	ipc_pset_remove(port);
	list_push_back(&pset->members, &port->pset_link);
	pset->nmembers++;
	port->pset = pset;
	if (ipc_pset_added_hook)
		ipc_pset_added_hook(pset, port);
}

void ipc_pset_destroy(struct ipc_pset *pset)
{
	list_foreach_safe(it, tmp, &pset->members)
		ipc_pset_remove(list_entry(it, struct ipc_port, pset_link));
	pset->active = false;
	if (ipc_pset_death_hook)
		ipc_pset_death_hook(pset);
	pset->receiver = NULL;
	pset->receiver_name = MACH_PORT_NULL;
}

void ipc_object_release(struct ipc_object *obj)
{
	if (obj->kind == IPC_OBJ_PORT)
		ipc_port_release((struct ipc_port *)obj);
	else
		ipc_pset_release((struct ipc_pset *)obj);
}

void ipc_stats(struct ipc_stats *out)
{
	out->ports = nr_ports;
	out->psets = nr_psets;
}
