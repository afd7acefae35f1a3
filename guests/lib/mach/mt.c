/* The suite's case counter and its TAP-like lines (see mt.h). */
#include <mt.h>
#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/mig_errors.h>

static const char *mt_name = "mt";
static int mt_passed, mt_failed;

void mt_begin(const char *name)
{
	mt_name = name;
	printf("%s: start\n", name);
}

int mt_end(void)
{
	printf("%s: %d passed, %d failed\n", mt_name, mt_passed, mt_failed);
	return mt_failed ? 1 : 0;
}

static const struct {
	long code;
	const char *name;
} kr_names[] = {
	{ KERN_SUCCESS, "KERN_SUCCESS" },
	{ KERN_INVALID_ADDRESS, "KERN_INVALID_ADDRESS" },
	{ KERN_PROTECTION_FAILURE, "KERN_PROTECTION_FAILURE" },
	{ KERN_NO_SPACE, "KERN_NO_SPACE" },
	{ KERN_INVALID_ARGUMENT, "KERN_INVALID_ARGUMENT" },
	{ KERN_FAILURE, "KERN_FAILURE" },
	{ KERN_RESOURCE_SHORTAGE, "KERN_RESOURCE_SHORTAGE" },
	{ KERN_NOT_RECEIVER, "KERN_NOT_RECEIVER" },
	{ KERN_NO_ACCESS, "KERN_NO_ACCESS" },
	{ KERN_MEMORY_FAILURE, "KERN_MEMORY_FAILURE" },
	{ KERN_INVALID_NAME, "KERN_INVALID_NAME" },
	{ KERN_INVALID_TASK, "KERN_INVALID_TASK" },
	{ KERN_INVALID_RIGHT, "KERN_INVALID_RIGHT" },
	{ KERN_INVALID_VALUE, "KERN_INVALID_VALUE" },
	{ KERN_UREFS_OVERFLOW, "KERN_UREFS_OVERFLOW" },
	{ KERN_INVALID_CAPABILITY, "KERN_INVALID_CAPABILITY" },
	{ KERN_RIGHT_EXISTS, "KERN_RIGHT_EXISTS" },
	{ KERN_INVALID_HOST, "KERN_INVALID_HOST" },
	{ KERN_NAME_EXISTS, "KERN_NAME_EXISTS" },
	{ KERN_ABORTED, "KERN_ABORTED" },
	{ KERN_NOT_IN_SET, "KERN_NOT_IN_SET" },
	{ MIG_TYPE_ERROR, "MIG_TYPE_ERROR" },
	{ MIG_REPLY_MISMATCH, "MIG_REPLY_MISMATCH" },
	{ MIG_REMOTE_ERROR, "MIG_REMOTE_ERROR" },
	{ MIG_BAD_ID, "MIG_BAD_ID" },
	{ MIG_BAD_ARGUMENTS, "MIG_BAD_ARGUMENTS" },
	{ MIG_NO_REPLY, "MIG_NO_REPLY" },
	{ MIG_SERVER_DIED, "MIG_SERVER_DIED" },
	{ MACH_SEND_INVALID_DATA, "MACH_SEND_INVALID_DATA" },
	{ MACH_SEND_INVALID_DEST, "MACH_SEND_INVALID_DEST" },
	{ MACH_SEND_TIMED_OUT, "MACH_SEND_TIMED_OUT" },
	{ MACH_SEND_INTERRUPTED, "MACH_SEND_INTERRUPTED" },
	{ MACH_SEND_MSG_TOO_SMALL, "MACH_SEND_MSG_TOO_SMALL" },
	{ MACH_SEND_INVALID_REPLY, "MACH_SEND_INVALID_REPLY" },
	{ MACH_SEND_INVALID_RIGHT, "MACH_SEND_INVALID_RIGHT" },
	{ MACH_SEND_INVALID_NOTIFY, "MACH_SEND_INVALID_NOTIFY" },
	{ MACH_SEND_INVALID_MEMORY, "MACH_SEND_INVALID_MEMORY" },
	{ MACH_SEND_NO_BUFFER, "MACH_SEND_NO_BUFFER" },
	{ MACH_SEND_INVALID_TYPE, "MACH_SEND_INVALID_TYPE" },
	{ MACH_SEND_INVALID_HEADER, "MACH_SEND_INVALID_HEADER" },
	{ MACH_RCV_INVALID_NAME, "MACH_RCV_INVALID_NAME" },
	{ MACH_RCV_TIMED_OUT, "MACH_RCV_TIMED_OUT" },
	{ MACH_RCV_TOO_LARGE, "MACH_RCV_TOO_LARGE" },
	{ MACH_RCV_INTERRUPTED, "MACH_RCV_INTERRUPTED" },
	{ MACH_RCV_PORT_CHANGED, "MACH_RCV_PORT_CHANGED" },
	{ MACH_RCV_INVALID_NOTIFY, "MACH_RCV_INVALID_NOTIFY" },
	{ MACH_RCV_INVALID_DATA, "MACH_RCV_INVALID_DATA" },
	{ MACH_RCV_PORT_DIED, "MACH_RCV_PORT_DIED" },
	{ MACH_RCV_IN_SET, "MACH_RCV_IN_SET" },
	{ MACH_RCV_HEADER_ERROR, "MACH_RCV_HEADER_ERROR" },
	{ MACH_RCV_BODY_ERROR, "MACH_RCV_BODY_ERROR" },
};

const char *mt_kr_name(long kr)
{
	for (size_t i = 0; i < sizeof(kr_names) / sizeof(kr_names[0]); i++)
		if (kr_names[i].code == kr)
			return kr_names[i].name;
	return NULL;
}

static void mt_line(bool ok, const char *what, va_list ap, const char *detail)
{
	char buf[200];

	vsnprintf(buf, sizeof(buf), what, ap);
	if (ok) {
		mt_passed++;
		printf("ok %d - %s\n", mt_passed + mt_failed, buf);
	} else {
		mt_failed++;
		printf("not ok %d - %s%s%s\n", mt_passed + mt_failed, buf,
		       detail ? ": " : "", detail ? detail : "");
	}
}

static void mt_describe(char *buf, size_t size, long v, bool named)
{
	const char *name = named ? mt_kr_name(v) : NULL;

	if (name && v != 0)
		snprintf(buf, size, "%s (%ld)", name, v);
	else
		snprintf(buf, size, "%ld (0x%lx)", v, (unsigned long)v);
}

static bool mt_compare(long got, long want, bool named, const char *what, va_list ap)
{
	char detail[120], g[56], w[56];

	mt_describe(g, sizeof(g), got, named);
	mt_describe(w, sizeof(w), want, named);
	snprintf(detail, sizeof(detail), "got %s want %s", g, w);
	mt_line(got == want, what, ap, detail);
	return got == want;
}

bool mt_eq(long got, long want, const char *what, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, what);
	ok = mt_compare(got, want, false, what, ap);
	va_end(ap);
	return ok;
}

bool mt_kr(long got, long want, const char *what, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, what);
	ok = mt_compare(got, want, true, what, ap);
	va_end(ap);
	return ok;
}

bool mt_ok(bool cond, const char *what, ...)
{
	va_list ap;

	va_start(ap, what);
	mt_line(cond, what, ap, "false");
	va_end(ap);
	return cond;
}

void mt_fail(const char *what, const char *why)
{
	mt_failed++;
	printf("not ok %d - %s: %s\n", mt_passed + mt_failed, what, why);
}
