/* hello-a and hello-b (this file built twice, HELLO_LETTER 'a' or 'b'):
 * print the letter ten times with 30 ms of busy work between prints.
 * Run together on one CPU, the two can only make progress side by side if
 * the timer preempts them: the boot test checks that their lines
 * interleave instead of coming out as AAAAAAAAAABBBBBBBBBB. */
#include <machv/lib.h>

#define PRINTS 10
#define WORK_MS 30

int main(int argc, char **argv, char **envp)
{
	char name[] = "hello-?";
	char letter = (char)(HELLO_LETTER - 'a' + 'A');

	name[6] = HELLO_LETTER;
	for (int i = 1; i <= PRINTS; i++) {
		spin_ms(WORK_MS);
		printf("%s: %c %d/%d\n", name, letter, i, PRINTS);
	}
	printf("%s: done\n", name);
	return 0;
}
