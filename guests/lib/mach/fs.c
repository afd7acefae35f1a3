/* The file protocol (<machv/fs.h>): its messages, the client calls, the
 * mount table, and the server loop every file server runs. */
#include <machv/fs.h>
#include <machv/libc.h>
#include <machv/names.h>
#include <mach_init.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/notify.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "device.h"

_Static_assert(sizeof(mach_msg_header_t) == 32, "GNU Mach's LP64 header");
_Static_assert(sizeof(mach_msg_type_t) == 8, "GNU Mach's LP64 type descriptor");

/* --- The messages.  A request is a path and up to two 64-bit numbers; a
 * reply is a return code, then three numbers, then data or a name. */
struct fs_request {
	mach_msg_header_t head;
	mach_msg_type_t path_type;
	char path[FS_PATH_MAX];
	mach_msg_type_t args_type;
	uint64_t args[2];
};
/* FS_STAT has no numbers, so no descriptor for them either. */
#define FS_REQ_SIZE(nargs) ((nargs) ? offsetof(struct fs_request, args) + \
			    (nargs) * sizeof(uint64_t) : offsetof(struct fs_request, args_type))

struct fs_reply {
	mach_msg_header_t head;
	mach_msg_type_t ret_type;
	kern_return_t ret;
	uint32_t ret_pad;
	mach_msg_type_t info_type;
	union {
		/* FS_READ: the bytes. */
		uint8_t data[FS_READ_MAX];
		/* FS_STAT and FS_READDIR: type, mode, size, and FS_READDIR's name. */
		struct {
			uint64_t info[3];
			mach_msg_type_t name_type;
			char name[FS_NAME_MAX];
		} st;
	} u;
};
#define FS_REPLY_ERROR_SIZE offsetof(struct fs_reply, info_type)
#define FS_REPLY_STAT_SIZE  offsetof(struct fs_reply, u.st.name_type)
#define FS_REPLY_DIR_SIZE   (offsetof(struct fs_reply, u) + sizeof(((struct fs_reply *)0)->u.st))
#define FS_REPLY_READ_SIZE(n) (offsetof(struct fs_reply, u.data) + (((n) + 7) & ~(size_t)7))

/* A call's buffer: the request goes out of it, the reply comes into it. */
union fs_msg {
	struct fs_request req;
	struct fs_reply rep;
};

static mach_msg_type_t fs_type(unsigned name, unsigned size, unsigned number)
{
	mach_msg_type_t t;

	memset(&t, 0, sizeof(t));
	t.msgt_name = name;
	t.msgt_size = size;
	t.msgt_number = number;
	t.msgt_inline = 1;
	return t;
}

static bool fs_type_is(const mach_msg_type_t *t, unsigned name, unsigned size, unsigned number)
{
	return t->msgt_name == name && t->msgt_size == size && t->msgt_number == number &&
	       t->msgt_inline && !t->msgt_longform && !t->msgt_deallocate;
}

/* --- Paths. */

kern_return_t fs_path_normalise(const char *path, char *out)
{
	size_t len = 0;

	if (!path || path[0] != '/')
		return FS_E_INVAL;
	out[0] = '\0';
	while (*path) {
		const char *c;
		size_t n;

		while (*path == '/')
			path++;
		c = path;
		while (*path && *path != '/')
			path++;
		n = (size_t)(path - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			/* Back to the previous slash, or to the root. */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + (len > 0) + n + 1 > FS_PATH_MAX)
			return FS_E_INVAL;
		if (len > 0)
			out[len++] = '/';
		memcpy(out + len, c, n);
		len += n;
		out[len] = '\0';
	}
	return KERN_SUCCESS;
}

const char *fs_strerror(kern_return_t kr)
{
	switch (kr) {
	case FS_E_NOENT: return "no such file or directory";
	case FS_E_NOTDIR: return "not a directory";
	case FS_E_ISDIR: return "is a directory";
	case FS_E_BADOFF: return "offset past the end of the file";
	case FS_E_IO: return "I/O error";
	case FS_E_INVAL: return "invalid argument";
	case FS_END: return "no more entries";
	default: return NULL;
	}
}

mach_port_t fs_env_port(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++) {
		uint64_t v;

		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=' &&
		    parse_u64(*envp + n + 1, strlen(*envp + n + 1), &v) && v > 0 &&
		    v <= 0xffffffffu)
			return (mach_port_t)v;
	}
	return MACH_PORT_NULL;
}

/* --- The client: one request, one reply. */

static kern_return_t fs_call(mach_port_t server, union fs_msg *m, size_t size)
{
	struct fs_request *req = &m->req;
	struct fs_reply *rep = &m->rep;
	mach_port_t reply = mig_get_reply_port();
	mach_msg_return_t mr;
	int id = req->head.msgh_id;

	req->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	req->head.msgh_size = (mach_msg_size_t)size;
	req->head.msgh_remote_port = server;
	req->head.msgh_local_port = reply;
	req->head.msgh_seqno = 0;
	mr = mach_msg(&req->head, MACH_SEND_MSG | MACH_RCV_MSG, (mach_msg_size_t)size,
		      sizeof(*m), reply, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS) {
		/* What is left on the reply port cannot be trusted: a fresh
		 * one next time (MIG's stubs do the same). */
		if (mr != MACH_SEND_INVALID_DEST && mr != MACH_SEND_INVALID_DATA &&
		    mr != MACH_SEND_INVALID_HEADER)
			mig_dealloc_reply_port(reply);
		return mr;
	}
	/* The reply is ours: ask nothing of it, it must not carry rights. */
	if (rep->head.msgh_id == MACH_NOTIFY_SEND_ONCE)
		return MIG_SERVER_DIED;
	if (rep->head.msgh_id != id + FS_REPLY || (rep->head.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MIG_REPLY_MISMATCH;
	if (rep->head.msgh_size < FS_REPLY_ERROR_SIZE ||
	    !fs_type_is(&rep->ret_type, MACH_MSG_TYPE_INTEGER_32, 32, 1))
		return MIG_TYPE_ERROR;
	if (rep->ret != KERN_SUCCESS)
		return rep->head.msgh_size == FS_REPLY_ERROR_SIZE ? rep->ret : MIG_TYPE_ERROR;
	return KERN_SUCCESS;
}

static kern_return_t fs_request_init(struct fs_request *req, int id, const char *path)
{
	size_t n = strlen(path);

	if (n >= FS_PATH_MAX)
		return FS_E_INVAL;
	memset(req, 0, sizeof(*req));
	req->head.msgh_id = id;
	req->path_type = fs_type(MACH_MSG_TYPE_CHAR, 8, FS_PATH_MAX);
	memcpy(req->path, path, n);
	return KERN_SUCCESS;
}

static void fs_stat_of(const struct fs_reply *rep, struct fs_stat *st)
{
	st->type = rep->u.st.info[0];
	st->mode = rep->u.st.info[1];
	st->size = rep->u.st.info[2];
}

/* The calls' buffers are on the caller's stack: a little over 8 KiB. */
kern_return_t fs_stat_port(mach_port_t server, const char *path, struct fs_stat *st)
{
	union fs_msg m;
	struct fs_request *req = &m.req;
	struct fs_reply *rep = &m.rep;
	kern_return_t kr;

	if ((kr = fs_request_init(req, FS_STAT, path)) != KERN_SUCCESS)
		return kr;
	if ((kr = fs_call(server, &m, FS_REQ_SIZE(0))) != KERN_SUCCESS)
		return kr;
	if (rep->head.msgh_size != FS_REPLY_STAT_SIZE ||
	    !fs_type_is(&rep->info_type, MACH_MSG_TYPE_INTEGER_64, 64, 3))
		return MIG_TYPE_ERROR;
	fs_stat_of(rep, st);
	return KERN_SUCCESS;
}

kern_return_t fs_read_port(mach_port_t server, const char *path, uint64_t offset, void *buf,
			   size_t count, size_t *got)
{
	union fs_msg m;
	struct fs_request *req = &m.req;
	struct fs_reply *rep = &m.rep;
	kern_return_t kr;
	unsigned n;

	*got = 0;
	if ((kr = fs_request_init(req, FS_READ, path)) != KERN_SUCCESS)
		return kr;
	req->args_type = fs_type(MACH_MSG_TYPE_INTEGER_64, 64, 2);
	req->args[0] = offset;
	req->args[1] = count;
	if ((kr = fs_call(server, &m, FS_REQ_SIZE(2))) != KERN_SUCCESS)
		return kr;
	n = rep->info_type.msgt_number;
	if (!fs_type_is(&rep->info_type, MACH_MSG_TYPE_CHAR, 8, n) || n > count ||
	    rep->head.msgh_size != FS_REPLY_READ_SIZE(n))
		return MIG_TYPE_ERROR;
	memcpy(buf, rep->u.data, n);
	*got = n;
	return KERN_SUCCESS;
}

kern_return_t fs_readdir_port(mach_port_t server, const char *path, uint64_t index,
			      struct fs_dirent *de)
{
	union fs_msg m;
	struct fs_request *req = &m.req;
	struct fs_reply *rep = &m.rep;
	kern_return_t kr;

	if ((kr = fs_request_init(req, FS_READDIR, path)) != KERN_SUCCESS)
		return kr;
	req->args_type = fs_type(MACH_MSG_TYPE_INTEGER_64, 64, 1);
	req->args[0] = index;
	if ((kr = fs_call(server, &m, FS_REQ_SIZE(1))) != KERN_SUCCESS)
		return kr;
	if (rep->head.msgh_size != FS_REPLY_DIR_SIZE ||
	    !fs_type_is(&rep->info_type, MACH_MSG_TYPE_INTEGER_64, 64, 3) ||
	    !fs_type_is(&rep->u.st.name_type, MACH_MSG_TYPE_CHAR, 8, FS_NAME_MAX) ||
	    strnlen(rep->u.st.name, FS_NAME_MAX) == FS_NAME_MAX)
		return MIG_TYPE_ERROR;
	fs_stat_of(rep, &de->st);
	memcpy(de->name, rep->u.st.name, FS_NAME_MAX);
	return KERN_SUCCESS;
}

/* --- The mount table: prefixes and their servers, this task's own. */

#define FS_PREFIX_MAX 64
static struct {
	char prefix[FS_PREFIX_MAX];
	mach_port_t server;
} fs_mounts[FS_MOUNTS_MAX];
static bool fs_mounts_filled;

kern_return_t fs_mount(const char *path, mach_port_t server)
{
	char norm[FS_PATH_MAX], prefix[FS_PREFIX_MAX];
	size_t n = strlen(path);
	int free_slot = -1;

	/* Stored normalised, with its leading slash. */
	if (n < 1 || (n > 1 && path[n - 1] == '/') || fs_path_normalise(path, norm) != KERN_SUCCESS ||
	    strlen(norm) + 2 > FS_PREFIX_MAX)
		return FS_E_INVAL;
	prefix[0] = '/';
	strlcpy(prefix + 1, norm, sizeof(prefix) - 1);
	n = strlen(prefix);
	fs_mounts_filled = true;
	for (int i = 0; i < FS_MOUNTS_MAX; i++) {
		if (fs_mounts[i].server != MACH_PORT_NULL && strcmp(fs_mounts[i].prefix, prefix) == 0) {
			fs_mounts[i].server = server;
			return KERN_SUCCESS;
		}
		if (fs_mounts[i].server == MACH_PORT_NULL && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return KERN_NO_SPACE;
	memcpy(fs_mounts[free_slot].prefix, prefix, n + 1);
	fs_mounts[free_slot].server = server;
	return KERN_SUCCESS;
}

/* A call without mounts asks the name service for the two standard ones
 * (again on later calls until one is found: servers may register after
 * their first client starts). */
static void fs_mounts_discover(void)
{
	static const struct {
		const char *name, *prefix;
	} standard[] = { { "fs/", "/" }, { "fs/disk", "/disk" } };
	mach_port_t port;

	if (fs_mounts_filled)
		return;
	for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++)
		if (ns_lookup(standard[i].name, &port) == KERN_SUCCESS)
			(void)fs_mount(standard[i].prefix, port);
}

/* The server of path and the path within it, normalised (into rest,
 * FS_PATH_MAX bytes): the longest prefix that ends on a component
 * boundary. */
static kern_return_t fs_resolve(const char *path, mach_port_t *server, char *rest)
{
	char norm[FS_PATH_MAX];
	size_t best = 0, len;
	int found = -1;
	kern_return_t kr = fs_path_normalise(path, norm);

	if (kr != KERN_SUCCESS)
		return kr;
	fs_mounts_discover();
	/* Prefixes are compared without their leading slash, as norm is. */
	for (int i = 0; i < FS_MOUNTS_MAX; i++) {
		const char *p = fs_mounts[i].prefix + 1;
		size_t n = strlen(p);

		if (fs_mounts[i].server == MACH_PORT_NULL)
			continue;
		if (n > 0 && (strncmp(norm, p, n) != 0 || (norm[n] != '\0' && norm[n] != '/')))
			continue;
		if (found < 0 || n > best) {
			best = n;
			found = i;
		}
	}
	if (found < 0)
		return FS_E_NOENT;
	*server = fs_mounts[found].server;
	len = strlen(norm + best);
	if (norm[best] == '/')
		memcpy(rest, norm + best, len + 1);
	else {
		/* The whole path was the prefix ("/"), or the prefix was "/". */
		rest[0] = '/';
		memcpy(rest + 1, norm + best, len + 1);
	}
	return KERN_SUCCESS;
}

kern_return_t fs_stat(const char *path, struct fs_stat *st)
{
	mach_port_t server;
	char rest[FS_PATH_MAX + 1];
	kern_return_t kr = fs_resolve(path, &server, rest);

	return kr ? kr : fs_stat_port(server, rest, st);
}

kern_return_t fs_read(const char *path, uint64_t offset, void *buf, size_t count, size_t *got)
{
	mach_port_t server;
	char rest[FS_PATH_MAX + 1];
	kern_return_t kr = fs_resolve(path, &server, rest);

	*got = 0;
	while (kr == KERN_SUCCESS && *got < count) {
		size_t want = count - *got, n;

		if (want > FS_READ_MAX)
			want = FS_READ_MAX;
		kr = fs_read_port(server, rest, offset + *got, (char *)buf + *got, want, &n);
		if (kr != KERN_SUCCESS)
			break;
		*got += n;
		if (n < want)
			break;
	}
	return kr;
}

kern_return_t fs_readdir(const char *path, uint64_t index, struct fs_dirent *de)
{
	mach_port_t server;
	char rest[FS_PATH_MAX + 1];
	kern_return_t kr = fs_resolve(path, &server, rest);

	return kr ? kr : fs_readdir_port(server, rest, index, de);
}

/* --- The server. */

/* Check a request's shape; on success *path is its normalised path (in
 * norm, FS_PATH_MAX bytes). */
static kern_return_t fs_check_request(const struct fs_request *req, unsigned nargs,
				      char *norm)
{
	if (req->head.msgh_size != FS_REQ_SIZE(nargs) ||
	    (req->head.msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    !fs_type_is(&req->path_type, MACH_MSG_TYPE_CHAR, 8, FS_PATH_MAX) ||
	    (nargs && !fs_type_is(&req->args_type, MACH_MSG_TYPE_INTEGER_64, 64, nargs)))
		return MIG_BAD_ARGUMENTS;
	if (strnlen(req->path, FS_PATH_MAX) == FS_PATH_MAX)
		return FS_E_INVAL;
	return fs_path_normalise(req->path, norm);
}

/* A right a refused request brought, given back. */
static void fs_drop_right(unsigned type, mach_port_t name)
{
	mach_port_t self = mach_task_self();

	if (!MACH_PORT_VALID(name))
		return;
	if (type == MACH_MSG_TYPE_PORT_RECEIVE)
		(void)mach_port_mod_refs(self, name, MACH_PORT_RIGHT_RECEIVE, -1);
	else if (type == MACH_MSG_TYPE_PORT_SEND || type == MACH_MSG_TYPE_PORT_SEND_ONCE)
		(void)mach_port_deallocate(self, name);
}

/* No request carries rights or memory; a complex one is refused, and what
 * it brought (port rights, inline or out of line, and out-of-line memory)
 * is given back, or a client could fill the server's space.  The kernel
 * checked the descriptors when it delivered the message. */
static void fs_discard_body(mach_msg_header_t *head)
{
	uint8_t *p = (uint8_t *)(head + 1), *end = (uint8_t *)head + head->msgh_size;

	while (end - p >= (ptrdiff_t)sizeof(mach_msg_type_t)) {
		const mach_msg_type_t *t = (const mach_msg_type_t *)p;
		unsigned type = t->msgt_name, bits = t->msgt_size;
		uint64_t number = t->msgt_number, bytes = (number * bits + 7) / 8;
		bool port = type == MACH_MSG_TYPE_PORT_RECEIVE || type == MACH_MSG_TYPE_PORT_SEND ||
			    type == MACH_MSG_TYPE_PORT_SEND_ONCE;

		p += sizeof(*t);
		if (t->msgt_inline) {
			/* Rights inline: 8-byte slots, the name in the low half. */
			for (uint64_t i = 0; port && i < number && (uint64_t)(end - p) >= 8 * (i + 1); i++)
				fs_drop_right(type, (mach_port_t)*(const uint64_t *)(p + 8 * i));
			if ((uint64_t)(end - p) < ((bytes + 7) & ~(uint64_t)7))
				break;
			p += (bytes + 7) & ~(uint64_t)7;
			continue;
		}
		if (end - p < 8)
			break;
		{
			vm_address_t addr = (vm_address_t)*(const uint64_t *)p;

			for (uint64_t i = 0; port && addr && i < number; i++)
				fs_drop_right(type, bits == 32 ? ((const uint32_t *)addr)[i] :
								 (mach_port_t)((const uint64_t *)addr)[i]);
			if (addr && bytes)
				(void)vm_deallocate(mach_task_self(), addr, bytes);
		}
		p += 8;
	}
}

/* Fill rep for req; returns the reply's size. */
static size_t fs_handle(const struct fs_ops *ops, void *ctx, const struct fs_request *req,
			struct fs_reply *rep)
{
	char path[FS_PATH_MAX];
	struct fs_stat st;
	kern_return_t kr;
	uint32_t got;
	size_t size = FS_REPLY_ERROR_SIZE;

	switch (req->head.msgh_id) {
	case FS_STAT:
		kr = fs_check_request(req, 0, path);
		if (kr == KERN_SUCCESS)
			kr = ops->stat(ctx, path, &st);
		if (kr == KERN_SUCCESS) {
			rep->info_type = fs_type(MACH_MSG_TYPE_INTEGER_64, 64, 3);
			rep->u.st.info[0] = st.type;
			rep->u.st.info[1] = st.mode;
			rep->u.st.info[2] = st.size;
			size = FS_REPLY_STAT_SIZE;
		}
		break;
	case FS_READ:
		kr = fs_check_request(req, 2, path);
		if (kr == KERN_SUCCESS && req->args[1] > FS_READ_MAX)
			kr = FS_E_INVAL;
		if (kr == KERN_SUCCESS)
			kr = ops->read(ctx, path, req->args[0], rep->u.data, (uint32_t)req->args[1],
				       &got);
		if (kr == KERN_SUCCESS) {
			rep->info_type = fs_type(MACH_MSG_TYPE_CHAR, 8, got);
			/* The padding goes out too: no stale bytes in it. */
			memset(rep->u.data + got, 0, FS_REPLY_READ_SIZE(got) -
			       offsetof(struct fs_reply, u.data) - got);
			size = FS_REPLY_READ_SIZE(got);
		}
		break;
	case FS_READDIR: {
		struct fs_dirent de;

		kr = fs_check_request(req, 1, path);
		if (kr == KERN_SUCCESS) {
			memset(&de, 0, sizeof(de));
			kr = ops->readdir(ctx, path, req->args[0], &de);
		}
		if (kr == KERN_SUCCESS) {
			rep->info_type = fs_type(MACH_MSG_TYPE_INTEGER_64, 64, 3);
			rep->u.st.info[0] = de.st.type;
			rep->u.st.info[1] = de.st.mode;
			rep->u.st.info[2] = de.st.size;
			rep->u.st.name_type = fs_type(MACH_MSG_TYPE_CHAR, 8, FS_NAME_MAX);
			de.name[FS_NAME_MAX - 1] = '\0';
			memcpy(rep->u.st.name, de.name, FS_NAME_MAX);
			size = FS_REPLY_DIR_SIZE;
		}
		break;
	}
	default:
		kr = MIG_BAD_ID;
		break;
	}
	rep->ret_type = fs_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
	rep->ret = kr;
	rep->ret_pad = 0;
	return size;
}

kern_return_t fs_serve(mach_port_t port, const struct fs_ops *ops, void *ctx)
{
	struct fs_request *req;
	struct fs_reply *rep;
	vm_address_t mem = 0;
	/* Room for a little more than the largest request, so that what is
	 * too big is still received and answered as malformed. */
	const mach_msg_size_t req_room = 1024;
	kern_return_t kr;

	_Static_assert(sizeof(struct fs_request) <= 1024, "requests fit the buffer");
	kr = vm_allocate(mach_task_self(), &mem, req_room + sizeof(*rep), TRUE);
	if (kr != KERN_SUCCESS)
		return kr;
	req = (struct fs_request *)mem;
	rep = (struct fs_reply *)(mem + req_room);
	for (;;) {
		mach_msg_bits_t reply_type;
		size_t size;

		kr = mach_msg(&req->head, MACH_RCV_MSG, 0, req_room, port, MACH_MSG_TIMEOUT_NONE,
			      MACH_PORT_NULL);
		if (kr == MACH_RCV_TOO_LARGE || kr == MACH_RCV_INVALID_DATA ||
		    kr == MACH_RCV_HEADER_ERROR || kr == MACH_RCV_BODY_ERROR)
			continue; /* the kernel dropped that one */
		if (kr != MACH_MSG_SUCCESS)
			break;
		if (req->head.msgh_bits & MACH_MSGH_BITS_COMPLEX)
			fs_discard_body(&req->head);
		reply_type = MACH_MSGH_BITS_REMOTE(req->head.msgh_bits);
		if (req->head.msgh_remote_port == MACH_PORT_NULL)
			continue; /* nobody to answer */
		size = fs_handle(ops, ctx, req, rep);
		rep->head.msgh_bits = MACH_MSGH_BITS(reply_type, 0);
		rep->head.msgh_size = (mach_msg_size_t)size;
		rep->head.msgh_remote_port = req->head.msgh_remote_port;
		rep->head.msgh_local_port = MACH_PORT_NULL;
		rep->head.msgh_seqno = 0;
		rep->head.msgh_id = req->head.msgh_id + FS_REPLY;
		/* A client that went away is its own problem. */
		(void)mach_msg(&rep->head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, (mach_msg_size_t)size, 0,
			       MACH_PORT_NULL, 0, MACH_PORT_NULL);
	}
	(void)vm_deallocate(mach_task_self(), mem, req_room + sizeof(*rep));
	return kr;
}

kern_return_t fs_server_port(const char *ns_name, mach_port_t *port, bool *registered)
{
	mach_port_t self = mach_task_self(), bootstrap = MACH_PORT_NULL;
	kern_return_t kr;

	*registered = false;
	kr = mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, port);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = mach_port_insert_right(self, *port, *port, MACH_MSG_TYPE_MAKE_SEND);
	if (kr == KERN_SUCCESS &&
	    task_get_special_port(self, TASK_BOOTSTRAP_PORT, &bootstrap) == KERN_SUCCESS &&
	    MACH_PORT_VALID(bootstrap)) {
		(void)mach_port_deallocate(self, bootstrap);
		kr = ns_register(ns_name, *port);
		*registered = kr == KERN_SUCCESS;
	}
	if (kr != KERN_SUCCESS)
		(void)mach_port_destroy(self, *port);
	return kr;
}

/* --- Devices. */

/* The device's size in bytes, as DEV_GET_SIZE reports it. */
static kern_return_t device_bytes(mach_port_t device, size_t *size)
{
	int status[DEV_GET_SIZE_COUNT];
	mach_msg_type_number_t count = DEV_GET_SIZE_COUNT;
	kern_return_t kr = device_get_status(device, DEV_GET_SIZE, status, &count);

	if (kr != KERN_SUCCESS)
		return kr;
	if (count < DEV_GET_SIZE_COUNT || status[DEV_GET_SIZE_DEVICE_SIZE] <= 0)
		return FS_E_IO;
	*size = (size_t)status[DEV_GET_SIZE_DEVICE_SIZE];
	return KERN_SUCCESS;
}

kern_return_t fs_device_map(mach_port_t device, const void **image, size_t *size)
{
	mach_port_t pager = MACH_PORT_NULL;
	vm_address_t at = 0;
	size_t total = 0;
	kern_return_t kr = device_bytes(device, &total);

	if (kr == KERN_SUCCESS)
		kr = device_map(device, VM_PROT_READ, 0, total, &pager, 0);
	if (kr != KERN_SUCCESS)
		return kr;
	/* Shared, not copied; children made with inherited memory do not
	 * get it (they would not know it is there). */
	kr = vm_map(mach_task_self(), &at, total, 0, TRUE, pager, 0, FALSE, VM_PROT_READ,
		    VM_PROT_READ, VM_INHERIT_NONE);
	(void)mach_port_deallocate(mach_task_self(), pager);
	if (kr != KERN_SUCCESS)
		return kr;
	*image = (const void *)at;
	*size = total;
	return KERN_SUCCESS;
}

kern_return_t fs_device_image(mach_port_t device, const void **image, size_t *size)
{
	void *copy;
	kern_return_t kr = fs_device_map(device, image, size);

	if (kr == KERN_SUCCESS)
		return kr;
	kr = fs_device_slurp(device, &copy, size);
	if (kr == KERN_SUCCESS)
		*image = copy;
	return kr;
}

kern_return_t fs_device_slurp(mach_port_t device, void **image, size_t *size)
{
	vm_address_t mem = 0;
	size_t total, done = 0;
	kern_return_t kr = device_bytes(device, &total);

	if (kr != KERN_SUCCESS)
		return kr;
	kr = vm_allocate(mach_task_self(), &mem, total, TRUE);
	if (kr != KERN_SUCCESS)
		return kr;
	while (done < total) {
		/* A megabyte at a time: whole records, so recnum stays exact. */
		size_t want = total - done > (1u << 20) ? (1u << 20) : total - done;
		io_buf_ptr_t data;
		mach_msg_type_number_t got = 0;

		kr = device_read(device, 0, (recnum_t)(done / 512), (int)want, &data, &got);
		if (kr != KERN_SUCCESS || got == 0) {
			(void)vm_deallocate(mach_task_self(), mem, total);
			return kr != KERN_SUCCESS ? kr : FS_E_IO;
		}
		memcpy((char *)mem + done, data, got < want ? got : want);
		(void)vm_deallocate(mach_task_self(), (vm_address_t)data, got);
		done += got < want ? got : want;
	}
	*image = (void *)mem;
	*size = total;
	return KERN_SUCCESS;
}
