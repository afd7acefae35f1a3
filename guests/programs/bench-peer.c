/* bench-peer: the other side of bench's task_switch figure
 * (init=/bench,/bench-peer -- tasks).  It yields with swtch() for as long
 * as somebody else is ready; once bench has come and gone (swtch() finds
 * nobody after having found someone), it exits 0.  If nobody shows up
 * within 10 s it gives up with status 1. */
#include <machv/lib.h>

int main(int argc, char **argv, char **envp)
{
	uint64_t give_up = machv_clock_ns() + 10000000000ULL;
	unsigned long switches = 0;

	for (;;) {
		if (swtch()) {
			switches++;
		} else if (switches > 0) {
			break;
		} else if (machv_clock_ns() > give_up) {
			printf("bench-peer: nobody to switch with\n");
			return 1;
		}
	}
	printf("bench-peer: done after %lu switches\n", switches);
	return 0;
}
