/* Devices as Mach sees them: named objects a task opens through the device
 * master port (device_open(master, mode, "console", &dev)) and then reads,
 * writes and queries through the device port it gets back (GNU Mach's
 * device.defs, served by src/kobj/device_server.c).
 *
 * A driver fills in a struct device (usually static), with an ops table,
 * and registers it; the registry gives it a kernel-object port
 * (IKOT_DEVICE, kobject = the struct device) that lives as long as the
 * registration.  Every operation may be NULL: the device then answers
 * D_INVALID_OPERATION for it.
 *
 * Operations run in the calling thread (the task's, inside mach_msg) with
 * interrupts enabled, on kernel buffers: the server moves bytes between
 * messages and those buffers, at most DEVICE_IO_CHUNK bytes per call.
 * They return a D_* code (D_SUCCESS = 0). */
#ifndef KERN_DEVICE_H
#define KERN_DEVICE_H

#include <kern/list.h>
#include <kern/types.h>
#include <machine/param.h>

struct ipc_port;

/* dev_mode_t bits (device/device_types.h). */
#define D_READ    0x1
#define D_WRITE   0x2
#define D_NODELAY 0x4     /* no delay on open */
#define D_NOWAIT  0x8     /* do not wait if no data is available */

/* io_return_t codes (device/device_types.h). */
#define D_SUCCESS           0
#define D_IO_ERROR          2500
#define D_WOULD_BLOCK       2501
#define D_NO_SUCH_DEVICE    2502
#define D_ALREADY_OPEN      2503
#define D_DEVICE_DOWN       2504
#define D_INVALID_OPERATION 2505
#define D_INVALID_RECNUM    2506
#define D_INVALID_SIZE      2507
#define D_NO_MEMORY         2508
#define D_READ_ONLY         2509

/* The generic get_status flavors every device answers (from its size and
 * record_size when its own get_status does not know the flavor): two
 * integers each. */
#define DEV_GET_SIZE        0   /* [0] size in bytes (0: unknown), [1] record size */
#define DEV_GET_RECORDS     1   /* [0] size in records (0: unknown), [1] record size */
#define DEV_STATUS_MAX      1024

#define DEVICE_NAME_MAX     128 /* dev_name_t, with its NUL */
#define IO_INBAND_MAX       128 /* io_buf_ptr_inband_t: in-band reads and writes */
/* The most bytes one read or write operation call moves. */
#define DEVICE_IO_CHUNK     PAGE_SIZE

struct device;

struct device_ops {
	/* Every device_open (mode: D_* bits); a refusal (e.g. D_ALREADY_OPEN
	 * for an exclusive device) is returned to the opener. */
	int (*open)(struct device *dev, uint32_t mode);
	/* The last device_close. */
	void (*close)(struct device *dev);
	/* Move up to len bytes starting at record recnum (ignored by
	 * sequential devices); *done says how many moved.  A read with
	 * nothing to give returns D_WOULD_BLOCK (no operation blocks yet). */
	int (*read)(struct device *dev, uint32_t mode, uint64_t recnum, void *buf, size_t len,
		    size_t *done);
	int (*write)(struct device *dev, uint32_t mode, uint64_t recnum, const void *buf,
		     size_t len, size_t *done);
	/* *count: on entry the room in status (integers), on return how many
	 * were filled in.  An unknown flavor: D_INVALID_OPERATION. */
	int (*get_status)(struct device *dev, uint32_t flavor, int32_t *status, uint32_t *count);
	int (*set_status)(struct device *dev, uint32_t flavor, const int32_t *status,
			  uint32_t count);
	/* device_map: the physical pages behind [offset, offset + size) of
	 * the device (contiguous, page aligned, the kernel's for as long as
	 * the device is registered) and the most access (PROT_R/W/X) a
	 * mapping may have. */
	int (*map)(struct device *dev, uint64_t offset, uint64_t size, paddr_t *pa,
		   unsigned *max_prot);
};

#define DEVICE_READ_ONLY 0x1    /* opening with D_WRITE fails with D_READ_ONLY */

struct device {
	/* Filled in by the driver before device_register. */
	const char *name;           /* GNU Mach's name: "console", "hd0" ... */
	const struct device_ops *ops;
	uint32_t flags;             /* DEVICE_* */
	uint64_t size;              /* bytes, 0 if unknown or not a disk */
	uint32_t record_size;       /* bytes per record (recnum unit); 0 means 1 */
	void *priv;                 /* the driver's */

	/* The registry's (interrupts disabled to touch them). */
	struct list link;
	struct ipc_port *port;      /* receive right held by the kernel */
	uint32_t open_count;        /* opens not yet closed */
	uint32_t refs;              /* 1 for the registration + lookups in progress */
	/* The memory-object port device_map hands out (IKOT_PAGER, kobject
	 * the device), made on first use; vm_map maps it. */
	struct ipc_port *pager;
};

/* Register dev under dev->name and make its port.  K_EINVAL (no name, a
 * name too long, no ops, a record size that does not divide
 * DEVICE_IO_CHUNK), K_EEXIST (the name is taken), K_ENOMEM. */
int device_register(struct device *dev);
/* Take dev out of the registry and kill its port (send rights held by
 * tasks turn into dead names).  K_EBUSY while it is open or a lookup
 * holds it; the struct is the driver's again afterwards. */
int device_unregister(struct device *dev);

/* The registered device called name (len bytes, no NUL needed), with a
 * reference, or NULL. */
struct device *device_lookup(const char *name, size_t len);
/* The device a port stands for (a live IKOT_DEVICE port), with a
 * reference, or NULL. */
struct device *device_from_port(struct ipc_port *port);
/* device_map's memory object: a naked send right to dev's pager port
 * (made on first use), or NULL; and back from a pager port to its device,
 * with a reference, or NULL.  A device with a map op must stay
 * registered while its pages are mapped (unregistering kills the pager
 * port, not the mappings). */
struct ipc_port *device_pager_right(struct device *dev);
struct device *device_from_pager(struct ipc_port *port);
void device_reference(struct device *dev);
void device_release(struct device *dev);

/* Open and close bookkeeping: device_open_count takes one open (calling
 * ops->open first), device_close_count gives one back (ops->close on the
 * last).  D_* codes; closing a device nobody has open is
 * D_NO_SUCH_DEVICE, as is any operation on it. */
int device_open_count(struct device *dev, uint32_t mode);
int device_close_count(struct device *dev);
bool device_is_open(const struct device *dev);

/* Registered devices (a snapshot count) for diagnostics and tests. */
size_t device_count(void);
/* One line per registered device into buf (at most size bytes, whole
 * lines only): "NAME SIZE RECORD_SIZE ro|rw\n"; returns the bytes used. */
size_t device_describe(char *buf, size_t size);

/* Register the devices the kernel always has (the console); called once
 * at boot after the console drivers are up. */
void device_init(void);
/* src/dev/console_device.c */
int console_device_register(void);
/* "rd0", the initrd as a read-only RAM disk (src/dev/ramdisk.c): K_OK,
 * K_ENOENT when the loader gave no initrd (or an empty one), or
 * device_register's error. */
int ramdisk_register(void);
/* "devices", the list of devices as text (src/dev/devices_device.c). */
int devices_device_register(void);

#endif
