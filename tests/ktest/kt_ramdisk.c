/* Self-tests of the "rd0" RAM disk (src/dev/ramdisk.c): there exactly
 * when the loader gave an initrd, and then its bytes, record by record,
 * through device.defs requests built by hand (kt_devrpc.h), compared with
 * the module's memory; writes refused; sizes in both status flavors.
 * Boots without an initrd check the absence and skip the rest. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/errno.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>
#include "kt_devrpc.h"

#define RD_REC 512

/* The initrd as bootstrap sees it (the first non-script module), or
 * NULL. */
static const struct boot_module *kt_initrd(void)
{
	for (unsigned i = 0; i < boot_info.nmods; i++)
		if (strchr(boot_info.mods[i].cmdline, '$') == NULL)
			return &boot_info.mods[i];
	return NULL;
}

/* Byte off of the device as a reader must see it: the image, then the
 * last record's zero padding. */
static uint8_t rd_byte(const struct boot_module *m, uint64_t off)
{
	const uint8_t *img = phys_to_virt(m->base);
	return off < m->size ? img[off] : 0;
}

static bool rd_matches(const struct boot_module *m, uint64_t off, const uint8_t *got,
		       size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (got[i] != rd_byte(m, off + i)) {
			ktest_note("rd0 byte %llu: %u, expected %u",
				   (unsigned long long)(off + i), got[i], rd_byte(m, off + i));
			return false;
		}
	return true;
}

KTEST(ramdisk_registry)
{
	const struct boot_module *m = kt_initrd();
	struct device *rd = device_lookup("rd0", 3);
	if (m == NULL || m->size == 0) {
		KT_EXPECT(rd == NULL);
		KT_EXPECT(ramdisk_register() == K_ENOENT);
		device_release(rd);
		ktest_skip("no initrd on this boot");
		return;
	}
	KT_ASSERT(rd != NULL);
	KT_EXPECT(rd->size == m->size);
	KT_EXPECT(rd->record_size == RD_REC);
	KT_EXPECT(rd->flags & DEVICE_READ_ONLY);
	KT_EXPECT(rd->ops->write == NULL);
	/* Registered once: a second registration finds the name taken. */
	KT_EXPECT(ramdisk_register() == K_EEXIST);
	device_release(rd);
}

KTEST(ramdisk_read)
{
	const struct boot_module *m = kt_initrd();
	if (m == NULL || m->size == 0) {
		ktest_skip("no initrd on this boot");
		return;
	}
	struct ktd_env env;
	KT_ASSERT(ktd_env_init(&env, "kt-ramdisk"));
	uint64_t records = (m->size + RD_REC - 1) / RD_REC;
	ktest_note("initrd: %llu bytes, %llu records", (unsigned long long)m->size,
		   (unsigned long long)records);
	static union ktd_buf b;
	mach_port_name_t dev = MACH_PORT_NULL;

	/* Read-only: no opening for writing. */
	KT_EXPECT(ktd_open(&env, D_READ | D_WRITE, "rd0", &dev) == D_READ_ONLY);
	KT_ASSERT(ktd_open(&env, D_READ, "rd0", &dev) == KERN_SUCCESS);
	KT_EXPECT(ktd_write_inband(&env, dev, 0, "x", 1) == D_READ_ONLY);

	/* In band at the start, the middle and the last record (padding
	 * included). */
	uint64_t at[3] = { 0, records / 2, records - 1 };
	for (int i = 0; i < 3; i++) {
		KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, at[i], IO_INBAND_MAX, &b) ==
			  KERN_SUCCESS);
		KT_EXPECT(ktd_u32(&b, 4) == IO_INBAND_MAX);
		KT_EXPECT(rd_matches(m, at[i] * RD_REC, b.reply.body + 8, IO_INBAND_MAX));
	}

	/* Out of line, everything and more: the padded image exactly. */
	static uint8_t got[16384];
	uint64_t padded = records * RD_REC;
	uint64_t want = MIN(padded + 1000, (uint64_t)sizeof(got));
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, 0, (int32_t)want, &b) == KERN_SUCCESS);
	uint32_t count = ktd_u32(&b, 4);
	uint64_t addr = ktd_u64(&b, 8);
	KT_EXPECT(count == MIN(padded, want));
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, count) == K_OK);
	KT_EXPECT(rd_matches(m, 0, got, count));
	/* The last record alone, out of line. */
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, records - 1, 2 * RD_REC, &b) == KERN_SUCCESS);
	count = ktd_u32(&b, 4);
	addr = ktd_u64(&b, 8);
	KT_EXPECT(count == RD_REC);
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, count) == K_OK);
	KT_EXPECT(rd_matches(m, (records - 1) * RD_REC, got, count));

	/* At the end: nothing; past it: D_INVALID_RECNUM. */
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, records, 16, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 0);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, records, 16, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 0);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, records + 1, 16, &b) == D_INVALID_RECNUM);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, records + 1, 16, &b) == D_INVALID_RECNUM);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, ~0ull, 16, &b) == D_INVALID_RECNUM);
	KT_EXPECT(ktd_read(&env, dev, KTD_READ, ~0ull / RD_REC + 1, 16, &b) == D_INVALID_RECNUM);

	/* Sizes: true bytes, readable records. */
	KT_EXPECT(ktd_get_status(&env, dev, DEV_GET_SIZE, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 2);
	KT_EXPECT(ktd_u32(&b, 8) == (uint32_t)MIN(m->size, (uint64_t)INT32_MAX));
	KT_EXPECT(ktd_u32(&b, 12) == RD_REC);
	KT_EXPECT(ktd_get_status(&env, dev, DEV_GET_RECORDS, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 8) == (uint32_t)records && ktd_u32(&b, 12) == RD_REC);
	KT_EXPECT(ktd_get_status(&env, dev, DEV_GET_RECORDS, 1, &b) == D_INVALID_SIZE);
	KT_EXPECT(ktd_get_status(&env, dev, 999, 2, &b) == D_INVALID_OPERATION);

	KT_EXPECT(ktd_close(&env, dev) == KERN_SUCCESS);
	ktd_env_fini(&env);
}

/* The driver's read on its own, across the chunk boundaries the device
 * server cuts transfers at: every chunk is the image's bytes, a chunk
 * starting at the end is empty, not an error. */
KTEST(ramdisk_chunks)
{
	const struct boot_module *m = kt_initrd();
	struct device *rd = device_lookup("rd0", 3);
	if (rd == NULL || m == NULL) {
		device_release(rd);
		ktest_skip("no initrd on this boot");
		return;
	}
	uint64_t records = (m->size + RD_REC - 1) / RD_REC;
	static uint8_t buf[DEVICE_IO_CHUNK];
	uint64_t per_chunk = DEVICE_IO_CHUNK / RD_REC, seen = 0;
	for (uint64_t rec = 0; rec <= records; rec += per_chunk) {
		size_t done = 12345;
		KT_EXPECT(rd->ops->read(rd, D_READ, rec, buf, sizeof(buf), &done) == D_SUCCESS);
		KT_EXPECT(done == MIN((uint64_t)sizeof(buf), (records - rec) * RD_REC));
		KT_EXPECT(rd_matches(m, rec * RD_REC, buf, done));
		seen += done;
	}
	KT_EXPECT(seen == records * RD_REC);
	size_t done = 1;
	KT_EXPECT(rd->ops->read(rd, D_READ, records, buf, sizeof(buf), &done) == D_SUCCESS);
	KT_EXPECT(done == 0);
	KT_EXPECT(rd->ops->read(rd, D_READ, records + 1, buf, sizeof(buf), &done) ==
		  D_INVALID_RECNUM);
	device_release(rd);
}

/* device_map: the image's own pages, read-only, whole pages from a page
 * offset; anything else refused.  (Mapping them into a task and reading
 * them there is guests/programs/fstest.c's "rd0 mapped".) */
KTEST(ramdisk_map)
{
	const struct boot_module *m = kt_initrd();
	struct device *rd = device_lookup("rd0", 3);
	if (rd == NULL || m == NULL) {
		device_release(rd);
		ktest_skip("no initrd on this boot");
		return;
	}
	KT_ASSERT(rd->ops->map != NULL);
	uint64_t pages = (m->size + PAGE_SIZE - 1) / PAGE_SIZE;
	paddr_t pa = 0;
	unsigned prot = 0;
	if (!IS_ALIGNED(m->base, PAGE_SIZE)) {
		/* Not ours to share: readers fall back to reading. */
		KT_EXPECT(rd->ops->map(rd, 0, PAGE_SIZE, &pa, &prot) == D_INVALID_OPERATION);
		device_release(rd);
		ktest_skip("the loader put the initrd off a page boundary");
		return;
	}
	KT_EXPECT(rd->ops->map(rd, 0, m->size, &pa, &prot) == D_SUCCESS);
	KT_EXPECT(pa == m->base && prot == PROT_R);
	KT_EXPECT(rd->ops->map(rd, (pages - 1) * PAGE_SIZE, PAGE_SIZE, &pa, &prot) == D_SUCCESS);
	KT_EXPECT(pa == m->base + (pages - 1) * PAGE_SIZE);
	/* Misaligned, empty, beyond the last page, wrapping. */
	KT_EXPECT(rd->ops->map(rd, 512, PAGE_SIZE, &pa, &prot) == D_INVALID_SIZE);
	KT_EXPECT(rd->ops->map(rd, 0, 0, &pa, &prot) == D_INVALID_SIZE);
	KT_EXPECT(rd->ops->map(rd, pages * PAGE_SIZE, PAGE_SIZE, &pa, &prot) == D_INVALID_SIZE);
	KT_EXPECT(rd->ops->map(rd, 0, (pages + 1) * PAGE_SIZE, &pa, &prot) == D_INVALID_SIZE);
	KT_EXPECT(rd->ops->map(rd, PAGE_SIZE, ~0ull, &pa, &prot) == D_INVALID_SIZE);
	device_release(rd);
}
