/* The Mach test suite's reporting (guests/programs/mt-*.c): one line per
 * case, "ok N - WHAT" or "not ok N - WHAT: got X want Y", and a last line
 * "mt-NAME: P passed, F failed" that tests/boot/user-mach.sh judges. */
#ifndef MACHV_MT_H
#define MACHV_MT_H

#include <machv/libc.h>

void mt_begin(const char *name);
/* Print the summary; the exit status for main: 0 only if nothing failed. */
int mt_end(void);

/* got == want, as integers (kern_return_t, names, counts...). */
bool mt_eq(long got, long want, const char *what, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for return codes: failures print their symbolic names. */
bool mt_kr(long got, long want, const char *what, ...)
	__attribute__((format(printf, 3, 4)));
/* A condition; detail says what was seen when it fails. */
bool mt_ok(bool cond, const char *what, ...)
	__attribute__((format(printf, 2, 3)));
/* A case that is counted as failed with a reason (something it needed
 * earlier did not work). */
void mt_fail(const char *what, const char *why);

/* A short symbolic name for a kern_return_t / mach_msg_return_t, or NULL. */
const char *mt_kr_name(long kr);

#define MT_KR(call, want, ...) mt_kr((long)(call), (long)(want), __VA_ARGS__)

#endif
