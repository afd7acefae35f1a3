/* echo: its arguments, separated by blanks, and a newline. */
#include "sh-util.h"

int main(int argc, char **argv, char **envp)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	util_exit(0);
}
