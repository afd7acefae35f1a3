/* The "time" device (src/dev/time_device.c): reads give the clock as GNU
 * Mach's mapped_time_value (mach/time_value.h), the layout GNU Mach keeps
 * in its mapped time page. */
#ifndef KERN_TIME_DEVICE_H
#define KERN_TIME_DEVICE_H

#include <kern/types.h>

/* mapped_time_value_t on LP64: integer_t is 32 bits, time_value64_t two
 * int64_t.  The 32-bit fields are the old interface (time of day in
 * seconds and microseconds), the 64-bit ones the time of day and the
 * uptime in seconds and nanoseconds; each group has its check word, equal
 * to its seconds whenever the group is consistent. */
struct mapped_time {
	int32_t seconds;
	int32_t microseconds;
	int32_t check_seconds;
	int32_t pad;                 /* the compiler's, made explicit */
	int64_t tv_seconds;          /* time_value: time of day */
	int64_t tv_nanoseconds;
	int64_t check_seconds64;
	int64_t up_seconds;          /* uptime_value: time since boot */
	int64_t up_nanoseconds;
	int64_t check_upseconds64;
};
_Static_assert(sizeof(struct mapped_time) == 64, "mapped_time_value_t is 64 bytes on LP64");

/* Fill *mt with the clock now, check words written before the values and
 * seconds last, in GNU Mach's order (a reader of a shared copy that reads
 * seconds first and the check word last sees them differ while an
 * update is under way). */
void time_device_snapshot(volatile struct mapped_time *mt);

/* Register "time": K_OK or device_register's error. */
int time_device_register(void);

#endif
