/* Mach test suite: exception delivery.  The task's exception port is a
 * port of ours; a thread that faults (an unmapped read) or executes an
 * illegal instruction must stop, and the kernel must send exception_raise
 * (exc.defs) there, which MIG's exc_server hands to catch_exception_raise
 * below.  The handler moves the thread to a recovery function (suspend,
 * thread_abort, thread_set_state, resume) and answers KERN_SUCCESS; the
 * thread goes on there and the task lives on.
 *
 * If the exception port cannot be set the faults are not tried (they
 * would end the whole task). */
#include <mt.h>
#include <mach_init.h>
#include <mach/exception.h>
#include <mach/task_special_ports.h>
#include <mach/thread_special_ports.h>
#include "mach.h"
#include "mach_port.h"
#include "excServer.h"
#include <machv/thread-state.h>

boolean_t exc_server(mach_msg_header_t *request, mach_msg_header_t *reply);

static mach_port_t self, exc_port;
static volatile long recovered;
/* One recovery stack per case: a recovered thread stays parked on it. */
static char recovery_stack[4][16384] __attribute__((aligned(16)));
static int current_case;

/* Where the handler sends a thread after its exception. */
static void recovery(long exception)
{
	recovered = exception;
	for (;;)
		sleep_ms(1000);
}
static struct {
	int calls;
	mach_port_t thread, task;
	integer_t exception, code;
	rpc_long_integer_t subcode;
	kern_return_t state_kr;   /* how moving the thread went */
} seen;

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task,
				    integer_t exception, integer_t code,
				    rpc_long_integer_t subcode)
{
	seen.calls++;
	seen.thread = thread;
	seen.task = task;
	seen.exception = exception;
	seen.code = code;
	seen.subcode = subcode;
	/* The faulting instruction cannot be retried: resume the thread in
	 * recovery(exception) on a stack of its own instead. */
	/* Another thread's registers are changed while it is held: suspend
	 * it, and abort its wait for this very reply (GNU Mach's
	 * thread_get_state does that by itself; machv asks for it), so that
	 * it goes back to user mode, at the new pc, once resumed. */
	struct machv_thread_state st;
	mach_msg_type_number_t count = MACHV_THREAD_STATE_COUNT;
	kern_return_t kr = thread_suspend(thread);
	if (kr == KERN_SUCCESS)
		kr = thread_abort(thread);
	if (kr == KERN_SUCCESS)
		kr = thread_get_state(thread, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st,
				      &count);
	if (kr == KERN_SUCCESS) {
		MACHV_STATE_PC(&st) = (uintptr_t)recovery;
		MACHV_STATE_SP(&st) = (uintptr_t)recovery_stack[current_case] +
				      sizeof(recovery_stack[current_case]) - MACHV_STATE_SP_BIAS;
		MACHV_STATE_ARG0(&st) = (uint64_t)exception;
		kr = thread_set_state(thread, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st,
				      MACHV_THREAD_STATE_COUNT);
	}
	seen.state_kr = kr;
	(void)thread_resume(thread);
	(void)mach_port_deallocate(self, thread);
	(void)mach_port_deallocate(self, task);
	return kr;
}

#define BAD_ADDRESS 0x10UL

static void fault_read(void *arg)
{
	(void)*(volatile int *)BAD_ADDRESS;
	printf("mt-exc: the faulting read went on\n");
	for (;;)
		sleep_ms(1000);
}

static void bad_instruction(void *arg)
{
#if defined(__x86_64__)
	__asm__ volatile("ud2");
#elif defined(__aarch64__)
	__asm__ volatile("udf #0");
#else
	__asm__ volatile("unimp");
#endif
	printf("mt-exc: the illegal instruction went on\n");
	for (;;)
		sleep_ms(1000);
}

/* GNU Mach answers a trap number it does not know with EXC_BAD_INSTRUCTION
 * (its tests/test-syscalls.c checks this), not with an error code. */
static volatile long bad_trap_result = 1;

static void bad_trap(void *arg)
{
	bad_trap_result = machv_trap6(0x123456, 0, 0, 0, 0, 0, 0);
	printf("mt-exc: the unknown trap returned %ld\n", bad_trap_result);
	for (;;)
		sleep_ms(1000);
}

static char stacks[3][16384] __attribute__((aligned(16)));

/* Run fn in a new thread and serve one exception message. */
static bool serve_one(void (*fn)(void *), int which, const char *what)
{
	struct {
		mach_msg_header_t h;
		char body[512];
	} req, rep;
	mach_msg_return_t mr;

	memset(&seen, 0, sizeof(seen));
	recovered = 0;
	current_case = which;
	if (thread_spawn(fn, NULL, stacks[which], sizeof(stacks[which])) < 0) {
		mt_fail(what, "thread_spawn failed");
		return false;
	}
	memset(&req, 0, sizeof(req));
	mr = mach_msg(&req.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(req), exc_port, 3000,
		      MACH_PORT_NULL);
	if (!MT_KR(mr, MACH_MSG_SUCCESS, "%s: an exception message arrives", what))
		return false;
	mt_eq(req.h.msgh_id, 2400, "%s: it is exception_raise (id 2400)", what);
	mt_ok(exc_server(&req.h, &rep.h), "%s: exc_server accepts it", what);
	mt_eq(seen.calls, 1, "%s: catch_exception_raise ran once", what);
	mt_kr(seen.state_kr, KERN_SUCCESS,
	      "%s: the handler suspended the thread and set its registers", what);
	/* Nobody waits for the reply any more (the wait was aborted); it is
	 * sent all the same, as a server would. */
	if (MACH_PORT_VALID(rep.h.msgh_remote_port))
		(void)mach_msg(&rep.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, rep.h.msgh_size, 0,
			       MACH_PORT_NULL, 0, MACH_PORT_NULL);
	for (int i = 0; i < 200 && recovered == 0; i++)
		sleep_ms(5);
	mt_eq(recovered, seen.exception, "%s: the thread resumed where the handler sent it", what);
	return seen.calls == 1;
}

/* A thread's own exception port comes before its task's: a thread made
 * with thread_create gets one before it starts, and its fault must be
 * reported there, not on the task's port. */
static char thread_exc_stack[16384] __attribute__((aligned(16)));

static void fault_read_entry(long arg)
{
	fault_read(NULL);
}

static void test_thread_exception_port(void)
{
	mach_port_t th = MACH_PORT_NULL, tport = mach_reply_port();
	struct {
		mach_msg_header_t h;
		char body[512];
	} req, rep;

	(void)mach_port_insert_right(self, tport, tport, MACH_MSG_TYPE_MAKE_SEND);
	if (!MT_KR(thread_create(self, &th), KERN_SUCCESS, "thread_create for a thread-port case"))
		return;
	MT_KR(thread_set_special_port(th, THREAD_EXCEPTION_PORT, tport), KERN_SUCCESS,
	      "thread_set_special_port(THREAD_EXCEPTION_PORT)");
	memset(&seen, 0, sizeof(seen));
	recovered = 0;
	current_case = 3;
	if (!MT_KR(mach_thread_start(th, fault_read_entry, 0, thread_exc_stack,
				     sizeof(thread_exc_stack)),
		   KERN_SUCCESS, "start it: it faults at once"))
		return;
	MT_KR(mach_msg(&req.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(req), tport, 3000,
		       MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "the exception arrives on the thread's port");
	MT_KR(mach_msg(&rep.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(rep), exc_port, 0,
		       MACH_PORT_NULL),
	      MACH_RCV_TIMED_OUT, "and not on the task's");
	if (req.h.msgh_id == 2400 && exc_server(&req.h, &rep.h)) {
		mt_eq(seen.exception, EXC_BAD_ACCESS, "EXC_BAD_ACCESS through the thread's port");
		if (MACH_PORT_VALID(rep.h.msgh_remote_port))
			(void)mach_msg(&rep.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, rep.h.msgh_size, 0,
				       MACH_PORT_NULL, 0, MACH_PORT_NULL);
		for (int i = 0; i < 200 && recovered == 0; i++)
			sleep_ms(5);
		mt_eq(recovered, EXC_BAD_ACCESS, "the thread resumed where the handler sent it");
	}
}

int main(int argc, char **argv, char **envp)
{
	mach_port_t old = MACH_PORT_NULL;

	/* "mt-exc nohandler": no exception port anywhere, so the fault ends
	 * the task (tests/boot/user-mach-exc-nohandler.sh judges the
	 * kernel's diagnostic). */
	if (argc > 1 && strcmp(argv[1], "nohandler") == 0) {
		printf("mt-exc: faulting at 0x%lx with no exception port\n", BAD_ADDRESS);
		fault_read(NULL);
	}
	mt_begin("mt-exc");
	self = mach_task_self();
	exc_port = mach_reply_port();
	(void)mach_port_insert_right(self, exc_port, exc_port, MACH_MSG_TYPE_MAKE_SEND);
	(void)task_get_special_port(self, TASK_EXCEPTION_PORT, &old);
	if (!MT_KR(task_set_special_port(self, TASK_EXCEPTION_PORT, exc_port), KERN_SUCCESS,
		   "task_set_special_port(TASK_EXCEPTION_PORT)")) {
		mt_fail("exceptions", "no exception port: the faults are not tried");
		return mt_end();
	}
	if (serve_one(fault_read, 0, "unmapped read")) {
		mt_eq(seen.exception, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
		mt_eq(seen.code, KERN_INVALID_ADDRESS, "code KERN_INVALID_ADDRESS");
		mt_eq(seen.subcode, BAD_ADDRESS, "subcode: the address");
		mt_eq(seen.task, self, "the task named is ours");
	}
	if (serve_one(bad_instruction, 1, "illegal instruction"))
		mt_eq(seen.exception, EXC_BAD_INSTRUCTION, "EXC_BAD_INSTRUCTION");
	if (serve_one(bad_trap, 2, "unknown trap number"))
		mt_eq(seen.exception, EXC_BAD_INSTRUCTION, "EXC_BAD_INSTRUCTION, as in GNU Mach");
	test_thread_exception_port();
	mt_ok(true, "the task survived its threads' exceptions");
	return mt_end();
}
