/* The name service's client (<machv/names.h>): one request to the
 * bootstrap port and its reply on a port of this call's own. */
#include <machv/libc.h>
#include <mach_init.h>
#include <ns_proto.h>
#include "mach.h"
#include "mach_port.h"

/* The caller's bootstrap port, looked up on every call (it may change:
 * task_set_special_port), with our reference to it. */
static kern_return_t bootstrap(mach_port_t *port)
{
	kern_return_t kr = task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, port);

	if (kr == KERN_SUCCESS && !MACH_PORT_VALID(*port))
		kr = KERN_INVALID_CAPABILITY;
	return kr;
}

/* The name into the request's fixed field; false if it is empty or too
 * long to be terminated there. */
static bool copy_name(char *dst, const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, NS_NAME_MAX);
	if (len == 0 || len >= NS_NAME_MAX)
		return false;
	memset(dst, 0, NS_NAME_MAX);
	memcpy(dst, name, len);
	return true;
}

/* Send the request on a fresh reply port, receive the reply into buf; the
 * reply's return code if it arrived well formed. */
static kern_return_t call(mach_msg_header_t *req, mach_msg_size_t req_size,
			  mach_msg_header_t *rep, mach_msg_size_t rep_size)
{
	mach_port_t reply = mach_reply_port();
	struct ns_short_reply *sr = (struct ns_short_reply *)rep;
	mach_msg_return_t mr;

	if (!MACH_PORT_VALID(reply))
		return KERN_RESOURCE_SHORTAGE;
	req->msgh_local_port = reply;
	req->msgh_bits |= MACH_MSGH_BITS(0, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	/* Two calls: mach_msg receives into the buffer it sent from, and the
	 * request and reply structs differ. */
	mr = mach_msg(req, MACH_SEND_MSG, req_size, 0, MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
		      MACH_PORT_NULL);
	if (mr == MACH_MSG_SUCCESS)
		mr = mach_msg(rep, MACH_RCV_MSG, 0, rep_size, reply, MACH_MSG_TIMEOUT_NONE,
			      MACH_PORT_NULL);
	(void)mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (rep->msgh_id != req->msgh_id + 100 || rep->msgh_size < sizeof(*sr) ||
	    sr->kr_type.msgt_name != MACH_MSG_TYPE_INTEGER_32)
		return MIG_REPLY_MISMATCH;
	return sr->kr;
}

kern_return_t ns_register(const char *name, mach_port_t port)
{
	struct ns_register_request req;
	struct ns_short_reply rep;
	mach_port_t boot;
	kern_return_t kr;

	memset(&req, 0, sizeof(req));
	if (!copy_name(req.name, name) || !MACH_PORT_VALID(port))
		return KERN_INVALID_ARGUMENT;
	if ((kr = bootstrap(&boot)) != KERN_SUCCESS)
		return kr;
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	req.h.msgh_remote_port = boot;
	req.h.msgh_id = NS_REGISTER;
	req.name_type = ns_type(MACH_MSG_TYPE_CHAR, 8, NS_NAME_MAX);
	req.port_type = ns_type(MACH_MSG_TYPE_COPY_SEND, 64, 1);
	req.port.name = port;
	memset(&rep, 0, sizeof(rep));
	kr = call(&req.h, sizeof(req), &rep.h, sizeof(rep));
	(void)mach_port_deallocate(mach_task_self(), boot);
	return kr;
}

kern_return_t ns_lookup(const char *name, mach_port_t *port)
{
	struct ns_lookup_request req;
	struct ns_lookup_reply rep;
	mach_port_t boot;
	kern_return_t kr;

	if (!port)
		return KERN_INVALID_ARGUMENT;
	*port = MACH_PORT_NULL;
	memset(&req, 0, sizeof(req));
	if (!copy_name(req.name, name))
		return KERN_INVALID_ARGUMENT;
	if ((kr = bootstrap(&boot)) != KERN_SUCCESS)
		return kr;
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	req.h.msgh_remote_port = boot;
	req.h.msgh_id = NS_LOOKUP;
	req.name_type = ns_type(MACH_MSG_TYPE_CHAR, 8, NS_NAME_MAX);
	memset(&rep, 0, sizeof(rep));
	kr = call(&req.h, sizeof(req), &rep.h, sizeof(rep));
	(void)mach_port_deallocate(mach_task_self(), boot);
	if (kr != KERN_SUCCESS)
		return kr;
	if (rep.h.msgh_size < sizeof(rep) || !(rep.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    rep.port_type.msgt_name != MACH_MSG_TYPE_PORT_SEND)
		return MIG_REPLY_MISMATCH;
	*port = rep.port.name;
	return KERN_SUCCESS;
}
