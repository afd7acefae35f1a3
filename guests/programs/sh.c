/* sh: the interactive shell on the console device.
 *
 * Started by init (`init=/init -- /cpiofs respawn,/sh`), it reads lines
 * from the "console" device with a small line editor (printable
 * characters, backspace, left/right arrows, up/down through the last
 * HISTORY lines, Ctrl-U to erase to the start of the line, Ctrl-C to drop
 * the line), and runs them:
 *   help, cd DIR, pwd, exit [N], poweroff    built in
 *   NAME ARG...                               a program: NAME with a '/'
 *                                             is a path, else /bin/NAME,
 *                                             then /NAME (the initrd keeps
 *                                             its programs at its root)
 * Words are separated by blanks; '...' and "..." quote.  A program is read
 * through the file servers (<machv/fs.h>) into memory, started with
 * spawn() and waited for.  How it ended:
 *   - it said its status (spawn_exit): "NAME: exit status N" unless N is 0;
 *   - it faulted: "NAME: killed (exception E, code C)" - the shell is the
 *     task's exception port (inherited from the shell at task_create), and
 *     answers KERN_FAILURE, so the kernel then kills the task as usual;
 *   - Ctrl-C: the shell terminates it (task_terminate), "NAME: killed";
 *   - it returned from main without saying anything: "NAME: ended".
 *
 * Four kinds of message meet in one port set, so the shell never blocks
 * where it should be listening:
 *   input    a second thread blocks in device_read_inband on the console
 *            and sends each chunk typed as a message here (Ctrl-C must be
 *            seen while a program runs);
 *   notify   the dead-name notification of the running program's task;
 *   proxy    the bootstrap port programs get: exit-status messages from
 *            the running program are the shell's, everything else (the
 *            name service's requests) is passed on to the shell's own
 *            bootstrap port, init, with the reply port as it came;
 *   exc      exception_raise for faults of the running program.
 *
 * Every program gets the shell's environment with PWD set to the current
 * directory, and the send rights named by MACHV_HOST_PORT and
 * MACHV_DEVICE_PORT under the same names. */
#include <machv/libc.h>
#include <machv/fs.h>
#include <machv/names.h>
#include <mach_init.h>
#include <malloc.h>
#include <spawn.h>
#include <mach/notify.h>
#include <mach/exception.h>
#include <mach/task_special_ports.h>
#include <device/device_types.h>
#include "mach.h"
#include "mach_port.h"
#include "mach_host.h"
#include "device.h"

boolean_t exc_server(mach_msg_header_t *request, mach_msg_header_t *reply);
kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task,
				    integer_t exception, integer_t code,
				    rpc_long_integer_t subcode);

#define LINE_MAX    256
#define HISTORY     32
#define MAX_WORDS   32
#define MAX_ENV     32
#define TYPEAHEAD   256
#define RB_HALT     0x8        /* host_reboot: power off */
#define INPUT_ID    0x73680001 /* "sh" 1: bytes from the console thread */
#define CTRL(c)     ((c) & 0x1f)

static mach_port_t self, bootstrap, host_priv, device_master, console;
static mach_port_t input_port, notify_port, proxy_port, exc_port, portset;
static char **shell_envp;
static char cwd[FS_PATH_MAX] = "/";

/* --- The console thread. */

struct input_msg {
	mach_msg_header_t h;
	mach_msg_type_t count_type;     /* INTEGER_32 */
	int32_t count;
	mach_msg_type_t data_type;      /* CHAR x 128 */
	char data[128];
};

static mach_msg_type_t msg_type(unsigned name, unsigned bits, unsigned number)
{
	mach_msg_type_t t = { 0 };

	t.msgt_name = name;
	t.msgt_size = bits;
	t.msgt_number = number;
	t.msgt_inline = TRUE;
	return t;
}

static void console_reader(void *arg)
{
	static struct input_msg m;

	for (;;) {
		mach_msg_type_number_t n = sizeof(m.data);
		kern_return_t kr = device_read_inband(console, 0, 0, sizeof(m.data), m.data, &n);

		if (kr != KERN_SUCCESS || n == 0) {
			sleep_ms(20);
			continue;
		}
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		m.h.msgh_size = sizeof(m);
		m.h.msgh_remote_port = input_port;
		m.h.msgh_local_port = MACH_PORT_NULL;
		m.h.msgh_id = INPUT_ID;
		m.count_type = msg_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
		m.count = (int32_t)(n > sizeof(m.data) ? sizeof(m.data) : n);
		m.data_type = msg_type(MACH_MSG_TYPE_CHAR, 8, sizeof(m.data));
		(void)mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, MACH_PORT_NULL,
			       MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	}
}

/* --- Output. */

static void put(const char *s, size_t n)
{
	if (n)
		printf("%.*s", (int)n, s);
}

static void put_repeat(char c, size_t n)
{
	char buf[LINE_MAX];

	if (n > sizeof(buf))
		n = sizeof(buf);
	memset(buf, c, n);
	put(buf, n);
}

static void prompt(void)
{
	printf("machv:%s$ ", cwd);
}

/* --- The line editor: a state machine fed one byte at a time. */

static struct {
	char buf[LINE_MAX];
	size_t len, pos;
	int esc;                        /* 0, 1 after ESC, 2 after ESC [ or ESC O */
	bool last_cr;
	char hist[HISTORY][LINE_MAX];
	int nhist, first;               /* ring: oldest at first */
	int browse;                     /* nhist: the line being typed */
	char saved[LINE_MAX];           /* the line being typed, while browsing */
} ed;

static void ed_reset(void)
{
	ed.len = ed.pos = 0;
	ed.buf[0] = '\0';
	ed.esc = 0;
	ed.browse = ed.nhist;
}

/* Replace what is shown with s, cursor at its end. */
static void ed_show(const char *s)
{
	/* Blank what follows the cursor (which moves to the end), then
	 * erase back to the prompt. */
	put_repeat(' ', ed.len - ed.pos);
	for (size_t i = 0; i < ed.len; i++)
		put("\b \b", 3);
	ed.len = ed.pos = strlen(s);
	memcpy(ed.buf, s, ed.len + 1);
	put(ed.buf, ed.len);
}

static void ed_history_add(const char *line)
{
	int last = (ed.first + ed.nhist - 1) % HISTORY;

	if (!line[0] || (ed.nhist && strcmp(ed.hist[last], line) == 0))
		return;
	if (ed.nhist == HISTORY) {
		ed.first = (ed.first + 1) % HISTORY;
		ed.nhist--;
	}
	strlcpy(ed.hist[(ed.first + ed.nhist) % HISTORY], line, LINE_MAX);
	ed.nhist++;
}

static void ed_browse(int dir)
{
	int to = ed.browse + dir;

	if (to < 0 || to > ed.nhist)
		return;
	if (ed.browse == ed.nhist)
		strlcpy(ed.saved, ed.buf, LINE_MAX);
	ed.browse = to;
	ed_show(to == ed.nhist ? ed.saved : ed.hist[(ed.first + to) % HISTORY]);
}

static void ed_insert(char c)
{
	if (ed.len + 1 >= LINE_MAX) {
		put("\a", 1);
		return;
	}
	memmove(ed.buf + ed.pos + 1, ed.buf + ed.pos, ed.len - ed.pos + 1);
	ed.buf[ed.pos] = c;
	ed.len++;
	put(ed.buf + ed.pos, ed.len - ed.pos);
	ed.pos++;
	put_repeat('\b', ed.len - ed.pos);
}

static void ed_backspace(void)
{
	if (ed.pos == 0)
		return;
	memmove(ed.buf + ed.pos - 1, ed.buf + ed.pos, ed.len - ed.pos + 1);
	ed.pos--;
	ed.len--;
	put("\b", 1);
	put(ed.buf + ed.pos, ed.len - ed.pos);
	put(" ", 1);
	put_repeat('\b', ed.len - ed.pos + 1);
}

/* Ctrl-U: erase from the start of the line to the cursor. */
static void ed_kill_start(void)
{
	size_t n = ed.pos;

	if (n == 0)
		return;
	put_repeat('\b', n);
	memmove(ed.buf, ed.buf + n, ed.len - n + 1);
	ed.len -= n;
	ed.pos = 0;
	put(ed.buf, ed.len);
	put_repeat(' ', n);
	put_repeat('\b', ed.len + n);
}

/* One byte typed; true when a line is complete (in ed.buf). */
static bool ed_feed(unsigned char c)
{
	bool cr = ed.last_cr;

	ed.last_cr = false;
	if (ed.esc == 1) {
		ed.esc = (c == '[' || c == 'O') ? 2 : 0;
		return false;
	}
	if (ed.esc == 2) {
		if (c >= '0' && c <= '9')       /* ESC [ 1 ; 5 C and the like */
			return false;
		if (c == ';')
			return false;
		ed.esc = 0;
		switch (c) {
		case 'A': ed_browse(-1); break;
		case 'B': ed_browse(1); break;
		case 'C':
			if (ed.pos < ed.len)
				put(ed.buf + ed.pos++, 1);
			break;
		case 'D':
			if (ed.pos > 0) {
				put("\b", 1);
				ed.pos--;
			}
			break;
		}
		return false;
	}
	switch (c) {
	case 0x1b:
		ed.esc = 1;
		return false;
	case '\r':
		ed.last_cr = true;
		/* fall through */
	case '\n':
		if (c == '\n' && cr)            /* the \n of \r\n */
			return false;
		put("\n", 1);
		return true;
	case 0x7f:
	case '\b':
		ed_backspace();
		return false;
	case CTRL('U'):
		ed_kill_start();
		return false;
	case CTRL('C'):
		put("^C\n", 3);
		ed_reset();
		prompt();
		return false;
	default:
		if (c >= 0x20 && c < 0x7f)
			ed_insert((char)c);
		return false;
	}
}

/* --- Words. */

/* Split line in place into words; returns their count, -1 on an
 * unterminated quote, -2 when there are more than max. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *r = line, *w = line;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return n;
		if (n == max)
			return -2;
		words[n++] = w;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r == '\'' || *r == '"') {
				char q = *r++;
				while (*r && *r != q)
					*w++ = *r++;
				if (!*r)
					return -1;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
}

/* path (absolute, or relative to cwd) as a clean absolute path in out. */
static kern_return_t absolute(const char *path, char *out)
{
	char joined[FS_PATH_MAX * 2], norm[FS_PATH_MAX];
	kern_return_t kr;

	if (path[0] == '/')
		snprintf(joined, sizeof(joined), "%s", path);
	else
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	if (strlen(joined) >= FS_PATH_MAX)
		return FS_E_INVAL;
	if ((kr = fs_path_normalise(joined, norm)) != KERN_SUCCESS)
		return kr;
	snprintf(out, FS_PATH_MAX, "/%s", norm);
	return KERN_SUCCESS;
}

static const char *errtext(kern_return_t kr)
{
	static char buf[32];
	const char *s = fs_strerror(kr);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "error %d", kr);
	return buf;
}

/* --- The file servers: "fs/" must be there before any program can run;
 * "/disk" comes when (if) ext2fs has registered. */

static bool root_mounted, disk_mounted;

static void find_servers(unsigned wait_ms)
{
	mach_port_t port;

	for (unsigned waited = 0; !root_mounted; waited += 50) {
		if (ns_lookup("fs/", &port) == KERN_SUCCESS) {
			(void)fs_mount("/", port);
			root_mounted = true;
			break;
		}
		if (waited >= wait_ms)
			break;
		sleep_ms(50);
	}
	if (!disk_mounted && ns_lookup("fs/disk", &port) == KERN_SUCCESS) {
		(void)fs_mount("/disk", port);
		disk_mounted = true;
	}
}

/* --- Running a program. */

static struct {
	mach_port_t task;
	const char *name;
	bool have_status, interrupted, faulted;
	int status, exception, code;
} child;

/* What was typed and not yet edited, in order: a line typed while a
 * program runs waits here for the next prompt. */
static struct {
	char buf[TYPEAHEAD];
	size_t head, count;
} pending;

static void pending_add(char c)
{
	if (pending.count < TYPEAHEAD)
		pending.buf[(pending.head + pending.count++) % TYPEAHEAD] = c;
}

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task,
				    integer_t exception, integer_t code,
				    rpc_long_integer_t subcode)
{
	if (child.task != MACH_PORT_NULL && task == child.task && !child.faulted) {
		child.faulted = true;
		child.exception = exception;
		child.code = code;
	}
	(void)mach_port_deallocate(self, thread);
	(void)mach_port_deallocate(self, task);
	/* Not handled: the kernel kills the task and says why. */
	return KERN_FAILURE;
}

static void reply_kr(mach_msg_header_t *req, kern_return_t kr)
{
	struct {
		mach_msg_header_t h;
		mach_msg_type_t kr_type;
		kern_return_t kr;
	} r;

	if (!MACH_PORT_VALID(req->msgh_remote_port))
		return;
	memset(&r, 0, sizeof(r));
	r.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(req->msgh_bits), 0);
	r.h.msgh_size = sizeof(r);
	r.h.msgh_remote_port = req->msgh_remote_port;
	r.h.msgh_id = req->msgh_id + 100;
	r.kr_type = msg_type(MACH_MSG_TYPE_INTEGER_32, 32, 1);
	r.kr = kr;
	(void)mach_msg(&r.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(r), 0, MACH_PORT_NULL,
		       100, MACH_PORT_NULL);
}

/* A message to the programs' bootstrap port. */
static void proxy(mach_msg_header_t *h)
{
	mach_port_t task, reply;
	int status;

	if (h->msgh_id == SPAWN_EXIT_ID && spawn_parse_exit(h, &task, &status)) {
		bool ours = child.task != MACH_PORT_NULL && task == child.task;
		if (ours) {
			child.have_status = true;
			child.status = status;
		}
		if (MACH_PORT_VALID(task))
			(void)mach_port_deallocate(self, task);
		reply_kr(h, ours ? KERN_SUCCESS : KERN_INVALID_ARGUMENT);
		return;
	}
	if (!MACH_PORT_VALID(bootstrap)) {
		reply_kr(h, MIG_BAD_ID);
		return;
	}
	/* Anything else is init's: send it on as it came, the reply right
	 * moved along with it, the rights in its body too (received as
	 * PORT_SEND/PORT_SEND_ONCE, which are MOVE_SEND/MOVE_SEND_ONCE). */
	reply = h->msgh_remote_port;
	h->msgh_bits = (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) |
		       MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
				      MACH_PORT_VALID(reply) ? MACH_MSGH_BITS_REMOTE(h->msgh_bits) : 0);
	h->msgh_remote_port = bootstrap;
	h->msgh_local_port = MACH_PORT_VALID(reply) ? reply : MACH_PORT_NULL;
	(void)mach_msg(h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, h->msgh_size, 0, MACH_PORT_NULL,
		       1000, MACH_PORT_NULL);
}

static void exception_msg(mach_msg_header_t *h)
{
	union {
		mach_msg_header_t h;
		char room[256];
	} rep;

	memset(&rep, 0, sizeof(rep));
	if (exc_server(h, &rep.h) && MACH_PORT_VALID(rep.h.msgh_remote_port))
		(void)mach_msg(&rep.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, rep.h.msgh_size, 0,
			       MACH_PORT_NULL, 100, MACH_PORT_NULL);
}

/* Bytes typed while a program runs: Ctrl-C ends it, the rest waits. */
static void typed_while_running(const struct input_msg *m)
{
	for (int i = 0; i < m->count && i < (int)sizeof(m->data); i++) {
		if (m->data[i] == CTRL('C')) {
			if (child.task != MACH_PORT_NULL && !child.interrupted) {
				child.interrupted = true;
				put("^C\n", 3);
				(void)task_terminate(child.task);
			}
		} else {
			pending_add(m->data[i]);
		}
	}
}

static bool input_ok(const mach_msg_header_t *h)
{
	const struct input_msg *m = (const struct input_msg *)h;

	return h->msgh_id == INPUT_ID && h->msgh_size == sizeof(*m) && m->count >= 0 &&
	       m->count <= (int)sizeof(m->data);
}

/* Receive until the running program's task is dead. */
static void wait_child(void)
{
	union {
		mach_msg_header_t h;
		struct input_msg in;
		char room[4096];
	} msg;

	while (child.task != MACH_PORT_NULL) {
		mach_msg_return_t mr = mach_msg(&msg.h, MACH_RCV_MSG, 0, sizeof(msg), portset,
						MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
		if (mr != MACH_MSG_SUCCESS) {
			sleep_ms(10);
			continue;
		}
		if (msg.h.msgh_local_port == input_port) {
			if (input_ok(&msg.h))
				typed_while_running(&msg.in);
		} else if (msg.h.msgh_local_port == proxy_port) {
			proxy(&msg.h);
		} else if (msg.h.msgh_local_port == exc_port) {
			exception_msg(&msg.h);
		} else if (msg.h.msgh_local_port == notify_port &&
			   msg.h.msgh_id == MACH_NOTIFY_DEAD_NAME) {
			mach_dead_name_notification_t *n = (mach_dead_name_notification_t *)&msg.h;
			if (n->not_port == child.task) {
				spawn_forget(child.task);
				child.task = MACH_PORT_NULL;
			} else {
				spawn_forget(n->not_port);
			}
		}
	}
	if (child.faulted)
		printf("%s: killed (exception %d, code %d)\n", child.name, child.exception,
		       child.code);
	else if (child.interrupted)
		printf("%s: killed\n", child.name);
	else if (child.have_status && child.status != 0)
		printf("%s: exit status %d\n", child.name, child.status);
	else if (!child.have_status)
		printf("%s: ended\n", child.name);
}

/* Where is the program called word?  *out gets its path. */
static kern_return_t find_program(const char *word, char *out, struct fs_stat *st)
{
	static const char *const dirs[] = { "/bin/", "/" };
	kern_return_t kr;

	if (strchr(word, '/')) {
		if ((kr = absolute(word, out)) != KERN_SUCCESS)
			return kr;
		return fs_stat(out, st);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(out, FS_PATH_MAX, "%s%s", dirs[i], word);
		if (fs_stat(out, st) == KERN_SUCCESS && st->type == FS_TYPE_FILE)
			return KERN_SUCCESS;
	}
	return FS_E_NOENT;
}

static void run(int argc, char **argv)
{
	char path[FS_PATH_MAX], pwd[FS_PATH_MAX + 8];
	char *envp[MAX_ENV + 2];
	mach_port_t give[2];
	struct fs_stat st;
	size_t ngive = 0, got = 0;
	int nenv = 0;
	kern_return_t kr;

	find_servers(0);
	if ((kr = find_program(argv[0], path, &st)) != KERN_SUCCESS) {
		if (!strchr(argv[0], '/') && kr == FS_E_NOENT)
			printf("sh: %s: command not found\n", argv[0]);
		else
			printf("sh: %s: %s\n", argv[0], errtext(kr));
		return;
	}
	if (st.type != FS_TYPE_FILE) {
		printf("sh: %s: %s\n", argv[0], errtext(FS_E_ISDIR));
		return;
	}
	char *image = malloc(st.size ? st.size : 1);
	if (!image) {
		printf("sh: %s: no memory for %u bytes\n", argv[0], (unsigned)st.size);
		return;
	}
	kr = fs_read(path, 0, image, st.size, &got);
	if (kr != KERN_SUCCESS || got != st.size) {
		printf("sh: %s: cannot read: %s\n", path, kr ? errtext(kr) : "short read");
		free(image);
		return;
	}

	snprintf(pwd, sizeof(pwd), "PWD=%s", cwd);
	for (char **e = shell_envp; e && *e && nenv < MAX_ENV; e++)
		if (strncmp(*e, "PWD=", 4) != 0)
			envp[nenv++] = *e;
	envp[nenv++] = pwd;
	envp[nenv] = NULL;
	if (MACH_PORT_VALID(host_priv))
		give[ngive++] = host_priv;
	if (MACH_PORT_VALID(device_master))
		give[ngive++] = device_master;

	struct spawn_args a = {
		.image = image, .size = st.size, .name = argv[0], .argv = argv, .envp = envp,
		.bootstrap = proxy_port, .give = give, .ngive = ngive,
	};
	memset(&child, 0, sizeof(child));
	child.name = argv[0];
	/* The new task inherits the exception port at task_create: ours, for
	 * as long as spawn() runs. */
	(void)task_set_special_port(self, TASK_EXCEPTION_PORT, exc_port);
	kr = spawn(&a, &child.task);
	(void)task_set_special_port(self, TASK_EXCEPTION_PORT, MACH_PORT_NULL);
	free(image);
	if (kr != KERN_SUCCESS) {
		if (kr == KERN_INVALID_ARGUMENT && *spawn_error())
			printf("sh: %s: %s\n", argv[0], spawn_error());
		else
			printf("sh: %s: cannot start: error %d\n", argv[0], kr);
		child.task = MACH_PORT_NULL;
		return;
	}
	if ((kr = spawn_watch(child.task, notify_port)) != KERN_SUCCESS) {
		printf("sh: %s: cannot watch it (error %d); not waiting\n", argv[0], kr);
		(void)mach_port_deallocate(self, child.task);
		child.task = MACH_PORT_NULL;
		return;
	}
	wait_child();
}

/* --- Built-ins. */

static void builtin_cd(int argc, char **argv)
{
	char path[FS_PATH_MAX];
	struct fs_stat st;
	kern_return_t kr;

	find_servers(0);
	if ((kr = absolute(argc > 1 ? argv[1] : "/", path)) == KERN_SUCCESS &&
	    (kr = fs_stat(path, &st)) == KERN_SUCCESS && st.type != FS_TYPE_DIR)
		kr = FS_E_NOTDIR;
	if (kr != KERN_SUCCESS) {
		printf("cd: %s: %s\n", argc > 1 ? argv[1] : "/", errtext(kr));
		return;
	}
	strlcpy(cwd, path, sizeof(cwd));
}

static void builtin_help(void)
{
	struct fs_dirent de;
	int col = 0;

	printf("built in: help, cd [DIR], pwd, exit [N], poweroff\n");
	printf("keys: arrows, backspace, Ctrl-U (erase line), Ctrl-C (stop a program)\n");
	printf("programs:");
	find_servers(0);
	for (uint64_t i = 0; fs_readdir("/", i, &de) == KERN_SUCCESS; i++) {
		if (de.st.type != FS_TYPE_FILE)
			continue;
		printf("%s %s", col++ % 8 == 0 ? "\n " : "", de.name);
	}
	printf("\n");
}

static void builtin_poweroff(void)
{
	kern_return_t kr;

	if (!MACH_PORT_VALID(host_priv)) {
		printf("poweroff: no host-priv port (MACHV_HOST_PORT)\n");
		return;
	}
	kr = host_reboot(host_priv, RB_HALT);
	printf("poweroff: host_reboot failed: error %d\n", kr);
}

static void execute(char *line)
{
	char *argv[MAX_WORDS + 1];
	int argc = split(line, argv, MAX_WORDS);

	if (argc < 0) {
		if (argc == -1)
			printf("sh: unterminated quote\n");
		else
			printf("sh: more than %d words\n", MAX_WORDS);
		return;
	}
	if (argc == 0)
		return;
	argv[argc] = NULL;
	if (strcmp(argv[0], "help") == 0) {
		builtin_help();
	} else if (strcmp(argv[0], "cd") == 0) {
		builtin_cd(argc, argv);
	} else if (strcmp(argv[0], "pwd") == 0) {
		printf("%s\n", cwd);
	} else if (strcmp(argv[0], "exit") == 0) {
		uint64_t n = 0;
		if (argc > 1 && !parse_u64(argv[1], strlen(argv[1]), &n))
			printf("exit: %s: not a number\n", argv[1]);
		else
			spawn_exit((int)n);
	} else if (strcmp(argv[0], "poweroff") == 0) {
		builtin_poweroff();
	} else {
		run(argc, argv);
	}
}

/* A typed line ends: history, then run it. */
static void line_done(void)
{
	char line[LINE_MAX];

	strlcpy(line, ed.buf, sizeof(line));
	ed_history_add(line);
	ed_reset();
	execute(line);
}

/* Edit what is pending; run each line as it completes (what is typed
 * meanwhile joins the queue behind it). */
static void drain(void)
{
	while (pending.count) {
		char c = pending.buf[pending.head];
		pending.head = (pending.head + 1) % TYPEAHEAD;
		pending.count--;
		if (ed_feed((unsigned char)c)) {
			line_done();
			prompt();
		}
	}
}

/* --- Setting up. */

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

static bool make_port(mach_port_t *p, bool send)
{
	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, p) != KERN_SUCCESS)
		return false;
	if (send && mach_port_insert_right(self, *p, *p, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS)
		return false;
	return mach_port_move_member(self, *p, portset) == KERN_SUCCESS;
}

int main(int argc, char **argv, char **envp)
{
	static char reader_stack[16384] __attribute__((aligned(16)));
	union {
		mach_msg_header_t h;
		struct input_msg in;
		char room[4096];
	} msg;
	kern_return_t kr;

	self = mach_task_self();
	shell_envp = envp;
	host_priv = env_port(envp, "MACHV_HOST_PORT");
	device_master = env_port(envp, "MACHV_DEVICE_PORT");
	(void)task_get_special_port(self, TASK_BOOTSTRAP_PORT, &bootstrap);
	if (!MACH_PORT_VALID(device_master)) {
		printf("sh: no device master (MACHV_DEVICE_PORT): no console to read\n");
		return 1;
	}
	if ((kr = device_open(device_master, D_READ | D_WRITE, "console", &console)) !=
	    KERN_SUCCESS) {
		printf("sh: cannot open the console: error %d\n", kr);
		return 1;
	}
	if (mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &portset) != KERN_SUCCESS ||
	    !make_port(&input_port, false) || !make_port(&notify_port, false) ||
	    !make_port(&proxy_port, true) || !make_port(&exc_port, true)) {
		printf("sh: cannot make my ports\n");
		return 1;
	}
	if (thread_spawn(console_reader, NULL, reader_stack, sizeof(reader_stack)) < 0) {
		printf("sh: cannot start the console thread\n");
		return 1;
	}
	find_servers(5000);
	if (!root_mounted)
		printf("sh: no file server (fs/): only built-ins will work\n");
	printf("machv shell; \"help\" lists what there is\n");
	ed_reset();
	prompt();
	for (;;) {
		mach_msg_return_t mr = mach_msg(&msg.h, MACH_RCV_MSG, 0, sizeof(msg), portset,
						MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
		if (mr != MACH_MSG_SUCCESS) {
			sleep_ms(10);
			continue;
		}
		if (msg.h.msgh_local_port == input_port) {
			if (input_ok(&msg.h)) {
				for (int i = 0; i < msg.in.count; i++)
					pending_add(msg.in.data[i]);
				drain();
			}
		} else if (msg.h.msgh_local_port == proxy_port) {
			/* A program left running in the background, or its
			 * children, still talk to the name service. */
			proxy(&msg.h);
		} else if (msg.h.msgh_local_port == exc_port) {
			exception_msg(&msg.h);
		} else if (msg.h.msgh_local_port == notify_port &&
			   msg.h.msgh_id == MACH_NOTIFY_DEAD_NAME) {
			spawn_forget(((mach_dead_name_notification_t *)&msg.h)->not_port);
		}
	}
}
