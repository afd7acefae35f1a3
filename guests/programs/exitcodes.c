/* exitcodes [HOW [N]]: end the task in one of the ways a program can, so
 * the boot tests can check the status the kernel reports
 * ("task NAME (ID) exited with status N"):
 *   (none)       machv_exit(3)
 *   return N     return N from main (crt0 passes it to exit)
 *   exit N       machv_exit(N)
 *   terminate    task_terminate(mach_task_self()): status 0
 *   thread N     a second thread calls machv_exit(N) while main sleeps:
 *                the whole task ends. */
#include <machv/lib.h>

static uint8_t thread_stack[8192] __attribute__((aligned(16)));

static int number(int argc, char **argv, int dflt)
{
	uint64_t v;
	if (argc > 2 && parse_u64(argv[2], strlen(argv[2]), &v))
		return (int)v;
	return dflt;
}

static void exit_from_thread(void *arg)
{
	printf("exitcodes: second thread exits with %d\n", (int)(intptr_t)arg);
	machv_exit((int)(intptr_t)arg);
}

int main(int argc, char **argv, char **envp)
{
	const char *how = argc > 1 ? argv[1] : "exit";
	int n = number(argc, argv, 3);

	if (strcmp(how, "return") == 0) {
		printf("exitcodes: returning %d from main\n", n);
		return n;
	}
	if (strcmp(how, "exit") == 0) {
		printf("exitcodes: machv_exit(%d)\n", n);
		machv_exit(n);
	}
	if (strcmp(how, "terminate") == 0) {
		printf("exitcodes: task_terminate(mach_task_self())\n");
		int kr = task_terminate(mach_task_self());
		printf("exitcodes: FAIL: task_terminate returned %d\n", kr);
		return 1;
	}
	if (strcmp(how, "thread") == 0) {
		long id = thread_spawn(exit_from_thread, (void *)(intptr_t)n,
				       thread_stack, sizeof(thread_stack));
		if (id < 0) {
			printf("exitcodes: FAIL: thread_spawn returned %ld\n", id);
			return 1;
		}
		for (int i = 0; i < 100; i++)
			sleep_ms(100);
		printf("exitcodes: FAIL: the task outlived its exit\n");
		return 1;
	}
	printf("exitcodes: unknown way '%s' (return|exit|terminate|thread)\n", how);
	return 2;
}
