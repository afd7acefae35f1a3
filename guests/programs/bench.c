/* bench [tasks]: the kernel's basic costs, measured from user space.
 * Each figure is printed twice, in the architecture's counter ticks
 * (machv_ticks(): the TSC, CNTVCT_EL0 or the time CSR) and in nanoseconds
 * of the kernel's clock:
 *   bench: NAME N ticks/op
 *   bench: NAME N ns/op
 * Each is the best of ROUNDS rounds, after a warm-up.
 *
 * Without arguments, alone in the machine (init=/bench):
 *   null_trap      swtch_pri(0) with nothing else ready: kernel entry and
 *                  exit plus a look at the run queue (GNU Mach's anchor)
 *   self_trap      mach_task_self(): the shortest trap there is
 *   page_fault     first touch of a fresh page of .bss: the fault, a zeroed
 *                  page, the mapping
 *   thread_switch  two threads of this task alternating with swtch(); per
 *                  switch (one direction)
 * With "tasks", beside bench-peer (init=/bench,/bench-peer -- tasks):
 *   task_switch    this task and bench-peer alternating with swtch(); per
 *                  switch, address-space change included
 * docs/benchmarks.md says how to read the figures. */
#include <machv/lib.h>

#define ROUNDS 3
#define TRAP_OPS 20000
#define SWITCH_OPS 4000
#define FAULT_PAGES 256
#define PAGE 4096

struct sample {
	uint64_t ticks, ns;
};

static uint8_t fresh[ROUNDS][FAULT_PAGES][PAGE] __attribute__((aligned(PAGE)));
static uint8_t peer_stack[16384] __attribute__((aligned(16)));
static volatile bool peer_stop;
static volatile unsigned peer_ran;

static struct sample now(void)
{
	struct sample s = { machv_ticks(), machv_clock_ns() };
	return s;
}

/* Keep the smallest figure of the rounds for each unit. */
static void keep_best(struct sample *best, struct sample t0, struct sample t1)
{
	uint64_t ticks = t1.ticks - t0.ticks, ns = t1.ns - t0.ns;
	if (best->ticks == 0 || ticks < best->ticks)
		best->ticks = ticks;
	if (best->ns == 0 || ns < best->ns)
		best->ns = ns;
}

static void report(const char *name, struct sample best, uint64_t ops)
{
	printf("bench: %s %lu ticks/op\n", name, (unsigned long)((best.ticks + ops / 2) / ops));
	printf("bench: %s %lu ns/op\n", name, (unsigned long)((best.ns + ops / 2) / ops));
}

static void null_trap(void)
{
	struct sample best = { 0, 0 };

	for (int i = 0; i < 1000; i++)
		swtch_pri(0);
	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < TRAP_OPS; i++)
			swtch_pri(0);
		keep_best(&best, t0, now());
	}
	report("null_trap", best, TRAP_OPS);
}

static void self_trap(void)
{
	struct sample best = { 0, 0 };

	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < TRAP_OPS; i++)
			(void)mach_task_self();
		keep_best(&best, t0, now());
	}
	report("self_trap", best, TRAP_OPS);
}

static void page_fault(void)
{
	struct sample best = { 0, 0 };

	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int p = 0; p < FAULT_PAGES; p++)
			((volatile uint8_t *)fresh[r][p])[0] = 1;
		keep_best(&best, t0, now());
	}
	report("page_fault", best, FAULT_PAGES);
}

static void switch_partner(void *arg)
{
	while (!peer_stop) {
		peer_ran++;
		swtch();
	}
}

/* Alternate with whoever else is ready at our priority: wait (5 s at most)
 * until swtch() finds them, then time rounds of SWITCH_OPS round trips. */
static int alternate(const char *name)
{
	struct sample best = { 0, 0 };
	uint64_t give_up = machv_clock_ns() + 5000000000ULL;
	unsigned missed = 0;

	while (!swtch()) {
		if (machv_clock_ns() > give_up) {
			printf("bench: %s: no partner to switch with\n", name);
			return 1;
		}
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct sample t0 = now();
		for (int i = 0; i < SWITCH_OPS; i++)
			missed += !swtch();
		keep_best(&best, t0, now());
	}
	if (missed) {
		printf("bench: %s: %u of %u swtch() calls found nobody ready\n",
		       name, missed, ROUNDS * SWITCH_OPS);
		return 1;
	}
	report(name, best, 2 * SWITCH_OPS);   /* each round trip is two switches */
	return 0;
}

static int thread_switch_bench(void)
{
	long id = thread_spawn(switch_partner, NULL, peer_stack, sizeof(peer_stack));
	if (id < 0) {
		printf("bench: thread_switch: thread_spawn returned %ld\n", id);
		return 1;
	}
	int rc = alternate("thread_switch");
	peer_stop = true;
	if (rc == 0 && peer_ran == 0) {
		printf("bench: thread_switch: the second thread never ran\n");
		return 1;
	}
	return rc;
}

int main(int argc, char **argv, char **envp)
{
	if (argc > 1 && strcmp(argv[1], "tasks") == 0) {
		int rc = alternate("task_switch");
		printf("bench: done (%s ticks)\n", MACHV_TICKS_NAME);
		return rc;
	}
	null_trap();
	self_trap();
	page_fault();
	int rc = thread_switch_bench();
	printf("bench: done (%s ticks)\n", MACHV_TICKS_NAME);
	return rc;
}
