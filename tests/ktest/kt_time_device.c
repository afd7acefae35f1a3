/* Self-tests of the "time" device (src/dev/time_device.c): registered
 * read-only with one 64-byte record; a read is GNU Mach's
 * mapped_time_value, its check words equal to their seconds, its time of
 * day between two host_get_time64 answers around it and its uptime
 * between two clock readings; successive reads never go back; other
 * records, writes and device_map are refused.  Requests are built by
 * hand (kt_devrpc.h). */
#include <kern/errno.h>
#include <kern/time_device.h>
#include <kern/timer.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>
#include "kt_devrpc.h"

/* The offsets of mapped_time_value_t's fields in GNU Mach's header
 * (LP64). */
_Static_assert(__builtin_offsetof(struct mapped_time, tv_seconds) == 16, "time_value");
_Static_assert(__builtin_offsetof(struct mapped_time, check_seconds64) == 32, "check64");
_Static_assert(__builtin_offsetof(struct mapped_time, up_seconds) == 40, "uptime_value");
_Static_assert(__builtin_offsetof(struct mapped_time, check_upseconds64) == 56, "checkup");

static int64_t ns_of(int64_t s, int64_t ns)
{
	return s * (int64_t)NSEC_PER_SEC + ns;
}

/* The fields agree with one another. */
static bool coherent(const struct mapped_time *mt)
{
	bool ok = mt->check_seconds == mt->seconds && mt->check_seconds64 == mt->tv_seconds &&
		  mt->check_upseconds64 == mt->up_seconds &&
		  mt->seconds == (int32_t)mt->tv_seconds &&
		  mt->microseconds == (int32_t)(mt->tv_nanoseconds / 1000) &&
		  mt->tv_nanoseconds >= 0 && mt->tv_nanoseconds < (int64_t)NSEC_PER_SEC &&
		  mt->up_nanoseconds >= 0 && mt->up_nanoseconds < (int64_t)NSEC_PER_SEC &&
		  mt->pad == 0;
	if (!ok)
		ktest_note("time: %d.%06d (check %d) %lld.%09lld (check %lld) up %lld.%09lld "
			   "(check %lld)", mt->seconds, mt->microseconds, mt->check_seconds,
			   (long long)mt->tv_seconds, (long long)mt->tv_nanoseconds,
			   (long long)mt->check_seconds64, (long long)mt->up_seconds,
			   (long long)mt->up_nanoseconds, (long long)mt->check_upseconds64);
	return ok;
}

/* host_get_time64 through the host port: the time in ns, or -1. */
static int64_t host_time_ns(struct ktd_env *env)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	if (ktd_rpc(env, &r, env->host, KTD_HOST_GET_TIME64) != KERN_SUCCESS)
		return -1;
	return ns_of((int64_t)ktd_u64(&b, 8), (int64_t)ktd_u64(&b, 16));
}

KTEST(time_device_registry)
{
	struct device *t = device_lookup("time", 4);
	KT_ASSERT(t != NULL);
	KT_EXPECT(t->flags & DEVICE_READ_ONLY);
	KT_EXPECT(t->size == sizeof(struct mapped_time) && t->record_size == t->size);
	KT_EXPECT(time_device_register() == K_EEXIST);

	/* The snapshot on its own. */
	struct mapped_time mt;
	memset(&mt, 0xa5, sizeof(mt));
	uint64_t before = clock_ns();
	time_device_snapshot(&mt);
	uint64_t after = clock_ns();
	KT_EXPECT(coherent(&mt));
	int64_t up = ns_of(mt.up_seconds, mt.up_nanoseconds);
	KT_EXPECT(up >= (int64_t)before && up <= (int64_t)after);
	device_release(t);
}

KTEST(time_device_read)
{
	struct ktd_env env;
	KT_ASSERT(ktd_env_init(&env, "kt-time"));
	static union ktd_buf b;
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_EXPECT(ktd_open(&env, D_READ | D_WRITE, "time", &dev) == D_READ_ONLY);
	KT_ASSERT(ktd_open(&env, D_READ, "time", &dev) == KERN_SUCCESS);

	/* Between two host_get_time64 answers and two clock readings. */
	int64_t tod_before = host_time_ns(&env);
	uint64_t up_before = clock_ns();
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, 0, IO_INBAND_MAX, &b) == KERN_SUCCESS);
	uint64_t up_after = clock_ns();
	int64_t tod_after = host_time_ns(&env);
	KT_EXPECT(tod_before >= 0 && tod_after >= tod_before);
	KT_EXPECT(ktd_u32(&b, 4) == sizeof(struct mapped_time));
	struct mapped_time first;
	memcpy(&first, b.reply.body + 8, sizeof(first));
	KT_EXPECT(coherent(&first));
	int64_t tod = ns_of(first.tv_seconds, first.tv_nanoseconds);
	int64_t up = ns_of(first.up_seconds, first.up_nanoseconds);
	KT_EXPECT(tod >= tod_before && tod <= tod_after);
	KT_EXPECT(up >= (int64_t)up_before && up <= (int64_t)up_after);

	/* Never backwards, read after read, in band and out of line (where
	 * asking for more gives the one record). */
	struct mapped_time prev = first;
	for (int i = 0; i < 20; i++) {
		struct mapped_time now;
		if (i % 2) {
			KT_EXPECT(ktd_read(&env, dev, KTD_READ, 0, 1000, &b) == KERN_SUCCESS);
			uint32_t count = ktd_u32(&b, 4);
			uint64_t addr = ktd_u64(&b, 8);
			KT_EXPECT(count == sizeof(now));
			KT_EXPECT(addr != 0 &&
				  vm_map_read(&env.task->map, addr, &now, sizeof(now)) == K_OK);
		} else {
			KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, 0, sizeof(now), &b) ==
				  KERN_SUCCESS);
			KT_EXPECT(ktd_u32(&b, 4) == sizeof(now));
			memcpy(&now, b.reply.body + 8, sizeof(now));
		}
		KT_EXPECT(coherent(&now));
		KT_EXPECT(ns_of(now.tv_seconds, now.tv_nanoseconds) >=
			  ns_of(prev.tv_seconds, prev.tv_nanoseconds));
		KT_EXPECT(ns_of(now.up_seconds, now.up_nanoseconds) >=
			  ns_of(prev.up_seconds, prev.up_nanoseconds));
		prev = now;
	}
	/* Part of the record: its first bytes. */
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, 0, 8, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 8);

	/* One record only; no writes; size and records; the page mappable. */
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, 1, 64, &b) == D_INVALID_RECNUM);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, 7, 64, &b) == D_INVALID_RECNUM);
	KT_EXPECT(ktd_write_inband(&env, dev, 0, "x", 1) == D_READ_ONLY);
	KT_EXPECT(ktd_get_status(&env, dev, DEV_GET_SIZE, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 8) == sizeof(struct mapped_time) &&
		  ktd_u32(&b, 12) == sizeof(struct mapped_time));
	KT_EXPECT(ktd_get_status(&env, dev, DEV_GET_RECORDS, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 8) == 1);
	/* device_map gives a pager for the one page, read-only. */
	KT_EXPECT(ktd_map(&env, dev, PROT_R, 0, PAGE_SIZE) == D_SUCCESS);
	KT_EXPECT(ktd_map(&env, dev, PROT_R | PROT_W, 0, PAGE_SIZE) == D_READ_ONLY);
	KT_EXPECT(ktd_map(&env, dev, PROT_R, PAGE_SIZE, PAGE_SIZE) == D_INVALID_SIZE);

	KT_EXPECT(ktd_close(&env, dev) == KERN_SUCCESS);
	ktd_env_fini(&env);
}
