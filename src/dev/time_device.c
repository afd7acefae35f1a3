/* The "time" device: GNU Mach's mapped-time device, read side.
 *
 * GNU Mach programs (glibc's maptime) open "time" and device_map it to
 * get a read-only page holding a mapped_time_value the clock interrupt
 * keeps current.  machv cannot map it yet (its address spaces have no
 * memory objects; device_map answers D_INVALID_OPERATION), so the device
 * gives the same value by reading: one 64-byte record, recnum 0, made
 * from the clock at the moment of the read.  Reading is exact where the
 * mapped page is only as fresh as the last tick, and costs nothing while
 * nobody reads.
 *
 * Time of day is host_set_time's offset plus the uptime (machv reads no
 * real-time clock), exactly what host_get_time answers; the 32-bit
 * seconds are that time truncated, as GNU Mach stores them. */
#include <kern/device.h>
#include <kern/string.h>
#include <kern/time_device.h>
#include <kern/timer.h>
#include "../kobj/routines.h"

void time_device_snapshot(volatile struct mapped_time *mt)
{
	struct time_value64 now;
	uint64_t up = clock_ns();
	host_time_of_day(&now);

	/* Each group: its check word, then the fraction, then the seconds,
	 * with barriers between (the reader goes the other way round). */
	mt->check_seconds = (int32_t)now.seconds;
	mt->check_seconds64 = now.seconds;
	__sync_synchronize();
	mt->microseconds = (int32_t)(now.nanoseconds / 1000);
	mt->tv_nanoseconds = now.nanoseconds;
	__sync_synchronize();
	mt->seconds = (int32_t)now.seconds;
	mt->tv_seconds = now.seconds;

	mt->check_upseconds64 = (int64_t)(up / NSEC_PER_SEC);
	__sync_synchronize();
	mt->up_nanoseconds = (int64_t)(up % NSEC_PER_SEC);
	__sync_synchronize();
	mt->up_seconds = (int64_t)(up / NSEC_PER_SEC);
	mt->pad = 0;
}

/* The one record, or as much of it as asked for. */
static int time_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf, size_t len,
		     size_t *done)
{
	*done = 0;
	if (recnum != 0)
		return D_INVALID_RECNUM;
	struct mapped_time mt;
	time_device_snapshot(&mt);
	size_t n = MIN(len, sizeof(mt));
	memcpy(buf, &mt, n);
	*done = n;
	return D_SUCCESS;
}

/* The clock is not the device's to set (host_set_time does that): the
 * device is read-only, and its size is its one record. */
static const struct device_ops time_ops = {
	.read = time_read,
};

static struct device time_device = {
	.name = "time",
	.ops = &time_ops,
	.flags = DEVICE_READ_ONLY,
	.size = sizeof(struct mapped_time),
	.record_size = sizeof(struct mapped_time),
};

int time_device_register(void)
{
	return device_register(&time_device);
}
