/* Self-tests of devices (kern/device.h) and of device.defs as the kernel
 * serves it (src/kobj/device_server.c): the registry on its own, then MIG
 * requests built by hand in GNU Mach's LP64 layout, sent from a task's
 * space to the device master and to device ports, with the replies
 * checked field by field.  A test device ("kt-dev") records what it is
 * given and plays back what a test loads into it; the console is driven
 * the way GNU Mach programs drive it. */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>
#include <kern/waitq.h>
#include "kt_devrpc.h"
#include "kt_threads.h"

/* mach/message.h type names. */
#define T_INTEGER_32 2
#define T_CHAR       8
#define T_INTEGER_8  9
#define T_INTEGER_64 11
#define T_STRING_C   12
#define MIG_BAD_ARGUMENTS (-304)

/* device.defs message ids. */
#define ID_OPEN          2800
#define ID_CLOSE         2801
#define ID_WRITE         2802
#define ID_WRITE_INBAND  2803
#define ID_READ          2804
#define ID_READ_INBAND   2805
#define ID_OPEN_NEW      2806
#define ID_MAP           2809
#define ID_SET_STATUS    2810
#define ID_GET_STATUS    2811

#define KT_FLAVOR 77     /* the test device's own get/set_status flavor */

/* ---- the test device -------------------------------------------------- */

static struct {
	unsigned opens, closes, writes, reads;
	uint32_t last_mode;
	uint64_t recnums[8];            /* of the last write calls, in order */
	unsigned nrecnums;
	uint8_t written[9000];
	size_t nwritten;
	uint8_t readable[9000];         /* what reads give, from readpos */
	size_t nreadable, readpos;
	int32_t status;                 /* KT_FLAVOR's value */
	bool refuse_open;
} kd;

static int kd_open(struct device *dev, uint32_t mode)
{
	if (kd.refuse_open)
		return D_ALREADY_OPEN;
	kd.opens++;
	kd.last_mode = mode;
	return D_SUCCESS;
}

static void kd_close(struct device *dev)
{
	kd.closes++;
}

static int kd_write(struct device *dev, uint32_t mode, uint64_t recnum, const void *buf,
		    size_t len, size_t *done)
{
	if (kd.nrecnums < 8)
		kd.recnums[kd.nrecnums++] = recnum;
	kd.writes++;
	size_t n = MIN(len, sizeof(kd.written) - kd.nwritten);
	memcpy(kd.written + kd.nwritten, buf, n);
	kd.nwritten += n;
	*done = n;
	return D_SUCCESS;
}

static int kd_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf, size_t len,
		   size_t *done)
{
	kd.reads++;
	size_t n = MIN(len, kd.nreadable - kd.readpos);
	memcpy(buf, kd.readable + kd.readpos, n);
	kd.readpos += n;
	*done = n;
	return n == 0 && len ? D_WOULD_BLOCK : D_SUCCESS;
}

static int kd_get_status(struct device *dev, uint32_t flavor, int32_t *status, uint32_t *count)
{
	if (flavor != KT_FLAVOR)
		return D_INVALID_OPERATION;
	if (*count < 1)
		return D_INVALID_SIZE;
	status[0] = kd.status;
	*count = 1;
	return D_SUCCESS;
}

static int kd_set_status(struct device *dev, uint32_t flavor, const int32_t *status,
			 uint32_t count)
{
	if (flavor != KT_FLAVOR || count != 1)
		return D_INVALID_OPERATION;
	kd.status = status[0];
	return D_SUCCESS;
}

static const struct device_ops kd_ops = {
	.open = kd_open, .close = kd_close, .read = kd_read, .write = kd_write,
	.get_status = kd_get_status, .set_status = kd_set_status,
};

static struct device kd_dev;

static bool kd_register(void)
{
	memset(&kd, 0, sizeof(kd));
	memset(&kd_dev, 0, sizeof(kd_dev));
	kd_dev.name = "kt-dev";
	kd_dev.ops = &kd_ops;
	kd_dev.record_size = 512;
	kd_dev.size = 1 << 20;
	return device_register(&kd_dev) == K_OK;
}

/* ---- the registry ------------------------------------------------------- */

KTEST(device_registry)
{
	size_t before = device_count();
	KT_ASSERT(kd_register());
	KT_EXPECT(device_count() == before + 1);
	KT_EXPECT(kd_dev.port != NULL && kd_dev.port->kotype == IKOT_DEVICE &&
		  kd_dev.port->kobject == &kd_dev);

	/* Found by its exact name only, with a reference. */
	struct device *d = device_lookup("kt-dev", 6);
	KT_EXPECT(d == &kd_dev);
	KT_EXPECT(kd_dev.refs == 2);
	device_release(d);
	KT_EXPECT(kd_dev.refs == 1);
	KT_EXPECT(device_lookup("kt-de", 5) == NULL);
	KT_EXPECT(device_lookup("kt-dev2", 7) == NULL);
	KT_EXPECT(device_lookup("", 0) == NULL);
	KT_EXPECT(device_lookup(NULL, 3) == NULL);
	/* The console is there from boot. */
	d = device_lookup("console", 7);
	KT_EXPECT(d != NULL);
	device_release(d);

	/* Bad registrations: a taken name, no name, no ops, a record size
	 * chunks cannot start on, a name too long. */
	static struct device dup, noname, noops, oddrec, longname;
	static char big[DEVICE_NAME_MAX + 1];
	memset(big, 'x', DEVICE_NAME_MAX);
	dup = (struct device){ .name = "kt-dev", .ops = &kd_ops };
	noname = (struct device){ .name = "", .ops = &kd_ops };
	noops = (struct device){ .name = "kt-noops" };
	oddrec = (struct device){ .name = "kt-odd", .ops = &kd_ops, .record_size = 3 };
	longname = (struct device){ .name = big, .ops = &kd_ops };
	KT_EXPECT(device_register(&dup) == K_EEXIST);
	KT_EXPECT(device_register(&noname) == K_EINVAL);
	KT_EXPECT(device_register(&noops) == K_EINVAL);
	KT_EXPECT(device_register(&oddrec) == K_EINVAL);
	KT_EXPECT(device_register(&longname) == K_EINVAL);
	KT_EXPECT(device_register(NULL) == K_EINVAL);
	KT_EXPECT(device_count() == before + 1);

	/* Open counts: opens add, closes take away, the driver sees every
	 * open and only the last close. */
	KT_EXPECT(device_open_count(&kd_dev, D_READ) == D_SUCCESS);
	KT_EXPECT(device_open_count(&kd_dev, D_WRITE) == D_SUCCESS);
	KT_EXPECT(kd_dev.open_count == 2 && kd.opens == 2 && kd.last_mode == D_WRITE);
	KT_EXPECT(device_unregister(&kd_dev) == K_EBUSY);   /* open */
	KT_EXPECT(device_close_count(&kd_dev) == D_SUCCESS);
	KT_EXPECT(kd.closes == 0);
	KT_EXPECT(device_close_count(&kd_dev) == D_SUCCESS);
	KT_EXPECT(kd.closes == 1 && !device_is_open(&kd_dev));
	KT_EXPECT(device_close_count(&kd_dev) == D_NO_SUCH_DEVICE);
	/* A driver's refusal is the opener's answer and counts nothing. */
	kd.refuse_open = true;
	KT_EXPECT(device_open_count(&kd_dev, D_READ) == D_ALREADY_OPEN);
	KT_EXPECT(kd_dev.open_count == 0);
	kd.refuse_open = false;

	/* A lookup in progress holds it too. */
	d = device_lookup("kt-dev", 6);
	KT_EXPECT(device_unregister(&kd_dev) == K_EBUSY);
	device_release(d);
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	KT_EXPECT(device_lookup("kt-dev", 6) == NULL);
	KT_EXPECT(device_count() == before);
	KT_EXPECT(device_unregister(&kd_dev) == K_EINVAL);
	/* The name is free again. */
	KT_ASSERT(kd_register());
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
}

/* ---- requests through the server ---------------------------------------- */

/* device_open(to, mode, name): the code; *dev the new name on success. */
static int32_t dev_open(struct ktd_env *env, mach_port_name_t to, int32_t id, uint32_t mode,
			const char *name, mach_port_name_t *dev)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, (int32_t)mode);
	char field[DEVICE_NAME_MAX];
	memset(field, 0, sizeof(field));
	memcpy(field, name, MIN(strlen(name), sizeof(field)));
	/* device_open sends the name as one 1024-bit string (long form; on
	 * LP64 its name, size and number fit the short form's 8 bytes),
	 * device_open_new as 128 characters. */
	if (id == ID_OPEN)
		ktd_type(&r, MSGT_WORD(T_STRING_C, DEVICE_NAME_MAX * 8, true) | MSGT_LONGFORM, 1);
	else
		ktd_type(&r, MSGT_WORD(T_STRING_C, 8, true), DEVICE_NAME_MAX);
	ktd_raw(&r, field, sizeof(field));
	int32_t kr = ktd_rpc(env, &r, to, id);
	if (kr == KERN_SUCCESS) {
		if (b.reply.h.msgh_size != 64 || !(b.reply.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
		    MSGT_NAME(ktd_u32(&b, 0)) != MACH_MSG_TYPE_PORT_SEND)
			return -3;
		*dev = ktd_u32(&b, 8);
	}
	return kr;
}

static int32_t dev_close(struct ktd_env *env, mach_port_name_t dev)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	return ktd_rpc(env, &r, dev, ID_CLOSE);
}

static int32_t dev_write_inband(struct ktd_env *env, mach_port_name_t dev, uint64_t recnum,
				const void *data, uint32_t len, int32_t *written)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, 0);
	ktd_int64(&r, recnum);
	ktd_type(&r, MSGT_WORD(T_CHAR, 8, true), len);
	ktd_raw(&r, data, len);
	int32_t kr = ktd_rpc(env, &r, dev, ID_WRITE_INBAND);
	if (kr == KERN_SUCCESS)
		*written = (int32_t)ktd_u32(&b, 8);
	return kr;
}

/* device_write with len bytes out of line at addr in the task. */
static int32_t dev_write(struct ktd_env *env, mach_port_name_t dev, uint64_t recnum,
			 uint64_t addr, uint32_t len, int32_t *written)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, 0);
	ktd_int64(&r, recnum);
	ktd_type(&r, MSGT_WORD(T_INTEGER_8, 8, false) | MSGT_LONGFORM, len);
	ktd_raw(&r, &addr, 8);
	int32_t kr = ktd_rpc_bits(env, &r, dev, ID_WRITE, MACH_MSGH_BITS_COMPLEX);
	if (kr == KERN_SUCCESS)
		*written = (int32_t)ktd_u32(&b, 8);
	return kr;
}

/* device_read(_inband): the reply stays in *out for the caller. */
static int32_t dev_read_mode(struct ktd_env *env, mach_port_name_t dev, int32_t id,
			     int32_t mode, uint64_t recnum, int32_t wanted, union ktd_buf *out)
{
	struct ktd_req r;
	ktd_start(&r, out);
	ktd_int32(&r, mode);
	ktd_int64(&r, recnum);
	ktd_int32(&r, wanted);
	return ktd_rpc(env, &r, dev, id);
}

static int32_t dev_read(struct ktd_env *env, mach_port_name_t dev, int32_t id, uint64_t recnum,
			int32_t wanted, union ktd_buf *out)
{
	return dev_read_mode(env, dev, id, 0, recnum, wanted, out);
}

static int32_t dev_get_status(struct ktd_env *env, mach_port_name_t dev, uint32_t flavor,
			      uint32_t count, union ktd_buf *out)
{
	struct ktd_req r;
	ktd_start(&r, out);
	ktd_int32(&r, (int32_t)flavor);
	ktd_int32(&r, (int32_t)count);
	return ktd_rpc(env, &r, dev, ID_GET_STATUS);
}

static int32_t dev_set_status(struct ktd_env *env, mach_port_name_t dev, uint32_t flavor,
			      const int32_t *status, uint32_t count)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, (int32_t)flavor);
	ktd_type(&r, MSGT_WORD(T_INTEGER_32, 32, true), count);
	ktd_raw(&r, status, count * 4);
	return ktd_rpc(env, &r, dev, ID_SET_STATUS);
}

static mach_port_urefs_t send_refs(struct ktd_env *env, mach_port_name_t name)
{
	mach_port_urefs_t refs = 0;
	if (ipc_space_get_refs(env->space, name, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS)
		return 0;
	return refs;
}

/* Open and close through the master: one port per device (a second open
 * adds a user reference to the same name), counts kept, closed devices
 * refuse everything; wrong ports and names are refused. */
KTEST(device_server_open_close)
{
	KT_ASSERT(kd_register());
	struct ktd_env env;
	if (!ktd_env_init(&env, "kt-device")) {
		KT_EXPECT(false);   /* no task for the test */
		device_unregister(&kd_dev);
		return;
	}
	mach_port_name_t dev = MACH_PORT_NULL, dev2 = MACH_PORT_NULL;
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ | D_WRITE, "kt-dev", &dev) ==
		  KERN_SUCCESS);
	KT_EXPECT(kd_dev.open_count == 1 && kd.opens == 1 && kd.last_mode == (D_READ | D_WRITE));
	KT_EXPECT(send_refs(&env, dev) == 1);
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN_NEW, D_READ, "kt-dev", &dev2) ==
		  KERN_SUCCESS);
	KT_EXPECT(dev2 == dev && send_refs(&env, dev) == 2);
	KT_EXPECT(kd_dev.open_count == 2);
	KT_EXPECT(kd_dev.refs == 1);   /* the server kept no reference */

	/* Not the master: a task port, the device port itself. */
	mach_port_name_t none = MACH_PORT_NULL;
	KT_EXPECT(dev_open(&env, env.self, ID_OPEN, D_READ, "kt-dev", &none) ==
		  D_INVALID_OPERATION);
	KT_EXPECT(dev_open(&env, dev, ID_OPEN, D_READ, "kt-dev", &none) == D_INVALID_OPERATION);
	/* Unknown names, a prefix, an empty one. */
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, "no-such-device", &none) ==
		  D_NO_SUCH_DEVICE);
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, "kt-de", &none) ==
		  D_NO_SUCH_DEVICE);
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, "", &none) == D_NO_SUCH_DEVICE);
	/* A name filling all 128 bytes (no NUL): cut at 127, still unknown. */
	static char longname[DEVICE_NAME_MAX + 1];
	memset(longname, 'k', DEVICE_NAME_MAX);
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, longname, &none) ==
		  D_NO_SUCH_DEVICE);
	KT_EXPECT(none == MACH_PORT_NULL);
	/* A driver's refusal. */
	kd.refuse_open = true;
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, "kt-dev", &none) == D_ALREADY_OPEN);
	kd.refuse_open = false;
	KT_EXPECT(kd_dev.open_count == 2);

	/* Device routines on the master or a task port: no device. */
	KT_EXPECT(dev_close(&env, env.master) == D_NO_SUCH_DEVICE);
	KT_EXPECT(dev_close(&env, env.self) == D_NO_SUCH_DEVICE);
	/* A malformed close (a body it should not have): the stub refuses. */
	{
		static union ktd_buf b;
		struct ktd_req r;
		ktd_start(&r, &b);
		ktd_int32(&r, 1);
		KT_EXPECT(ktd_rpc(&env, &r, dev, ID_CLOSE) == MIG_BAD_ARGUMENTS);
	}
	/* Not mappable. */
	{
		static union ktd_buf b;
		struct ktd_req r;
		ktd_start(&r, &b);
		ktd_int32(&r, PROT_R);
		ktd_int64(&r, 0);
		ktd_int64(&r, PAGE_SIZE);
		ktd_int32(&r, 0);   /* unmap */
		KT_EXPECT(ktd_rpc(&env, &r, dev, ID_MAP) == D_INVALID_OPERATION);
	}

	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(kd_dev.open_count == 1 && kd.closes == 0);
	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(kd_dev.open_count == 0 && kd.closes == 1);
	/* Closed: everything on the port answers D_NO_SUCH_DEVICE. */
	int32_t written = -1;
	KT_EXPECT(dev_close(&env, dev) == D_NO_SUCH_DEVICE);
	KT_EXPECT(dev_write_inband(&env, dev, 0, "x", 1, &written) == D_NO_SUCH_DEVICE);
	KT_EXPECT(kd.writes == 0);

	/* Unregistered while the task still names the port: a dead name. */
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	mach_port_type_t type = 0;
	KT_EXPECT(ipc_space_type(env.space, dev, &type) == KERN_SUCCESS);
	KT_EXPECT(type == MACH_PORT_TYPE_DEAD_NAME);
	ktd_env_fini(&env);
}

/* Writes in band and out of line reach the device whole, cut into
 * records-aligned chunks with the right record numbers. */
KTEST(device_server_write)
{
	KT_ASSERT(kd_register());
	struct ktd_env env;
	if (!ktd_env_init(&env, "kt-device")) {
		KT_EXPECT(false);   /* no task for the test */
		device_unregister(&kd_dev);
		return;
	}
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_ASSERT(dev_open(&env, env.master, ID_OPEN, D_READ | D_WRITE, "kt-dev", &dev) ==
		  KERN_SUCCESS);

	static const char line[] = "written in band";
	int32_t written = -1;
	KT_EXPECT(dev_write_inband(&env, dev, 5, line, sizeof(line) - 1, &written) ==
		  KERN_SUCCESS);
	KT_EXPECT(written == (int32_t)sizeof(line) - 1);
	KT_EXPECT(kd.nwritten == sizeof(line) - 1 && memcmp(kd.written, line, kd.nwritten) == 0);
	KT_EXPECT(kd.nrecnums == 1 && kd.recnums[0] == 5);
	/* Nothing at all is fine too. */
	KT_EXPECT(dev_write_inband(&env, dev, 0, "", 0, &written) == KERN_SUCCESS);
	KT_EXPECT(written == 0);
	/* More than an in-band buffer holds. */
	static char big[200];
	memset(big, 'b', sizeof(big));
	KT_EXPECT(dev_write_inband(&env, dev, 0, big, sizeof(big), &written) == D_INVALID_SIZE);

	/* 9000 bytes out of line from recnum 100: three chunks, at records
	 * 100, 108 and 116 (512-byte records, 4096-byte chunks on 4K pages). */
	memset(&kd, 0, sizeof(kd));
	static uint8_t pattern[9000];
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 9));
	vaddr_t va = 0;
	KT_ASSERT(vm_allocate(&env.task->map, &va, 3 * PAGE_SIZE, true, PROT_RW) == K_OK);
	KT_ASSERT(vm_map_write(&env.task->map, va, pattern, sizeof(pattern)) == K_OK);
	KT_EXPECT(dev_write(&env, dev, 100, va, sizeof(pattern), &written) == KERN_SUCCESS);
	KT_EXPECT(written == (int32_t)sizeof(pattern));
	KT_EXPECT(kd.nwritten == sizeof(pattern) && memcmp(kd.written, pattern, sizeof(pattern)) == 0);
	uint64_t per_chunk = DEVICE_IO_CHUNK / 512;
	KT_EXPECT(kd.nrecnums == (sizeof(pattern) + DEVICE_IO_CHUNK - 1) / DEVICE_IO_CHUNK);
	for (unsigned i = 0; i < kd.nrecnums; i++)
		KT_EXPECT(kd.recnums[i] == 100 + i * per_chunk);
	/* A device that takes less: the count says so. */
	memset(&kd, 0, sizeof(kd));
	kd.nwritten = sizeof(kd.written) - 10;
	KT_EXPECT(dev_write(&env, dev, 0, va, 100, &written) == KERN_SUCCESS);
	KT_EXPECT(written == 10);
	/* Out-of-line data the task does not have: refused by mach_msg, the
	 * device sees nothing. */
	memset(&kd, 0, sizeof(kd));
	KT_EXPECT(dev_write(&env, dev, 0, va + 8 * PAGE_SIZE * 1024, 100, &written) ==
		  MACH_SEND_INVALID_MEMORY);
	KT_EXPECT(kd.writes == 0);

	/* A read-only device: opening for writing is refused, writing
	 * through a read-only open too. */
	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	KT_ASSERT(kd_register());
	kd_dev.flags = DEVICE_READ_ONLY;
	mach_port_name_t ro = MACH_PORT_NULL;
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ | D_WRITE, "kt-dev", &ro) ==
		  D_READ_ONLY);
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ, "kt-dev", &ro) == KERN_SUCCESS);
	KT_EXPECT(dev_write_inband(&env, ro, 0, "x", 1, &written) == D_READ_ONLY);
	KT_EXPECT(kd.writes == 0);
	KT_EXPECT(dev_close(&env, ro) == KERN_SUCCESS);
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	ktd_env_fini(&env);
}

/* Reads in band and out of line: what the device has, no more; nothing
 * at all is D_WOULD_BLOCK; bad sizes are refused. */
KTEST(device_server_read)
{
	KT_ASSERT(kd_register());
	struct ktd_env env;
	if (!ktd_env_init(&env, "kt-device")) {
		KT_EXPECT(false);   /* no task for the test */
		device_unregister(&kd_dev);
		return;
	}
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_ASSERT(dev_open(&env, env.master, ID_OPEN, D_READ, "kt-dev", &dev) == KERN_SUCCESS);
	for (size_t i = 0; i < sizeof(kd.readable); i++)
		kd.readable[i] = (uint8_t)(i * 11 + 3);
	kd.nreadable = 300;
	static union ktd_buf b;

	/* In band: at most 128 bytes whatever is asked. */
	KT_EXPECT(dev_read(&env, dev, ID_READ_INBAND, 0, 1000, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == IO_INBAND_MAX);
	KT_EXPECT(MSGT_NAME(ktd_u32(&b, 0)) == T_CHAR);
	KT_EXPECT(memcmp(b.reply.body + 8, kd.readable, IO_INBAND_MAX) == 0);
	KT_EXPECT(b.reply.h.msgh_size == 56 + IO_INBAND_MAX);
	KT_EXPECT(dev_read(&env, dev, ID_READ_INBAND, 0, 10, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 10);
	KT_EXPECT(memcmp(b.reply.body + 8, kd.readable + 128, 10) == 0);
	KT_EXPECT(dev_read(&env, dev, ID_READ_INBAND, 0, -1, &b) == D_INVALID_SIZE);

	/* Out of line: asked 5000, the device has 162 left: exactly 162. */
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, 5000, &b) == KERN_SUCCESS);
	KT_EXPECT(b.reply.h.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	uint32_t word = ktd_u32(&b, 0), count = ktd_u32(&b, 4);
	KT_EXPECT(word & MSGT_LONGFORM);
	KT_EXPECT(!(word & MSGT_INLINE));
	KT_EXPECT(count == 162);
	uint64_t addr = ktd_u64(&b, 8);
	static uint8_t got[9000];
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, count) == K_OK);
	KT_EXPECT(memcmp(got, kd.readable + 138, 162) == 0);

	/* Empty now. */
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, 100, &b) == D_WOULD_BLOCK);
	KT_EXPECT(dev_read(&env, dev, ID_READ_INBAND, 0, 100, &b) == D_WOULD_BLOCK);
	/* Zero bytes wanted: nothing, successfully. */
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, 0, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 0);
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, -5, &b) == D_INVALID_SIZE);

	/* A long read across chunks. */
	kd.readpos = 0;
	kd.nreadable = sizeof(kd.readable);
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, 9000, &b) == KERN_SUCCESS);
	count = ktd_u32(&b, 4);
	addr = ktd_u64(&b, 8);
	KT_EXPECT(count == 9000);
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, 9000) == K_OK);
	KT_EXPECT(memcmp(got, kd.readable, 9000) == 0);
	/* One that runs dry after the first page: cut to what was read. */
	_Static_assert(PAGE_SIZE + 904 <= sizeof(kd.readable), "the test device holds it");
	kd.readpos = 0;
	kd.nreadable = PAGE_SIZE + 904;
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, 9000, &b) == KERN_SUCCESS);
	count = ktd_u32(&b, 4);
	addr = ktd_u64(&b, 8);
	KT_EXPECT(count == PAGE_SIZE + 904);
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, count) == K_OK);
	KT_EXPECT(memcmp(got, kd.readable, count) == 0);
	/* Exactly one page. */
	kd.readpos = 0;
	KT_EXPECT(dev_read(&env, dev, ID_READ, 0, (int32_t)PAGE_SIZE, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == PAGE_SIZE);
	addr = ktd_u64(&b, 8);
	KT_EXPECT(addr != 0 && vm_map_read(&env.task->map, addr, got, PAGE_SIZE) == K_OK);
	KT_EXPECT(memcmp(got, kd.readable, PAGE_SIZE) == 0);

	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	ktd_env_fini(&env);
}

/* get_status and set_status: the device's own flavor, the generic size
 * flavors, unknown flavors. */
KTEST(device_server_status)
{
	KT_ASSERT(kd_register());
	struct ktd_env env;
	if (!ktd_env_init(&env, "kt-device")) {
		KT_EXPECT(false);   /* no task for the test */
		device_unregister(&kd_dev);
		return;
	}
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_ASSERT(dev_open(&env, env.master, ID_OPEN, D_READ, "kt-dev", &dev) == KERN_SUCCESS);
	static union ktd_buf b;
	int32_t v = 4242;
	KT_EXPECT(dev_set_status(&env, dev, KT_FLAVOR, &v, 1) == KERN_SUCCESS);
	KT_EXPECT(kd.status == 4242);
	KT_EXPECT(dev_get_status(&env, dev, KT_FLAVOR, 16, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 1 && (int32_t)ktd_u32(&b, 8) == 4242);
	KT_EXPECT(b.reply.h.msgh_size == 56 + 8);

	KT_EXPECT(dev_get_status(&env, dev, DEV_GET_SIZE, 16, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 4) == 2);
	KT_EXPECT(ktd_u32(&b, 8) == 1u << 20 && ktd_u32(&b, 12) == 512);
	KT_EXPECT(dev_get_status(&env, dev, DEV_GET_RECORDS, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 8) == (1u << 20) / 512 && ktd_u32(&b, 12) == 512);
	KT_EXPECT(dev_get_status(&env, dev, DEV_GET_SIZE, 1, &b) == D_INVALID_SIZE);
	KT_EXPECT(dev_get_status(&env, dev, 12345, 16, &b) == D_INVALID_OPERATION);
	KT_EXPECT(dev_set_status(&env, dev, 12345, &v, 1) == D_INVALID_OPERATION);

	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(dev_get_status(&env, dev, DEV_GET_SIZE, 16, &b) == D_NO_SUCH_DEVICE);
	KT_EXPECT(device_unregister(&kd_dev) == K_OK);
	ktd_env_fini(&env);
}

/* The console as a GNU Mach program uses it. */
#define TYPED "kt-typed\n"

/* Types TYPED on the console 5 ms from now, as a keyboard would. */
static void type_later(void *unused)
{
	thread_sleep(5 * NSEC_PER_MSEC);
	console_input(TYPED, sizeof(TYPED) - 1);
}

static bool memmem_found(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

KTEST(device_console)
{
	struct ktd_env env;
	KT_ASSERT(ktd_env_init(&env, "kt-device"));
	struct device *con = device_lookup("console", 7);
	KT_ASSERT(con != NULL);
	uint32_t opens = con->open_count;
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_EXPECT(dev_open(&env, env.master, ID_OPEN, D_READ | D_WRITE, "console", &dev) ==
		  KERN_SUCCESS);
	KT_EXPECT(con->open_count == opens + 1);
	static const char line[] = "# kt_device: written to the console device\n";
	int32_t written = -1;
	KT_EXPECT(dev_write_inband(&env, dev, 0, line, sizeof(line) - 1, &written) ==
		  KERN_SUCCESS);
	KT_EXPECT(written == (int32_t)sizeof(line) - 1);
	static union ktd_buf b;
	/* With D_NOWAIT whatever input is buffered comes back (a boot test
	 * may have fed the virtio console), then D_WOULD_BLOCK. */
	int rc = KERN_SUCCESS;
	for (int i = 0; i < 1024 && rc == KERN_SUCCESS; i++)
		rc = dev_read_mode(&env, dev, ID_READ_INBAND, D_NOWAIT, 0, 16, &b);
	KT_EXPECT(rc == D_WOULD_BLOCK);
	/* Without it the read sleeps until something is typed. */
	struct thread *typist = thread_create_kernel("kt-typist", type_later, NULL,
						     SCHED_PRIO_KERNEL + 1);
	KT_ASSERT(typist != NULL);
	thread_start(typist);
	uint64_t t0 = clock_ns();
	/* Other input may come first when a boot test feeds the console (a
	 * loopback console echoes the kernel's own output): read, keeping
	 * the last bytes in a window, until the typed line is in (2 s at
	 * most). */
	static char seen[64];
	size_t got = 0, total = 0;
	bool first = true, waited = false, found = false;
	while (!found && clock_ns() - t0 < 2 * NSEC_PER_SEC) {
		if (dev_read_mode(&env, dev, ID_READ_INBAND, 0, 0, 16, &b) != KERN_SUCCESS)
			break;
		mach_msg_type_t *t = (mach_msg_type_t *)(void *)b.reply.body;
		uint32_t n = MIN(t->number, 16u);
		if (first)
			waited = clock_ns() - t0 >= 4 * NSEC_PER_MSEC;
		first = false;
		if (got + n > sizeof(seen)) {   /* keep what may be a partial match */
			memmove(seen, seen + got - 16, 16);
			got = 16;
		}
		memcpy(seen + got, b.reply.body + 8, n);
		got += n;
		total += n;
		found = memmem_found(seen, got, TYPED);
	}
	KT_EXPECT(found);
	/* Nothing else was pending, so the first read had to sleep. */
	KT_EXPECT(waited || total > sizeof(TYPED) - 1);
	KT_EXPECT(dev_get_status(&env, dev, DEV_GET_SIZE, 2, &b) == KERN_SUCCESS);
	KT_EXPECT(ktd_u32(&b, 8) == 0 && ktd_u32(&b, 12) == 1);
	int32_t v = 0;
	KT_EXPECT(dev_set_status(&env, dev, 0, &v, 1) == D_INVALID_OPERATION);
	KT_EXPECT(dev_close(&env, dev) == KERN_SUCCESS);
	KT_EXPECT(con->open_count == opens);
	device_release(con);
	ktd_env_fini(&env);
}

/* "devices" lists every registered device as a line of text; a read
 * past its end gives nothing. */
KTEST(device_list)
{
	struct ktd_env env;
	KT_ASSERT(ktd_env_init(&env, "kt-device"));
	mach_port_name_t dev = MACH_PORT_NULL;
	KT_ASSERT(ktd_open(&env, D_READ, "devices", &dev) == KERN_SUCCESS);
	static char text[512];
	size_t got = 0;
	static union ktd_buf b;
	for (;;) {
		KT_ASSERT(ktd_read(&env, dev, KTD_READ_INBAND, got, 100, &b) == KERN_SUCCESS);
		uint32_t n = ((mach_msg_type_t *)(void *)b.reply.body)->number;
		if (n == 0 || got + n >= sizeof(text))
			break;
		memcpy(text + got, b.reply.body + 8, n);
		got += n;
	}
	text[got] = '\0';
	KT_EXPECT(memmem_found(text, got, "console 0 1 rw\n"));
	KT_EXPECT(memmem_found(text, got, "devices 0 1 ro\n"));
	KT_EXPECT(memmem_found(text, got, "time 64 64 ro\n"));
	KT_EXPECT(ktd_read(&env, dev, KTD_READ_INBAND, 1000000, 16, &b) == KERN_SUCCESS &&
		  ((mach_msg_type_t *)(void *)b.reply.body)->number == 0);
	KT_EXPECT(ktd_close(&env, dev) == KERN_SUCCESS);
	ktd_env_fini(&env);
}
