/* spin: a program for the shell's tests.
 *   spin          says "spin: spinning" and runs forever (Ctrl-C ends it)
 *   spin fault    writes to an unmapped address (the kernel kills it)
 *   spin exit N   ends with status N, told with spawn_exit */
#include "sh-util.h"

int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && strcmp(argv[1], "fault") == 0) {
		printf("spin: faulting\n");
		*(volatile int *)(uintptr_t)0x10 = 1;
		printf("spin: FAIL: the write to 0x10 went through\n");
		util_exit(1);
	}
	if (argc > 2 && strcmp(argv[1], "exit") == 0) {
		uint64_t n = 0;
		if (!parse_u64(argv[2], strlen(argv[2]), &n) || n > 255) {
			printf("spin: bad status %s\n", argv[2]);
			util_exit(2);
		}
		util_exit((int)n);
	}
	printf("spin: spinning\n");
	for (;;)
		spin_ms(100);
}
