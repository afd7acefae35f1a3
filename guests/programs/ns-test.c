/* ns-test: the name service from a client's side (<machv/names.h>), run
 * under init (`init=/init -- ... /ns-test`): register, look up, the error
 * codes of the protocol, a raw request init must refuse, and a name that
 * is forgotten when its server's port dies.  Reports its status to init
 * with spawn_exit. */
#include <mt.h>
#include <mach_init.h>
#include <spawn.h>
#include <ns_proto.h>
#include <mach/task_special_ports.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self;

static mach_port_t new_port(void)
{
	mach_port_t p = MACH_PORT_NULL;

	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p);
	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	return p;
}

/* A hand-made NS_REGISTER whose name fills all NS_NAME_MAX bytes with no
 * NUL, or a request with an id the service does not know: the service's
 * answer. */
static kern_return_t raw_request(mach_msg_id_t id, bool terminated, mach_port_t port)
{
	mach_port_t boot = MACH_PORT_NULL, reply = mach_reply_port();
	union {
		struct ns_register_request req;
		struct ns_short_reply rep;
		char room[256];
	} m;
	mach_msg_return_t mr;

	(void)task_get_special_port(self, TASK_BOOTSTRAP_PORT, &boot);
	memset(&m, 0, sizeof(m));
	m.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
			    MACH_MSGH_BITS_COMPLEX;
	m.req.h.msgh_remote_port = boot;
	m.req.h.msgh_local_port = reply;
	m.req.h.msgh_id = id;
	m.req.name_type = ns_type(MACH_MSG_TYPE_CHAR, 8, NS_NAME_MAX);
	memset(m.req.name, 'x', NS_NAME_MAX);
	if (terminated)
		m.req.name[5] = '\0';
	m.req.port_type = ns_type(MACH_MSG_TYPE_COPY_SEND, 64, 1);
	m.req.port.name = port;
	mr = mach_msg(&m.req.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
		      sizeof(m.req), sizeof(m), reply, 5000, MACH_PORT_NULL);
	(void)mach_port_mod_refs(self, reply, MACH_PORT_RIGHT_RECEIVE, -1);
	(void)mach_port_deallocate(self, boot);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (m.rep.h.msgh_id != id + 100)
		return MIG_REPLY_MISMATCH;
	return m.rep.kr;
}

int main(int argc, char **argv, char **envp)
{
	mach_port_t p, q, got = MACH_PORT_NULL, boot = MACH_PORT_NULL;
	char long_name[NS_NAME_MAX + 1];
	kern_return_t kr;

	self = mach_task_self();
	mt_begin("ns-test");
	MT_KR(task_get_special_port(self, TASK_BOOTSTRAP_PORT, &boot), KERN_SUCCESS,
	      "there is a bootstrap port");
	mt_ok(MACH_PORT_VALID(boot), "it is a valid name (%u)", boot);

	p = new_port();
	MT_KR(ns_lookup("ns-test/none", &got), KERN_INVALID_NAME,
	      "looking up a name nobody registered");
	mt_eq(got, MACH_PORT_NULL, "gives no port");
	MT_KR(ns_register("ns-test/a", p), KERN_SUCCESS, "register ns-test/a");
	MT_KR(ns_register("ns-test/a", p), KERN_NAME_EXISTS, "registering it again");
	MT_KR(ns_lookup("ns-test/a", &got), KERN_SUCCESS, "look up ns-test/a");
	mt_eq(got, p, "the right we get back names our own port");
	MT_KR(ns_register("ns-test/b", p), KERN_SUCCESS, "one port under a second name");
	got = MACH_PORT_NULL;
	MT_KR(ns_lookup("ns-test/b", &got), KERN_SUCCESS, "look up ns-test/b");
	mt_eq(got, p, "the same port again");

	MT_KR(ns_register("", p), KERN_INVALID_ARGUMENT, "an empty name");
	memset(long_name, 'n', NS_NAME_MAX);
	long_name[NS_NAME_MAX] = '\0';
	MT_KR(ns_register(long_name, p), KERN_INVALID_ARGUMENT, "a name of NS_NAME_MAX bytes");
	MT_KR(ns_lookup(long_name, &got), KERN_INVALID_ARGUMENT, "looking it up");
	MT_KR(ns_register("ns-test/c", MACH_PORT_NULL), KERN_INVALID_ARGUMENT,
	      "registering a null port");
	MT_KR(ns_lookup("ns-test/a", NULL), KERN_INVALID_ARGUMENT, "nowhere to put the port");
	MT_KR(raw_request(NS_REGISTER, false, p), KERN_INVALID_ARGUMENT,
	      "the service refuses an unterminated name");
	MT_KR(raw_request(NS_REGISTER, true, p), KERN_SUCCESS,
	      "and takes the same request terminated (\"xxxxx\")");
	MT_KR(ns_lookup("xxxxx", &got), KERN_SUCCESS, "which can be looked up");
	MT_KR(raw_request(0x6e7300ff, true, p), MIG_BAD_ID, "an unknown request id");

	/* A server that dies: its names go. */
	q = new_port();
	MT_KR(ns_register("ns-test/dies", q), KERN_SUCCESS, "register ns-test/dies");
	MT_KR(mach_port_mod_refs(self, q, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS,
	      "destroy its port");
	kr = KERN_SUCCESS;
	for (int i = 0; i < 100 && kr == KERN_SUCCESS; i++) {
		got = MACH_PORT_NULL;
		kr = ns_lookup("ns-test/dies", &got);
		if (kr == KERN_SUCCESS) {
			(void)mach_port_deallocate(self, got);
			sleep_ms(10);
		}
	}
	MT_KR(kr, KERN_INVALID_NAME, "the name is forgotten once its port is dead");
	MT_KR(ns_lookup("ns-test/a", &got), KERN_SUCCESS, "the other names stay");

	spawn_exit(mt_end());
}
