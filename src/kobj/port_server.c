/* mach_port.defs: a task's port name space, served on its task port.
 * Each routine is the by-name operation of ipc/space.h or ipc/right.h,
 * run with interrupts disabled (the IPC core's rule) on a task that may
 * be ending: a task without a space answers KERN_INVALID_TASK. */
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/string.h>
#include "routines.h"

/* Run op on task's space with interrupts disabled. */
#define WITH_SPACE(task, space, op)                                        \
	({                                                                  \
		kern_return_t kr_ = KERN_INVALID_TASK;                      \
		irqflags_t f_ = arch_irq_save();                            \
		struct ipc_space *space = (task) ? (task)->itk_space : NULL; \
		if (space)                                                  \
			kr_ = (op);                                         \
		arch_irq_restore(f_);                                       \
		kr_;                                                        \
	})

kern_return_t S_mach_port_allocate(struct task *task, mach_port_right_t right,
				   mach_port_name_t *name)
{
	return WITH_SPACE(task, space, ipc_space_allocate(space, right, name));
}

kern_return_t S_mach_port_allocate_name(struct task *task, mach_port_right_t right,
					mach_port_name_t name)
{
	return WITH_SPACE(task, space, ipc_space_allocate_name(space, right, name));
}

kern_return_t S_mach_port_deallocate(struct task *task, mach_port_name_t name)
{
	return WITH_SPACE(task, space, ipc_space_deallocate(space, name));
}

kern_return_t S_mach_port_destroy(struct task *task, mach_port_name_t name)
{
	return WITH_SPACE(task, space, ipc_space_destroy_name(space, name));
}

kern_return_t S_mach_port_mod_refs(struct task *task, mach_port_name_t name,
				   mach_port_right_t right, mach_port_delta_t delta)
{
	return WITH_SPACE(task, space, ipc_space_mod_refs(space, name, right, delta));
}

kern_return_t S_mach_port_get_refs(struct task *task, mach_port_name_t name,
				   mach_port_right_t right, mach_port_urefs_t *refs)
{
	return WITH_SPACE(task, space, ipc_space_get_refs(space, name, right, refs));
}

kern_return_t S_mach_port_type(struct task *task, mach_port_name_t name, mach_port_type_t *type)
{
	return WITH_SPACE(task, space, ipc_space_type(space, name, type));
}

kern_return_t S_mach_port_rename(struct task *task, mach_port_name_t old_name,
				 mach_port_name_t new_name)
{
	return WITH_SPACE(task, space, ipc_space_rename(space, old_name, new_name));
}

kern_return_t S_mach_port_move_member(struct task *task, mach_port_name_t member,
				      mach_port_name_t after)
{
	return WITH_SPACE(task, space, ipc_space_move_member(space, member, after));
}

kern_return_t S_mach_port_set_qlimit(struct task *task, mach_port_name_t name, uint32_t qlimit)
{
	return WITH_SPACE(task, space, ipc_space_set_qlimit(space, name, qlimit));
}

kern_return_t S_mach_port_set_seqno(struct task *task, mach_port_name_t name, uint32_t seqno)
{
	return WITH_SPACE(task, space, ipc_space_set_seqno(space, name, seqno));
}

kern_return_t S_mach_port_set_protected_payload(struct task *task, mach_port_name_t name,
						uintptr_t payload)
{
	return WITH_SPACE(task, space, ipc_space_set_protected_payload(space, name, payload));
}

kern_return_t S_mach_port_clear_protected_payload(struct task *task, mach_port_name_t name)
{
	return WITH_SPACE(task, space, ipc_space_clear_protected_payload(space, name));
}

kern_return_t S_mach_port_insert_right(struct task *task, mach_port_name_t name,
				       struct ipc_port *poly, mach_msg_type_name_t poly_type)
{
	return WITH_SPACE(task, space, ipc_right_copyout_name(space, poly, poly_type, name));
}

kern_return_t S_mach_port_extract_right(struct task *task, mach_port_name_t name,
					mach_msg_type_name_t msgt_name, struct ipc_port **poly,
					mach_msg_type_name_t *poly_type)
{
	return WITH_SPACE(task, space,
			  ipc_space_extract_right(space, name, msgt_name, poly, poly_type));
}

kern_return_t S_mach_port_request_notification(struct task *task, mach_port_name_t name,
					       int32_t id, uint32_t sync, struct ipc_port *notify,
					       struct ipc_port **previous)
{
	return WITH_SPACE(task, space, ipc_space_request_notification(space, name, id, sync,
								      notify, previous));
}

/* mach_port_status_t on LP64 (mach/port.h). */
struct mach_port_status {
	uint32_t mps_pset;
	uint32_t mps_seqno;
	uint32_t mps_mscount;
	uint32_t mps_qlimit;
	uint32_t mps_msgcount;
	uint32_t mps_sorights;
	int32_t mps_srights;
	int32_t mps_pdrequest;
	int32_t mps_nsrequest;
};
_Static_assert(sizeof(struct mach_port_status) == 36, "mach_port_status_t is 9 words");

kern_return_t S_mach_port_get_receive_status(struct task *task, mach_port_name_t name,
					     void *status)
{
	struct ipc_port_status st;
	kern_return_t kr = WITH_SPACE(task, space, ipc_space_get_receive_status(space, name, &st));
	if (kr != KERN_SUCCESS)
		return kr;
	struct mach_port_status out = {
		.mps_pset = st.pset, .mps_seqno = st.seqno, .mps_mscount = st.mscount,
		.mps_qlimit = st.qlimit, .mps_msgcount = st.msgcount, .mps_sorights = st.sorights,
		.mps_srights = st.srights, .mps_pdrequest = st.pdrequest,
		.mps_nsrequest = st.nsrequest,
	};
	memcpy(status, &out, sizeof(out));
	return KERN_SUCCESS;
}

kern_return_t S_mach_port_set_mscount(struct task *task, mach_port_name_t name, uint32_t mscount)
{
	return WITH_SPACE(task, space, ipc_space_set_mscount(space, name, mscount));
}

/* --- replies with out-of-line arrays ------------------------------------- */

/* Arrays of names come back out of line.  The regions are sized with
 * interrupts enabled and filled with them disabled; if the space grew in
 * between, the routine goes round again. */
#define FILL_CHUNK 256

/* The names (and types) of a space, straight into two regions. */
struct names_arg {
	struct ipc_ool *names, *types;
	mach_port_name_t member_of;   /* MACH_PORT_NULL: every name */
};

static kern_return_t names_fill(struct ipc_space *space, struct names_arg *arg, size_t max,
				size_t *count)
{
	if (arg->member_of != MACH_PORT_NULL) {
		/* A set's members: gathered in one go (sets are small). */
		mach_port_name_t buf[FILL_CHUNK];
		size_t n = 0;
		kern_return_t kr = ipc_space_get_set_status(space, arg->member_of, buf,
							    FILL_CHUNK, &n);
		if (kr != KERN_SUCCESS)
			return kr;
		if (n > FILL_CHUNK)
			return KERN_RESOURCE_SHORTAGE;
		*count = n;
		if (n <= max && n)
			ipc_ool_write(arg->names, 0, buf, n * 4);
		return KERN_SUCCESS;
	}
	size_t n = 0;
	uint32_t cursor = 0;
	for (mach_port_name_t name; (name = ipc_entry_next(space, &cursor)) != MACH_PORT_NULL;) {
		if (n < max) {
			mach_port_type_t type = 0;
			ipc_space_type(space, name, &type);
			ipc_ool_write(arg->names, n * 4, &name, 4);
			ipc_ool_write(arg->types, n * 4, &type, 4);
		}
		n++;
	}
	*count = n;
	return KERN_SUCCESS;
}

static kern_return_t names_reply(struct task *task, struct names_arg *arg, bool with_types,
				 uint32_t *count)
{
	size_t need = 0;
	kern_return_t kr = WITH_SPACE(task, space, names_fill(space, arg, 0, &need));
	for (int tries = 0; kr == KERN_SUCCESS && tries < 4; tries++) {
		size_t have = need;
		arg->names = have ? ipc_ool_alloc(have * 4) : NULL;
		arg->types = have && with_types ? ipc_ool_alloc(have * 4) : NULL;
		if (have && (!arg->names || (with_types && !arg->types))) {
			kr = KERN_RESOURCE_SHORTAGE;
			break;
		}
		kr = WITH_SPACE(task, space, names_fill(space, arg, have, &need));
		if (kr == KERN_SUCCESS && need <= have) {
			*count = (uint32_t)need;
			return KERN_SUCCESS;
		}
		ipc_ool_free(arg->names);
		ipc_ool_free(arg->types);
	}
	ipc_ool_free(arg->names);
	ipc_ool_free(arg->types);
	arg->names = arg->types = NULL;
	return kr == KERN_SUCCESS ? KERN_RESOURCE_SHORTAGE : kr;
}

kern_return_t S_mach_port_names(struct task *task, uintptr_t *names, uint32_t *names_count,
				uintptr_t *types, uint32_t *types_count)
{
	struct names_arg arg = { NULL, NULL, MACH_PORT_NULL };
	uint32_t n = 0;
	kern_return_t kr = names_reply(task, &arg, true, &n);
	if (kr != KERN_SUCCESS)
		return kr;
	*names = (uintptr_t)arg.names;
	*types = (uintptr_t)arg.types;
	*names_count = *types_count = n;
	return KERN_SUCCESS;
}

kern_return_t S_mach_port_get_set_status(struct task *task, mach_port_name_t name,
					 uintptr_t *members, uint32_t *count)
{
	if (name == MACH_PORT_NULL)
		return KERN_INVALID_NAME;
	struct names_arg arg = { NULL, NULL, name };
	uint32_t n = 0;
	kern_return_t kr = names_reply(task, &arg, false, &n);
	if (kr != KERN_SUCCESS)
		return kr;
	*members = (uintptr_t)arg.names;
	*count = n;
	return KERN_SUCCESS;
}
