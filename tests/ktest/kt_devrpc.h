/* Hand-built device.defs (and a few host) requests for the device
 * self-tests (kt_device.c, kt_ramdisk.c, kt_time_device.c): a task made
 * for the test sends GNU Mach LP64 messages from its own space, and the
 * replies are taken apart field by field.  Everything is static inline so each test
 * file takes only what it uses. */
#ifndef KT_DEVRPC_H
#define KT_DEVRPC_H

#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/device.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/task.h>

/* mach/message.h type names. */
#define KTD_INTEGER_32 2
#define KTD_CHAR       8
#define KTD_INTEGER_64 11
#define KTD_STRING_C   12

/* device.defs message ids. */
#define KTD_OPEN          2800
#define KTD_CLOSE         2801
#define KTD_WRITE_INBAND  2803
#define KTD_READ          2804
#define KTD_READ_INBAND   2805
#define KTD_MAP           2809
#define KTD_GET_STATUS    2811
/* mach_host.defs. */
#define KTD_HOST_GET_TIME64 2643

union ktd_buf {
	uint8_t bytes[1024];
	struct {
		mach_msg_header_t h;
		mach_msg_type_t ret_type;
		int32_t ret_code, pad;
		uint8_t body[960];   /* after the return code: type word, data */
	} reply;
};

struct ktd_req {
	union ktd_buf *b;
	uint32_t len;
};

struct ktd_env {
	struct task *task;
	struct ipc_space *space;
	mach_port_name_t master;  /* send right to the device master */
	mach_port_name_t host;    /* send right to the host port */
	mach_port_name_t self;    /* send right to the task's own port */
	mach_port_name_t reply;   /* a receive right for replies */
};

static inline void ktd_start(struct ktd_req *r, union ktd_buf *b)
{
	memset(b, 0, sizeof(*b));
	r->b = b;
	r->len = sizeof(mach_msg_header_t);
}

static inline void ktd_raw(struct ktd_req *r, const void *data, size_t len)
{
	memcpy(r->b->bytes + r->len, data, len);
	r->len += (uint32_t)ALIGN_UP(len, 8);
}

static inline void ktd_type(struct ktd_req *r, uint32_t word, uint32_t number)
{
	mach_msg_type_t t = { .word = word, .number = number };
	ktd_raw(r, &t, sizeof(t));
}

static inline void ktd_int32(struct ktd_req *r, int32_t v)
{
	ktd_type(r, MSGT_WORD(KTD_INTEGER_32, 32, true), 1);
	ktd_raw(r, &v, 4);
}

static inline void ktd_int64(struct ktd_req *r, uint64_t v)
{
	ktd_type(r, MSGT_WORD(KTD_INTEGER_64, 64, true), 1);
	ktd_raw(r, &v, 8);
}

static inline bool ktd_env_init(struct ktd_env *env, const char *name)
{
	env->task = task_create(name);
	if (env->task == NULL)
		return false;
	env->space = env->task->itk_space;
	env->master = ipc_device_master_self(env->task);
	env->host = ipc_host_self(env->task);
	env->self = ipc_task_self(env->task);
	env->reply = ipc_reply_port(env->task);
	return env->master != MACH_PORT_NULL && env->host != MACH_PORT_NULL &&
	       env->self != MACH_PORT_NULL && env->reply != MACH_PORT_NULL;
}

static inline void ktd_env_fini(struct ktd_env *env)
{
	task_terminate(env->task, 0, NULL);
	task_wait(env->task);
}

/* Send the request to dest and receive the reply into the same buffer:
 * the reply's return code, mach_msg's error, or -2 for a reply to
 * something else. */
static inline int32_t ktd_rpc_bits(struct ktd_env *env, struct ktd_req *r, mach_port_name_t dest,
				   int32_t id, uint32_t extra_bits)
{
	mach_msg_header_t *h = &r->b->reply.h;
	h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
		       extra_bits;
	h->msgh_size = r->len;
	h->msgh_remote_slot = dest;
	h->msgh_protected_payload = env->reply;
	h->msgh_id = id;
	struct ipc_msg_buf buf = { .user = false, .addr = (uintptr_t)r->b, .map = &env->task->map };
	mach_msg_return_t mr = ipc_mach_msg(env->space, buf,
					    MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
					    r->len, sizeof(*r->b), env->reply, 1000, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS)
		return (int32_t)mr;
	if (h->msgh_id != id + 100) {
		ktest_note("reply id %d to %d", h->msgh_id, id);
		return -2;
	}
	return r->b->reply.ret_code;
}

static inline int32_t ktd_rpc(struct ktd_env *env, struct ktd_req *r, mach_port_name_t dest,
			      int32_t id)
{
	return ktd_rpc_bits(env, r, dest, id, 0);
}

static inline uint32_t ktd_u32(const union ktd_buf *b, size_t off)
{
	uint32_t v;
	memcpy(&v, b->reply.body + off, 4);
	return v;
}

static inline uint64_t ktd_u64(const union ktd_buf *b, size_t off)
{
	uint64_t v;
	memcpy(&v, b->reply.body + off, 8);
	return v;
}

/* device_open(master, mode, name): the code; *dev the new name. */
static inline int32_t ktd_open(struct ktd_env *env, uint32_t mode, const char *name,
			       mach_port_name_t *dev)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, (int32_t)mode);
	char field[DEVICE_NAME_MAX];
	memset(field, 0, sizeof(field));
	memcpy(field, name, MIN(strlen(name), sizeof(field)));
	ktd_type(&r, MSGT_WORD(KTD_STRING_C, DEVICE_NAME_MAX * 8, true) | MSGT_LONGFORM, 1);
	ktd_raw(&r, field, sizeof(field));
	int32_t kr = ktd_rpc(env, &r, env->master, KTD_OPEN);
	if (kr == KERN_SUCCESS) {
		if (MSGT_NAME(ktd_u32(&b, 0)) != MACH_MSG_TYPE_PORT_SEND)
			return -3;
		*dev = ktd_u32(&b, 8);
	}
	return kr;
}

static inline int32_t ktd_close(struct ktd_env *env, mach_port_name_t dev)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	return ktd_rpc(env, &r, dev, KTD_CLOSE);
}

static inline int32_t ktd_write_inband(struct ktd_env *env, mach_port_name_t dev,
				       uint64_t recnum, const void *data, uint32_t len)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, 0);
	ktd_int64(&r, recnum);
	ktd_type(&r, MSGT_WORD(KTD_CHAR, 8, true), len);
	ktd_raw(&r, data, len);
	return ktd_rpc(env, &r, dev, KTD_WRITE_INBAND);
}

/* device_read (id KTD_READ: out of line; the count at body+4, the
 * address at body+8) or device_read_inband (KTD_READ_INBAND: the count
 * at body+4, the bytes from body+8); the reply stays in *out. */
static inline int32_t ktd_read(struct ktd_env *env, mach_port_name_t dev, int32_t id,
			       uint64_t recnum, int32_t wanted, union ktd_buf *out)
{
	struct ktd_req r;
	ktd_start(&r, out);
	ktd_int32(&r, 0);
	ktd_int64(&r, recnum);
	ktd_int32(&r, wanted);
	return ktd_rpc(env, &r, dev, id);
}

/* device_get_status: the count at body+4, the integers from body+8. */
static inline int32_t ktd_get_status(struct ktd_env *env, mach_port_name_t dev,
				     uint32_t flavor, uint32_t count, union ktd_buf *out)
{
	struct ktd_req r;
	ktd_start(&r, out);
	ktd_int32(&r, (int32_t)flavor);
	ktd_int32(&r, (int32_t)count);
	return ktd_rpc(env, &r, dev, KTD_GET_STATUS);
}

/* device_map(dev, prot, offset, size, &pager, unmap). */
static inline int32_t ktd_map(struct ktd_env *env, mach_port_name_t dev, uint32_t prot,
			      uint64_t offset, uint64_t size)
{
	static union ktd_buf b;
	struct ktd_req r;
	ktd_start(&r, &b);
	ktd_int32(&r, (int32_t)prot);
	ktd_int64(&r, offset);
	ktd_int64(&r, size);
	ktd_int32(&r, 0);
	return ktd_rpc(env, &r, dev, KTD_MAP);
}

#endif
