/* memtest CASE: touch memory this task must not touch; the kernel must
 * kill it with a diagnostic naming the address, and every other task
 * keeps running.  CASE (argv[1]):
 *   kernel    read the kernel's text (mapped, but not for user mode)
 *   unmapped  read below the program, where nothing is ever mapped
 *   rotext    write to its own read-only code
 *   nx        jump into its own writable, non-executable data
 *   private   (the default) no fault: keep a value of its own in a global
 *             at the same virtual address as any other memtest task has,
 *             and check over 300 ms of sharing the CPU that no other task
 *             ever changed it: address spaces are separate.
 * Each faulting case prints the address first, then "memtest: FAIL ..."
 * if it survives (and exits 1). */
#include <machv/lib.h>

/* Inside the kernel image on every arch (KERNEL_VBASE 0xffffffff80000000;
 * x86_64's text starts 0x201000 above it, aarch64's and riscv64's at it,
 * and each is longer than 0x3000 bytes). */
#define KERNEL_TEXT_ADDR 0xffffffff80202000UL
/* Below the 0x400000 link address, above USER_BASE: never mapped. */
#define UNMAPPED_ADDR 0x200000UL

static volatile uint64_t marker;
static uint8_t data_code[64] __attribute__((aligned(16)));

static int survived(const char *what)
{
	printf("memtest: FAIL: %s did not kill the task\n", what);
	return 1;
}

static int read_kernel(void)
{
	volatile const uint64_t *p = (const uint64_t *)KERNEL_TEXT_ADDR;
	printf("memtest: reading kernel address %#lx\n", KERNEL_TEXT_ADDR);
	uint64_t v = *p;
	printf("memtest: read %#lx\n", (unsigned long)v);
	return survived("reading the kernel");
}

static int read_unmapped(void)
{
	volatile const uint64_t *p = (const uint64_t *)UNMAPPED_ADDR;
	printf("memtest: reading unmapped address %#lx\n", UNMAPPED_ADDR);
	uint64_t v = *p;
	printf("memtest: read %#lx\n", (unsigned long)v);
	return survived("reading unmapped memory");
}

static int write_text(void)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)&write_text;
	printf("memtest: writing read-only text at %#lx\n", (unsigned long)(uintptr_t)p);
	*p = 0;
	return survived("writing the text");
}

static int exec_data(void)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;
	/* Written at run time, so the compiler cannot decide the array is
	 * constant and put it in .rodata: this must be writable data. */
	((volatile uint8_t *)data_code)[0] = 0;
	printf("memtest: jumping to data at %#lx\n", (unsigned long)(uintptr_t)fn);
	fn();
	return survived("executing data");
}

static int keep_private(void)
{
	uint64_t mine = machv_clock_ns() ^ ((uint64_t)mach_thread_self() << 48);
	uint64_t end = machv_clock_ns() + 300 * 1000000ULL;
	unsigned checks = 0;

	marker = mine;
	printf("memtest: private value %#lx at %#lx\n", (unsigned long)mine,
	       (unsigned long)(uintptr_t)&marker);
	while (machv_clock_ns() < end) {
		if (marker != mine) {
			printf("memtest: FAIL: value at %#lx changed to %#lx\n",
			       (unsigned long)(uintptr_t)&marker, (unsigned long)marker);
			return 1;
		}
		checks++;
		spin_ms(1);
		swtch();   /* let the other memtest write its own value */
	}
	printf("memtest: private data intact after %u checks\n", checks);
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	const char *what = argc > 1 ? argv[1] : "private";

	if (strcmp(what, "kernel") == 0)
		return read_kernel();
	if (strcmp(what, "unmapped") == 0)
		return read_unmapped();
	if (strcmp(what, "rotext") == 0)
		return write_text();
	if (strcmp(what, "nx") == 0)
		return exec_data();
	if (strcmp(what, "private") == 0)
		return keep_private();
	printf("memtest: unknown case '%s' (kernel|unmapped|rotext|nx|private)\n", what);
	return 2;
}
