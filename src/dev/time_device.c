/* The "time" device: GNU Mach's mapped-time device.
 *
 * GNU Mach programs (glibc's maptime) open "time" and device_map it, then
 * vm_map the pager they get: a read-only page holding a
 * mapped_time_value the kernel keeps current.  machv keeps one such page
 * and refreshes it from a 10 ms timer, started by the first device_map
 * (a machine where nobody maps the time takes no such interrupt).  The
 * device can also be read: one 64-byte record, recnum 0, made from the
 * clock at the moment of the read (exact, where the page is as fresh as
 * its last refresh).
 *
 * Time of day is the kernel's (kern/timer.h: host_set_time's offset plus
 * the uptime; machv reads no real-time clock), exactly what host_get_time
 * answers; the 32-bit seconds are that time truncated, as GNU Mach stores
 * them. */
#include <kern/arch.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/string.h>
#include <kern/time_device.h>
#include <kern/timer.h>
#include <kern/vm_prot.h>

#define TIME_PAGE_REFRESH_NS (10 * NSEC_PER_MSEC)

void time_device_snapshot(volatile struct mapped_time *mt)
{
	uint64_t up = clock_ns();
	int64_t tod = time_of_day_ns();
	struct { int64_t seconds, nanoseconds; } now = {
		tod / (int64_t)NSEC_PER_SEC, tod % (int64_t)NSEC_PER_SEC,
	};

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

/* The mapped page, made by the first device_map, and its refresh. */
static paddr_t time_page = PADDR_NONE;
static struct timer_event refresh;

static void refresh_page(struct timer_event *ev)
{
	time_device_snapshot(phys_to_virt(time_page));
	timer_add(ev, clock_ns() + TIME_PAGE_REFRESH_NS);
}

/* device_map: the one page, read-only. */
static int time_map(struct device *dev, uint64_t offset, uint64_t size, paddr_t *pa,
		    unsigned *max_prot)
{
	if (offset != 0 || size == 0 || size > PAGE_SIZE)
		return D_INVALID_SIZE;
	irqflags_t f = arch_irq_save();
	if (time_page == PADDR_NONE) {
		paddr_t page = page_alloc(0);
		if (page != PADDR_NONE) {
			memset(phys_to_virt(page), 0, PAGE_SIZE);
			time_page = page;
			refresh.fn = refresh_page;
			refresh_page(&refresh);
		}
	}
	arch_irq_restore(f);
	if (time_page == PADDR_NONE)
		return D_NO_MEMORY;
	*pa = time_page;
	*max_prot = PROT_R;
	return D_SUCCESS;
}

/* The clock is not the device's to set (host_set_time does that): the
 * device is read-only, and its size is its one record. */
static const struct device_ops time_ops = {
	.read = time_read,
	.map = time_map,
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
