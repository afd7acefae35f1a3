/* Mach ports and port sets: the kernel objects behind port names.
 *
 * A port is a message queue with exactly one receive right and any number
 * of send and send-once rights.  Rights live in IPC spaces (ipc/space.h)
 * or travel in messages ("in transit"); every entry naming the port and
 * every right in transit holds one reference on it, so the struct stays
 * as long as anything can still name it.  Destroying the receive right
 * makes the port dead: it stays allocated while send rights remain, and
 * each space converts its send rights to dead names the next time it looks
 * them up (lazily, as Mach does), dropping its reference then.
 *
 * Locking: none yet.  The caller runs in thread context on one CPU and
 * owns the spaces and ports it passes (the kernel's current rule). */
#ifndef IPC_PORT_H
#define IPC_PORT_H

#include <ipc/kern_return.h>
#include <kern/list.h>
#include <kern/types.h>

/* GNU Mach's user-visible types and constants (mach/port.h, message.h). */
typedef uint32_t mach_port_name_t;
typedef uint32_t mach_port_right_t;
typedef uint32_t mach_port_type_t;
typedef uint32_t mach_port_urefs_t;
typedef int32_t mach_port_delta_t;
typedef uint32_t mach_port_msgcount_t;
typedef uint32_t mach_msg_type_name_t;

#define MACH_PORT_NULL  ((mach_port_name_t)0)
#define MACH_PORT_DEAD  ((mach_port_name_t)~0u)
#define MACH_PORT_VALID(name) ((name) != MACH_PORT_NULL && (name) != MACH_PORT_DEAD)

/* A name is an index in the low 24 bits and a generation in the high 8:
 * reusing an index with a new generation makes stale names fail. */
#define MACH_PORT_INDEX(name)      ((name) & 0x00ffffffu)
#define MACH_PORT_GEN(name)        (((name) >> 24) & 0xffu)
#define MACH_PORT_MAKE(index, gen) (((uint32_t)(gen) << 24) | ((index) & 0x00ffffffu))

#define MACH_PORT_RIGHT_SEND       0
#define MACH_PORT_RIGHT_RECEIVE    1
#define MACH_PORT_RIGHT_SEND_ONCE  2
#define MACH_PORT_RIGHT_PORT_SET   3
#define MACH_PORT_RIGHT_DEAD_NAME  4
#define MACH_PORT_RIGHT_NUMBER     5

#define MACH_PORT_TYPE(right)      (1u << ((right) + 16))
#define MACH_PORT_TYPE_NONE        0u
#define MACH_PORT_TYPE_SEND        MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND)
#define MACH_PORT_TYPE_RECEIVE     MACH_PORT_TYPE(MACH_PORT_RIGHT_RECEIVE)
#define MACH_PORT_TYPE_SEND_ONCE   MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_SET    MACH_PORT_TYPE(MACH_PORT_RIGHT_PORT_SET)
#define MACH_PORT_TYPE_DEAD_NAME   MACH_PORT_TYPE(MACH_PORT_RIGHT_DEAD_NAME)
#define MACH_PORT_TYPE_SEND_RECEIVE (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_SEND_RIGHTS (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_RIGHTS (MACH_PORT_TYPE_SEND_RIGHTS | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_ALL_RIGHTS  (MACH_PORT_TYPE_PORT_RIGHTS | MACH_PORT_TYPE_PORT_SET | \
				    MACH_PORT_TYPE_DEAD_NAME)

#define MACH_PORT_UREFS_MAX        ((mach_port_urefs_t)0xffff)
#define MACH_PORT_QLIMIT_DEFAULT   5
#define MACH_PORT_QLIMIT_MAX       16

/* Message dispositions (mach/message.h). */
#define MACH_MSG_TYPE_MOVE_RECEIVE   16
#define MACH_MSG_TYPE_MOVE_SEND      17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE 18
#define MACH_MSG_TYPE_COPY_SEND      19
#define MACH_MSG_TYPE_MAKE_SEND      20
#define MACH_MSG_TYPE_MAKE_SEND_ONCE 21
/* What a right is once in transit. */
#define MACH_MSG_TYPE_PORT_RECEIVE   MACH_MSG_TYPE_MOVE_RECEIVE
#define MACH_MSG_TYPE_PORT_SEND      MACH_MSG_TYPE_MOVE_SEND
#define MACH_MSG_TYPE_PORT_SEND_ONCE MACH_MSG_TYPE_MOVE_SEND_ONCE

/* Which kernel object a port stands for (kernel objects as ports). */
enum ipc_kobject_type {
	IKOT_NONE = 0,
	IKOT_TASK,
	IKOT_THREAD,
	IKOT_HOST,
	IKOT_HOST_PRIV,
	IKOT_DEVICE,
	IKOT_DEVICE_MASTER,
	IKOT_PSET,          /* the processor set (control) */
	IKOT_PSET_NAME,     /* the processor set's name port */
	IKOT_PAGER,         /* a device's memory object (device_map) */
};

/* Common head of ports and port sets, so a space entry can point at
 * either and drop its reference without knowing which. */
enum ipc_object_kind { IPC_OBJ_PORT = 1, IPC_OBJ_PSET = 2 };
struct ipc_object {
	uint32_t refs;
	uint32_t kind;
};

struct ipc_space;
struct ipc_pset;

struct ipc_port {
	struct ipc_object obj;         /* first: entries point here */
	bool active;                   /* false once the receive right is destroyed */
	/* Who holds the receive right: a space and its name there, or NULL
	 * while the right is in transit (or after death). */
	struct ipc_space *receiver;
	mach_port_name_t receiver_name;
	uint32_t srights;              /* send rights in existence (entries + in transit) */
	uint32_t sorights;             /* send-once rights in existence */
	uint32_t mscount;              /* make-send count (no-senders detection) */
	uint32_t seqno;
	uint32_t qlimit;
	uint32_t msgcount;
	struct list messages;          /* queued messages (mach_msg fills this in) */
	struct ipc_pset *pset;         /* the set this port receives through, or NULL */
	struct list pset_link;         /* in pset->members */
	bool has_payload;
	uint64_t protected_payload;    /* delivered in place of the name when set */
	enum ipc_kobject_type kotype;
	void *kobject;
	/* Notification requests (ipc/notify.h): transit send-once rights
	 * the kernel sends notifications through, or NULL. */
	struct ipc_port *nsrequest;    /* no-senders */
	struct ipc_port *pdrequest;    /* port-destroyed */
	struct list dnrequests;        /* dead-name: struct ipc_dnrequest.link */
	/* While the receive right travels in a message: the port that
	 * message is sent to (one reference), so that a message carrying a
	 * receive right into its own queue, directly or through a chain of
	 * ports in transit, can be caught (Mach's circularity check). */
	struct ipc_port *destination;
	/* Threads blocked in receive on this port (ipc/mqueue.c). */
	struct list rcv_waiters;
};

struct ipc_pset {
	struct ipc_object obj;
	bool active;
	struct ipc_space *receiver;
	mach_port_name_t receiver_name;
	struct list members;           /* struct ipc_port.pset_link */
	uint32_t nmembers;
	struct list rcv_waiters;       /* threads blocked in receive on the set */
};

/* The port a right in a message names when its port has died (the
 * message then carries MACH_PORT_DEAD). */
#define IPC_PORT_DEAD ((struct ipc_port *)-1)
#define IPC_PORT_VALID(p) ((p) != NULL && (p) != IPC_PORT_DEAD)

/* A fresh, active port with one reference and no rights, or NULL. */
struct ipc_port *ipc_port_alloc(void);
void ipc_port_reference(struct ipc_port *port);
/* Drop a reference; the last one frees the port (it must be dead or have
 * never had a receiver). */
void ipc_port_release(struct ipc_port *port);
/* The receive right is gone: the port turns dead, leaves its set, drops
 * its queue and kernel object, fires its dead-name requests and gives
 * up its no-senders request.  With a port-destroyed request (and
 * notifications delivered) it is instead reborn: its receive right
 * travels to the request's port in a MACH_NOTIFY_PORT_DESTROYED message
 * (queue kept, as in Mach).  References are not touched: the message
 * takes one of its own. */
void ipc_port_destroy(struct ipc_port *port);

/* Rights in transit: give up one send / send-once right (and the
 * reference that came with it). */
void ipc_port_release_send(struct ipc_port *port);
void ipc_port_release_sonce(struct ipc_port *port);
/* Make new transit rights out of a receive right held by the caller. */
struct ipc_port *ipc_port_make_send(struct ipc_port *port);
struct ipc_port *ipc_port_make_sonce(struct ipc_port *port);
/* One more send right from an existing send right. */
struct ipc_port *ipc_port_copy_send(struct ipc_port *port);

/* Set a kernel object on a port (kernel objects as ports). */
void ipc_port_set_kobject(struct ipc_port *port, enum ipc_kobject_type type, void *kobject);

struct ipc_pset *ipc_pset_alloc(void);
void ipc_pset_release(struct ipc_pset *pset);
/* Take port out of its set, if any. */
void ipc_pset_remove(struct ipc_port *port);
void ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port);
/* Empty the set and mark it inactive (its receive right is destroyed). */
void ipc_pset_destroy(struct ipc_pset *pset);

/* Set by the message queues (ipc/mqueue.c) when mach_msg is in the
 * build: called when a port or set dies, to throw away its messages and
 * wake its waiters.  NULL in the host tests of the core. */
extern void (*ipc_port_death_hook)(struct ipc_port *port);
extern void (*ipc_pset_death_hook)(struct ipc_pset *pset);
/* Also set by the message queues: the receive right of a live port left
 * its space (moved away in a message, or handed on by a port-destroyed
 * notification), so threads waiting on it must look again; and a port
 * joined a set (receivers of the set may now find its messages). */
extern void (*ipc_port_changed_hook)(struct ipc_port *port);
extern void (*ipc_pset_added_hook)(struct ipc_pset *pset, struct ipc_port *port);

/* Give up one send right counted in port->srights (an entry's or one in
 * transit; the reference is the caller's business): the last one fires
 * the no-senders request of a live port. */
void ipc_port_srights_dec(struct ipc_port *port);

/* Would a message to dest carrying port's receive right put the port in
 * its own queue, directly or through ports in transit?  If not, the
 * right is recorded as travelling to dest (port->destination). */
bool ipc_port_check_circularity(struct ipc_port *port, struct ipc_port *dest);
/* The receive right arrived somewhere (or died): forget its destination. */
void ipc_port_clear_destination(struct ipc_port *port);

/* Drop a reference on either kind of object. */
void ipc_object_release(struct ipc_object *obj);

/* Counters for leak checks in tests and ps-like statistics. */
struct ipc_stats { size_t ports; size_t psets; };
void ipc_stats(struct ipc_stats *out);

#endif
