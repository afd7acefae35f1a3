/* virtio-blk disks (virtio/drivers/blk.c) as Mach devices.
 *
 * Every virtio block device found (on any transport) becomes a device
 * named "hd0", "hd1" ... in the order the devices are found, GNU Mach's
 * names for whole disks.  Records are 512-byte sectors (the unit of
 * virtio-blk's capacity and request sector numbers, whatever the disk's
 * preferred block size).  Writes are whole sectors; a read may end inside
 * one (the device layer's in-band reads are at most 128 bytes).
 *
 * Besides the generic DEV_GET_SIZE / DEV_GET_RECORDS, a disk answers the
 * machv flavors below (numbers from a range GNU Mach does not use). */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <kern/types.h>

struct device;

#define VIRTIO_BLK_SECTOR 512u

/* get_status: at least 5 integers.
 *   [0] capacity in sectors, low 32 bits   [1] high 32 bits
 *   [2] record size (512)                  [3] VIRTIO_BLK_INFO_* flags
 *   [4] the device's preferred block size in bytes (512 if it gives none) */
#define DEV_GET_BLK_INFO     0x6d620001
#define VIRTIO_BLK_INFO_RO    0x1   /* the device refuses writes */
#define VIRTIO_BLK_INFO_FLUSH 0x2   /* it has a write cache that a flush empties */
#define VIRTIO_BLK_INFO_COUNT 5

/* set_status (no integers needed): write the device's cache to the
 * medium and return when that is done.  D_SUCCESS at once on a disk
 * without a write cache. */
#define DEV_SET_BLK_FLUSH    0x6d620002

/* Counters of one disk, for diagnostics and the self-tests. */
struct virtio_blk_stats {
	uint64_t requests;        /* sent to the device */
	uint64_t errors;          /* completed with a status other than OK */
	uint64_t timeouts;        /* given up waiting for (D_IO_ERROR) */
	uint64_t completions;     /* taken back from the used ring */
	unsigned in_flight;       /* now */
	unsigned in_flight_max;   /* the most at once so far */
};

/* Is dev a virtio-blk disk?  Its counters (K_EINVAL if it is not one). */
bool virtio_blk_is_disk(const struct device *dev);
int virtio_blk_get_stats(const struct device *dev, struct virtio_blk_stats *out);
/* Number of disks registered. */
unsigned virtio_blk_count(void);

/* The driver, registered by virtio_init(). */
struct virtio_driver;
extern const struct virtio_driver virtio_blk_driver;

#endif
