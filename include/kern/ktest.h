/* In-kernel self-tests.
 *
 * A test is a function registered with KTEST(name) in tests/ktest/.  The
 * command line word "ktest" runs them all, "ktest=a,b" a subset.  Results are
 * printed as TAP ("ok N - name" / "not ok N - name"), then a final
 * "N passed, M failed" line (", K skipped" added when some were skipped), then the machine powers off with a status that
 * says which.
 *
 * KT_EXPECT records a failure and goes on; KT_ASSERT records a failure and
 * returns from the test function. */
#ifndef KERN_KTEST_H
#define KERN_KTEST_H

#include <kern/types.h>

struct ktest {
	const char *name;
	void (*fn)(void);
};

#define KTEST(tname) \
	static void ktest_fn_##tname(void); \
	static const struct ktest ktest_desc_##tname \
		__section(".ktests") __used __aligned(8) = { #tname, ktest_fn_##tname }; \
	static void ktest_fn_##tname(void)

void ktest_fail(const char *file, int line, const char *what);
/* printf-style diagnostic line, printed as a TAP comment ("# ..."). */
void ktest_note(const char *fmt, ...) __printf(1, 2);
/* Mark the running test skipped (it could not run here, e.g. a device is
 * missing); the runner reports "ok N - name # SKIP reason".  The test
 * should return right after. */
void ktest_skip(const char *fmt, ...) __printf(1, 2);

#define KT_EXPECT(cond) \
	do { if (!(cond)) ktest_fail(__FILE__, __LINE__, #cond); } while (0)
#define KT_ASSERT(cond) \
	do { if (!(cond)) { ktest_fail(__FILE__, __LINE__, #cond); return; } } while (0)

/* Run the tests named by the command line; never returns. */
__noreturn void ktest_run(const char *selection, size_t len);

#endif
