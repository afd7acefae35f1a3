/* ipc-ping: two threads of one task talk through Mach messages.  The
 * server thread receives on a service port; the client sends it requests
 * that carry a number, a send-once reply right (the header) and a send
 * right to a third port (the body), and waits for each answer on its
 * reply port.  Every answer is checked; the last line says how many round
 * trips worked and what one cost.  Exits 0 when all did. */
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
	return good == ROUNDS && server_failures == 0 ? 0 : 1;
}
