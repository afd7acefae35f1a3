/* init: the bootstrap task.  The kernel starts it (`init=/init -- ...`);
 * it serves the name service (<machv/names.h>) on a port it makes the
 * bootstrap port of every program it starts, reads the initrd through the
 * rd0 device, starts the programs its configuration names with spawn
 * (<spawn.h>), reports how each ended, and starts again those marked to
 * be respawned.
 *
 * Configuration: the words after `--` on the kernel command line, one
 * program each, or, with none, the lines of /etc/rc in the initrd (`#`
 * starts a comment).  A program is
 *
 *     [respawn[=N]] PATH [ARG...]
 *
 * on the command line with commas instead of blanks inside one word
 * (`respawn=1,/sh,-i`).  `respawn` restarts the program whenever it
 * ends, `respawn=N` at most N times; one that ran less than a second is
 * restarted a second after it ended, not at once.  A program that is not
 * in the initrd or cannot be started is reported, and init goes on.
 *
 * Every program gets init's environment and, under the same names, its
 * send rights to host-priv and the device master (MACHV_HOST_PORT,
 * MACHV_DEVICE_PORT): machv has no finer policy yet, and the file servers
 * need the devices.  When nothing is left running and nothing is to be
 * restarted, init says so and exits 0 (the kernel then powers off). */
#include <machv/fs.h>
#include <machv/libc.h>
#include <mach_init.h>
#include <malloc.h>
#include <cpio.h>
#include <spawn.h>
#include <ns_proto.h>
#include <mach/notify.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "device.h"
#include "mach_host.h"

#define MAX_PROGS 32
#define MAX_ARGS  16
#define MAX_NAMES 64
/* A respawned program that ran less than this is restarted only after as
 * long again, so that one failing at once does not keep init busy. */
#define RESPAWN_MIN_MS 1000

struct prog {
	char *argv[MAX_ARGS + 1];
	int respawn;            /* restarts left; -1: always */
	mach_port_t task;       /* MACH_PORT_NULL when not running */
	bool have_status;
	int status;
	uint64_t started_ms;    /* uptime when last started */
	uint64_t restart_ms;    /* nonzero: restart then (uptime) */
};

struct registration {
	char name[NS_NAME_MAX];
	mach_port_t port;       /* MACH_PORT_NULL: a free slot */
};

static struct prog progs[MAX_PROGS];
static int nprogs;
static struct registration names[MAX_NAMES];
static mach_port_t self, service, notify, portset;
static mach_port_t host_port, device_port;
static char **init_envp;
static const char *initrd;
static size_t initrd_size;

/* Milliseconds since boot. */
static uint64_t uptime_ms(void)
{
	time_value64_t t = { 0 };

	(void)host_get_uptime64(mach_host_self(), &t);
	return (uint64_t)t.seconds * 1000 + (uint64_t)t.nanoseconds / 1000000;
}

/* --- Finding things: the ports in the environment, the initrd. */

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

/* The initrd, rd0, in memory: its pages mapped where the kernel allows
 * (nothing copied), read otherwise. */
static bool read_initrd(void)
{
	mach_port_t rd;
	kern_return_t kr;

	if ((kr = device_open(device_port, D_READ, "rd0", &rd)) != KERN_SUCCESS) {
		printf("init: cannot open rd0: error %d\n", kr);
		return false;
	}
	const void *image;
	size_t size;
	kr = fs_device_image(rd, &image, &size);
	(void)device_close(rd);
	if (kr != KERN_SUCCESS) {
		printf("init: cannot read rd0: error %d\n", kr);
		return false;
	}
	initrd = image;
	initrd_size = size;
	return true;
}

/* --- The configuration. */

static char *dup_range(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* One program from its words (separated by any of seps). */
static void add_prog(const char *line, size_t len, const char *seps)
{
	struct prog *p = &progs[nprogs];
	int argc = 0;
	size_t i = 0;

	if (nprogs == MAX_PROGS) {
		printf("init: too many programs, ignored: %.*s\n", (int)len, line);
		return;
	}
	memset(p, 0, sizeof(*p));
	while (i < len) {
		while (i < len && strchr(seps, line[i]))
			i++;
		size_t start = i;
		while (i < len && !strchr(seps, line[i]))
			i++;
		if (i == start)
			break;
		if (argc == 0 && i - start >= 7 && strncmp(line + start, "respawn", 7) == 0 &&
		    p->respawn == 0) {
			uint64_t n;
			if (i - start == 7)
				p->respawn = -1;
			else if (line[start + 7] == '=' &&
				 parse_u64(line + start + 8, i - start - 8, &n) && n < 1000000)
				p->respawn = (int)n;
			else
				printf("init: bad option \"%.*s\"\n", (int)(i - start), line + start);
			continue;
		}
		if (argc == MAX_ARGS) {
			printf("init: too many arguments, the rest ignored: %.*s\n", (int)len, line);
			break;
		}
		p->argv[argc++] = dup_range(line + start, i - start);
	}
	if (argc > 0)
		nprogs++;
}

static void configure(int argc, char **argv)
{
	struct cpio_entry e;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			add_prog(argv[i], strlen(argv[i]), ",");
		return;
	}
	if (!cpio_find(initrd, initrd_size, "/etc/rc", &e)) {
		printf("init: no programs named (no arguments, no /etc/rc)\n");
		return;
	}
	const char *s = e.data, *end = s + e.size;
	while (s < end) {
		const char *nl = s;
		while (nl < end && *nl != '\n')
			nl++;
		const char *hash = s;
		while (hash < nl && *hash != '#')
			hash++;
		add_prog(s, (size_t)(hash - s), " \t\r");
		s = nl + 1;
	}
}

/* --- Programs. */

static void start(struct prog *p)
{
	struct cpio_entry e;
	mach_port_t give[2] = { host_port, device_port };
	struct spawn_args a = {
		.argv = p->argv, .envp = init_envp, .bootstrap = service,
		.give = give, .ngive = 2,
	};
	kern_return_t kr;

	p->task = MACH_PORT_NULL;
	p->have_status = false;
	p->restart_ms = 0;
	p->started_ms = uptime_ms();
	if (!cpio_find(initrd, initrd_size, p->argv[0], &e)) {
		printf("init: cannot start %s: not in the initrd\n", p->argv[0]);
		return;
	}
	a.image = e.data;
	a.size = e.size;
	if ((kr = spawn(&a, &p->task)) != KERN_SUCCESS) {
		if (kr == KERN_INVALID_ARGUMENT && *spawn_error())
			printf("init: cannot start %s: %s\n", p->argv[0], spawn_error());
		else
			printf("init: cannot start %s: error %d\n", p->argv[0], kr);
		p->task = MACH_PORT_NULL;
		return;
	}
	if ((kr = spawn_watch(p->task, notify)) != KERN_SUCCESS)
		printf("init: cannot watch %s (error %d): its end will go unnoticed\n",
		       p->argv[0], kr);
	printf("init: started %s\n", p->argv[0]);
}

/* Something runs or waits to be restarted. */
static bool anything_running(void)
{
	for (int i = 0; i < nprogs; i++)
		if (progs[i].task != MACH_PORT_NULL || progs[i].restart_ms)
			return true;
	return false;
}

/* Restart the programs whose time has come; how long until the next one
 * is due (MACH_MSG_TIMEOUT_NONE: none waits). */
static mach_msg_timeout_t restart_due(void)
{
	uint64_t now = uptime_ms(), next = 0;

	for (int i = 0; i < nprogs; i++) {
		struct prog *p = &progs[i];
		if (!p->restart_ms)
			continue;
		if (p->restart_ms <= now) {
			printf("init: restarting %s\n", p->argv[0]);
			start(p);
		} else if (!next || p->restart_ms < next) {
			next = p->restart_ms;
		}
	}
	return next ? (mach_msg_timeout_t)(next - now) : MACH_MSG_TIMEOUT_NONE;
}

static struct prog *prog_of(mach_port_t task)
{
	for (int i = 0; i < nprogs; i++)
		if (progs[i].task != MACH_PORT_NULL && progs[i].task == task)
			return &progs[i];
	return NULL;
}

static void ended(struct prog *p)
{
	spawn_forget(p->task);
	p->task = MACH_PORT_NULL;
	if (p->have_status)
		printf("init: %s ended with status %d\n", p->argv[0], p->status);
	else
		printf("init: %s ended without a status\n", p->argv[0]);
	if (p->respawn != 0) {
		uint64_t now = uptime_ms();
		if (p->respawn > 0)
			p->respawn--;
		if (now - p->started_ms < RESPAWN_MIN_MS) {
			printf("init: %s ran less than %d ms: restarting it later\n", p->argv[0],
			       RESPAWN_MIN_MS);
			p->restart_ms = now + RESPAWN_MIN_MS;
		} else {
			printf("init: restarting %s\n", p->argv[0]);
			start(p);
		}
	}
}

/* --- The name service. */

static void reply_short(mach_msg_header_t *req, kern_return_t kr)
{
	struct ns_short_reply r;

	if (!MACH_PORT_VALID(req->msgh_remote_port))
		return;
	memset(&r, 0, sizeof(r));
	r.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(req->msgh_bits), 0);
	r.h.msgh_remote_port = req->msgh_remote_port;
	r.h.msgh_id = req->msgh_id + 100;
	r.kr_type = ns_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
	r.kr = kr;
	/* A client that does not take its answer is not waited for. */
	(void)mach_msg(&r.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(r), 0, MACH_PORT_NULL,
		       100, MACH_PORT_NULL);
}

/* The request's name, if it is a terminated, non-empty string. */
static bool name_ok(const char *name)
{
	size_t len = strnlen(name, NS_NAME_MAX);

	return len > 0 && len < NS_NAME_MAX;
}

static bool name_type_ok(mach_msg_type_t t)
{
	return t.msgt_name == MACH_MSG_TYPE_CHAR && t.msgt_size == 8 &&
	       t.msgt_number == NS_NAME_MAX && t.msgt_inline && !t.msgt_longform;
}

static struct registration *find_name(const char *name)
{
	for (int i = 0; i < MAX_NAMES; i++)
		if (names[i].port != MACH_PORT_NULL && strcmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

static kern_return_t do_register(struct ns_register_request *r)
{
	struct registration *slot = NULL;
	mach_port_t port = r->port.name;
	kern_return_t kr;

	if (!name_ok(r->name))
		return KERN_INVALID_ARGUMENT;
	if (find_name(r->name))
		return KERN_NAME_EXISTS;
	for (int i = 0; i < MAX_NAMES && !slot; i++)
		if (names[i].port == MACH_PORT_NULL)
			slot = &names[i];
	if (!slot)
		return KERN_NO_SPACE;
	/* Told when the server dies, to forget its names. */
	if ((kr = spawn_watch(port, notify)) != KERN_SUCCESS)
		return kr;
	strlcpy(slot->name, r->name, NS_NAME_MAX);
	slot->port = port;
	printf("init: registered %s\n", slot->name);
	return KERN_SUCCESS;
}

static void serve_register(mach_msg_header_t *h)
{
	struct ns_register_request *r = (struct ns_register_request *)h;
	kern_return_t kr = KERN_INVALID_ARGUMENT;

	if (h->msgh_size == sizeof(*r) && (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) &&
	    name_type_ok(r->name_type) && r->port_type.msgt_name == MACH_MSG_TYPE_PORT_SEND &&
	    r->port_type.msgt_number == 1 && r->port_type.msgt_inline &&
	    MACH_PORT_VALID(r->port.name)) {
		kr = do_register(r);
		if (kr != KERN_SUCCESS)
			(void)mach_port_deallocate(self, r->port.name);
	} else if ((h->msgh_bits & MACH_MSGH_BITS_COMPLEX) && h->msgh_size == sizeof(*r) &&
		   r->port_type.msgt_name == MACH_MSG_TYPE_PORT_SEND &&
		   r->port_type.msgt_number == 1 && r->port_type.msgt_inline &&
		   MACH_PORT_VALID(r->port.name)) {
		/* A bad name with a good right: the right is not kept. */
		(void)mach_port_deallocate(self, r->port.name);
	}
	reply_short(h, kr);
}

static void serve_lookup(mach_msg_header_t *h)
{
	struct ns_lookup_request *r = (struct ns_lookup_request *)h;
	struct registration *reg;
	struct ns_lookup_reply rep;

	if (h->msgh_size != sizeof(*r) || (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    !name_type_ok(r->name_type) || !name_ok(r->name)) {
		reply_short(h, KERN_INVALID_ARGUMENT);
		return;
	}
	if (!(reg = find_name(r->name))) {
		reply_short(h, KERN_INVALID_NAME);
		return;
	}
	if (!MACH_PORT_VALID(h->msgh_remote_port))
		return;
	memset(&rep, 0, sizeof(rep));
	rep.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(h->msgh_bits), 0) |
			  MACH_MSGH_BITS_COMPLEX;
	rep.h.msgh_remote_port = h->msgh_remote_port;
	rep.h.msgh_id = h->msgh_id + 100;
	rep.kr_type = ns_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
	rep.kr = KERN_SUCCESS;
	rep.port_type = ns_type(MACH_MSG_TYPE_COPY_SEND, 64, 1);
	rep.port.name = reg->port;
	(void)mach_msg(&rep.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(rep), 0,
		       MACH_PORT_NULL, 100, MACH_PORT_NULL);
}

static void serve_exit(mach_msg_header_t *h)
{
	mach_port_t task;
	int status;
	struct prog *p;

	if (!spawn_parse_exit(h, &task, &status)) {
		reply_short(h, KERN_INVALID_ARGUMENT);
		return;
	}
	if ((p = prog_of(task)) != NULL) {
		p->have_status = true;
		p->status = status;
	}
	if (MACH_PORT_VALID(task))
		(void)mach_port_deallocate(self, task);
	reply_short(h, p ? KERN_SUCCESS : KERN_INVALID_ARGUMENT);
}

static void serve(mach_msg_header_t *h)
{
	switch (h->msgh_id) {
	case NS_REGISTER:
		serve_register(h);
		break;
	case NS_LOOKUP:
		serve_lookup(h);
		break;
	case SPAWN_EXIT_ID:
		serve_exit(h);
		break;
	default:
		/* Rights an unknown message carried are not looked for. */
		reply_short(h, MIG_BAD_ID);
		break;
	}
}

/* A dead-name notification: a program ended, or a server whose names are
 * registered died. */
static void notified(mach_msg_header_t *h)
{
	mach_dead_name_notification_t *n = (mach_dead_name_notification_t *)h;
	mach_port_t dead;
	struct prog *p;

	if (h->msgh_id != MACH_NOTIFY_DEAD_NAME || h->msgh_size < sizeof(*n))
		return;
	dead = n->not_port;
	if ((p = prog_of(dead)) != NULL) {
		ended(p);
		return;
	}
	for (int i = 0; i < MAX_NAMES; i++)
		if (names[i].port == dead) {
			printf("init: %s is gone: its server died\n", names[i].name);
			names[i].port = MACH_PORT_NULL;
		}
	spawn_forget(dead);
}

static bool make_ports(void)
{
	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &service) != KERN_SUCCESS ||
	    mach_port_insert_right(self, service, service, MACH_MSG_TYPE_MAKE_SEND) !=
		    KERN_SUCCESS ||
	    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &notify) != KERN_SUCCESS ||
	    mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &portset) != KERN_SUCCESS ||
	    mach_port_move_member(self, service, portset) != KERN_SUCCESS ||
	    mach_port_move_member(self, notify, portset) != KERN_SUCCESS)
		return false;
	/* init itself uses the service too (its own bootstrap port). */
	(void)task_set_special_port(self, TASK_BOOTSTRAP_PORT, service);
	return true;
}

int main(int argc, char **argv, char **envp)
{
	union {
		mach_msg_header_t h;
		char room[512];
	} msg;

	self = mach_task_self();
	init_envp = envp;
	host_port = env_port(envp, "MACHV_HOST_PORT");
	device_port = env_port(envp, "MACHV_DEVICE_PORT");
	if (!MACH_PORT_VALID(device_port)) {
		printf("init: no MACHV_DEVICE_PORT in the environment: cannot read the initrd\n");
		return 1;
	}
	if (!make_ports()) {
		printf("init: cannot make the name service's ports\n");
		return 1;
	}
	if (!read_initrd())
		return 1;
	configure(argc, argv);
	for (int i = 0; i < nprogs; i++)
		start(&progs[i]);

	while (anything_running()) {
		mach_msg_timeout_t wait = restart_due();
		memset(&msg.h, 0, sizeof(msg.h));
		mach_msg_return_t mr = mach_msg(&msg.h, MACH_RCV_MSG |
						(wait != MACH_MSG_TIMEOUT_NONE ? MACH_RCV_TIMEOUT : 0),
						0, sizeof(msg), portset, wait, MACH_PORT_NULL);
		if (mr == MACH_RCV_TIMED_OUT)
			continue;
		if (mr != MACH_MSG_SUCCESS) {
			printf("init: receive failed: %#x\n", mr);
			sleep_ms(10);
			continue;
		}
		if (msg.h.msgh_local_port == notify)
			notified(&msg.h);
		else
			serve(&msg.h);
	}
	printf("init: nothing left to run\n");
	return 0;
}
