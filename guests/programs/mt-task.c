/* Mach test suite: task and thread control through their kernel ports -
 * task_info, thread_info, task_threads, special ports, thread
 * suspend/resume/abort/terminate, task_create/suspend/resume/terminate,
 * and a thread made from nothing with thread_create + thread_set_state +
 * thread_resume. */
#include <mt.h>
#include <mach_init.h>
#include <mach/task_info.h>
#include <mach/thread_info.h>
#include <mach/task_special_ports.h>
#include <mach/thread_special_ports.h>
#include <machv/thread-state.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self;
static volatile unsigned long spin_count;
static volatile mach_port_t spinner_port;
static char spin_stack[16384] __attribute__((aligned(16)));

static void spinner(void *arg)
{
	spinner_port = mach_thread_self();
	for (;;)
		spin_count++;
}

static void test_self_info(void)
{
	struct task_basic_info tbi;
	struct thread_basic_info thbi;
	mach_msg_type_number_t count;
	thread_array_t threads = NULL;
	mach_port_t me = mach_thread_self();

	memset(&tbi, 0xff, sizeof(tbi));
	count = TASK_BASIC_INFO_COUNT;
	if (MT_KR(task_info(self, TASK_BASIC_INFO, (task_info_t)&tbi, &count), KERN_SUCCESS,
		  "task_info(TASK_BASIC_INFO)")) {
		mt_eq(tbi.suspend_count, 0, "a running task: suspend count 0");
		mt_ok(tbi.virtual_size > 0, "a virtual size (%lu)", (unsigned long)tbi.virtual_size);
	}
	count = 3;
	MT_KR(task_info(self, 9999, (task_info_t)&tbi, &count), KERN_INVALID_ARGUMENT,
	      "task_info of an unknown flavour");
	memset(&thbi, 0xff, sizeof(thbi));
	count = THREAD_BASIC_INFO_COUNT;
	if (MT_KR(thread_info(me, THREAD_BASIC_INFO, (thread_info_t)&thbi, &count), KERN_SUCCESS,
		  "thread_info(THREAD_BASIC_INFO) of this thread")) {
		mt_eq(thbi.run_state, TH_STATE_RUNNING, "it is running");
		mt_eq(thbi.suspend_count, 0, "not suspended");
	}
	count = 0;
	if (MT_KR(task_threads(self, &threads, &count), KERN_SUCCESS, "task_threads")) {
		mt_ok(count >= 1, "at least this thread (%u)", count);
		bool found = false;
		for (unsigned i = 0; i < count; i++) {
			if (threads[i] == me)
				found = true;
			else
				(void)mach_port_deallocate(self, threads[i]);
		}
		mt_ok(found, "the list names this thread as mach_thread_self does");
		(void)vm_deallocate(self, (vm_address_t)threads, count * sizeof(*threads));
	}
}

static void test_special_ports(void)
{
	mach_port_t got = MACH_PORT_NULL, p = mach_reply_port();

	if (MT_KR(task_get_special_port(self, TASK_KERNEL_PORT, &got), KERN_SUCCESS,
		  "task_get_special_port(TASK_KERNEL_PORT)"))
		mt_eq(got, self, "it is the task's own port");
	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	MT_KR(task_set_special_port(self, TASK_BOOTSTRAP_PORT, p), KERN_SUCCESS,
	      "task_set_special_port(TASK_BOOTSTRAP_PORT)");
	got = MACH_PORT_NULL;
	if (MT_KR(task_get_special_port(self, TASK_BOOTSTRAP_PORT, &got), KERN_SUCCESS,
		  "task_get_special_port(TASK_BOOTSTRAP_PORT)"))
		mt_eq(got, p, "the port we set");
	MT_KR(task_get_special_port(self, 77, &got), KERN_INVALID_ARGUMENT,
	      "an unknown special port");
	got = MACH_PORT_NULL;
	if (MT_KR(thread_get_special_port(mach_thread_self(), THREAD_KERNEL_PORT, &got),
		  KERN_SUCCESS, "thread_get_special_port(THREAD_KERNEL_PORT)"))
		mt_eq(got, mach_thread_self(), "it is the thread's own port");
}

static void test_suspend_resume(void)
{
	unsigned long a, b;
	struct thread_basic_info thbi;
	mach_msg_type_number_t count = THREAD_BASIC_INFO_COUNT;

	if (thread_spawn(spinner, NULL, spin_stack, sizeof(spin_stack)) < 0) {
		mt_fail("thread_suspend", "thread_spawn failed");
		return;
	}
	for (int i = 0; i < 100 && spinner_port == MACH_PORT_NULL; i++)
		sleep_ms(5);
	if (!MT_KR(thread_suspend(spinner_port), KERN_SUCCESS, "thread_suspend a spinning thread"))
		return;
	sleep_ms(10);
	a = spin_count;
	sleep_ms(30);
	b = spin_count;
	mt_eq(b - a, 0, "a suspended thread does not run");
	memset(&thbi, 0xff, sizeof(thbi));
	if (MT_KR(thread_info(spinner_port, THREAD_BASIC_INFO, (thread_info_t)&thbi, &count),
		  KERN_SUCCESS, "thread_info of the suspended thread"))
		mt_eq(thbi.suspend_count, 1, "suspend count 1");
	MT_KR(thread_resume(spinner_port), KERN_SUCCESS, "thread_resume");
	sleep_ms(30);
	mt_ok(spin_count != b, "it runs again");
	MT_KR(thread_resume(spinner_port), KERN_FAILURE,
	      "resuming a thread that is not suspended: KERN_FAILURE");
	MT_KR(thread_terminate(spinner_port), KERN_SUCCESS, "thread_terminate it");
	a = spin_count;
	sleep_ms(30);
	mt_eq(spin_count - a, 0, "it is gone");
	/* The thread's port died with it: our send right is a dead name. */
	MT_KR(thread_suspend(spinner_port), MACH_SEND_INVALID_DEST,
	      "thread_suspend of a terminated thread: its port is dead");
}

/* task_create(inherit_memory): the child starts with a copy of our
 * memory as it was - a later change of ours does not show there. */
static volatile unsigned long inherit_marker;

static void test_inherit(void)
{
	mach_port_t child = MACH_PORT_NULL;
	vm_offset_t back = 0;
	mach_msg_type_number_t count = 0;
	vm_address_t page = (vm_address_t)&inherit_marker & ~(vm_address_t)4095;
	vm_offset_t off = (vm_address_t)&inherit_marker - page;

	inherit_marker = 0x1badcafe;
	if (!MT_KR(task_create(self, TRUE, &child), KERN_SUCCESS, "task_create(inherit_memory)"))
		return;
	inherit_marker = 0x2badf00d;
	if (MT_KR(vm_read(child, page, 4096, &back, &count), KERN_SUCCESS,
		  "vm_read the child's copy of our data page")) {
		mt_eq(*(unsigned long *)(back + off), 0x1badcafe,
		      "it holds the value from before task_create, not ours now");
		(void)vm_deallocate(self, back, count);
	}
	(void)task_terminate(child);
	(void)mach_port_deallocate(self, child);
}

static void test_child_task(void)
{
	mach_port_t child = MACH_PORT_NULL, th = MACH_PORT_NULL;
	struct task_basic_info tbi;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
	thread_array_t threads = NULL;

	if (!MT_KR(task_create(self, FALSE, &child), KERN_SUCCESS, "task_create"))
		return;
	mt_ok(MACH_PORT_VALID(child) && child != self, "a new task port (0x%x)", child);
	count = 0;
	if (MT_KR(task_threads(child, &threads, &count), KERN_SUCCESS, "task_threads of it"))
		mt_eq(count, 0, "a new task has no threads");
	MT_KR(thread_create(child, &th), KERN_SUCCESS, "thread_create in it");
	MT_KR(task_suspend(child), KERN_SUCCESS, "task_suspend");
	count = TASK_BASIC_INFO_COUNT;
	memset(&tbi, 0xff, sizeof(tbi));
	if (MT_KR(task_info(child, TASK_BASIC_INFO, (task_info_t)&tbi, &count), KERN_SUCCESS,
		  "task_info of the child"))
		mt_eq(tbi.suspend_count, 1, "suspend count 1");
	MT_KR(task_resume(child), KERN_SUCCESS, "task_resume");
	MT_KR(task_terminate(child), KERN_SUCCESS, "task_terminate the child");
	MT_KR(task_info(child, TASK_BASIC_INFO, (task_info_t)&tbi, &count), MACH_SEND_INVALID_DEST,
	      "its port is dead: task_info cannot be sent");
	(void)mach_port_deallocate(self, child);
}

/* A thread built by hand: thread_create, then its registers set with
 * thread_get_state/thread_set_state (<machv/thread-state.h>), then
 * thread_resume (all three in mach_thread_start()).  It sets a flag and
 * parks. */
static volatile long made_ran;
static char made_stack[8192] __attribute__((aligned(16)));

static void made_entry(long arg)
{
	made_ran = arg;
	for (;;)
		sleep_ms(1000);
}

static void test_thread_create(void)
{
	mach_port_t th = MACH_PORT_NULL;
	struct machv_thread_state st;
	mach_msg_type_number_t count = MACHV_THREAD_STATE_COUNT;

	if (!MT_KR(thread_create(self, &th), KERN_SUCCESS, "thread_create in this task"))
		return;
	memset(&st, 0xff, sizeof(st));
	if (MT_KR(thread_get_state(th, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st, &count),
		  KERN_SUCCESS, "thread_get_state of the new thread")) {
		mt_eq(count, MACHV_THREAD_STATE_COUNT, "the state's size in words");
		mt_eq(MACHV_STATE_PC(&st), 0, "a new thread has pc 0");
	}
	count = 4;
	MT_KR(thread_get_state(th, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st, &count),
	      KERN_INVALID_ARGUMENT, "thread_get_state into too small a buffer");
	MT_KR(thread_set_state(th, 4321, (thread_state_t)&st, MACHV_THREAD_STATE_COUNT),
	      KERN_INVALID_ARGUMENT, "thread_set_state with an unknown flavour");
	MT_KR(mach_thread_start(th, made_entry, 77, made_stack, sizeof(made_stack)), KERN_SUCCESS,
	      "set pc, stack and argument, and resume");
	for (int i = 0; i < 100 && !made_ran; i++)
		sleep_ms(5);
	mt_eq(made_ran, 77, "the thread ran with its argument");
	MT_KR(thread_terminate(th), KERN_SUCCESS, "thread_terminate it");
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-task");
	self = mach_task_self();
	test_self_info();
	test_special_ports();
	test_suspend_resume();
	test_child_task();
	test_inherit();
	test_thread_create();
	return mt_end();
}
