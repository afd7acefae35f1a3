/* Right transfer: what mach_msg does to a space when a right goes into a
 * message (copyin) and when it comes out of one (copyout).  A right in
 * transit is a port pointer carrying one reference and one count in
 * srights / sorights (send, send-once) or the receive right itself
 * (receiver NULL), tagged with its MACH_MSG_TYPE_PORT_* type.
 *
 * Locking: the caller holds the space. */
#ifndef IPC_RIGHT_H
#define IPC_RIGHT_H

#include <ipc/space.h>

/* Destroy every right under name (entry is its looked-up entry): a
 * receive right kills its port, a port set is emptied. */
void ipc_right_destroy(struct ipc_space *space, mach_port_name_t name, struct ipc_entry *entry);
/* mach_port_deallocate on a looked-up entry. */
kern_return_t ipc_right_dealloc(struct ipc_space *space, mach_port_name_t name,
				struct ipc_entry *entry);
/* mach_port_mod_refs on a looked-up entry (right already range-checked). */
kern_return_t ipc_right_delta(struct ipc_space *space, mach_port_name_t name,
			      struct ipc_entry *entry, mach_port_right_t right,
			      mach_port_delta_t delta);

/* The transit type a disposition produces (PORT_SEND for COPY_SEND ...),
 * or 0 for a value that is not a port disposition. */
mach_msg_type_name_t ipc_right_transit_type(mach_msg_type_name_t disposition);

/* Take a right out of space under name with the given disposition
 * (MOVE_RECEIVE, MOVE_SEND, MOVE_SEND_ONCE, COPY_SEND, MAKE_SEND,
 * MAKE_SEND_ONCE), with Mach's exact effect on the space.  A send or
 * send-once disposition on a dead name gives IPC_PORT_DEAD if deadok
 * (the dead name loses a user reference when moved) and
 * KERN_INVALID_RIGHT otherwise.  Errors leave the space unchanged:
 * KERN_INVALID_NAME, KERN_INVALID_RIGHT, KERN_INVALID_VALUE (not a
 * disposition). */
kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_name_t name,
			       mach_msg_type_name_t disposition, bool deadok,
			       struct ipc_port **portp);
/* Destroy a right in transit (a message that is thrown away, a failed
 * copyout): send and send-once rights drop their counts, a receive right
 * kills its port.  IPC_PORT_DEAD and NULL are ignored. */
void ipc_right_destroy_transit(struct ipc_port *port, mach_msg_type_name_t type);

/* Put a transit right of type (PORT_SEND, PORT_SEND_ONCE, PORT_RECEIVE)
 * into space and return its name.  A send right joins the name the space
 * already uses for the port; a dead port gives MACH_PORT_DEAD.  With
 * overflow, user references saturate at MACH_PORT_UREFS_MAX instead of
 * failing (mach_msg's receive side).  On error (KERN_NO_SPACE,
 * KERN_RESOURCE_SHORTAGE, KERN_UREFS_OVERFLOW) the transit right is
 * still the caller's. */
kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_port *port,
				mach_msg_type_name_t type, bool overflow,
				mach_port_name_t *namep);
/* The same under a name the caller chooses (mach_port_insert_right):
 * KERN_NAME_EXISTS if name holds something else, KERN_RIGHT_EXISTS if the
 * port already has another name here. */
kern_return_t ipc_right_copyout_name(struct ipc_space *space, struct ipc_port *port,
				     mach_msg_type_name_t type, mach_port_name_t name);

/* mach_port_insert_right: copy a right from space under poly_name (a
 * disposition) and insert it into to under name.  Both spaces may be one. */
kern_return_t ipc_space_insert_right(struct ipc_space *to, mach_port_name_t name,
				     struct ipc_space *from, mach_port_name_t poly_name,
				     mach_msg_type_name_t disposition);
/* mach_port_extract_right: copyin with deadok; *typep is the transit type. */
kern_return_t ipc_space_extract_right(struct ipc_space *space, mach_port_name_t name,
				      mach_msg_type_name_t disposition,
				      struct ipc_port **portp, mach_msg_type_name_t *typep);

#endif
