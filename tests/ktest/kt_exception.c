/* Self-tests of Mach exceptions (kern/exception.h): a kernel-side thread
 * of a real task faults (user_page_fault, user_exception, an unknown trap
 * number), and this test plays the exception handler, receiving the
 * exception_raise request on a port of a kernel space of its own and
 * answering it with mach_msg, as a user handler would.  Also the kernel's
 * RPC path itself (mach_msg_rpc_from_kernel) and its errors. */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/exception.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vm_map.h>
#include "kt_threads.h"

#define PRIO_HANDLED 9   /* less urgent than the test: runs while it waits */
#define FAULT_VA (USER_BASE + 0x3000000)
#define FAULT_PC 0x401000
#define MIG_SERVER_DIED (-308)
#define MACH_MSG_TYPE_INTEGER_32 2
#define MACH_MSG_TYPE_INTEGER_64 11
#define PORT_SEND_TYPE MACH_MSG_TYPE_PORT_SEND

/* exception_raise as the handler receives it (exc.defs, LP64). */
struct exc_request {
	mach_msg_header_t h;
	mach_msg_type_t thread_type;
	uint64_t thread;
	mach_msg_type_t task_type;
	uint64_t task;
	mach_msg_type_t exception_type;
	int32_t exception, pad0;
	mach_msg_type_t code_type;
	int32_t code, pad1;
	mach_msg_type_t subcode_type;
	uint64_t subcode;
};
_Static_assert(sizeof(struct exc_request) == 112, "exception_raise request");

struct exc_reply {
	mach_msg_header_t h;
	mach_msg_type_t ret_type;
	int32_t ret, pad;
};

static size_t ports_now(void)
{
	struct ipc_stats s;
	ipc_stats(&s);
	return s.ports;
}

static mach_msg_return_t kmsg_call(struct ipc_space *space, void *buf, mach_msg_option_t option,
				   uint32_t send_size, uint32_t rcv_size, mach_port_name_t rcv_name,
				   uint32_t timeout_ms)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)buf };
	return ipc_mach_msg(space, b, option, send_size, rcv_size, rcv_name, timeout_ms, 0);
}

/* The handler's side: a space with a receive right, and a naked send
 * right to it for an exception port. */
struct handler {
	struct ipc_space *space;
	mach_port_name_t name;
};

static bool handler_open(struct handler *h)
{
	h->space = ipc_space_create();
	if (h->space == NULL)
		return false;
	return ipc_space_allocate(h->space, MACH_PORT_RIGHT_RECEIVE, &h->name) == KERN_SUCCESS;
}

static struct ipc_port *handler_send_right(struct handler *h)
{
	struct ipc_port *port = NULL;
	irqflags_t f = arch_irq_save();
	if (ipc_right_copyin(h->space, h->name, MACH_MSG_TYPE_MAKE_SEND, false, &port) !=
	    KERN_SUCCESS)
		port = NULL;
	arch_irq_restore(f);
	return port;
}

static void handler_close(struct handler *h)
{
	if (h->space)
		ipc_space_destroy(h->space);
	h->space = NULL;
}

static mach_msg_return_t handler_receive(struct handler *h, struct exc_request *req)
{
	memset(req, 0, sizeof(*req));
	return kmsg_call(h->space, req, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*req), h->name,
			 5000);
}

static mach_msg_return_t handler_reply(struct handler *h, const struct exc_request *req,
				       int32_t ret)
{
	struct exc_reply rep;
	memset(&rep, 0, sizeof(rep));
	rep.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
	rep.h.msgh_size = sizeof(rep);
	rep.h.msgh_remote_port = req->h.msgh_remote_port;
	rep.h.msgh_id = req->h.msgh_id + 100;
	rep.ret_type.word = MSGT_WORD(MACH_MSG_TYPE_INTEGER_32, 32, true);
	rep.ret_type.number = 1;
	rep.ret = ret;
	return kmsg_call(h->space, &rep, MACH_SEND_MSG, sizeof(rep), 0, 0, 0);
}

/* Is req a well-formed exception_raise naming task (and a thread port)? */
static bool request_ok(struct handler *h, const struct exc_request *req, struct task *task)
{
	bool ok = req->h.msgh_id == EXC_RAISE_MSGID && req->h.msgh_size == sizeof(*req) &&
		  (req->h.msgh_bits & MACH_MSGH_BITS_COMPLEX) &&
		  MACH_MSGH_BITS_REMOTE(req->h.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE &&
		  req->h.msgh_local_port == h->name &&
		  MSGT_NAME(req->thread_type.word) == PORT_SEND_TYPE &&
		  MSGT_NAME(req->task_type.word) == PORT_SEND_TYPE &&
		  MSGT_NAME(req->exception_type.word) == MACH_MSG_TYPE_INTEGER_32 &&
		  MSGT_NAME(req->subcode_type.word) == MACH_MSG_TYPE_INTEGER_64 &&
		  req->thread != req->task && MACH_PORT_VALID((mach_port_name_t)req->thread);
	if (!ok)
		ktest_note("request: id %d size %u bits %#x", req->h.msgh_id, req->h.msgh_size,
			   req->h.msgh_bits);
	irqflags_t f = arch_irq_save();
	struct task *named = ipc_task_of_name(h->space, (mach_port_name_t)req->task);
	arch_irq_restore(f);
	if (named != task)
		ktest_note("the task port names another task");
	return ok && named == task;
}

/* Run fn in a kernel-side thread of a new task; the thread (not started)
 * in *tp, so a test can set its exception port first. */
static struct task *task_with_thread(const char *name, void (*fn)(void *), struct thread **tp)
{
	struct task *task = task_create(name);
	if (!task)
		return NULL;
	struct thread *t = thread_create_task_kernel(task, fn, NULL, PRIO_HANDLED);
	if (!t) {
		task_terminate(task, 1, NULL);
		task_wait(task);
		return NULL;
	}
	*tp = t;
	return task;
}

/* What the faulting threads saw. */
static struct {
	volatile bool went_on;
	volatile bool returned;
	volatile long result;
} ex;

static bool going_on(void)
{
	return !task_current()->exiting && !thread_current()->terminating;
}

static void fault_unmapped(void *unused)
{
	user_page_fault(FAULT_VA + 0x24, VM_FAULT_READ, FAULT_PC);
	ex.went_on = going_on();
	ex.returned = true;
}

static void fault_protection(void *unused)
{
	struct task *task = task_current();
	vaddr_t va = FAULT_VA;
	if (vm_allocate(&task->map, &va, PAGE_SIZE, false, PROT_R) != K_OK)
		return;
	user_page_fault(FAULT_VA + 8, VM_FAULT_WRITE, FAULT_PC);
	ex.went_on = going_on();
	ex.returned = true;
}

static void bad_instruction(void *unused)
{
	ex.went_on = user_exception(MACH_EXC_BAD_INSTRUCTION, MACH_EXC_I386_INVOP, 0x5a,
				    "kt illegal instruction", FAULT_PC);
	ex.returned = true;
}

static void unknown_trap(void *unused)
{
	const uint64_t args[SYSCALL_ARGS] = { 0 };
	ex.result = syscall_dispatch(-77, args);
	ex.went_on = going_on();
	ex.returned = true;
	if (ex.went_on) {
		const uint64_t exit_args[SYSCALL_ARGS] = { 7 };
		syscall_dispatch(TRAP_MACHV_EXIT, exit_args);
	}
}

static void reset(void)
{
	ex.went_on = ex.returned = false;
	ex.result = 0;
}

/* --- a console that keeps what is printed while a test runs ------------ */

static struct {
	char text[1024];
	size_t len;
	bool armed;
} seen;

static void seen_write(struct console *con, const char *buf, size_t len)
{
	if (!seen.armed)
		return;   /* the boot log replayed at registration */
	size_t room = sizeof(seen.text) - 1 - seen.len;
	if (len > room)
		len = room;
	memcpy(seen.text + seen.len, buf, len);
	seen.len += len;
	seen.text[seen.len] = '\0';
}

static struct console seen_console = { .name = "kt-exception", .write = seen_write };

static void seen_start(void)
{
	seen.len = 0;
	seen.text[0] = '\0';
	seen.armed = false;
	console_register(&seen_console);
	seen.armed = true;
}

static void seen_stop(void)
{
	console_unregister(&seen_console);
	seen.armed = false;
}

static bool seen_has(const char *what)
{
	size_t n = strlen(what);
	for (size_t i = 0; i + n <= seen.len; i++)
		if (strncmp(seen.text + i, what, n) == 0)
			return true;
	return false;
}

/* --- the tests --------------------------------------------------------- */

/* An unmapped read with the task's exception port set: exception_raise
 * arrives with EXC_BAD_ACCESS, KERN_INVALID_ADDRESS and the address; the
 * reply KERN_SUCCESS lets the thread go on, and nothing is printed. */
KTEST(exc_page_fault_handled)
{
	kt_warm_up_tasks();   /* the first task makes the host's ports, for good */
	size_t ports = ports_now();
	struct handler h = { 0 };
	reset();
	KT_ASSERT(handler_open(&h));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc", fault_unmapped, &t);
	KT_ASSERT(task);
	task->itk_exception = handler_send_right(&h);
	KT_EXPECT(task->itk_exception != NULL);
	seen_start();
	thread_start(t);

	struct exc_request req;
	KT_EXPECT(handler_receive(&h, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(request_ok(&h, &req, task));
	KT_EXPECT(req.exception == MACH_EXC_BAD_ACCESS);
	KT_EXPECT(req.code == KERN_INVALID_ADDRESS);
	KT_EXPECT(req.subcode == FAULT_VA + 0x24);
	KT_EXPECT(!ex.returned);   /* still waiting for the answer */
	KT_EXPECT(exception_waiting(t));
	KT_EXPECT(!exception_waiting(thread_current()));
	KT_EXPECT(handler_reply(&h, &req, KERN_SUCCESS) == MACH_MSG_SUCCESS);
	KT_EXPECT(task_wait(task) == 0);
	seen_stop();
	KT_EXPECT(ex.returned && ex.went_on);
	KT_EXPECT(!seen_has("killed"));
	handler_close(&h);
	KT_EXPECT(ports_now() == ports);
}

/* A write to a read-only page: KERN_PROTECTION_FAILURE.  A handler that
 * refuses it (and no thread port) leaves the task to be killed with the
 * usual line. */
KTEST(exc_refused_kills_the_task)
{
	size_t ports = ports_now();
	struct handler h = { 0 };
	reset();
	KT_ASSERT(handler_open(&h));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-refused", fault_protection, &t);
	KT_ASSERT(task);
	task->itk_exception = handler_send_right(&h);
	seen_start();
	thread_start(t);

	struct exc_request req;
	KT_EXPECT(handler_receive(&h, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(request_ok(&h, &req, task));
	KT_EXPECT(req.exception == MACH_EXC_BAD_ACCESS);
	KT_EXPECT(req.code == KERN_PROTECTION_FAILURE);
	KT_EXPECT(req.subcode == FAULT_VA + 8);
	KT_EXPECT(handler_reply(&h, &req, KERN_FAILURE) == MACH_MSG_SUCCESS);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	seen_stop();
	KT_EXPECT(ex.returned && !ex.went_on);
	KT_EXPECT(seen_has(") killed: page fault at 0x"));
	KT_EXPECT(seen_has("(write) pc 0x401000: protection"));
	handler_close(&h);
	KT_EXPECT(ports_now() == ports);
}

/* No exception port at all: the task is killed at once, with the line. */
KTEST(exc_no_port_kills_the_task)
{
	reset();
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-none", bad_instruction, &t);
	KT_ASSERT(task);
	seen_start();
	thread_start(t);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	seen_stop();
	KT_EXPECT(ex.returned && !ex.went_on);
	KT_EXPECT(seen_has("task kt-exc-none ("));
	KT_EXPECT(seen_has(") killed: kt illegal instruction at pc 0x401000 (detail 0x5a)"));
}

/* The thread's own exception port comes first; when its handler refuses,
 * the task's is asked, and its KERN_SUCCESS lets the thread go on. */
KTEST(exc_thread_port_then_task_port)
{
	size_t ports = ports_now();
	struct handler ht = { 0 }, hk = { 0 };
	reset();
	KT_ASSERT(handler_open(&ht));
	KT_ASSERT(handler_open(&hk));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-order", bad_instruction, &t);
	KT_ASSERT(task);
	t->ith_exception = handler_send_right(&ht);
	task->itk_exception = handler_send_right(&hk);
	thread_start(t);

	struct exc_request req;
	/* Nothing for the task's port while the thread's one is asked. */
	memset(&req, 0, sizeof(req));
	KT_EXPECT(kmsg_call(hk.space, &req, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(req),
			    hk.name, 50) == MACH_RCV_TIMED_OUT);
	KT_EXPECT(handler_receive(&ht, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(request_ok(&ht, &req, task));
	KT_EXPECT(req.exception == MACH_EXC_BAD_INSTRUCTION);
	KT_EXPECT(req.code == MACH_EXC_I386_INVOP);
	KT_EXPECT(req.subcode == 0x5a);
	KT_EXPECT(handler_reply(&ht, &req, KERN_FAILURE) == MACH_MSG_SUCCESS);

	KT_EXPECT(handler_receive(&hk, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(request_ok(&hk, &req, task));
	KT_EXPECT(req.exception == MACH_EXC_BAD_INSTRUCTION);
	KT_EXPECT(handler_reply(&hk, &req, KERN_SUCCESS) == MACH_MSG_SUCCESS);
	KT_EXPECT(task_wait(task) == 0);
	KT_EXPECT(ex.returned && ex.went_on);
	handler_close(&ht);
	handler_close(&hk);
	KT_EXPECT(ports_now() == ports);
}

/* An unknown trap number is EXC_BAD_INSTRUCTION / EXC_I386_INVOP; handled,
 * the trap returns KERN_INVALID_ARGUMENT and the thread goes on.  Without
 * a handler the task is killed. */
KTEST(exc_unknown_trap)
{
	size_t ports = ports_now();
	struct handler h = { 0 };
	reset();
	KT_ASSERT(handler_open(&h));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-trap", unknown_trap, &t);
	KT_ASSERT(task);
	task->itk_exception = handler_send_right(&h);
	thread_start(t);
	struct exc_request req;
	KT_EXPECT(handler_receive(&h, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(request_ok(&h, &req, task));
	KT_EXPECT(req.exception == MACH_EXC_BAD_INSTRUCTION);
	KT_EXPECT(req.code == MACH_EXC_I386_INVOP);
	KT_EXPECT(req.subcode == 0);
	KT_EXPECT(handler_reply(&h, &req, KERN_SUCCESS) == MACH_MSG_SUCCESS);
	KT_EXPECT(task_wait(task) == 7);
	KT_EXPECT(ex.went_on && ex.result == KERN_INVALID_ARGUMENT);
	handler_close(&h);

	reset();
	task = task_with_thread("kt-exc-trap2", unknown_trap, &t);
	KT_ASSERT(task);
	seen_start();
	thread_start(t);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	seen_stop();
	KT_EXPECT(ex.returned && !ex.went_on);
	KT_EXPECT(seen_has(") killed: unknown trap -77 at pc "));
	KT_EXPECT(ports_now() == ports);
}

/* The handler's port dies with the request in its queue: the reply right
 * goes with it, the kernel hears of that (a send-once notification:
 * MIG_SERVER_DIED), and with no other port the task is killed. */
KTEST(exc_handler_dies)
{
	size_t ports = ports_now();
	struct handler h = { 0 };
	reset();
	KT_ASSERT(handler_open(&h));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-dies", fault_unmapped, &t);
	KT_ASSERT(task);
	struct ipc_port *port = handler_send_right(&h);
	KT_ASSERT(port);
	task->itk_exception = port;
	thread_start(t);
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	while (port->msgcount == 0 && clock_ns() < give_up)
		thread_sleep(NSEC_PER_MSEC);
	KT_EXPECT(port->msgcount == 1);
	KT_EXPECT(!ex.returned);
	handler_close(&h);   /* the receive right dies with the request */
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	KT_EXPECT(ex.returned && !ex.went_on);
	KT_EXPECT(ports_now() == ports);
}

/* thread_abort on a thread waiting for its handler: the wait ends, the
 * thread goes on (it would fault again); the late reply is dropped. */
KTEST(exc_wait_aborted)
{
	size_t ports = ports_now();
	struct handler h = { 0 };
	reset();
	KT_ASSERT(handler_open(&h));
	struct thread *t;
	struct task *task = task_with_thread("kt-exc-abort", fault_unmapped, &t);
	KT_ASSERT(task);
	task->itk_exception = handler_send_right(&h);
	thread_reference(t);
	thread_start(t);
	struct exc_request req;
	KT_EXPECT(handler_receive(&h, &req) == MACH_MSG_SUCCESS);
	KT_EXPECT(kt_wait_blocked(t));
	KT_EXPECT(thread_abort(t) == K_OK);
	KT_EXPECT(task_wait(task) == 0);
	KT_EXPECT(!exception_waiting(t));
	thread_deallocate(t);
	KT_EXPECT(ex.returned && ex.went_on);
	/* The late answer is still taken (a handler that terminates the
	 * thread first replies too), then thrown away by the next call. */
	KT_EXPECT(handler_reply(&h, &req, KERN_SUCCESS) == MACH_MSG_SUCCESS);
	KT_EXPECT(exception_raise(NULL, NULL, NULL, 1, 1, 0) == MACH_SEND_INVALID_DEST);
	handler_close(&h);
	KT_EXPECT(ports_now() == ports);
}

/* The kernel's RPC path by itself: bad requests are refused before
 * anything is sent, a request to a kernel object's port gets that
 * object's MIG_BAD_ID answer, and no port is left behind. */
KTEST(exc_kernel_rpc)
{
	size_t ports = ports_now();
	KT_EXPECT(exception_raise(NULL, NULL, NULL, 1, 1, 0) == MACH_SEND_INVALID_DEST);

	/* A dead port. */
	struct handler h = { 0 };
	KT_ASSERT(handler_open(&h));
	struct ipc_port *port = handler_send_right(&h);
	KT_ASSERT(port);
	handler_close(&h);
	KT_EXPECT(exception_raise(port, NULL, NULL, 1, 1, 0) == MACH_SEND_INVALID_DEST);
	irqflags_t f = arch_irq_save();
	ipc_port_release_send(port);
	arch_irq_restore(f);

	/* A kernel object: the task port answers what it cannot serve. */
	struct task *task = task_create("kt-exc-rpc");
	KT_ASSERT(task);
	KT_EXPECT(exception_raise(task->itk_self, NULL, task->itk_self, 1, 1, 0) == MIG_BAD_ID);

	/* Malformed requests. */
	struct exc_reply m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_slot = (uint64_t)(uintptr_t)task->itk_self;
	m.h.msgh_id = 2400;
	KT_EXPECT(mach_msg_rpc_from_kernel(&m.h, sizeof(m), sizeof(m)) == MACH_SEND_INVALID_HEADER);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	KT_EXPECT(mach_msg_rpc_from_kernel(&m.h, 12, sizeof(m)) == MACH_SEND_MSG_TOO_SMALL);
	m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
	m.ret_type.word = MSGT_WORD(MACH_MSG_TYPE_INTEGER_32, 32, false);   /* out of line */
	m.ret_type.number = 1;
	KT_EXPECT(mach_msg_rpc_from_kernel(&m.h, sizeof(m), sizeof(m)) == MACH_SEND_INVALID_TYPE);
	m.ret_type.word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	KT_EXPECT(mach_msg_rpc_from_kernel(&m.h, sizeof(m), sizeof(m)) == MACH_SEND_INVALID_TYPE);
	m.ret_type.word = MSGT_WORD(MACH_MSG_TYPE_INTEGER_32, 32, true);
	m.ret_type.number = 4;   /* 16 bytes: past the end */
	KT_EXPECT(mach_msg_rpc_from_kernel(&m.h, sizeof(m), sizeof(m)) == MACH_SEND_MSG_TOO_SMALL);

	task_terminate(task, 0, NULL);
	task_wait(task);
	KT_EXPECT(ports_now() == ports);
}
