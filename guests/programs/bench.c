/* bench [tasks|rpc]: the kernel's basic costs, measured from user space.
 * Each figure is printed twice, in the architecture's counter ticks
 * (machv_ticks(): the TSC, CNTVCT_EL0 or the time CSR) and in nanoseconds
 * of the kernel's clock:
 *   bench: NAME N ticks/op
 *   bench: NAME N ns/op
 * Each is the best of ROUNDS rounds, after a warm-up.
 *
 * Without arguments, alone in the machine (init=/bench):
 *   null_trap      swtch_pri(0) with nothing else ready: kernel entry and
 *                  exit plus a look at the run queue (GNU Mach's anchor)
 *   self_trap      mach_task_self(): the shortest trap there is
 *   page_fault     first touch of a fresh page of .bss: the fault, a zeroed
 *                  page, the mapping
 *   thread_switch  two threads of this task alternating with swtch(); per
 *                  switch (one direction)
 *   ipc_self       mach_msg(MACH_SEND_MSG|MACH_RCV_MSG) of a null message
 *                  (a 32-byte header) to a port of our own and back
 *   rpc_thread     a null RPC to a server thread of this task: the client's
 *                  combined send+receive (COPY_SEND request, MAKE_SEND_ONCE
 *                  reply right), the server's reply+receive; per round trip
 *   rpc_task       the same RPC to a server in another task - a child made
 *                  with task_create(inherit_memory), its receive right put
 *                  there with mach_port_insert_right(MOVE_RECEIVE), its
 *                  thread with thread_create + thread_set_state; per round
 *                  trip, two address-space changes included
 * With "rpc": only ipc_self, rpc_thread and rpc_task (for profiling).
 * With "tasks", beside bench-peer (init=/bench,/bench-peer -- tasks):
 *   task_switch    this task and bench-peer alternating with swtch(); per
 *                  switch, address-space change included
 * docs/benchmarks.md says how to read the figures.
 *
 * Built the GNU Mach way (guests/lib/mach: GNU Mach's headers, MIG's user
 * stubs), since the cross-task figure needs the task and port RPCs. */
#include <machv/libc.h>
#include <mach_init.h>
#include "mach.h"
#include "mach_port.h"

#define ROUNDS 3
#define TRAP_OPS 20000
#define SWITCH_OPS 4000
#define FAULT_PAGES 256
#define RPC_OPS 4000
#define PAGE 4096

struct sample {
	uint64_t ticks, ns;
};

static uint8_t fresh[ROUNDS][FAULT_PAGES][PAGE] __attribute__((aligned(PAGE)));
static uint8_t peer_stack[16384] __attribute__((aligned(16)));
static volatile bool peer_stop;
static volatile unsigned peer_ran;

static struct sample now(void)
{
	struct sample s = { machv_ticks(), machv_clock_ns() };
	return s;
}

/* Keep the smallest figure of the rounds for each unit. */
static void keep_best(struct sample *best, struct sample t0, struct sample t1)
{
	uint64_t ticks = t1.ticks - t0.ticks, ns = t1.ns - t0.ns;
	if (best->ticks == 0 || ticks < best->ticks)
		best->ticks = ticks;
	if (best->ns == 0 || ns < best->ns)
		best->ns = ns;
}

static void report(const char *name, struct sample best, uint64_t ops)
{
	printf("bench: %s %lu ticks/op\n", name, (unsigned long)((best.ticks + ops / 2) / ops));
	printf("bench: %s %lu ns/op\n", name, (unsigned long)((best.ns + ops / 2) / ops));
}

static void null_trap(void)
{
	struct sample best = { 0, 0 };

	for (int i = 0; i < 1000; i++)
		swtch_pri(0);
	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < TRAP_OPS; i++)
			swtch_pri(0);
		keep_best(&best, t0, now());
	}
	report("null_trap", best, TRAP_OPS);
}

static void self_trap(void)
{
	struct sample best = { 0, 0 };

	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < TRAP_OPS; i++)
			(void)mach_task_self();
		keep_best(&best, t0, now());
	}
	report("self_trap", best, TRAP_OPS);
}

static void page_fault(void)
{
	struct sample best = { 0, 0 };

	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int p = 0; p < FAULT_PAGES; p++)
			((volatile uint8_t *)fresh[r][p])[0] = 1;
		keep_best(&best, t0, now());
	}
	report("page_fault", best, FAULT_PAGES);
}

static void switch_partner(void *arg)
{
	while (!peer_stop) {
		peer_ran++;
		swtch();
	}
}

/* Alternate with whoever else is ready at our priority: wait (5 s at most)
 * until swtch() finds them, then time rounds of SWITCH_OPS round trips. */
static int alternate(const char *name)
{
	struct sample best = { 0, 0 };
	uint64_t give_up = machv_clock_ns() + 5000000000ULL;
	unsigned missed = 0;

	while (!swtch()) {
		if (machv_clock_ns() > give_up) {
			printf("bench: %s: no partner to switch with\n", name);
			return 1;
		}
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < SWITCH_OPS; i++)
			missed += !swtch();
		keep_best(&best, t0, now());
	}
	if (missed) {
		printf("bench: %s: %u of %u swtch() calls found nobody ready\n",
		       name, missed, ROUNDS * SWITCH_OPS);
		return 1;
	}
	report(name, best, 2 * SWITCH_OPS);   /* each round trip is two switches */
	return 0;
}

static int thread_switch_bench(void)
{
	long id = thread_spawn(switch_partner, NULL, peer_stack, sizeof(peer_stack));
	if (id < 0) {
		printf("bench: thread_switch: thread_spawn returned %ld\n", id);
		return 1;
	}
	int rc = alternate("thread_switch");
	peer_stop = true;
	if (rc == 0 && peer_ran == 0) {
		printf("bench: thread_switch: the second thread never ran\n");
		return 1;
	}
	return rc;
}

/* --- IPC --------------------------------------------------------------- */

struct null_msg {
	mach_msg_header_t h;
	uint64_t room[4];   /* a little slack for a reply that is not null */
};

static uint8_t server_stack[16384] __attribute__((aligned(16)));

/* An RPC server for null messages: receive, then reply through the
 * send-once right and wait for the next request in one mach_msg. */
static void rpc_server(long port)
{
	struct null_msg m;
	mach_msg_return_t mr;

	mr = mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), (mach_port_t)port, 0, MACH_PORT_NULL);
	for (;;) {
		if (mr != MACH_MSG_SUCCESS) {
			mr = mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), (mach_port_t)port, 0,
				      MACH_PORT_NULL);
			continue;
		}
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), 0);
		m.h.msgh_local_port = MACH_PORT_NULL;
		m.h.msgh_id += 100;
		mr = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h), sizeof(m),
			      (mach_port_t)port, 0, MACH_PORT_NULL);
	}
}

static void rpc_server_thread(void *port)
{
	rpc_server((long)(uintptr_t)port);
}

/* One client call: request through dest (COPY_SEND, or MAKE_SEND when
 * dest names our own receive right), answer on reply. */
static mach_msg_return_t rpc_call(mach_port_t dest, mach_msg_type_name_t disp,
				  mach_port_t reply, mach_msg_option_t options)
{
	struct null_msg m;

	m.h.msgh_bits = MACH_MSGH_BITS(disp, reply ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0);
	m.h.msgh_size = sizeof(m.h);
	m.h.msgh_remote_port = dest;
	m.h.msgh_local_port = reply;
	m.h.msgh_seqno = 0;
	m.h.msgh_id = 7;
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | options, sizeof(m.h), sizeof(m),
			reply ? reply : dest, 0, MACH_PORT_NULL);
}

/* Time RPC_OPS calls per round; false (and a line saying why) if one
 * fails. */
static bool time_rpc(const char *name, mach_port_t dest, mach_msg_type_name_t disp,
		     mach_port_t reply)
{
	struct sample best = { 0, 0 };
	mach_msg_return_t mr;

	for (int i = 0; i < 200; i++) {
		mr = rpc_call(dest, disp, reply, 0);
		if (mr != MACH_MSG_SUCCESS) {
			printf("bench: %s: mach_msg returned 0x%x\n", name, mr);
			return false;
		}
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < RPC_OPS; i++)
			mr |= rpc_call(dest, disp, reply, 0);
		keep_best(&best, t0, now());
	}
	if (mr != MACH_MSG_SUCCESS) {
		printf("bench: %s: a call failed (0x%x)\n", name, mr);
		return false;
	}
	report(name, best, RPC_OPS);
	return true;
}

/* A port of ours with a send right under the same name. */
static mach_port_t port_with_send(void)
{
	mach_port_t port = mach_reply_port();

	if (mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND) !=
	    KERN_SUCCESS) {
		printf("bench: mach_port_insert_right failed\n");
		return MACH_PORT_NULL;
	}
	return port;
}

static int ipc_self(void)
{
	mach_port_t port = mach_reply_port();

	/* The null message goes to our own port and comes back on it. */
	return time_rpc("ipc_self", port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL) ? 0 : 1;
}

static int rpc_thread(void)
{
	mach_port_t port = port_with_send(), reply = mach_reply_port();

	if (!port)
		return 1;
	if (thread_spawn(rpc_server_thread, (void *)(uintptr_t)port, server_stack,
			 sizeof(server_stack)) < 0) {
		printf("bench: rpc_thread: thread_spawn failed\n");
		return 1;
	}
	return time_rpc("rpc_thread", port, MACH_MSG_TYPE_COPY_SEND, reply) ? 0 : 1;
}

/* The server's name for its receive right in the child's space. */
#define CHILD_PORT_NAME 0x1234

static int rpc_task(void)
{
	mach_port_t self = mach_task_self(), child = MACH_PORT_NULL, thread = MACH_PORT_NULL;
	mach_port_t port = port_with_send(), reply = mach_reply_port();
	kern_return_t kr;
	int rc = 1;

	if (!port)
		return 1;
	/* The child is a copy of us (so rpc_server and server_stack are
	 * there, at the same addresses). */
	kr = task_create(self, TRUE, &child);
	if (kr != KERN_SUCCESS) {
		printf("bench: rpc_task: task_create returned %d\n", kr);
		return 1;
	}
	kr = mach_port_insert_right(child, CHILD_PORT_NAME, port, MACH_MSG_TYPE_MOVE_RECEIVE);
	if (kr == KERN_SUCCESS)
		kr = thread_create(child, &thread);
	if (kr == KERN_SUCCESS)
		kr = mach_thread_start(thread, rpc_server, CHILD_PORT_NAME, server_stack,
				       sizeof(server_stack));
	if (kr != KERN_SUCCESS)
		printf("bench: rpc_task: setting up the server task failed (%d)\n", kr);
	else if (time_rpc("rpc_task", port, MACH_MSG_TYPE_COPY_SEND, reply))
		rc = 0;
	(void)task_terminate(child);
	return rc;
}

int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && strcmp(argv[1], "tasks") == 0) {
		int rc = alternate("task_switch");
		printf("bench: done (%s ticks)\n", MACHV_TICKS_NAME);
		return rc;
	}
	/* "bench rpc": only the IPC figures (for profiling the path). */
	bool rpc_only = argc > 1 && strcmp(argv[1], "rpc") == 0;
	int rc = 0;
	if (!rpc_only) {
		null_trap();
		self_trap();
		page_fault();
		rc = thread_switch_bench();
	}
	rc |= ipc_self();
	rc |= rpc_thread();
	rc |= rpc_task();
	printf("bench: done (%s ticks)\n", MACHV_TICKS_NAME);
	return rc;
}
