/* The in-kernel self-test runner.  Tests are collected by the linker from
 * the .ktests section; the runner prints TAP so the host's Automake harness
 * can count each test, then a "N passed, M failed" line, then powers off
 * with status 0 only if everything passed. */
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/timer.h>
#include "pv/pv.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static unsigned current_failures;
static char current_skip[96];

void ktest_fail(const char *file, int line, const char *what)
{
	current_failures++;
	kprintf("# FAIL %s:%d: %s\n", file, line, what);
}

void ktest_note(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("# %s\n", buf);
}

void ktest_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(current_skip, sizeof(current_skip), fmt, ap);
	va_end(ap);
	if (!current_skip[0])
		strlcpy(current_skip, "skipped", sizeof(current_skip));
}

static bool selected(const struct ktest *t, const char *sel, size_t len)
{
	const char *cur = sel, *item;
	size_t ilen;
	if (!sel || !len)
		return true;
	while (cmdline_next_item(&cur, sel + len, &item, &ilen))
		if (ilen == strlen(t->name) && memcmp(item, t->name, ilen) == 0)
			return true;
	return false;
}

/* Names in the selection that match no test are mistakes worth reporting. */
static unsigned report_unknown(const char *sel, size_t len)
{
	const char *cur = sel, *item;
	size_t ilen;
	unsigned unknown = 0;
	if (!sel)
		return 0;
	while (cmdline_next_item(&cur, sel + len, &item, &ilen)) {
		bool found = false;
		for (const struct ktest *t = __ktests_start; t < __ktests_end && !found; t++)
			found = ilen == strlen(t->name) && memcmp(item, t->name, ilen) == 0;
		if (!found) {
			kprintf("ktest: no test named '%.*s'\n", (int)ilen, item);
			unknown++;
		}
	}
	return unknown;
}

void ktest_run(const char *sel, size_t len)
{
	unsigned planned = 0, passed = 0, failed = 0, skipped = 0, n = 0;

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		planned += selected(t, sel, len);
	failed += report_unknown(sel, len);

	kprintf("TAP version 13\n1..%u\n", planned);
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (!selected(t, sel, len))
			continue;
		current_failures = 0;
		current_skip[0] = '\0';
		uint64_t t0 = clock_ns();
		t->fn();
		uint64_t us = (clock_ns() - t0) / 1000;
		n++;
		if (current_failures) {
			failed++;
			kprintf("not ok %u - %s (%llu us)\n", n, t->name, (unsigned long long)us);
		} else if (current_skip[0]) {
			skipped++;
			kprintf("ok %u - %s # SKIP %s\n", n, t->name, current_skip);
		} else {
			passed++;
			kprintf("ok %u - %s (%llu us)\n", n, t->name, (unsigned long long)us);
		}
	}
	if (skipped)
		kprintf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		kprintf("%u passed, %u failed\n", passed, failed);
	kernel_poweroff(failed ? 1 : 0);
}
