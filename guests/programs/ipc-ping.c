/* ipc-ping: two threads of one task talk through Mach messages.  The
 * server thread receives on a service port; the client sends it requests
 * that carry a number, a send-once reply right (the header) and a send
 * right to a third port (the body), and waits for each answer on its
 * reply port.  Every answer is checked; the last line says how many round
 * trips worked and what one cost.  Then a message to itself carries
 * out-of-line bytes and an out-of-line port array: they must arrive at a
 * new address, intact, and an unmapped out-of-line pointer must be
 * refused with MACH_SEND_INVALID_MEMORY and nothing queued.  Exits 0 when
 * all of it worked. */
#include <machv/lib.h>
#include <machv/message.h>

#define ROUNDS 200

struct request {
	mach_msg_header_t h;
	mach_msg_type_t num_type;
	int32_t num, pad;
	mach_msg_type_t port_type;
	mach_port_name_inlined_t port;
};

struct answer {
	mach_msg_header_t h;
	mach_msg_type_t num_type;
	int32_t num, pad;
};

#ifndef MACH_SEND_INVALID_MEMORY
#define MACH_SEND_INVALID_MEMORY 0x1000000c
#endif
#define MACH_MSG_TYPE_BYTE 9

struct ool_msg {
	mach_msg_header_t h;
	mach_msg_type_t data_type;
	uint64_t data;
	mach_msg_type_t ports_type;
	uint64_t ports;
};

static mach_port_t service, token;
static volatile int server_failures;
static char server_stack[16384] __attribute__((aligned(16)));

static void server(void *unused)
{
	(void)unused;
	for (;;) {
		struct request rq;
		int r = mach_msg(&rq.h, MACH_RCV_MSG, 0, sizeof(rq), service, 0, 0);
		if (r != MACH_MSG_SUCCESS ||
		    MACH_MSGH_BITS_REMOTE(rq.h.msgh_bits) != MACH_MSG_TYPE_PORT_SEND_ONCE ||
		    !(rq.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
		    rq.port_type.msgt_name != MACH_MSG_TYPE_PORT_SEND || rq.port.name != token) {
			printf("ipc-ping: server got a bad request (%x, bits %x)\n", r, rq.h.msgh_bits);
			server_failures++;
			continue;
		}
		struct answer a;
		memset(&a, 0, sizeof(a));
		a.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		a.h.msgh_size = sizeof(a);
		a.h.msgh_remote_port = rq.h.msgh_remote_port;
		a.h.msgh_id = rq.h.msgh_id + 100;
		a.num_type = mach_msg_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
		a.num = rq.num * 2;
		r = mach_msg(&a.h, MACH_SEND_MSG, sizeof(a), 0, 0, 0, 0);
		if (r != MACH_MSG_SUCCESS)
			server_failures++;
	}
}

static mach_msg_type_t ool_type(unsigned name, unsigned size, unsigned number)
{
	mach_msg_type_t t = mach_msg_type(name, size, number);
	t.msgt_inline = 0;
	return t;
}

static unsigned char ool_bytes[10000];

/* Out-of-line bytes and port names to oneself. */
static int ool_check(void)
{
	mach_port_t port = mach_reply_port();
	mach_port_t names[2] = { token, 0 };
	for (unsigned i = 0; i < sizeof(ool_bytes); i++)
		ool_bytes[i] = (unsigned char)(i * 11 + (i >> 12) * 29 + 3);
	struct ool_msg m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = port;
	m.h.msgh_id = 2000;
	m.data_type = ool_type(MACH_MSG_TYPE_BYTE, 8, sizeof(ool_bytes));
	m.data = (uint64_t)(uintptr_t)ool_bytes;
	m.ports_type = ool_type(MACH_MSG_TYPE_MAKE_SEND, 32, 2);
	m.ports = (uint64_t)(uintptr_t)names;
	int r = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m),
			 sizeof(m), port, 5000, 0);
	if (r != MACH_MSG_SUCCESS || m.h.msgh_id != 2000 || m.data == 0 ||
	    m.data == (uint64_t)(uintptr_t)ool_bytes || m.ports == 0 ||
	    m.data_type.msgt_number != sizeof(ool_bytes) ||
	    m.ports_type.msgt_name != MACH_MSG_TYPE_PORT_SEND) {
		printf("ipc-ping: out-of-line message failed (%x)\n", r);
		return 1;
	}
	const unsigned char *got = (const unsigned char *)(uintptr_t)m.data;
	for (unsigned i = 0; i < sizeof(ool_bytes); i++)
		if (got[i] != (unsigned char)(i * 11 + (i >> 12) * 29 + 3)) {
			printf("ipc-ping: out-of-line byte %u is wrong\n", i);
			return 1;
		}
	const mach_port_t *gotn = (const mach_port_t *)(uintptr_t)m.ports;
	/* A send right to our own receive right comes back under its name. */
	if (gotn[0] != token || gotn[1] != 0) {
		printf("ipc-ping: out-of-line ports %x %x, wanted %x 0\n", gotn[0], gotn[1], token);
		return 1;
	}

	/* An unmapped out-of-line pointer: refused, nothing queued. */
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = port;
	m.data_type = ool_type(MACH_MSG_TYPE_BYTE, 8, 64);
	m.data = 0x1000;
	m.ports_type = ool_type(MACH_MSG_TYPE_MAKE_SEND, 32, 0);
	r = mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
	if (r != MACH_SEND_INVALID_MEMORY) {
		printf("ipc-ping: unmapped out-of-line pointer gave %x\n", r);
		return 1;
	}
	r = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0, 0);
	if (r != MACH_RCV_TIMED_OUT) {
		printf("ipc-ping: a refused message was queued (%x)\n", r);
		return 1;
	}
	printf("ipc-ping: out-of-line bytes and ports ok\n");
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	(void)argc; (void)argv; (void)envp;
	service = mach_reply_port();
	token = mach_reply_port();
	mach_port_t reply = mach_reply_port();
	if (!service || !token || !reply) {
		printf("ipc-ping: mach_reply_port failed\n");
		return 1;
	}
	if (thread_spawn(server, NULL, server_stack, sizeof(server_stack)) < 0) {
		printf("ipc-ping: no server thread\n");
		return 1;
	}

	int good = 0;
	uint64_t t0 = machv_clock_ns();
	for (int i = 0; i < ROUNDS; i++) {
		union { struct request rq; struct answer a; } m;
		memset(&m, 0, sizeof(m));
		m.rq.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE) | MACH_MSGH_BITS_COMPLEX;
		m.rq.h.msgh_size = sizeof(m.rq);
		m.rq.h.msgh_remote_port = service;
		m.rq.h.msgh_local_port = reply;
		m.rq.h.msgh_id = 1000;
		m.rq.num_type = mach_msg_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
		m.rq.num = i;
		m.rq.port_type = mach_msg_type(MACH_MSG_TYPE_MAKE_SEND, 64, 1);
		m.rq.port.name = token;
		int r = mach_msg(&m.rq.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
				 sizeof(m.rq), sizeof(m), reply, 5000, 0);
		if (r == MACH_MSG_SUCCESS && m.a.h.msgh_id == 1100 && m.a.num == 2 * i &&
		    m.a.h.msgh_local_port == reply)
			good++;
		else
			printf("ipc-ping: round %d failed (%x)\n", i, r);
	}
	uint64_t t1 = machv_clock_ns();
	printf("ipc-ping: %d of %d round trips ok, %lu ns each\n", good, ROUNDS,
	       (unsigned long)((t1 - t0) / ROUNDS));
	int ool_failed = ool_check();
	return good == ROUNDS && server_failures == 0 && !ool_failed ? 0 : 1;
}
