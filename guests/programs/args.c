/* args [WORDS...]: print what the kernel put on the initial stack and
 * check its layout (docs/abi.md): argc at the initial sp, which is 16-byte
 * aligned; argv right above it, NULL-terminated; envp after argv's NULL,
 * NULL-terminated; every string above the pointer arrays.  Exits 0 when
 * the layout is right; the boot test also compares the words. */
#include <machv/lib.h>

static int failures;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		printf("args: FAIL: %s\n", what);
		failures++;
	}
}

int main(int argc, char **argv, char **envp)
{
	uintptr_t sp = __machv_initial_sp;
	char **end;
	int envc = 0;

	printf("args: argc=%d initial sp %#lx\n", argc, (unsigned long)sp);
	for (int i = 0; i < argc; i++)
		printf("args: argv[%d]=\"%s\"\n", i, argv[i]);
	for (char **e = envp; *e; e++, envc++)
		printf("args: envp[%d]=\"%s\"\n", envc, *e);
	printf("args: %d environment strings\n", envc);

	expect(sp % 16 == 0, "the initial sp is 16-byte aligned");
	expect(*(long *)sp == argc, "argc is the word at the initial sp");
	expect((uintptr_t)argv == sp + 8, "argv starts right above argc");
	expect(argc >= 1, "argv[0] (the program) is there");
	expect(argv[argc] == NULL, "argv ends with NULL");
	expect(envp == argv + argc + 1, "envp follows argv's NULL");
	end = envp + envc + 1;
	for (int i = 0; i < argc; i++)
		expect((uintptr_t)argv[i] >= (uintptr_t)end, "argv strings lie above the pointers");
	for (int i = 0; i < envc; i++)
		expect((uintptr_t)envp[i] >= (uintptr_t)end, "envp strings lie above the pointers");
	printf("args: layout %s\n", failures ? "WRONG" : "ok");
	return failures ? 1 : 0;
}
