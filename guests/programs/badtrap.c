/* badtrap: feed the trap interface what a careless or hostile program
 * would, and check that each call comes back with an error code and that
 * the well-behaved traps answer as documented in docs/abi.md.  Prints one
 * "badtrap: ok N - ..." or "badtrap: not ok N - ..." line per check (the
 * boot test relays them as TAP) and "badtrap: N checks, M failed".
 *
 * Then it makes an unknown trap, as its last act: GNU Mach's rule is an
 * EXC_BAD_INSTRUCTION exception, and with no exception port the kernel
 * ends the task with a diagnostic (the boot test checks that line).  How
 * a handler sees unknown traps is mt-exc's business. */
#include <machv/lib.h>
#include <machv/message.h>

/* Addresses no user pointer may reach: a hole in user space, the
 * kernel's text, a non-canonical x86_64 address, the very top. */
#define WILD_ADDR   0xdead0000UL
#define KERNEL_ADDR 0xffffffff80202000UL
#define NONCANON    0x8000000000000000UL
#define TOP_ADDR    0xfffffffffffff000UL

static int checks, failures;

static void check(bool ok, const char *what, long got)
{
	checks++;
	if (!ok)
		failures++;
	printf("badtrap: %s %d - %s (got %ld)\n", ok ? "ok" : "not ok", checks, what, got);
}

static void wild_pointers(void)
{
	long r;

	r = mach_print((const char *)WILD_ADDR);
	check(r != KERN_SUCCESS, "mach_print(0xdead0000) returns an error", r);
	r = mach_print((const char *)0);
	check(r != KERN_SUCCESS, "mach_print(NULL) returns an error", r);
	r = mach_print((const char *)KERNEL_ADDR);
	check(r != KERN_SUCCESS, "mach_print(kernel text) returns an error", r);
	r = mach_print((const char *)NONCANON);
	check(r != KERN_SUCCESS, "mach_print(0x8000000000000000) returns an error", r);
	r = mach_print((const char *)TOP_ADDR);
	check(r != KERN_SUCCESS, "mach_print(0xfffffffffffff000) returns an error", r);
	r = mach_print("badtrap: mach_print still works after wild pointers\n");
	check(r == KERN_SUCCESS, "mach_print(a good string) returns KERN_SUCCESS", r);
}

static bool valid_name(long r)
{
	return r != MACH_PORT_NULL && (unsigned long)r != MACH_PORT_DEAD && r > 0;
}

static unsigned host_name;

/* The self traps give real port names; mach_msg answers bad buffers and
 * headers with its exact codes. */
static void self_names(void)
{
	long r, task, thread;

	task = mach_task_self();
	check(valid_name(task), "mach_task_self is a port name", task);
	r = mach_task_self();
	check(r == task, "mach_task_self gives the same name again", r);
	host_name = mach_host_self();
	check(valid_name(host_name) && host_name != task, "mach_host_self is another port name",
	      (long)host_name);
	thread = mach_thread_self();
	check(valid_name(thread) && thread != task && thread != (long)host_name,
	      "mach_thread_self is another port name", thread);
	r = mach_reply_port();
	check(valid_name(r) && r != task && r != thread, "mach_reply_port gives a new name", r);
}

struct int_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t value, pad;
};

static void bad_messages(void)
{
	long r;
	struct int_msg m;
	mach_port_t port = mach_reply_port();

	r = mach_msg_trap((void *)WILD_ADDR, MACH_SEND_MSG, 32, 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_DATA, "mach_msg from 0xdead0000 is MACH_SEND_INVALID_DATA", r);
	r = mach_msg_trap((void *)KERNEL_ADDR, MACH_SEND_MSG, 32, 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_DATA, "mach_msg from kernel text is MACH_SEND_INVALID_DATA", r);
	r = mach_msg_trap((void *)NONCANON, MACH_SEND_MSG, 32, 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_DATA, "mach_msg from a non-canonical address is MACH_SEND_INVALID_DATA", r);

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = port;
	m.h.msgh_size = sizeof(m);
	m.h.msgh_id = 42;
	m.t = mach_msg_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
	m.value = 0x1234;
	r = mach_msg(&m.h, MACH_SEND_MSG, 12, 0, 0, 0, 0);
	check(r == MACH_SEND_MSG_TOO_SMALL, "a 12-byte message is MACH_SEND_MSG_TOO_SMALL", r);
	r = mach_msg(&m.h, MACH_SEND_MSG, 44, 0, 0, 0, 0);
	check(r == MACH_SEND_MSG_TOO_SMALL, "a 44-byte message is MACH_SEND_MSG_TOO_SMALL", r);
	m.h.msgh_remote_port = 0x4242;
	r = mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_DEST, "a made-up destination is MACH_SEND_INVALID_DEST", r);
	m.h.msgh_remote_port = port;
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, 0);
	r = mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_HEADER, "MOVE_RECEIVE as destination is MACH_SEND_INVALID_HEADER", r);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MOVE_SEND);
	m.h.msgh_local_port = 0x4242;
	r = mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
	check(r == MACH_SEND_INVALID_REPLY, "a made-up reply port is MACH_SEND_INVALID_REPLY", r);
	r = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), 0x4242, 0, 0);
	check(r == MACH_RCV_INVALID_NAME, "receiving on a made-up name is MACH_RCV_INVALID_NAME", r);
	r = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0, 0);
	check(r == MACH_RCV_TIMED_OUT, "receiving on an empty port with timeout 0 times out", r);

	/* A good round trip through one's own port. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_local_port = MACH_PORT_NULL;
	r = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m), sizeof(m),
		     port, 1000, 0);
	check(r == MACH_MSG_SUCCESS && m.value == 0x1234 && m.h.msgh_id == 42 &&
	      m.h.msgh_local_port == port, "a message to one's own port comes back", r);

	/* Received into a buffer the kernel cannot write. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = port;
	m.h.msgh_local_port = MACH_PORT_NULL;
	r = mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
	check(r == MACH_MSG_SUCCESS, "a message queued for a bad receive buffer", r);
	r = mach_msg_trap((void *)WILD_ADDR, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port,
			  0, 0);
	check(r == MACH_RCV_INVALID_DATA, "receiving into 0xdead0000 is MACH_RCV_INVALID_DATA", r);

	/* A request no interface of the task port knows: a MIG_BAD_ID reply. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_remote_port = mach_task_self();
	m.h.msgh_local_port = port;
	m.h.msgh_id = 999;
	r = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m), sizeof(m),
		     port, 1000, 0);
	check(r == MACH_MSG_SUCCESS && m.h.msgh_id == 1099 && m.value == MIG_BAD_ID,
	      "an unknown request to the task port gets a MIG_BAD_ID reply", r);
}

static void scheduling(void)
{
	long r;
	uint64_t t0, t1;

	r = machv_trap1(SYS_SWTCH_PRI, 0);
	check(r == 0 || r == 1, "swtch_pri(0) returns a boolean", r);
	r = machv_trap0(SYS_SWTCH);
	check(r == 0 || r == 1, "swtch() returns a boolean", r);
	r = thread_switch(0, SWITCH_OPTION_NONE, 0);
	check(r == KERN_SUCCESS, "thread_switch(NONE) succeeds", r);
	r = thread_switch(0, 99, 0);
	check(r == KERN_INVALID_ARGUMENT, "thread_switch with option 99 returns KERN_INVALID_ARGUMENT", r);
	t0 = machv_clock_ns();
	r = thread_switch(0, SWITCH_OPTION_WAIT, 20);
	t1 = machv_clock_ns();
	check(r == KERN_SUCCESS, "thread_switch(WAIT, 20 ms) succeeds", r);
	check(t1 - t0 >= 20000000, "thread_switch(WAIT, 20 ms) slept at least 20 ms",
	      (long)((t1 - t0) / 1000));
	check(t1 > t0 && t0 > 0, "machv_clock_ns is positive and advances", (long)(t1 - t0));
}

static void bad_task_and_threads(void)
{
	long r;

	r = task_terminate(12345);
	check(r != KERN_SUCCESS, "task_terminate(12345) returns an error", r);
	r = task_terminate(host_name);
	check(r != KERN_SUCCESS, "task_terminate(host name) returns an error", r);
	r = machv_thread_spawn(0x400000, KERNEL_ADDR, 0);
	check(r < 0, "machv_thread_spawn with a kernel stack pointer returns an error", r);
	r = machv_thread_spawn(KERNEL_ADDR, 0x7f0000, 0);
	check(r < 0, "machv_thread_spawn with a kernel pc returns an error", r);
}

int main(int argc, char **argv, char **envp)
{
	wild_pointers();
	self_names();
	bad_messages();
	scheduling();
	bad_task_and_threads();
	printf("badtrap: %d checks, %d failed\n", checks, failures);
	/* No exception port: this ends the task. */
	long r = machv_trap6(-1, 1, 2, 3, 4, 5, 6);
	printf("badtrap: the unknown trap returned %ld\n", r);
	return failures ? failures : 100;
}
