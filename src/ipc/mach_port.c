/* The mach_port.defs operations on a space, by name.  Error codes follow
 * GNU Mach: KERN_INVALID_NAME when the name denotes nothing (stale
 * generations included), KERN_INVALID_RIGHT when it denotes the wrong
 * kind of right, KERN_INVALID_VALUE for an out-of-range argument.
 *
 * One difference: a name chosen by the caller (allocate_name, rename,
 * insert_right) whose index is in use under another generation gets
 * KERN_NAME_EXISTS, since the table has one slot per index (GNU Mach
 * would move the colliding name to its splay tree). */
#include <ipc/notify.h>
#include <ipc/right.h>

static bool right_valid(mach_port_right_t right)
{
	return right < MACH_PORT_RIGHT_NUMBER;
}

/* Create the object and entry for right under e (a fresh entry). */
static kern_return_t fill_new_entry(struct ipc_space *space, mach_port_name_t name,
				    struct ipc_entry *e, mach_port_right_t right)
{
	uint32_t gen = IE_BITS_GEN(e->bits);
	if (right == MACH_PORT_RIGHT_DEAD_NAME) {
		e->bits = gen | MACH_PORT_TYPE_DEAD_NAME | 1;
		return KERN_SUCCESS;
	}
	if (right == MACH_PORT_RIGHT_PORT_SET) {
		struct ipc_pset *pset = ipc_pset_alloc();
		if (pset == NULL)
			goto shortage;
		pset->receiver = space;
		pset->receiver_name = name;
		e->object = &pset->obj;
		e->bits = gen | MACH_PORT_TYPE_PORT_SET;
		return KERN_SUCCESS;
	}
	struct ipc_port *port = ipc_port_alloc();
	if (port == NULL)
		goto shortage;
	port->receiver = space;
	port->receiver_name = name;
	e->object = &port->obj;
	e->bits = gen | MACH_PORT_TYPE_RECEIVE;
	if (ipc_hash_insert(space, name) != KERN_SUCCESS) {
		ipc_port_destroy(port);
		ipc_port_release(port);
		goto shortage;
	}
	return KERN_SUCCESS;
shortage:
	ipc_entry_free(space, name);
	return KERN_RESOURCE_SHORTAGE;
}

static bool allocatable(mach_port_right_t right)
{
	return right == MACH_PORT_RIGHT_RECEIVE || right == MACH_PORT_RIGHT_PORT_SET ||
	       right == MACH_PORT_RIGHT_DEAD_NAME;
}

kern_return_t ipc_space_allocate(struct ipc_space *space, mach_port_right_t right,
				 mach_port_name_t *namep)
{
	if (!allocatable(right))
		return KERN_INVALID_VALUE;
	struct ipc_entry *e;
	mach_port_name_t name;
	kern_return_t kr = ipc_entry_alloc(space, &name, &e);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = fill_new_entry(space, name, e, right);
	if (kr == KERN_SUCCESS)
		*namep = name;
	return kr;
}

kern_return_t ipc_space_allocate_name(struct ipc_space *space, mach_port_right_t right,
				      mach_port_name_t name)
{
	if (!allocatable(right) || !MACH_PORT_VALID(name))
		return KERN_INVALID_VALUE;
	struct ipc_entry *e;
	kern_return_t kr = ipc_entry_alloc_name(space, name, &e);
	if (kr != KERN_SUCCESS)
		return kr;
	if (IE_BITS_TYPE(e->bits) != MACH_PORT_TYPE_NONE)
		return KERN_NAME_EXISTS;
	return fill_new_entry(space, name, e, right);
}

kern_return_t ipc_space_deallocate(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	return ipc_right_dealloc(space, name, e);
}

kern_return_t ipc_space_destroy_name(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	ipc_right_destroy(space, name, e);
	return KERN_SUCCESS;
}

kern_return_t ipc_space_mod_refs(struct ipc_space *space, mach_port_name_t name,
				 mach_port_right_t right, mach_port_delta_t delta)
{
	if (!right_valid(right))
		return KERN_INVALID_VALUE;
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	return ipc_right_delta(space, name, e, right, delta);
}

kern_return_t ipc_space_get_refs(struct ipc_space *space, mach_port_name_t name,
				 mach_port_right_t right, mach_port_urefs_t *refsp)
{
	if (!right_valid(right))
		return KERN_INVALID_VALUE;
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if (!(e->bits & MACH_PORT_TYPE(right)))
		*refsp = 0;
	else if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME)
		*refsp = IE_BITS_UREFS(e->bits);
	else
		*refsp = 1;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_type(struct ipc_space *space, mach_port_name_t name,
			     mach_port_type_t *typep)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	*typep = IE_BITS_TYPE(e->bits);
	return KERN_SUCCESS;
}

kern_return_t ipc_space_names(struct ipc_space *space, mach_port_name_t *names,
			      mach_port_type_t *types, size_t max, size_t *countp)
{
	size_t n = 0;
	uint32_t cursor = 0;
	mach_port_name_t name;
	while ((name = ipc_entry_next(space, &cursor)) != MACH_PORT_NULL) {
		struct ipc_entry *e = ipc_entry_lookup(space, name);  /* converts dead names */
		if (n < max) {
			names[n] = name;
			types[n] = IE_BITS_TYPE(e->bits);
		}
		n++;
	}
	*countp = n;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_rename(struct ipc_space *space, mach_port_name_t oldname,
			       mach_port_name_t newname)
{
	if (!MACH_PORT_VALID(newname))
		return KERN_INVALID_VALUE;
	if (ipc_entry_lookup(space, oldname) == NULL)
		return KERN_INVALID_NAME;
	struct ipc_entry *ne;
	kern_return_t kr = ipc_entry_alloc_name(space, newname, &ne);
	if (kr != KERN_SUCCESS)
		return kr;
	if (IE_BITS_TYPE(ne->bits) != MACH_PORT_TYPE_NONE)
		return KERN_NAME_EXISTS;
	/* Entries never move, so the old one is still where it was. */
	struct ipc_entry *oe = ipc_entry_lookup(space, oldname);
	uint32_t type = IE_BITS_TYPE(oe->bits);
	bool hashed = type & MACH_PORT_TYPE_SEND_RECEIVE;
	ne->object = oe->object;
	ne->bits = IE_BITS_GEN(ne->bits) | type | (oe->bits & (IE_BITS_DNREQUEST | IE_BITS_MAREQUEST)) |
		   IE_BITS_UREFS(oe->bits);
	/* Hash the new name before unhashing the old, so a failure changes
	 * nothing (and the buckets are never emptied in between). */
	if (hashed && ipc_hash_insert(space, newname) != KERN_SUCCESS) {
		ipc_entry_free(space, newname);
		return KERN_RESOURCE_SHORTAGE;
	}
	if (hashed)
		ipc_hash_remove(space, oldname);
	oe->object = NULL;
	ipc_entry_free(space, oldname);
	if (ne->bits & IE_BITS_DNREQUEST)
		ipc_dnrequest_rename((struct ipc_port *)ne->object, space, oldname, newname);
	if (ne->bits & IE_BITS_MAREQUEST)
		ipc_marequest_cancel((struct ipc_port *)ne->object, space, oldname, newname);
	if (type & MACH_PORT_TYPE_RECEIVE)
		((struct ipc_port *)ne->object)->receiver_name = newname;
	if (type & MACH_PORT_TYPE_PORT_SET)
		((struct ipc_pset *)ne->object)->receiver_name = newname;
	return KERN_SUCCESS;
}

/* The object under name if the entry holds right type, with the usual
 * errors otherwise. */
static kern_return_t translate(struct ipc_space *space, mach_port_name_t name,
			       mach_port_type_t type, struct ipc_object **objp)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if (!(e->bits & type))
		return KERN_INVALID_RIGHT;
	*objp = e->object;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_move_member(struct ipc_space *space, mach_port_name_t member,
				    mach_port_name_t after)
{
	struct ipc_object *pobj, *sobj = NULL;
	kern_return_t kr = translate(space, member, MACH_PORT_TYPE_RECEIVE, &pobj);
	if (kr != KERN_SUCCESS)
		return kr;
	if (after != MACH_PORT_NULL) {
		kr = translate(space, after, MACH_PORT_TYPE_PORT_SET, &sobj);
		if (kr != KERN_SUCCESS)
			return kr;
	}
	struct ipc_port *port = (struct ipc_port *)pobj;
	if (sobj == NULL) {
		if (port->pset == NULL)
			return KERN_NOT_IN_SET;
		ipc_pset_remove(port);
	} else {
		ipc_pset_add((struct ipc_pset *)sobj, port);
	}
	return KERN_SUCCESS;
}

kern_return_t ipc_space_get_set_status(struct ipc_space *space, mach_port_name_t name,
				       mach_port_name_t *members, size_t max, size_t *countp)
{
	struct ipc_object *obj;
	kern_return_t kr = translate(space, name, MACH_PORT_TYPE_PORT_SET, &obj);
	if (kr != KERN_SUCCESS)
		return kr;
	struct ipc_pset *pset = (struct ipc_pset *)obj;
	size_t n = 0;
	list_foreach(it, &pset->members) {
		if (n < max)
			members[n] = list_entry(it, struct ipc_port, pset_link)->receiver_name;
		n++;
	}
	*countp = n;
	return KERN_SUCCESS;
}

static kern_return_t receive_port(struct ipc_space *space, mach_port_name_t name,
				  struct ipc_port **portp)
{
	struct ipc_object *obj;
	kern_return_t kr = translate(space, name, MACH_PORT_TYPE_RECEIVE, &obj);
	if (kr == KERN_SUCCESS)
		*portp = (struct ipc_port *)obj;
	return kr;
}

kern_return_t ipc_space_set_protected_payload(struct ipc_space *space, mach_port_name_t name,
					      uint64_t payload)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr != KERN_SUCCESS)
		return kr;
	port->protected_payload = payload;
	port->has_payload = true;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_clear_protected_payload(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr != KERN_SUCCESS)
		return kr;
	port->protected_payload = 0;
	port->has_payload = false;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_set_qlimit(struct ipc_space *space, mach_port_name_t name,
				   mach_port_msgcount_t qlimit)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr != KERN_SUCCESS)
		return kr;
	if (qlimit > MACH_PORT_QLIMIT_MAX)
		return KERN_INVALID_VALUE;
	/* Raising the limit wakes blocked senders once mach_msg exists. */
	port->qlimit = qlimit;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_get_receive_status(struct ipc_space *space, mach_port_name_t name,
					   struct ipc_port_status *out)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr != KERN_SUCCESS)
		return kr;
	/* The set is named in this space (where the receive right is). */
	out->pset = port->pset && port->pset->receiver == space ? port->pset->receiver_name
								 : MACH_PORT_NULL;
	out->seqno = port->seqno;
	out->mscount = port->mscount;
	out->qlimit = port->qlimit;
	out->msgcount = port->msgcount;
	out->sorights = port->sorights;
	out->srights = port->srights > 0;
	out->pdrequest = port->pdrequest != NULL;
	out->nsrequest = port->nsrequest != NULL;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_set_seqno(struct ipc_space *space, mach_port_name_t name, uint32_t seqno)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr == KERN_SUCCESS)
		port->seqno = seqno;
	return kr;
}

kern_return_t ipc_space_set_mscount(struct ipc_space *space, mach_port_name_t name, uint32_t mscount)
{
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);
	if (kr == KERN_SUCCESS)
		port->mscount = mscount;
	return kr;
}
