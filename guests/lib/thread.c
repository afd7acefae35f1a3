/* Threads over machv_thread_spawn: the new thread starts at thread_entry()
 * with a pointer to its start block (kept at the top of its own stack) in
 * the first argument register.  Each thread's stack is remembered, so that
 * thread_self_slot() can tell threads apart by their stack pointer. */
#include <machv/lib.h>

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

/* Stacks of the spawned threads, slot 1 onwards (slot 0, the initial
 * thread, is everything else).  A slot is filled before its thread runs
 * and never changes afterwards. */
static struct {
	uintptr_t lo, hi;
} thread_stacks[THREAD_SLOTS];
static int thread_slots_used = 1;

static __attribute__((noreturn)) void thread_entry(struct thread_start *start)
{
	start->fn(start->arg);
	/* No thread-exit trap yet: stay out of the way until the task ends. */
	for (;;)
		sleep_ms(1000000);
}

int thread_register_stack(void *stack, size_t size)
{
	int slot = thread_slots_used;

	if (slot >= THREAD_SLOTS)
		return 0;
	thread_stacks[slot].lo = (uintptr_t)stack;
	thread_stacks[slot].hi = (uintptr_t)stack + size;
	__atomic_store_n(&thread_slots_used, slot + 1, __ATOMIC_RELEASE);
	return slot;
}

long thread_spawn(void (*fn)(void *), void *arg, void *stack, size_t size)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct thread_start *start;

	if (size < 256)
		return -KERN_INVALID_ARGUMENT;
	thread_register_stack(stack, size);
	top -= 16;                      /* the start block: two pointers */
	start = (struct thread_start *)top;
	start->fn = fn;
	start->arg = arg;
	top -= MACHV_THREAD_SP_BIAS;    /* room for a "return address" */
	if (MACHV_THREAD_SP_BIAS)
		*(uintptr_t *)top = 0;
	return machv_thread_spawn((uintptr_t)thread_entry, top, (uintptr_t)start);
}

int thread_self_slot(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	int used = __atomic_load_n(&thread_slots_used, __ATOMIC_ACQUIRE);

	for (int i = 1; i < used; i++)
		if (sp >= thread_stacks[i].lo && sp < thread_stacks[i].hi)
			return i;
	return 0;
}
