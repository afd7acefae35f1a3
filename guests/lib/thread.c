/* Threads over machv_thread_spawn: the new thread starts at thread_entry()
 * with a pointer to its start block (kept at the top of its own stack) in
 * the first argument register. */
#include <machv/lib.h>

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static __attribute__((noreturn)) void thread_entry(struct thread_start *start)
{
	start->fn(start->arg);
	/* No thread-exit trap yet: stay out of the way until the task ends. */
	for (;;)
		sleep_ms(1000000);
}

long thread_spawn(void (*fn)(void *), void *arg, void *stack, size_t size)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct thread_start *start;

	if (size < 256)
		return -KERN_INVALID_ARGUMENT;
	top -= 16;                      /* the start block: two pointers */
	start = (struct thread_start *)top;
	start->fn = fn;
	start->arg = arg;
	top -= MACHV_THREAD_SP_BIAS;    /* room for a "return address" */
	if (MACHV_THREAD_SP_BIAS)
		*(uintptr_t *)top = 0;
	return machv_thread_spawn((uintptr_t)thread_entry, top, (uintptr_t)start);
}
