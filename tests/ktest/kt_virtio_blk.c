/* Self-tests of the virtio-blk driver (virtio/drivers/blk.c) through the
 * device interface, against the disks a boot test attached.
 *
 * The boot test says what it attached with
 *     ktest_virtio_blk=NAME:SECTORS:MODE[,NAME:SECTORS:MODE...]
 * MODE being rw (a writable image), ro (readonly=on) or ioerr (every read
 * fails, through QEMU's blkdebug).  Its images start with the text
 * "MACHV-BLK-FIRST" in sector 0 and "MACHV-BLK-LAST" in the last sector.
 * Without the option and without disks the tests are skipped.
 *
 * ktest_virtio_blk_resize=NAME:SECTORS asks virtio_blk_resize to announce
 * "waiting for NAME to grow", then wait for the host to resize the disk
 * to SECTORS (QEMU's block_resize, sent by the boot test when it sees the
 * announcement): the configuration-change interrupt must update the
 * device's size. */
#include <ipc/kmsg.h>
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include "kt_threads.h"
#include "src/kobj/routines.h"
#include "virtio/blk.h"

#define MAX_EXPECT 4
#define FIRST_TAG "MACHV-BLK-FIRST"
#define LAST_TAG  "MACHV-BLK-LAST"

enum blk_mode { MODE_RW, MODE_RO, MODE_IOERR };

struct blk_expect {
	char name[8];
	uint64_t sectors;
	enum blk_mode mode;
};

static struct blk_expect expect[MAX_EXPECT];
static unsigned nexpect;

static const char *find_colon(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s == ':')
			return s;
	return NULL;
}

/* Parse ktest_virtio_blk; false (with a note) if it is malformed. */
static bool parse_expect(void)
{
	size_t len;
	const char *v = cmdline_value("ktest_virtio_blk", &len);
	const char *cursor = v, *item;
	size_t ilen;

	nexpect = 0;
	if (!v)
		return true;
	while (cmdline_next_item(&cursor, v + len, &item, &ilen)) {
		const char *c1 = find_colon(item, item + ilen);
		const char *c2 = c1 ? find_colon(c1 + 1, item + ilen) : NULL;
		if (nexpect == MAX_EXPECT || !c1 || !c2 || (size_t)(c1 - item) >= sizeof(expect[0].name)) {
			ktest_note("bad ktest_virtio_blk item '%.*s'", (int)ilen, item);
			return false;
		}
		struct blk_expect *e = &expect[nexpect];
		memset(e->name, 0, sizeof(e->name));
		memcpy(e->name, item, (size_t)(c1 - item));
		const char *mode = c2 + 1;
		size_t mlen = (size_t)(item + ilen - mode);
		if (!parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), &e->sectors) || e->sectors < 2) {
			ktest_note("bad sector count in '%.*s'", (int)ilen, item);
			return false;
		}
		if (mlen == 2 && memcmp(mode, "rw", 2) == 0)
			e->mode = MODE_RW;
		else if (mlen == 2 && memcmp(mode, "ro", 2) == 0)
			e->mode = MODE_RO;
		else if (mlen == 5 && memcmp(mode, "ioerr", 5) == 0)
			e->mode = MODE_IOERR;
		else {
			ktest_note("bad mode in '%.*s'", (int)ilen, item);
			return false;
		}
		nexpect++;
	}
	return true;
}

/* Parse the option; skip the test (returning false) when there is nothing
 * to test. */
static bool setup(void)
{
	if (!parse_expect()) {
		KT_EXPECT(!"ktest_virtio_blk is well formed");
		return false;
	}
	if (nexpect == 0) {
		ktest_skip("no disk described (boot with ktest_virtio_blk=hd0:SECTORS:rw and a disk)");
		return false;
	}
	return true;
}

static struct device *open_disk(const struct blk_expect *e, uint32_t mode)
{
	struct device *dev = device_lookup(e->name, strlen(e->name));
	if (!dev) {
		ktest_note("%s is not registered", e->name);
		return NULL;
	}
	int rc = device_open_count(dev, mode);
	if (rc != D_SUCCESS) {
		ktest_note("%s: open(%u) = %d", e->name, mode, rc);
		device_release(dev);
		return NULL;
	}
	return dev;
}

static void close_disk(struct device *dev)
{
	device_close_count(dev);
	device_release(dev);
}

static int dread(struct device *dev, uint64_t recnum, void *buf, size_t len, size_t *done)
{
	return dev->ops->read(dev, D_READ, recnum, buf, len, done);
}

static int dwrite(struct device *dev, uint64_t recnum, const void *buf, size_t len, size_t *done)
{
	return dev->ops->write(dev, D_READ | D_WRITE, recnum, buf, len, done);
}

static char buf[2 * PAGE_SIZE], buf2[2 * PAGE_SIZE];

KTEST(virtio_blk_disks)
{
	if (!setup())
		return;
	KT_EXPECT(virtio_blk_count() == nexpect);
	for (unsigned i = 0; i < nexpect; i++) {
		const struct blk_expect *e = &expect[i];
		struct device *dev = device_lookup(e->name, strlen(e->name));
		if (!dev) {
			ktest_note("%s is not registered", e->name);
			KT_EXPECT(dev != NULL);
			continue;
		}
		KT_EXPECT(virtio_blk_is_disk(dev));
		KT_EXPECT(dev->record_size == 512);
		KT_EXPECT(dev->size == e->sectors * 512);
		KT_EXPECT(!!(dev->flags & DEVICE_READ_ONLY) == (e->mode == MODE_RO));

		int32_t st[8];
		uint32_t count = 8;
		KT_EXPECT(dev->ops->get_status(dev, DEV_GET_BLK_INFO, st, &count) == D_SUCCESS);
		KT_EXPECT(count == VIRTIO_BLK_INFO_COUNT);
		KT_EXPECT(((uint64_t)(uint32_t)st[1] << 32 | (uint32_t)st[0]) == e->sectors);
		KT_EXPECT(st[2] == 512);
		KT_EXPECT(!!(st[3] & VIRTIO_BLK_INFO_RO) == (e->mode == MODE_RO));
		KT_EXPECT(st[4] >= 512);
		count = 4;
		KT_EXPECT(dev->ops->get_status(dev, DEV_GET_BLK_INFO, st, &count) == D_INVALID_SIZE);
		/* The generic flavors are the device layer's, not the driver's. */
		count = 8;
		KT_EXPECT(dev->ops->get_status(dev, DEV_GET_RECORDS, st, &count) ==
			  D_INVALID_OPERATION);
		KT_EXPECT(dev->ops->set_status(dev, 12345, st, 0) == D_INVALID_OPERATION);
		ktest_note("%s: %llu sectors, %s", e->name, (unsigned long long)e->sectors,
			   e->mode == MODE_RO ? "read-only" : e->mode == MODE_IOERR ? "failing reads" : "writable");
		device_release(dev);
	}
}

KTEST(virtio_blk_read)
{
	if (!setup())
		return;
	for (unsigned i = 0; i < nexpect; i++) {
		const struct blk_expect *e = &expect[i];
		if (e->mode == MODE_IOERR)
			continue;
		struct device *dev = open_disk(e, D_READ);
		size_t done;
		KT_ASSERT(dev != NULL);
		memset(buf, 0x5a, sizeof(buf));
		KT_EXPECT(dread(dev, 0, buf, 512, &done) == D_SUCCESS && done == 512);
		KT_EXPECT(memcmp(buf, FIRST_TAG, strlen(FIRST_TAG)) == 0);
		KT_EXPECT(buf[600] == 0x5a);   /* nothing past what was asked */
		KT_EXPECT(dread(dev, e->sectors - 1, buf, 512, &done) == D_SUCCESS && done == 512);
		KT_EXPECT(memcmp(buf, LAST_TAG, strlen(LAST_TAG)) == 0);
		/* A whole page, then a transfer cut short by the end of the disk. */
		KT_EXPECT(dread(dev, 0, buf, PAGE_SIZE, &done) == D_SUCCESS && done == PAGE_SIZE);
		KT_EXPECT(memcmp(buf, FIRST_TAG, strlen(FIRST_TAG)) == 0);
		KT_EXPECT(dread(dev, e->sectors - 1, buf, 1024, &done) == D_SUCCESS && done == 512);
		KT_EXPECT(memcmp(buf, LAST_TAG, strlen(LAST_TAG)) == 0);
		/* Bad requests. */
		KT_EXPECT(dread(dev, e->sectors, buf, 512, &done) == D_INVALID_RECNUM && done == 0);
		KT_EXPECT(dread(dev, UINT64_MAX, buf, 512, &done) == D_INVALID_RECNUM);
		/* A read may end inside a sector; a write may not (see _write). */
		memset(buf, 0x5a, sizeof(buf));
		KT_EXPECT(dread(dev, 0, buf, 100, &done) == D_SUCCESS && done == 100);
		KT_EXPECT(memcmp(buf, FIRST_TAG, strlen(FIRST_TAG)) == 0 && buf[100] == 0x5a);
		KT_EXPECT(dread(dev, e->sectors - 2, buf, 700, &done) == D_SUCCESS && done == 700);
		KT_EXPECT(memcmp(buf + 512, LAST_TAG, strlen(LAST_TAG)) == 0 && buf[700] == 0x5a);
		KT_EXPECT(dread(dev, 0, buf, 0, &done) == D_SUCCESS && done == 0);
		struct virtio_blk_stats st;
		KT_EXPECT(virtio_blk_get_stats(dev, &st) == K_OK && st.errors == 0 && st.in_flight == 0);
		close_disk(dev);
	}
}

KTEST(virtio_blk_write)
{
	if (!setup())
		return;
	for (unsigned i = 0; i < nexpect; i++) {
		const struct blk_expect *e = &expect[i];
		size_t done;
		if (e->mode == MODE_RO) {
			struct device *dev = device_lookup(e->name, strlen(e->name));
			KT_ASSERT(dev != NULL);
			KT_EXPECT(device_open_count(dev, D_READ | D_WRITE) == D_READ_ONLY);
			KT_EXPECT(device_open_count(dev, D_READ) == D_SUCCESS);
			KT_EXPECT(dwrite(dev, 1, buf, 512, &done) == D_READ_ONLY && done == 0);
			KT_EXPECT(dread(dev, 0, buf, 512, &done) == D_SUCCESS);
			KT_EXPECT(memcmp(buf, FIRST_TAG, strlen(FIRST_TAG)) == 0);
			close_disk(dev);
			continue;
		}
		if (e->mode != MODE_RW)
			continue;
		struct device *dev = open_disk(e, D_READ | D_WRITE);
		KT_ASSERT(dev != NULL);
		uint64_t at = e->sectors / 2 - 4;   /* clear of the tagged sectors */
		for (size_t k = 0; k < PAGE_SIZE; k++)
			buf[k] = (char)(k * 7 + i + 1);
		KT_EXPECT(dwrite(dev, at, buf, 1024, &done) == D_SUCCESS && done == 1024);
		memset(buf2, 0, sizeof(buf2));
		KT_EXPECT(dread(dev, at, buf2, 1024, &done) == D_SUCCESS && done == 1024);
		KT_EXPECT(memcmp(buf, buf2, 1024) == 0);
		/* A page, overlapping the first write. */
		for (size_t k = 0; k < PAGE_SIZE; k++)
			buf[k] = (char)(k * 13 + 5);
		KT_EXPECT(dwrite(dev, at + 1, buf, PAGE_SIZE, &done) == D_SUCCESS && done == PAGE_SIZE);
		KT_EXPECT(dread(dev, at + 1, buf2, PAGE_SIZE, &done) == D_SUCCESS && done == PAGE_SIZE);
		KT_EXPECT(memcmp(buf, buf2, PAGE_SIZE) == 0);
		KT_EXPECT(dev->ops->set_status(dev, DEV_SET_BLK_FLUSH, NULL, 0) == D_SUCCESS);
		/* Past the end and odd sizes are refused before any I/O. */
		KT_EXPECT(dwrite(dev, e->sectors, buf, 512, &done) == D_INVALID_RECNUM);
		KT_EXPECT(dwrite(dev, at, buf, 511, &done) == D_INVALID_SIZE);
		/* The tagged sectors are untouched. */
		KT_EXPECT(dread(dev, e->sectors - 1, buf2, 512, &done) == D_SUCCESS);
		KT_EXPECT(memcmp(buf2, LAST_TAG, strlen(LAST_TAG)) == 0);
		struct virtio_blk_stats st;
		KT_EXPECT(virtio_blk_get_stats(dev, &st) == K_OK && st.errors == 0);
		close_disk(dev);
	}
}

/* ---- through device.defs' server routines ------------------------------ */

/* What a task's device_read/device_write/device_*_status reach
 * (src/kobj/device_server.c), called as the MIG stubs call them: transfers
 * of several pages are cut into page-sized driver calls. */
KTEST(virtio_blk_device_server)
{
	if (!setup())
		return;
	for (unsigned i = 0; i < nexpect; i++) {
		const struct blk_expect *e = &expect[i];
		if (e->mode == MODE_IOERR)
			continue;
		bool rw = e->mode == MODE_RW;
		struct device *dev = open_disk(e, rw ? D_READ | D_WRITE : D_READ);
		KT_ASSERT(dev != NULL);
		int32_t st[8];
		uint32_t count = 8;
		KT_EXPECT(ds_device_get_status(dev, DEV_GET_RECORDS, st, &count) == D_SUCCESS);
		KT_EXPECT(count == 2 && (uint64_t)st[0] == e->sectors && st[1] == 512);
		count = 8;
		KT_EXPECT(ds_device_get_status(dev, DEV_GET_BLK_INFO, st, &count) == D_SUCCESS);
		KT_EXPECT(count == VIRTIO_BLK_INFO_COUNT && (uint32_t)st[0] == e->sectors);
		KT_EXPECT(ds_device_set_status(dev, DEV_SET_BLK_FLUSH, st, 0) == D_SUCCESS);

		/* Two pages and a half, the tail of the disk included. */
		uint64_t at = e->sectors - 5;
		uintptr_t data = 0;
		uint32_t got = 0;
		KT_EXPECT(ds_device_read(dev, NULL, 0, D_READ, 0, 2 * PAGE_SIZE + 512, &data,
					 &got) == KERN_SUCCESS);
		KT_EXPECT(got == 2 * PAGE_SIZE + 512 && data != 0);
		if (data) {
			KT_EXPECT(ipc_ool_read((struct ipc_ool *)data, 0, buf, 16) == K_OK);
			KT_EXPECT(memcmp(buf, FIRST_TAG, strlen(FIRST_TAG)) == 0);
			ipc_ool_free((struct ipc_ool *)data);
		}
		data = 0;
		KT_EXPECT(ds_device_read(dev, NULL, 0, D_READ, at, 8 * 512, &data, &got) ==
			  KERN_SUCCESS);
		KT_EXPECT(got == 5 * 512 && data != 0);   /* cut short at the end */
		if (data) {
			KT_EXPECT(ipc_ool_read((struct ipc_ool *)data, 4 * 512, buf, 16) == K_OK);
			KT_EXPECT(memcmp(buf, LAST_TAG, strlen(LAST_TAG)) == 0);
			ipc_ool_free((struct ipc_ool *)data);
		}
		/* In band is at most 128 bytes, less than a sector: the head of
		 * the sector. */
		got = 128;
		memset(buf, 0, 128);
		KT_EXPECT(ds_device_read_inband(dev, NULL, 0, D_READ, e->sectors - 1, 100, buf,
						&got) == KERN_SUCCESS && got == 100);
		KT_EXPECT(memcmp(buf, LAST_TAG, strlen(LAST_TAG)) == 0);
		int32_t wrote = -1;
		KT_EXPECT(ds_device_write_inband(dev, NULL, 0, D_WRITE, 1, buf, 100, &wrote) ==
			  (rw ? D_INVALID_SIZE : D_READ_ONLY));

		int32_t written = 0;
		struct ipc_ool *ool = ipc_ool_alloc(2 * PAGE_SIZE);
		KT_ASSERT(ool != NULL);
		for (size_t k = 0; k < 2 * PAGE_SIZE; k++)
			buf[k] = (char)(k * 3 + 11);
		KT_EXPECT(ipc_ool_write(ool, 0, buf, 2 * PAGE_SIZE) == K_OK);
		uint64_t wat = e->sectors / 4;
		int rc = ds_device_write(dev, NULL, 0, D_WRITE, wat, (uintptr_t)ool, 2 * PAGE_SIZE,
					 &written);
		ipc_ool_free(ool);
		if (!rw) {
			KT_EXPECT(rc == D_READ_ONLY);
		} else {
			KT_EXPECT(rc == KERN_SUCCESS && written == 2 * PAGE_SIZE);
			data = 0;
			KT_EXPECT(ds_device_read(dev, NULL, 0, D_READ, wat, 2 * PAGE_SIZE, &data,
						 &got) == KERN_SUCCESS && got == 2 * PAGE_SIZE);
			if (data) {
				KT_EXPECT(ipc_ool_read((struct ipc_ool *)data, 0, buf2,
						       2 * PAGE_SIZE) == K_OK);
				KT_EXPECT(memcmp(buf, buf2, 2 * PAGE_SIZE) == 0);
				ipc_ool_free((struct ipc_ool *)data);
			}
		}
		close_disk(dev);
	}
}

/* ---- several requests in flight ---------------------------------------- */

#define PAR_THREADS 4
#define PAR_ROUNDS  24

static struct {
	struct kt_group group;
	struct device *dev;
	uint64_t last;
	unsigned bad[PAR_THREADS];
	char bufs[PAR_THREADS][512];
} par;

static void par_reader(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	for (unsigned r = 0; r < PAR_ROUNDS; r++) {
		bool first = (r + me) % 2 == 0;
		size_t done;
		memset(par.bufs[me], 0, 512);
		int rc = dread(par.dev, first ? 0 : par.last, par.bufs[me], 512, &done);
		const char *tag = first ? FIRST_TAG : LAST_TAG;
		if (rc != D_SUCCESS || done != 512 || memcmp(par.bufs[me], tag, strlen(tag)) != 0)
			par.bad[me]++;
	}
	kt_group_done(&par.group);
}

KTEST(virtio_blk_parallel)
{
	if (!setup())
		return;
	const struct blk_expect *e = NULL;
	for (unsigned i = 0; i < nexpect && !e; i++)
		if (expect[i].mode != MODE_IOERR)
			e = &expect[i];
	if (!e) {
		ktest_skip("no readable disk");
		return;
	}
	struct device *dev = open_disk(e, D_READ);
	KT_ASSERT(dev != NULL);
	struct virtio_blk_stats before, after;
	KT_EXPECT(virtio_blk_get_stats(dev, &before) == K_OK);
	memset(&par, 0, sizeof(par));
	kt_group_init(&par.group);
	par.dev = dev;
	par.last = e->sectors - 1;
	unsigned started = 0;
	for (unsigned t = 0; t < PAR_THREADS; t++) {
		struct thread *th = thread_create_kernel("kt-blk", par_reader, (void *)(uintptr_t)t,
							 SCHED_PRIO_KERNEL);
		if (th) {
			thread_start(th);
			started++;
		}
	}
	KT_EXPECT(started == PAR_THREADS);
	KT_EXPECT(kt_group_wait(&par.group, started));
	for (unsigned t = 0; t < PAR_THREADS; t++)
		KT_EXPECT(par.bad[t] == 0);
	KT_EXPECT(virtio_blk_get_stats(dev, &after) == K_OK);
	KT_EXPECT(after.requests - before.requests == (uint64_t)started * PAR_ROUNDS);
	KT_EXPECT(after.in_flight == 0);
	ktest_note("%s: at most %u requests in flight", e->name, after.in_flight_max);
	KT_EXPECT(after.in_flight_max >= 2);
	close_disk(dev);
}

/* ---- errors ------------------------------------------------------------- */

KTEST(virtio_blk_ioerr)
{
	if (!setup())
		return;
	bool any = false;
	for (unsigned i = 0; i < nexpect; i++) {
		const struct blk_expect *e = &expect[i];
		if (e->mode != MODE_IOERR)
			continue;
		any = true;
		struct device *dev = open_disk(e, D_READ | D_WRITE);
		KT_ASSERT(dev != NULL);
		struct virtio_blk_stats before, after;
		size_t done = 1;
		KT_EXPECT(virtio_blk_get_stats(dev, &before) == K_OK);
		KT_EXPECT(dread(dev, 0, buf, 512, &done) == D_IO_ERROR && done == 0);
		KT_EXPECT(dread(dev, e->sectors - 1, buf, PAGE_SIZE, &done) == D_IO_ERROR);
		KT_EXPECT(virtio_blk_get_stats(dev, &after) == K_OK);
		KT_EXPECT(after.errors - before.errors == 2);
		KT_EXPECT(after.timeouts == before.timeouts && after.in_flight == 0);
		/* The disk lives on: only reads fail. */
		memset(buf, 0x33, 512);
		KT_EXPECT(dwrite(dev, 1, buf, 512, &done) == D_SUCCESS && done == 512);
		int32_t st[8];
		uint32_t count = 8;
		KT_EXPECT(dev->ops->get_status(dev, DEV_GET_BLK_INFO, st, &count) == D_SUCCESS);
		KT_EXPECT(dread(dev, 2, buf, 512, &done) == D_IO_ERROR);
		close_disk(dev);
	}
	if (!any)
		ktest_skip("no disk with failing reads (ktest_virtio_blk=...:ioerr)");
}

/* ---- a disk growing under the kernel ------------------------------------ */

KTEST(virtio_blk_resize)
{
	size_t len;
	const char *v = cmdline_value("ktest_virtio_blk_resize", &len);
	const char *colon = v ? find_colon(v, v + len) : NULL;
	char name[8] = { 0 };
	uint64_t want;

	if (!v) {
		ktest_skip("no resize asked for (ktest_virtio_blk_resize=NAME:SECTORS)");
		return;
	}
	KT_ASSERT(colon && (size_t)(colon - v) < sizeof(name));
	KT_ASSERT(parse_u64(colon + 1, (size_t)(v + len - colon - 1), &want));
	memcpy(name, v, (size_t)(colon - v));
	struct device *dev = device_lookup(name, strlen(name));
	KT_ASSERT(dev != NULL);
	uint64_t old = dev->size / 512;
	KT_EXPECT(old < want);
	size_t done;
	KT_EXPECT(dread(dev, old, buf, 512, &done) == D_INVALID_RECNUM);

	ktest_note("waiting for %s to grow to %llu sectors", name, (unsigned long long)want);
	uint64_t give_up = clock_ns() + 60 * NSEC_PER_SEC;
	while (dev->size != want * 512 && clock_ns() < give_up)
		thread_sleep(10 * NSEC_PER_MSEC);
	KT_EXPECT(dev->size == want * 512);
	if (dev->size == want * 512) {
		int32_t st[8];
		uint32_t count = 8;
		KT_EXPECT(dev->ops->get_status(dev, DEV_GET_BLK_INFO, st, &count) == D_SUCCESS);
		KT_EXPECT((uint32_t)st[0] == want && st[1] == 0);
		/* The old end is still there; the new sectors read as zeroes. */
		KT_EXPECT(dread(dev, old - 1, buf, 1024, &done) == D_SUCCESS && done == 1024);
		KT_EXPECT(memcmp(buf, LAST_TAG, strlen(LAST_TAG)) == 0 && buf[512] == 0);
		KT_EXPECT(dread(dev, want - 1, buf, 1024, &done) == D_SUCCESS && done == 512);
		KT_EXPECT(dread(dev, want, buf, 512, &done) == D_INVALID_RECNUM);
	}
	device_release(dev);
}
