/* The "rd0" device: the initrd as a read-only RAM disk.
 *
 * The name is the one GNU Mach gives its RAM disks ("rd" and a number,
 * Debian's ramdisk patch), so a GNU Mach program that opens "rd0" finds
 * the image the loader gave us.  The initrd is the module bootstrap
 * takes it to be (kern/bootstrap.h): the first boot module that is not a
 * boot-script module.  No such module: no device.
 *
 * The bytes are read where the loader put them: module memory is
 * reserved for good (boot_info.reserved), so nothing is copied at boot.
 * Records are 512 bytes, as on GNU Mach's RAM disks; the last one is
 * padded with zeroes when the image is not a whole number of records.
 * DEV_GET_SIZE reports the image's true byte size, DEV_GET_RECORDS the
 * records a reader can read (the padded last one included).
 *
 * A read starting on the record just past the last one gives nothing
 * (the device server asks there when a transfer ends exactly on a chunk
 * boundary, and must then see an empty read, not an error); a read
 * starting further on is D_INVALID_RECNUM.
 *
 * device_map hands out the image's own pages, read-only, when the loader
 * put it on a page boundary (QEMU and GRUB do): readers that only look
 * (init, the initrd's file server) then share one copy instead of each
 * reading the whole image into memory of its own.  A mapping covers whole
 * pages, so it shows what follows the image to the end of its last page;
 * that page is reserved with the module (vm_boot.c rounds reservations
 * outwards), never handed to anyone else. */
#include <kern/arch.h>
#include <kern/bootstrap.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/vm_prot.h>

#define RD_RECORD 512

static const uint8_t *rd_image;

/* Records a reader sees: the size rounded up to whole records. */
static uint64_t rd_records(const struct device *dev)
{
	return (dev->size + RD_RECORD - 1) / RD_RECORD;
}

static int rd_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf, size_t len,
		   size_t *done)
{
	uint64_t records = rd_records(dev);
	*done = 0;
	if (recnum > records)
		return D_INVALID_RECNUM;
	uint64_t off = recnum * RD_RECORD;
	size_t n = (size_t)MIN((uint64_t)len, records * RD_RECORD - off);
	size_t real = off < dev->size ? (size_t)MIN((uint64_t)n, dev->size - off) : 0;
	memcpy(buf, rd_image + off, real);
	memset((char *)buf + real, 0, n - real);   /* the last record's padding */
	*done = n;
	return D_SUCCESS;
}

static int rd_get_status(struct device *dev, uint32_t flavor, int32_t *status, uint32_t *count)
{
	/* DEV_GET_SIZE is the layer's generic answer (the byte size); the
	 * generic record count would drop the padded last record. */
	if (flavor != DEV_GET_RECORDS)
		return D_INVALID_OPERATION;
	if (*count < 2)
		return D_INVALID_SIZE;
	status[0] = (int32_t)MIN(rd_records(dev), (uint64_t)INT32_MAX);
	status[1] = RD_RECORD;
	*count = 2;
	return D_SUCCESS;
}

/* device_map: [offset, offset + size) of the image's pages. */
static int rd_map(struct device *dev, uint64_t offset, uint64_t size, paddr_t *pa,
		  unsigned *max_prot)
{
	paddr_t base = virt_to_phys(rd_image);
	uint64_t mappable = ALIGN_UP(dev->size, PAGE_SIZE);
	if (!IS_ALIGNED(base, PAGE_SIZE))
		return D_INVALID_OPERATION;   /* the loader's placement: read instead */
	if (!IS_ALIGNED(offset, PAGE_SIZE) || size == 0 || offset >= mappable ||
	    size > mappable - offset)
		return D_INVALID_SIZE;
	*pa = base + offset;
	*max_prot = PROT_R;
	return D_SUCCESS;
}

/* No write: the device is DEVICE_READ_ONLY, so opening for writing and
 * writing are D_READ_ONLY before any driver code runs. */
static const struct device_ops rd_ops = {
	.read = rd_read,
	.get_status = rd_get_status,
	.map = rd_map,
};

static struct device rd_device = {
	.name = "rd0",
	.ops = &rd_ops,
	.flags = DEVICE_READ_ONLY,
	.record_size = RD_RECORD,
};

int ramdisk_register(void)
{
	const void *image;
	size_t size;
	if (!boot_initrd(&image, &size) || size == 0)
		return K_ENOENT;
	rd_image = image;
	rd_device.size = size;
	return device_register(&rd_device);
}
