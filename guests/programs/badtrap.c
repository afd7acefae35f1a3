/* badtrap: feed the trap interface what a careless or hostile program
 * would, and check that each call comes back with an error code, that the
 * task is not killed and that the well-behaved traps answer as documented
 * in docs/abi.md.  Prints one "badtrap: ok N - ..." or
 * "badtrap: not ok N - ..." line per check (the boot test relays them as
 * TAP), then "badtrap: N checks, M failed" and exits with M. */
#include <machv/lib.h>

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

static void unknown_traps(void)
{
	static const long numbers[] = { -1, -24, -31, -150, -199, -203, -1000,
		0, 1, 7, 1000, -0x7fffffffL };

	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		char what[80];
		long r = machv_trap6(numbers[i], 1, 2, 3, 4, 5, 6);
		snprintf(what, sizeof(what), "unknown trap %ld returns KERN_INVALID_ARGUMENT",
			 numbers[i]);
		check(r == KERN_INVALID_ARGUMENT, what, r);
	}
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

static void self_names(void)
{
	long r;

	r = mach_task_self();
	check(r == PROVISIONAL_TASK_SELF, "mach_task_self is the provisional task name", r);
	r = mach_host_self();
	check(r == PROVISIONAL_HOST_SELF, "mach_host_self is the provisional host name", r);
	r = mach_thread_self();
	check(r >= PROVISIONAL_THREAD_SELF_BASE, "mach_thread_self is 0x100 + thread id", r);
	r = mach_reply_port();
	check(r == KERN_FAILURE, "mach_reply_port fails until IPC", r);
	r = mach_msg_trap((void *)WILD_ADDR, 3, 32, 32, 0, 0, 0);
	check(r == KERN_FAILURE, "mach_msg fails until IPC (wild message pointer)", r);
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
	r = task_terminate(PROVISIONAL_HOST_SELF);
	check(r != KERN_SUCCESS, "task_terminate(host name) returns an error", r);
	r = machv_thread_spawn(0x400000, KERNEL_ADDR, 0);
	check(r < 0, "machv_thread_spawn with a kernel stack pointer returns an error", r);
	r = machv_thread_spawn(KERNEL_ADDR, 0x7f0000, 0);
	check(r < 0, "machv_thread_spawn with a kernel pc returns an error", r);
}

int main(int argc, char **argv, char **envp)
{
	unknown_traps();
	wild_pointers();
	self_names();
	scheduling();
	bad_task_and_threads();
	printf("badtrap: %d checks, %d failed\n", checks, failures);
	return failures;
}
