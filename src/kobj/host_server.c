/* mach_host.defs and gnumach.defs: the host.  Information routines answer
 * on the host port and on host-priv; host_reboot only on host-priv (the
 * stub's conversion refuses the other with KERN_INVALID_HOST before it
 * gets here).
 *
 * Time: the time of day is set at boot from the machine's real-time
 * clock (kern/rtc.h; the epoch where there is none) and runs with the
 * kernel's clock; host_set_time (on host-priv) moves it,
 * host_get_uptime64 is the time since boot alone. */
#include <kern/arch.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/timer.h>
#include "routines.h"

#define HOST_BASIC_INFO      1
#define HOST_PROCESSOR_SLOTS 2
#define HOST_SCHED_INFO      3
#define HOST_LOAD_INFO       4

#define RB_HALT 0x8   /* host_reboot: power off instead of restarting */

/* The LP64 layouts of mach/host_info.h, counted in 32-bit words. */
struct host_basic_info {
	int32_t max_cpus, avail_cpus;
	uint64_t memory_size;
	int32_t cpu_type, cpu_subtype;
};
_Static_assert(sizeof(struct host_basic_info) == 6 * 4, "HOST_BASIC_INFO_COUNT is 6");
struct host_sched_info { int32_t min_timeout, min_quantum; };
struct host_load_info { int32_t avenrun[3], mach_factor[3]; };

/* Copy a flavour's data out if the caller's buffer (*count words) holds
 * it: GNU Mach answers KERN_FAILURE otherwise. */
static kern_return_t info_out(int32_t *info, uint32_t *count, const void *data, size_t bytes)
{
	uint32_t words = (uint32_t)(bytes / 4);
	if (*count < words)
		return KERN_FAILURE;
	memcpy(info, data, bytes);
	*count = words;
	return KERN_SUCCESS;
}

kern_return_t S_host_info(struct host *host, int32_t flavor, int32_t *info, uint32_t *count)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	switch (flavor) {
	case HOST_BASIC_INFO: {
		struct page_stats ps;
		page_alloc_stats(&ps);
		struct host_basic_info bi = {
			.max_cpus = 1, .avail_cpus = 1,
			.memory_size = (uint64_t)ps.total_pages * PAGE_SIZE,
			.cpu_type = MACHINE_CPU_TYPE, .cpu_subtype = 0,
		};
		return info_out(info, count, &bi, sizeof(bi));
	}
	case HOST_PROCESSOR_SLOTS: {
		int32_t slot = 0;   /* one processor, in slot 0 */
		return info_out(info, count, &slot, sizeof(slot));
	}
	case HOST_SCHED_INFO: {
		/* Timeouts are tickless (1 ms is the unit the interfaces use);
		 * the quantum is the scheduler's. */
		struct host_sched_info si = {
			.min_timeout = 1,
			.min_quantum = (int32_t)(SCHED_QUANTUM_NS / NSEC_PER_MSEC),
		};
		return info_out(info, count, &si, sizeof(si));
	}
	case HOST_LOAD_INFO: {
		/* Load averages are not kept: all zero, mach_factor the one
		 * idle CPU (LOAD_SCALE 1000). */
		struct host_load_info li = { { 0, 0, 0 }, { 1000, 1000, 1000 } };
		return info_out(info, count, &li, sizeof(li));
	}
	default:
		return KERN_INVALID_ARGUMENT;
	}
}


static struct time_value64 split_ns(int64_t ns)
{
	int64_t s = ns / (int64_t)NSEC_PER_SEC, rest = ns % (int64_t)NSEC_PER_SEC;
	if (rest < 0) {
		rest += NSEC_PER_SEC;
		s--;
	}
	return (struct time_value64){ s, rest };
}

static struct time_value64 since_boot(void)
{
	return split_ns((int64_t)clock_ns());
}

static struct time_value64 time_of_day(void)
{
	return split_ns(time_of_day_ns());
}

static kern_return_t set_time_of_day(struct host *host, int64_t seconds, int64_t ns)
{
	if (host == NULL || !host->priv)
		return KERN_INVALID_HOST;
	if (ns < 0 || ns >= (int64_t)NSEC_PER_SEC || seconds < 0 ||
	    seconds > INT64_MAX / (int64_t)NSEC_PER_SEC - 1)
		return KERN_INVALID_ARGUMENT;
	time_of_day_set_ns(seconds * (int64_t)NSEC_PER_SEC + ns);
	return KERN_SUCCESS;
}

kern_return_t S_host_set_time(struct host *host, struct time_value new_time)
{
	return set_time_of_day(host, new_time.seconds, (int64_t)new_time.microseconds * 1000);
}

kern_return_t S_host_set_time64(struct host *host, struct time_value64 new_time)
{
	return set_time_of_day(host, new_time.seconds, new_time.nanoseconds);
}

kern_return_t S_host_get_time(struct host *host, void *time)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	struct time_value64 t = time_of_day();
	struct time_value tv = { t.seconds, (int32_t)(t.nanoseconds / 1000), 0 };
	memcpy(time, &tv, sizeof(tv));
	return KERN_SUCCESS;
}

kern_return_t S_host_get_time64(struct host *host, void *time)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	struct time_value64 t = time_of_day();
	memcpy(time, &t, sizeof(t));
	return KERN_SUCCESS;
}

kern_return_t S_host_get_uptime64(struct host *host, void *time)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	struct time_value64 t = since_boot();
	memcpy(time, &t, sizeof(t));
	return KERN_SUCCESS;
}

#define KERNEL_VERSION_MAX 512

kern_return_t S_host_get_kernel_version(struct host *host, char *version)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	ksnprintf(version, KERNEL_VERSION_MAX, "machv %s (%s)", MACHV_VERSION, MACHV_ARCH);
	return KERN_SUCCESS;
}

kern_return_t S_host_reboot(struct host *host, int32_t options)
{
	if (host == NULL || !host->priv)
		return KERN_INVALID_HOST;
	kprintf("machv: host_reboot(%#x) by task %s\n", (unsigned)options,
		task_current() ? task_current()->name : "?");
	if (options & RB_HALT)
		kernel_poweroff(0);
	kernel_reboot();
}
