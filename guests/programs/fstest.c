/* fstest: the file servers checked from outside, over a real port.
 *
 *   fstest cpio [SPEC...]          the initrd (rd0) served by cpiofs's code
 *   fstest ext2:DISK [SPEC...]     DISK (hd0...) served by ext2fs's code
 *   fstest ns [SPEC...]            the servers registered with the name
 *                                  service (cpiofs, ext2fs), then halt
 *
 * Started by the kernel directly (no name service), it runs the server
 * itself, fs_serve() in a thread of its own, mounted at "/" (cpio) or
 * "/disk" (ext2) in its mount table, and asks it through the client
 * library.  Started by init ("ns"), it waits for "fs/" and "fs/disk" to be
 * registered, lets the client library find them, and when done powers
 * the machine off (host_reboot through MACHV_HOST_PORT: the servers run
 * on, so init would never end).  It checks the protocol's errors on its own, then what the
 * command line says the tree holds (the boot test knows: it built it):
 *
 *   f:PATH:SIZE:CKSUM   a file of SIZE bytes whose POSIX cksum is CKSUM,
 *                       read whole, piecewise, and at and past its end
 *   d:PATH:N            a directory of N entries
 *   n:DIR:NAME:f|d      DIR lists NAME, a file or a directory
 *   e:PATH:noent|notdir|io  stat fails so
 *   l:PATH:noent|notdir|io  readdir of PATH fails so
 *   i:PATH              reading PATH fails with FS_E_IO (a failing disk);
 *                       the server answers on afterwards
 *   m:DISK:PREFIX       serve ext2 DISK too (a second server thread),
 *                       mounted at PREFIX, for the specs after it
 *   x:DISK              DISK is refused as no ext2 (or one this reader
 *                       cannot read), with the reason printed
 *
 * Output: the Mach test suite's lines ("ok N - ...", "fstest: P passed, F
 * failed") that tests/boot/user-fs.sh and user-ext2.sh judge. */
#include <machv/libc.h>
#include <machv/fs.h>
#include <mach_init.h>
#include <mt.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "device.h"
#include "mach_host.h"
#include <mach/task_info.h>
#include <mach/notify.h>
#include <machv/names.h>

/* Each server thread on a stack of its own. */
#define SERVERS_MAX 4
static char server_stacks[SERVERS_MAX][64 * 1024] __attribute__((aligned(16)));
static const struct fs_ops *server_ops[SERVERS_MAX];
static void *server_ctx[SERVERS_MAX];
static mach_port_t server_port[SERVERS_MAX];
static int servers;
static mach_port_t server;   /* the first one's port, for the raw checks */

static void server_main(long i)
{
	kern_return_t kr = fs_serve(server_port[i], server_ops[i], server_ctx[i]);

	printf("fstest: server %ld stopped: error %d\n", i, kr);
	(void)thread_terminate(mach_thread_self());
	for (;;)
		sleep_ms(1000);
}

/* A port with a thread serving ops over it, mounted at prefix. */
static bool start_server(const struct fs_ops *ops, void *ctx, const char *prefix)
{
	mach_port_t self = mach_task_self(), th;
	int i = servers;

	if (i == SERVERS_MAX) {
		mt_fail(prefix, "too many servers");
		return false;
	}
	server_ops[i] = ops;
	server_ctx[i] = ctx;
	if (!MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &server_port[i]),
		   KERN_SUCCESS, "a port for the server of %s", prefix) ||
	    !MT_KR(mach_port_insert_right(self, server_port[i], server_port[i],
					  MACH_MSG_TYPE_MAKE_SEND),
		   KERN_SUCCESS, "a send right to it") ||
	    !MT_KR(thread_create(self, &th), KERN_SUCCESS, "a thread for the server") ||
	    !MT_KR(mach_thread_start(th, server_main, i, server_stacks[i],
				     sizeof(server_stacks[i])),
		   KERN_SUCCESS, "the server runs"))
		return false;
	servers++;
	return MT_KR(fs_mount(prefix, server_port[i]), KERN_SUCCESS, "mounted at %s", prefix);
}

/* Open DISK and read its superblock; the error of ext2_fs_init. */
static kern_return_t open_ext2(mach_port_t master, const char *disk, struct ext2_fs *fs)
{
	mach_port_t dev;
	char why[128];
	kern_return_t kr;

	if (!MT_KR(device_open(master, D_READ, disk, &dev), D_SUCCESS, "open %s", disk))
		return D_NO_SUCH_DEVICE;
	kr = ext2_fs_init(fs, dev, why, sizeof(why));
	if (kr == KERN_SUCCESS)
		printf("fstest: %s: ext2, %u blocks of %u bytes, %u groups, inodes of %u bytes\n",
		       disk, fs->blocks_count, fs->block_size, fs->groups, fs->inode_size);
	else
		printf("fstest: %s: %s\n", disk, why);
	return kr;
}

static mach_port_t master;

/* POSIX cksum: CRC-32 (polynomial 0x04c11db7, most significant bit first)
 * of the data and then of its length, least significant byte first. */
static uint32_t crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= (uint32_t)*p++ << 24;
		for (int i = 0; i < 8; i++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	}
	return crc;
}

static uint32_t posix_cksum(const uint8_t *p, size_t n)
{
	uint32_t crc = crc_bytes(0, p, n);

	for (; n; n >>= 8) {
		uint8_t b = (uint8_t)n;

		crc = crc_bytes(crc, &b, 1);
	}
	return ~crc;
}

static const char *type_name(uint64_t type)
{
	return type == FS_TYPE_FILE ? "file" : type == FS_TYPE_DIR ? "directory" : "other";
}

/* Split "a:b:c" in place into at most max fields. */
static int split(char *s, char **field, int max)
{
	int n = 0;

	while (n < max) {
		field[n++] = s;
		s = strchr(s, ':');
		if (!s)
			break;
		*s++ = '\0';
	}
	return n;
}

static bool number(const char *s, uint64_t *v)
{
	return parse_u64(s, strlen(s), v);
}

/* --- The protocol's own errors, at the server's port. */

struct raw_request {
	mach_msg_header_t head;
	mach_msg_type_t path_type;
	char path[FS_PATH_MAX];
	mach_msg_type_t args_type;
	uint64_t args[2];
};

struct raw_reply {
	mach_msg_header_t head;
	mach_msg_type_t ret_type;
	kern_return_t ret;
	uint32_t pad;
	char rest[FS_READ_MAX + 512];
};

static mach_msg_type_t raw_type(unsigned name, unsigned size, unsigned number)
{
	mach_msg_type_t t;

	memset(&t, 0, sizeof(t));
	t.msgt_name = name;
	t.msgt_size = size;
	t.msgt_number = number;
	t.msgt_inline = 1;
	return t;
}

/* Send size bytes of req to the server as request id; the reply's
 * return code. */
static kern_return_t raw_call(const struct raw_request *req, size_t size, int id)
{
	static union {
		struct raw_request req;
		struct raw_reply rep;
	} buf;
	mach_port_t reply = mig_get_reply_port();
	kern_return_t kr;

	memcpy(&buf.req, req, size);
	buf.req.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
						MACH_MSG_TYPE_MAKE_SEND_ONCE) |
				 (req->head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	buf.req.head.msgh_remote_port = server;
	buf.req.head.msgh_local_port = reply;
	buf.req.head.msgh_id = id;
	kr = mach_msg(&buf.req.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
		      (mach_msg_size_t)size, sizeof(buf), reply, 10000, MACH_PORT_NULL);
	if (kr != KERN_SUCCESS)
		return kr;
	if (buf.rep.head.msgh_id == MACH_NOTIFY_SEND_ONCE)
		return MIG_SERVER_DIED; /* the request was dropped unanswered */
	if (buf.rep.head.msgh_id != id + FS_REPLY)
		return MIG_REPLY_MISMATCH;
	return buf.rep.ret;
}

/* A request carrying a send right and out-of-line memory, which no file
 * request has: refused, and what it brought must not stay in the server's
 * space.  The server runs in this task, so both show here: the right's
 * port gets its no-senders notification (armed for after the first send
 * right is made: the message makes it), and the task does not grow by the
 * memory sent. */
static vm_size_t task_virtual_size(void)
{
	struct task_basic_info info;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;

	if (task_info(mach_task_self(), TASK_BASIC_INFO, (task_info_t)&info, &count) != KERN_SUCCESS)
		return 0;
	return info.virtual_size;
}

static void check_complex(void)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t port_type;
		uint64_t port;
		mach_msg_type_t ool_type;
		uint64_t ool;
	} req;
	struct {
		mach_msg_header_t head;
		char body[64];
	} note;
	const vm_size_t ool_size = 1 << 20;
	mach_port_t self = mach_task_self(), port, notify, prev;
	vm_address_t ool = 0;
	vm_size_t before, after;
	kern_return_t kr = KERN_SUCCESS;
	int i;

	if (!MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port), KERN_SUCCESS,
		   "a port to send the server a right to") ||
	    !MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &notify), KERN_SUCCESS,
		   "a notification port") ||
	    !MT_KR(mach_port_request_notification(self, port, MACH_NOTIFY_NO_SENDERS, 1, notify,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		   KERN_SUCCESS, "no-senders notification requested") ||
	    !MT_KR(vm_allocate(self, &ool, ool_size, TRUE), KERN_SUCCESS, "memory to send"))
		return;
	memset(&req, 0, sizeof(req));
	req.head.msgh_bits = MACH_MSGH_BITS_COMPLEX;
	req.port_type.msgt_name = MACH_MSG_TYPE_MAKE_SEND;
	req.port_type.msgt_size = 64;
	req.port_type.msgt_number = 1;
	req.port_type.msgt_inline = 1;
	req.port = port;
	req.ool_type.msgt_name = MACH_MSG_TYPE_CHAR;
	req.ool_type.msgt_size = 8;
	req.ool_type.msgt_number = (unsigned)ool_size;
	req.ool = ool;
	MT_KR(raw_call((struct raw_request *)&req, sizeof(req), FS_STAT), MIG_BAD_ARGUMENTS,
	      "a request with a port right and memory: MIG_BAD_ARGUMENTS");
	kr = mach_msg(&note.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(note), notify, 5000,
		      MACH_PORT_NULL);
	if (MT_KR(kr, MACH_MSG_SUCCESS, "a notification came"))
		mt_eq(note.head.msgh_id, MACH_NOTIFY_NO_SENDERS,
		      "no senders: the server let go of the right it was sent");
	/* Memory: 16 more such requests (without the right). */
	req.port_type.msgt_name = MACH_MSG_TYPE_PORT_NAME;
	before = task_virtual_size();
	for (i = 0; i < 16 && kr == MACH_MSG_SUCCESS; i++)
		kr = raw_call((struct raw_request *)&req, sizeof(req), FS_STAT) == MIG_BAD_ARGUMENTS ?
			     MACH_MSG_SUCCESS : KERN_FAILURE;
	after = task_virtual_size();
	mt_ok(i == 16 && after < before + ool_size,
	      "16 MiB sent out of line did not stay (%lu KiB before, %lu KiB after)",
	      (unsigned long)before / 1024, (unsigned long)after / 1024);
	(void)vm_deallocate(self, ool, ool_size);
	(void)mach_port_mod_refs(self, port, MACH_PORT_RIGHT_RECEIVE, -1);
	(void)mach_port_mod_refs(self, notify, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void check_protocol(void)
{
	static struct raw_request req;
	struct fs_stat st;
	struct fs_dirent de;
	char buf[64], longpath[FS_PATH_MAX + 8];
	size_t got;

	if (MT_KR(fs_stat_port(server, "/", &st), KERN_SUCCESS, "stat / at the server"))
		mt_eq((long)st.type, FS_TYPE_DIR, "/ is a directory");
	MT_KR(fs_stat_port(server, "relative", &st), FS_E_INVAL, "a relative path is refused");
	MT_KR(fs_stat_port(server, "/no-such-file-here", &st), FS_E_NOENT,
	      "stat of a missing file: FS_E_NOENT");
	MT_KR(fs_readdir_port(server, "/no-such-dir/x", 0, &de), FS_E_NOENT,
	      "readdir below a missing directory: FS_E_NOENT");
	MT_KR(fs_read_port(server, "/", 0, buf, sizeof(buf), &got), FS_E_ISDIR,
	      "read of a directory: FS_E_ISDIR");
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	MT_KR(fs_stat_port(server, longpath, &st), FS_E_INVAL,
	      "a path longer than FS_PATH_MAX is refused");
	MT_KR(fs_stat_port(server, "/..", &st), KERN_SUCCESS, "/.. is / (never above the root)");

	/* Hand-made requests the client library would never send. */
	memset(&req, 0, sizeof(req));
	req.path_type = raw_type(MACH_MSG_TYPE_CHAR, 8, FS_PATH_MAX);
	memset(req.path, 'x', sizeof(req.path));
	req.path[0] = '/';
	MT_KR(raw_call(&req, offsetof(struct raw_request, args_type), FS_STAT), FS_E_INVAL,
	      "a path without its NUL: FS_E_INVAL");
	strlcpy(req.path, "/", sizeof(req.path));
	MT_KR(raw_call(&req, offsetof(struct raw_request, args_type), 0x66730099), MIG_BAD_ID,
	      "an unknown request: MIG_BAD_ID");
	MT_KR(raw_call(&req, sizeof(mach_msg_header_t), FS_STAT), MIG_BAD_ARGUMENTS,
	      "a request without its path: MIG_BAD_ARGUMENTS");
	req.path_type = raw_type(MACH_MSG_TYPE_INTEGER_32, 32, FS_PATH_MAX / 4);
	MT_KR(raw_call(&req, offsetof(struct raw_request, args_type), FS_STAT), MIG_BAD_ARGUMENTS,
	      "a path of the wrong type: MIG_BAD_ARGUMENTS");
	req.path_type = raw_type(MACH_MSG_TYPE_CHAR, 8, FS_PATH_MAX);
	req.args_type = raw_type(MACH_MSG_TYPE_INTEGER_64, 64, 2);
	req.args[0] = 0;
	req.args[1] = FS_READ_MAX + 1;
	MT_KR(raw_call(&req, sizeof(req), FS_READ), FS_E_INVAL,
	      "FS_READ of more than FS_READ_MAX bytes: FS_E_INVAL");
	MT_KR(raw_call(&req, sizeof(req) - 8, FS_READ), MIG_BAD_ARGUMENTS,
	      "FS_READ without its count: MIG_BAD_ARGUMENTS");
	check_complex();
	{
		/* Bigger than any request: the kernel drops it at the server's
		 * receive, and the reply right's death is all the client hears. */
		static char big[2048] __attribute__((aligned(8)));
		struct raw_request *r = (struct raw_request *)big;

		memset(big, 0, sizeof(big));
		r->path_type = raw_type(MACH_MSG_TYPE_CHAR, 8, sizeof(big) - 40);
		MT_KR(raw_call(r, sizeof(big), FS_STAT), MIG_SERVER_DIED,
		      "a request too big for the server: dropped, its reply right dies");
	}
	MT_KR(fs_stat_port(server, "/", &st), KERN_SUCCESS, "the server still answers");
}

/* --- What the command line says is there. */

static uint8_t *file_buf;
static size_t file_room;

static bool room_for(size_t size)
{
	vm_address_t a = 0;

	if (size <= file_room)
		return true;
	if (file_buf)
		(void)vm_deallocate(mach_task_self(), (vm_address_t)file_buf, file_room);
	file_buf = NULL;
	file_room = 0;
	if (vm_allocate(mach_task_self(), &a, size + 1, TRUE) != KERN_SUCCESS)
		return false;
	file_buf = (uint8_t *)a;
	file_room = size + 1;
	return true;
}

static void check_file(const char *path, uint64_t size, uint64_t sum)
{
	struct fs_stat st;
	struct fs_dirent de;
	uint8_t piece[1000];
	char other[FS_PATH_MAX + 8];
	size_t got;
	uint64_t off;
	bool same = true;

	if (!MT_KR(fs_stat(path, &st), KERN_SUCCESS, "stat %s", path))
		return;
	mt_eq((long)st.type, FS_TYPE_FILE, "%s is a file", path);
	mt_eq((long)st.size, (long)size, "%s has %lu bytes", path, (unsigned long)size);
	if (!room_for(size)) {
		mt_fail(path, "no memory for the file");
		return;
	}
	/* Whole, then in odd pieces from odd places. */
	if (!MT_KR(fs_read(path, 0, file_buf, size + 1, &got), KERN_SUCCESS, "read %s whole", path))
		return;
	mt_eq((long)got, (long)size, "reading %s gives its size, no more", path);
	printf("fstest: %s: %lu bytes, cksum %u\n", path, (unsigned long)got,
	       posix_cksum(file_buf, got));
	mt_eq(posix_cksum(file_buf, got), (long)sum, "%s has the right contents (cksum)", path);
	for (off = 7; off < size; off += 4099) {
		size_t want = size - off < sizeof(piece) ? size - off : sizeof(piece);

		if (fs_read(path, off, piece, want, &got) != KERN_SUCCESS || got != want ||
		    memcmp(piece, file_buf + off, want) != 0) {
			same = false;
			break;
		}
	}
	mt_ok(same, "%s read in pieces matches (at %lu)", path, (unsigned long)off);
	MT_KR(fs_read(path, size, piece, sizeof(piece), &got), KERN_SUCCESS,
	      "read at the end of %s", path);
	mt_eq((long)got, 0, "gives nothing");
	MT_KR(fs_read(path, size + 1, piece, sizeof(piece), &got), FS_E_BADOFF,
	      "read past the end of %s: FS_E_BADOFF", path);
	snprintf(other, sizeof(other), "%s/x", path);
	MT_KR(fs_stat(other, &st), FS_E_NOTDIR, "stat %s: FS_E_NOTDIR", other);
	MT_KR(fs_readdir(path, 0, &de), FS_E_NOTDIR, "readdir of the file %s: FS_E_NOTDIR", path);
	snprintf(other, sizeof(other), "/.//%s/", path);
	if (MT_KR(fs_stat(other, &st), KERN_SUCCESS, "stat %s (., // and a trailing /)", other))
		mt_eq((long)st.size, (long)size, "is the same file");
}

static void check_dir(const char *path, uint64_t n)
{
	struct fs_stat st;
	struct fs_dirent de;
	uint64_t i;
	kern_return_t kr = KERN_SUCCESS;

	if (!MT_KR(fs_stat(path, &st), KERN_SUCCESS, "stat %s", path))
		return;
	mt_eq((long)st.type, FS_TYPE_DIR, "%s is a directory", path);
	for (i = 0; i < n + 1; i++) {
		kr = fs_readdir(path, i, &de);
		if (kr != KERN_SUCCESS)
			break;
		printf("fstest: %s [%lu] %s, %s, %lu bytes\n", path, (unsigned long)i, de.name,
		       type_name(de.st.type), (unsigned long)de.st.size);
	}
	mt_eq((long)i, (long)n, "%s lists %lu entries", path, (unsigned long)n);
	MT_KR(kr, FS_END, "then FS_END");
}

static void check_name(const char *dir, const char *name, const char *type)
{
	struct fs_dirent de;
	uint64_t want = type[0] == 'd' ? FS_TYPE_DIR : FS_TYPE_FILE;

	for (uint64_t i = 0; fs_readdir(dir, i, &de) == KERN_SUCCESS; i++)
		if (strcmp(de.name, name) == 0) {
			mt_eq((long)de.st.type, (long)want, "%s lists %s, a %s", dir, name,
			      type_name(want));
			return;
		}
	mt_fail(name, "not listed");
}

static void check_error(const char *path, const char *what)
{
	struct fs_stat st;
	kern_return_t want = strcmp(what, "notdir") == 0 ? FS_E_NOTDIR :
			     strcmp(what, "io") == 0 ? FS_E_IO : FS_E_NOENT;

	MT_KR(fs_stat(path, &st), want, "stat %s: %s", path, fs_strerror(want));
}

static void check_list_error(const char *path, const char *what)
{
	struct fs_dirent de;
	kern_return_t want = strcmp(what, "notdir") == 0 ? FS_E_NOTDIR :
			     strcmp(what, "io") == 0 ? FS_E_IO : FS_E_NOENT;

	MT_KR(fs_readdir(path, 0, &de), want, "readdir %s: %s", path, fs_strerror(want));
}

static void check_ioerr(const char *path)
{
	struct fs_stat st;
	size_t got;

	if (!MT_KR(fs_stat(path, &st), KERN_SUCCESS, "stat %s on the failing disk", path))
		return;
	if (!room_for(st.size)) {
		mt_fail(path, "no memory for the file");
		return;
	}
	MT_KR(fs_read(path, 0, file_buf, st.size, &got), FS_E_IO,
	      "reading %s where the disk fails: FS_E_IO", path);
	MT_KR(fs_read(path, 0, file_buf, st.size, &got), FS_E_IO, "and again: FS_E_IO");
	MT_KR(fs_stat(path, &st), KERN_SUCCESS, "the server answers on");
}

static void mount_ext2(const char *disk, const char *prefix)
{
	static struct ext2_fs more[SERVERS_MAX];
	struct ext2_fs *fs = &more[servers % SERVERS_MAX];

	if (MT_KR(open_ext2(master, disk, fs), KERN_SUCCESS, "%s holds ext2", disk))
		start_server(&ext2_fs_ops, fs, prefix);
}

static void check_refused(const char *disk)
{
	struct ext2_fs fs;

	MT_KR(open_ext2(master, disk, &fs), FS_E_INVAL, "%s is refused with its reason", disk);
}

static void check_specs(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		char *f[4];
		uint64_t a, b;
		int n = split(argv[i], f, 4);

		if (n == 4 && strcmp(f[0], "f") == 0 && number(f[2], &a) && number(f[3], &b))
			check_file(f[1], a, b);
		else if (n == 3 && strcmp(f[0], "d") == 0 && number(f[2], &a))
			check_dir(f[1], a);
		else if (n == 4 && strcmp(f[0], "n") == 0)
			check_name(f[1], f[2], f[3]);
		else if (n == 3 && strcmp(f[0], "e") == 0)
			check_error(f[1], f[2]);
		else if (n == 3 && strcmp(f[0], "l") == 0)
			check_list_error(f[1], f[2]);
		else if (n == 2 && strcmp(f[0], "i") == 0)
			check_ioerr(f[1]);
		else if (n == 3 && strcmp(f[0], "m") == 0)
			mount_ext2(f[1], f[2]);
		else if (n == 2 && strcmp(f[0], "x") == 0)
			check_refused(f[1]);
		else
			mt_fail(argv[i], "a spec I do not understand");
	}
}

/* The mount table: the longest prefix on a component boundary wins. */
static void check_mounts(const char *prefix)
{
	struct fs_stat st;
	char alias[64], beside[64];

	snprintf(alias, sizeof(alias), "%s/alias", prefix[1] ? prefix : "");
	MT_KR(fs_mount("relative", server), FS_E_INVAL, "fs_mount of a relative prefix");
	MT_KR(fs_mount("/trailing/", server), FS_E_INVAL, "fs_mount of a prefix ending in /");
	if (!MT_KR(fs_mount(alias, server), KERN_SUCCESS, "the server mounted at %s too", alias))
		return;
	if (MT_KR(fs_stat(alias, &st), KERN_SUCCESS, "stat %s: the server's root", alias))
		mt_eq((long)st.type, FS_TYPE_DIR, "a directory");
	snprintf(beside, sizeof(beside), "%sx", alias);
	MT_KR(fs_stat(beside, &st), FS_E_NOENT, "%s is not under %s", beside, alias);
	MT_KR(fs_stat("no-slash", &st), FS_E_INVAL, "a relative full path is refused");
}

/* The servers init started: found through the name service by the
 * client library itself, once both names are there. */
#define RB_HALT 0x8   /* host_reboot: power off */
static int through_names(int argc, char **argv, char **envp)
{
	static const char *const names[] = { "fs/", "fs/disk" };
	mach_port_t host = fs_env_port(envp, "MACHV_HOST_PORT"), port;
	struct fs_stat st;
	int status;

	for (unsigned i = 0; i < 2; i++) {
		kern_return_t kr = KERN_FAILURE;

		/* The servers start beside us: give them 20 s to register. */
		for (int tries = 0; tries < 400; tries++) {
			kr = ns_lookup(names[i], &port);
			if (kr == KERN_SUCCESS)
				break;
			sleep_ms(50);
		}
		if (!MT_KR(kr, KERN_SUCCESS, "%s is registered with the name service", names[i]))
			goto out;
		(void)mach_port_deallocate(mach_task_self(), port);
	}
	/* The first call fills the mount table from the name service. */
	if (MT_KR(fs_stat("/", &st), KERN_SUCCESS, "stat / through the name service"))
		mt_eq((long)st.type, FS_TYPE_DIR, "/ is a directory");
	if (MT_KR(fs_stat("/disk", &st), KERN_SUCCESS, "stat /disk through the name service"))
		mt_eq((long)st.type, FS_TYPE_DIR, "/disk is a directory");
	check_specs(argc, argv);
out:
	status = mt_end();
	if (!MT_KR(host_reboot(host, RB_HALT), KERN_SUCCESS, "power off"))
		return 1;
	return status;
}

/* rd0 mapped (fs_device_map: device_map + vm_map) is the image read
 * (image, size), page for page; the mapping is read-only, only whole pages
 * from a page offset can be mapped, and dropping a mapping leaves the
 * pages for the next. */
static void check_rd0_mapped(mach_port_t dev, const void *image, size_t size)
{
	const size_t page = MACHV_PAGE_SIZE;
	const void *mapped;
	size_t msize = 0;
	mach_port_t pager = MACH_PORT_NULL;
	vm_address_t at = 0;

	if (!MT_KR(fs_device_map(dev, &mapped, &msize), KERN_SUCCESS, "map rd0 whole"))
		return;
	mt_eq((long)msize, (long)size, "the mapping is the device's size");
	mt_ok(memcmp(mapped, image, size) == 0, "the mapped bytes are the bytes read");
	MT_KR(device_map(dev, VM_PROT_READ | VM_PROT_WRITE, 0, size, &pager, 0), D_READ_ONLY,
	      "device_map(rd0) for writing: D_READ_ONLY");
	MT_KR(device_map(dev, VM_PROT_READ, 512, page, &pager, 0), D_INVALID_SIZE,
	      "device_map(rd0) off a page boundary: D_INVALID_SIZE");
	MT_KR(device_map(dev, VM_PROT_READ, 0, size + 2 * page, &pager, 0), D_INVALID_SIZE,
	      "device_map(rd0) beyond its last page: D_INVALID_SIZE");
	if (MT_KR(device_map(dev, VM_PROT_READ, 0, size, &pager, 0), D_SUCCESS,
		  "device_map(rd0)")) {
		MT_KR(vm_map(mach_task_self(), &at, page, 0, TRUE, pager, 0, FALSE,
			     VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, VM_INHERIT_NONE),
		      KERN_PROTECTION_FAILURE, "vm_map of rd0 for writing: KERN_PROTECTION_FAILURE");
		if (size > page &&
		    MT_KR(vm_map(mach_task_self(), &at, page, 0, TRUE, pager, page, FALSE,
				 VM_PROT_READ, VM_PROT_READ, VM_INHERIT_NONE), KERN_SUCCESS,
			  "vm_map of rd0's second page")) {
			mt_ok(memcmp((const void *)at, (const char *)image + page, page) == 0,
			      "it holds the image's second page");
			(void)vm_deallocate(mach_task_self(), at, page);
		}
		(void)mach_port_deallocate(mach_task_self(), pager);
	}
	(void)vm_deallocate(mach_task_self(), (vm_address_t)mapped, msize);
	if (MT_KR(fs_device_map(dev, &mapped, &msize), KERN_SUCCESS, "map rd0 again")) {
		mt_ok(memcmp(mapped, image, size) == 0,
		      "unmapping left the pages alone: the same bytes again");
		(void)vm_deallocate(mach_task_self(), (vm_address_t)mapped, msize);
	}
}

int main(int argc, char **argv, char **envp)
{
	static struct cpio_fs cfs;
	static struct ext2_fs efs;
	mach_port_t dev;

	master = fs_env_port(envp, "MACHV_DEVICE_PORT");
	mt_begin("fstest");
	if (argc >= 2 && strcmp(argv[1], "ns") == 0)
		return through_names(argc, argv, envp);
	if (argc < 2 || (strcmp(argv[1], "cpio") != 0 && strncmp(argv[1], "ext2:", 5) != 0)) {
		mt_fail("arguments", "usage: fstest cpio|ext2:DISK|ns [SPEC...]");
		return mt_end();
	}
	if (!mt_ok(master != MACH_PORT_NULL, "the device master is in the environment"))
		return mt_end();
	if (strcmp(argv[1], "cpio") == 0) {
		void *image;
		size_t size;

		if (!MT_KR(device_open(master, D_READ, "rd0", &dev), D_SUCCESS, "open rd0"))
			return mt_end();
		if (!MT_KR(fs_device_slurp(dev, &image, &size), KERN_SUCCESS, "read rd0 whole") ||
		    !MT_KR(cpio_fs_init(&cfs, image, size), KERN_SUCCESS, "it is a cpio archive") ||
		    !start_server(&cpio_fs_ops, &cfs, "/"))
			return mt_end();
		check_rd0_mapped(dev, image, size);
	} else {
		if (!MT_KR(open_ext2(master, argv[1] + 5, &efs), KERN_SUCCESS, "%s holds ext2",
			   argv[1] + 5) ||
		    !start_server(&ext2_fs_ops, &efs, "/disk"))
			return mt_end();
	}
	server = server_port[0];
	check_protocol();
	check_specs(argc, argv);
	check_mounts(strcmp(argv[1], "cpio") == 0 ? "/" : "/disk");
	return mt_end();
}
