/* spawn-test: spawn() from user space, without init.  Reads the initrd
 * through rd0 (MACHV_DEVICE_PORT), starts /args with words and
 * environment strings of its own (args prints them and checks the
 * initial stack: the boot test reads its lines), learns of its end by a
 * dead-name notification, starts itself as a child that reports status 7
 * with spawn_exit to the bootstrap port spawn-test gave it, and checks
 * that images which are not executables for this machine are refused
 * before any task is made. */
#include <mt.h>
#include <mach_init.h>
#include <malloc.h>
#include <cpio.h>
#include <spawn.h>
#include <mach/notify.h>
#include <mach/task_special_ports.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "device.h"

static mach_port_t self;

union any_msg {
	mach_msg_header_t h;
	char room[512];
};

static mach_port_t env_port(char **envp, const char *key)
{
	size_t klen = strlen(key);
	uint64_t v;

	for (; envp && *envp; envp++)
		if (strncmp(*envp, key, klen) == 0 && (*envp)[klen] == '=' &&
		    parse_u64(*envp + klen + 1, strlen(*envp + klen + 1), &v))
			return (mach_port_t)v;
	return MACH_PORT_NULL;
}

static char *read_rd0(mach_port_t master, size_t *size)
{
	mach_port_t rd;
	int st[DEV_STATUS_MAX];
	mach_msg_type_number_t cnt = DEV_STATUS_MAX;
	char *buf;

	if (device_open(master, D_READ, "rd0", &rd) != KERN_SUCCESS ||
	    device_get_status(rd, DEV_GET_SIZE, st, &cnt) != KERN_SUCCESS)
		return NULL;
	*size = (size_t)st[DEV_GET_SIZE_DEVICE_SIZE];
	if (!(buf = malloc(*size)))
		return NULL;
	for (size_t got = 0; got < *size;) {
		io_buf_ptr_t data;
		mach_msg_type_number_t n = 0;
		size_t want = *size - got < 65536 ? *size - got : 65536;
		if (device_read(rd, 0, (recnum_t)(got / 512), (int)want, &data, &n) != KERN_SUCCESS ||
		    n == 0)
			return NULL;
		memcpy(buf + got, data, n < want ? n : want);
		(void)vm_deallocate(self, (vm_address_t)data, n);
		got += n < want ? n : want;
	}
	(void)device_close(rd);
	return buf;
}

/* Wait up to 10 s for a message on port. */
static bool wait_msg(mach_port_t port, union any_msg *m)
{
	memset(m, 0, sizeof(*m));
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*m), port, 10000,
			MACH_PORT_NULL) == MACH_MSG_SUCCESS;
}

static void refused(const struct cpio_entry *e, size_t at, const void *patch, size_t plen,
		    size_t cut, const char *what)
{
	char *copy = malloc(e->size);
	char *argv[] = { "/bad", NULL };
	mach_port_t task = 0x1234;

	if (!copy) {
		mt_fail(what, "no memory for a copy of the image");
		return;
	}
	memcpy(copy, e->data, e->size);
	if (patch)
		memcpy(copy + at, patch, plen);
	struct spawn_args a = { .image = copy, .size = cut ? cut : e->size, .argv = argv };
	MT_KR(spawn(&a, &task), KERN_INVALID_ARGUMENT, "%s is refused", what);
	mt_ok(*spawn_error() != '\0', "with a reason (%s)", spawn_error());
	mt_eq(task, MACH_PORT_NULL, "and no task");
	free(copy);
}

static void bad_images(const struct cpio_entry *e)
{
	/* ELF64 header offsets: e_machine 18, e_entry 24, e_phoff 32;
	 * program header: p_flags 4. */
	const uint16_t wrong_machine = 3;   /* i386 */
	const uint64_t far_entry = 0x7000000;
	const uint64_t far_phoff = 0x10000000;
	const uint32_t wx = 7;
	uint64_t phoff;
	char *argv[] = { "/bad", NULL };
	mach_port_t task;

	memcpy(&phoff, (const char *)e->data + 32, 8);
	refused(e, 0, "\177ELG", 4, 0, "bad magic");
	refused(e, 18, &wrong_machine, 2, 0, "another machine");
	refused(e, 24, &far_entry, 8, 0, "an entry outside the segments");
	refused(e, 32, &far_phoff, 8, 0, "program headers past the end");
	refused(e, 0, NULL, 0, 100, "a truncated file");
	refused(e, phoff + 4, &wx, 4, 0, "a writable and executable segment");
	struct spawn_args a = { .image = e->data, .size = e->size, .argv = NULL };
	MT_KR(spawn(&a, &task), KERN_INVALID_ARGUMENT, "no argv is refused");
	a.argv = argv;
	a.image = NULL;
	MT_KR(spawn(&a, &task), KERN_INVALID_ARGUMENT, "no image is refused");
}

static void run_args(const char *image, size_t size, mach_port_t notify)
{
	struct cpio_entry e;
	char *argv[] = { "/args", "alpha", "beta gamma", NULL };
	char *envp[] = { "SPAWN_TEST=1", "EMPTY=", NULL };
	mach_port_t task = MACH_PORT_NULL;
	union any_msg m;

	if (!mt_ok(cpio_find(image, size, "/args", &e), "/args is in the initrd"))
		return;
	struct spawn_args a = { .image = e.data, .size = e.size, .argv = argv, .envp = envp };
	if (!MT_KR(spawn(&a, &task), KERN_SUCCESS, "spawn /args"))
		return;
	MT_KR(spawn_watch(task, notify), KERN_SUCCESS, "watch it");
	if (mt_ok(wait_msg(notify, &m), "a notification comes")) {
		mach_dead_name_notification_t *n = (mach_dead_name_notification_t *)&m;
		mt_eq(m.h.msgh_id, MACH_NOTIFY_DEAD_NAME, "a dead-name notification");
		mt_eq(n->not_port, task, "naming the task's port: /args ended");
	}
	spawn_forget(task);
}

static void run_child(const char *image, size_t size, const char *path, mach_port_t notify)
{
	struct cpio_entry e;
	char *argv[] = { (char *)path, "child", NULL };
	mach_port_t task = MACH_PORT_NULL, boot, got;
	union any_msg m;
	int status = -1;

	if (!mt_ok(cpio_find(image, size, path, &e), "%s is in the initrd", path))
		return;
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &boot);
	(void)mach_port_insert_right(self, boot, boot, MACH_MSG_TYPE_MAKE_SEND);
	struct spawn_args a = { .image = e.data, .size = e.size, .argv = argv, .bootstrap = boot,
				.name = "spawn-child" };
	if (!MT_KR(spawn(&a, &task), KERN_SUCCESS, "spawn a child with our own bootstrap port"))
		return;
	MT_KR(spawn_watch(task, notify), KERN_SUCCESS, "watch it");
	if (mt_ok(wait_msg(boot, &m), "a message comes to its bootstrap port")) {
		mt_ok(spawn_parse_exit(&m.h, &got, &status), "an exit message");
		mt_eq(status, 7, "status 7");
		mt_eq(got, task, "carrying the child's task port");
		/* The acknowledgement the child waits for. */
		struct {
			mach_msg_header_t h;
			mach_msg_type_t t;
			kern_return_t kr;
		} r;
		memset(&r, 0, sizeof(r));
		r.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), 0);
		r.h.msgh_remote_port = m.h.msgh_remote_port;
		r.h.msgh_id = m.h.msgh_id + 100;
		r.t.msgt_name = MACH_MSG_TYPE_INTEGER_32;
		r.t.msgt_size = 32;
		r.t.msgt_number = 1;
		r.t.msgt_inline = TRUE;
		MT_KR(mach_msg(&r.h, MACH_SEND_MSG, sizeof(r), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "acknowledge it");
		(void)mach_port_deallocate(self, got);
	}
	if (mt_ok(wait_msg(notify, &m), "then the child ends")) {
		mach_dead_name_notification_t *n = (mach_dead_name_notification_t *)&m;
		mt_eq(m.h.msgh_id, MACH_NOTIFY_DEAD_NAME, "a dead-name notification");
		mt_eq(n->not_port, task, "naming its task port");
	}
	spawn_forget(task);
}

int main(int argc, char **argv, char **envp)
{
	mach_port_t master, notify;
	struct cpio_entry e;
	size_t size = 0;
	char *image;

	self = mach_task_self();
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("spawn-test: child running\n");
		spawn_exit(7);
	}
	mt_begin("spawn-test");
	master = env_port(envp, "MACHV_DEVICE_PORT");
	if (!mt_ok(MACH_PORT_VALID(master), "MACHV_DEVICE_PORT is in the environment"))
		return mt_end();
	image = read_rd0(master, &size);
	if (!mt_ok(image != NULL, "read the initrd from rd0 (%zu bytes)", size))
		return mt_end();
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &notify);
	run_args(image, size, notify);
	run_child(image, size, argv[0], notify);
	if (mt_ok(cpio_find(image, size, "args", &e), "args found without its slash too"))
		bad_images(&e);
	mt_ok(!cpio_find(image, size, "/no-such-file", &e), "a missing file is not found");
	mt_ok(!cpio_find(image, 100, "/args", &e), "nor anything in a cut archive");
	return mt_end();
}
