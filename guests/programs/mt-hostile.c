/* Mach test suite: hostile input.  Invalid names, forged headers and
 * descriptors, wild pointers, requests the kernel's servers cannot parse,
 * and right leaks; each case checks the exact error, and the end checks
 * that the kernel still works and our name space is as it was. */
#include <mt.h>
#include <mach_init.h>
#include <mach/port.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self;

struct any_msg {
	mach_msg_header_t h;
	char body[512];
};

/* An address in the kernel's half on every architecture. */
#define KERNEL_ADDR ((void *)0xffffff8000100000UL)

static mach_msg_return_t raw_send(void *msg, mach_msg_size_t size)
{
	return mach_msg_trap(msg, MACH_SEND_MSG | MACH_SEND_TIMEOUT, size, 0, MACH_PORT_NULL,
			     0, MACH_PORT_NULL);
}

static mach_port_type_t type_of(mach_port_t name)
{
	mach_port_type_t t = 0xdead;

	if (mach_port_type(self, name, &t) != KERN_SUCCESS)
		return 0xdead;
	return t;
}

static void test_names(void)
{
	mach_port_type_t t;

	MT_KR(mach_port_type(self, 0x7ffff, &t), KERN_INVALID_NAME,
	      "mach_port_type of a name never used");
	MT_KR(mach_port_type(self, MACH_PORT_DEAD, &t), KERN_INVALID_NAME,
	      "mach_port_type(MACH_PORT_DEAD)");
	MT_KR(mach_port_deallocate(self, 0x7ffff), KERN_INVALID_NAME,
	      "mach_port_deallocate of an unknown name");
	MT_KR(mach_port_destroy(self, 0x7ffff), KERN_INVALID_NAME,
	      "mach_port_destroy of an unknown name");
	MT_KR(mach_port_mod_refs(self, 0x7ffff, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_NAME,
	      "mach_port_mod_refs of an unknown name");
	MT_KR(mach_port_mod_refs(self, self, 99, 1), KERN_INVALID_VALUE,
	      "mach_port_mod_refs with a bad right");
	MT_KR(mach_port_type(0x7ffff, self, &t), MACH_SEND_INVALID_DEST,
	      "an RPC to a name that is no port: MACH_SEND_INVALID_DEST");
	MT_KR(mach_port_type(MACH_PORT_NULL, self, &t), MACH_SEND_INVALID_DEST,
	      "an RPC to MACH_PORT_NULL");
	MT_KR(mach_port_type(mach_host_self(), self, &t), KERN_INVALID_TASK,
	      "a mach_port call sent to the host port: KERN_INVALID_TASK");
}

static void test_headers(void)
{
	mach_port_t p = mach_reply_port();
	struct any_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | 0x00400000;
	m.h.msgh_remote_port = p;
	MT_KR(raw_send(&m, sizeof(m.h)), MACH_SEND_INVALID_HEADER, "unknown bits in msgh_bits");
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_NAME, 0);
	MT_KR(raw_send(&m, sizeof(m.h)), MACH_SEND_INVALID_HEADER,
	      "a destination type that is not a send disposition");
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 99);
	m.h.msgh_local_port = p;
	MT_KR(raw_send(&m, sizeof(m.h)), MACH_SEND_INVALID_HEADER, "a reply type of 99");
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_local_port = MACH_PORT_NULL;
	MT_KR(raw_send(&m, 20), MACH_SEND_MSG_TOO_SMALL, "a send size below the header");
	MT_KR(raw_send(&m, 36), MACH_SEND_MSG_TOO_SMALL, "a send size not a multiple of 8");
	MT_KR(raw_send(&m, 0x7ffffff8), MACH_SEND_NO_BUFFER, "a send size of 2 GiB");
	m.h.msgh_remote_port = 0x7ffff;
	MT_KR(raw_send(&m, sizeof(m.h)), MACH_SEND_INVALID_DEST, "a destination never used");
	m.h.msgh_remote_port = MACH_PORT_DEAD;
	MT_KR(raw_send(&m, sizeof(m.h)), MACH_SEND_INVALID_DEST, "MACH_PORT_DEAD as destination");
	MT_KR(mach_msg_trap(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), 0x7ffff, 0,
			    MACH_PORT_NULL),
	      MACH_RCV_INVALID_NAME, "receive on a name never used");
	MT_KR(mach_msg_trap(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), self, 0,
			    MACH_PORT_NULL),
	      MACH_RCV_INVALID_NAME, "receive on a send right");
	(void)mach_port_destroy(self, p);
}

static void test_descriptors(void)
{
	mach_port_t p = mach_reply_port();
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		uint64_t data[4];
	} m;
	struct any_msg r;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_remote_port = p;
	m.t.msgt_name = 99;
	m.t.msgt_size = 8;
	m.t.msgt_number = 8;
	m.t.msgt_inline = TRUE;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_INVALID_TYPE, "a type name of 99");
	m.t.msgt_name = MACH_MSG_TYPE_COPY_SEND;
	m.t.msgt_size = 32;
	m.t.msgt_number = 1;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_INVALID_TYPE, "an inline port of 32 bits");
	m.t.msgt_name = MACH_MSG_TYPE_BYTE;
	m.t.msgt_size = 8;
	m.t.msgt_number = 1000;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_MSG_TOO_SMALL, "inline data past the end");
	m.t.msgt_inline = FALSE;
	m.t.msgt_number = 4096;
	m.data[0] = (uint64_t)(uintptr_t)KERNEL_ADDR;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_INVALID_MEMORY,
	      "out-of-line data at a kernel address");
	m.data[0] = 0x10000000000UL - 4096;
	m.t.msgt_number = 8192;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_INVALID_MEMORY,
	      "out-of-line data in unmapped memory");
	m.t.msgt_name = MACH_MSG_TYPE_COPY_SEND;
	m.t.msgt_size = 32;
	m.t.msgt_number = 4;
	m.data[0] = 0x10;
	MT_KR(raw_send(&m, sizeof(m)), MACH_SEND_INVALID_MEMORY,
	      "an out-of-line port array at a wild address");
	MT_KR(mach_msg_trap(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), p, 0,
			    MACH_PORT_NULL),
	      MACH_RCV_TIMED_OUT, "none of them was queued");
	(void)mach_port_destroy(self, p);
}

static void test_pointers(void)
{
	mach_port_t p = mach_reply_port();
	struct any_msg m;

	MT_KR(mach_msg_trap((mach_msg_header_t *)0x10, MACH_SEND_MSG, 64, 0, MACH_PORT_NULL, 0,
			    MACH_PORT_NULL),
	      MACH_SEND_INVALID_DATA, "send from a NULL-ish pointer");
	MT_KR(mach_msg_trap(KERNEL_ADDR, MACH_SEND_MSG, 64, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
	      MACH_SEND_INVALID_DATA, "send from a kernel address");
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = p;
	(void)raw_send(&m, sizeof(m.h));
	MT_KR(mach_msg_trap(KERNEL_ADDR, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 64, p, 0,
			    MACH_PORT_NULL),
	      MACH_RCV_INVALID_DATA, "receive into a kernel address");
	MT_KR(mach_print(KERNEL_ADDR), KERN_INVALID_ADDRESS, "mach_print of a kernel address");
	(void)mach_port_destroy(self, p);
}

/* A request with the right id but a broken body: the server's type
 * checks must answer MIG_BAD_ARGUMENTS, not act on it. */
static void test_bad_requests(void)
{
	union {
		struct {
			mach_msg_header_t h;
			mach_msg_type_t t;
			uint32_t name, pad;
		} req;
		struct {
			mach_msg_header_t h;
			mach_msg_type_t t;
			kern_return_t ret;
			uint32_t pad;
		} rep;
		char space[512];
	} u;
	mach_port_t reply = mach_reply_port();

	memset(&u, 0, sizeof(u));
	u.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	u.req.h.msgh_remote_port = self;
	u.req.h.msgh_local_port = reply;
	u.req.h.msgh_id = 3201;   /* mach_port_type */
	u.req.t.msgt_name = MACH_MSG_TYPE_INTEGER_64;   /* should be a 32-bit name */
	u.req.t.msgt_size = 64;
	u.req.t.msgt_number = 1;
	u.req.t.msgt_inline = TRUE;
	if (MT_KR(mach_msg(&u.req.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			   sizeof(u.req), sizeof(u), reply, 2000, MACH_PORT_NULL),
		  MACH_MSG_SUCCESS, "a mach_port_type request with a mistyped body gets a reply"))
		mt_kr(u.rep.ret, MIG_BAD_ARGUMENTS, "MIG_BAD_ARGUMENTS");
	memset(&u, 0, sizeof(u));
	u.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	u.req.h.msgh_remote_port = self;
	u.req.h.msgh_local_port = reply;
	u.req.h.msgh_id = 999999;
	if (MT_KR(mach_msg(&u.req.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			   sizeof(u.req.h), sizeof(u), reply, 2000, MACH_PORT_NULL),
		  MACH_MSG_SUCCESS, "a request with an unknown id gets a reply")) {
		mt_eq(u.rep.h.msgh_id, 999999 + 100, "the reply's id is the request's + 100");
		mt_kr(u.rep.ret, MIG_BAD_ID, "MIG_BAD_ID");
	}
	memset(&u, 0, sizeof(u));
	u.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	u.req.h.msgh_remote_port = self;
	u.req.h.msgh_id = 3201;
	MT_KR(mach_msg(&u.req.h, MACH_SEND_MSG, sizeof(u.req.h), 0, MACH_PORT_NULL, 0,
		       MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "a request without a reply port is accepted (and dropped)");
	(void)mach_port_destroy(self, reply);
}

static void test_leaks(void)
{
	mach_port_name_array_t names = 0;
	mach_port_type_array_t types = 0;
	mach_msg_type_number_t before = 0, after = 0, nt = 0;
	mach_port_t ports[200];
	int made = 0, gone = 0;

	if (!MT_KR(mach_port_names(self, &names, &before, &types, &nt), KERN_SUCCESS,
		   "count our names"))
		return;
	(void)vm_deallocate(self, (vm_address_t)names, before * sizeof(*names));
	(void)vm_deallocate(self, (vm_address_t)types, nt * sizeof(*types));
	for (int i = 0; i < 200; i++) {
		ports[i] = mach_reply_port();
		if (MACH_PORT_VALID(ports[i]))
			made++;
		/* a send right and a queued message with a send-once right */
		(void)mach_port_insert_right(self, ports[i], ports[i], MACH_MSG_TYPE_MAKE_SEND);
		struct any_msg m;
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
					       MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_remote_port = ports[i];
		m.h.msgh_local_port = ports[i];
		(void)raw_send(&m, sizeof(m.h));
	}
	mt_eq(made, 200, "200 ports with rights and messages");
	for (int i = 0; i < 200; i++)
		if (mach_port_destroy(self, ports[i]) == KERN_SUCCESS)
			gone++;
	mt_eq(gone, 200, "all destroyed");
	if (MT_KR(mach_port_names(self, &names, &after, &types, &nt), KERN_SUCCESS,
		  "count our names again")) {
		mt_eq(after, before, "no name is left behind");
		(void)vm_deallocate(self, (vm_address_t)names, after * sizeof(*names));
		(void)vm_deallocate(self, (vm_address_t)types, nt * sizeof(*types));
	}
	mt_eq(type_of(ports[0]), 0xdead, "a destroyed name is unknown");
}

static void test_alive(void)
{
	mach_port_t p = mach_reply_port();
	struct any_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = p;
	m.h.msgh_id = 31337;
	MT_KR(mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m.h),
		       sizeof(m), p, 1000, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "after all that, a message still goes round");
	mt_eq(m.h.msgh_id, 31337, "intact");
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-hostile");
	self = mach_task_self();
	test_names();
	test_headers();
	test_descriptors();
	test_pointers();
	test_bad_requests();
	test_leaks();
	test_alive();
	return mt_end();
}
