/* Starting the boot programs (see kern/bootstrap.h).  The parsing is in
 * boot_script.c; here the initrd and the modules are found, and the
 * programs loaded and started through exec_program(). */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/boot_script.h>
#include <kern/bootstrap.h>
#include <kern/cmdline.h>
#include <kern/cpio.h>
#include <kern/errno.h>
#include <kern/exec.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/task.h>

/* Everything here runs once, from kmain's thread, before any program:
 * static buffers are enough and keep big arrays off the kernel stack. */
static char arg_text[CMDLINE_MAX];
static char *args[EXEC_ARGC_MAX];
static struct boot_script script;

static bool is_script_module(const struct boot_module *m)
{
	return strchr(m->cmdline, '$') != NULL;   /* $(task-create) and friends */
}

static const char *basename_of(const char *path)
{
	const char *b = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			b = p + 1;
	return b;
}

bool boot_initrd(const void **data, size_t *size)
{
	for (unsigned i = 0; i < boot_info.nmods; i++) {
		const struct boot_module *m = &boot_info.mods[i];
		if (is_script_module(m))
			continue;
		*data = phys_to_virt(m->base);
		*size = (size_t)m->size;
		return true;
	}
	return false;
}

/* argv for an init= program: its path, then (for the first program) the
 * words after "--". */
static int init_args(const char *path, bool first)
{
	size_t used = strlcpy(arg_text, path, sizeof(arg_text)) + 1;
	int argc = 0;
	args[argc++] = arg_text;
	const char *cursor = NULL, *w;
	size_t len;
	while (first && (w = cmdline_next_arg(cmdline_raw(), &cursor, &len))) {
		if (argc == EXEC_ARGC_MAX || len + 1 > sizeof(arg_text) - used)
			return K_ENOSPC;
		memcpy(arg_text + used, w, len);
		arg_text[used + len] = '\0';
		args[argc++] = arg_text + used;
		used += len + 1;
	}
	return argc;
}

/* A send right to port, named in task's space (0 if out of room). */
static mach_port_name_t send_right_in(struct task *task, struct ipc_port *port)
{
	if (!task->itk_space || !IPC_PORT_VALID(port))
		return MACH_PORT_NULL;
	mach_port_name_t name = MACH_PORT_NULL;
	irqflags_t f = arch_irq_save();
	if (port->active) {
		ipc_port_make_send(port);
		if (ipc_right_copyout(task->itk_space, port, MACH_MSG_TYPE_PORT_SEND, true,
				      &name) != KERN_SUCCESS) {
			ipc_port_release_send(port);
			name = MACH_PORT_NULL;
		}
	}
	arch_irq_restore(f);
	return name;
}

/* The ports a boot program starts with, as GNU Mach's boot modules get
 * ${host-port} and ${device-port}: send rights to host-priv and to the
 * device master, their names in the environment as MACHV_HOST_PORT=N and
 * MACHV_DEVICE_PORT=N (decimal). */
static char env_text[2][40];
static char *env_words[2] = { env_text[0], env_text[1] };

static int give_boot_ports(struct task *task, struct exec_strings *strings, void *unused)
{
	mach_port_name_t host = send_right_in(task, ipc_host_priv_port());
	mach_port_name_t device = send_right_in(task, ipc_device_master_port());
	if (host == MACH_PORT_NULL || device == MACH_PORT_NULL)
		return K_ENOMEM;
	ksnprintf(env_text[0], sizeof(env_text[0]), "MACHV_HOST_PORT=%u", host);
	ksnprintf(env_text[1], sizeof(env_text[1]), "MACHV_DEVICE_PORT=%u", device);
	strings->envc = 2;
	strings->envp = env_words;
	return K_OK;
}

static int start_init_item(const char *item, size_t len, bool first, const void *initrd,
			   size_t initrd_size, struct boot_program *out)
{
	struct boot_init_item spec;
	const char *why = NULL;
	int rc = boot_parse_init_item(item, len, SCHED_PRIO_USER, SCHED_PRIO_COUNT, &spec, &why);
	if (rc != K_OK) {
		kprintf("init: bad item '%.*s': %s\n", (int)len, item, why);
		return rc;
	}
	struct cpio_entry file;
	rc = cpio_find(initrd, initrd_size, spec.path, &file, &why);
	if (rc == K_ENOENT) {
		kprintf("init: %s: no such file in the initrd\n", spec.path);
		return rc;
	}
	if (rc != K_OK) {
		kprintf("init: the initrd is not a valid cpio archive: %s\n", why);
		return rc;
	}
	int argc = init_args(spec.path, first);
	if (argc < 0) {
		kprintf("init: %s: arguments after -- too long\n", spec.path);
		return argc;
	}
	/* Said first: the program may run, and even end, before exec returns. */
	kprintf("init: starting %s at priority %u%s\n", spec.path, spec.prio,
		spec.expect_killed ? " (expected to be killed)" : "");
	struct exec_strings strings = { argc, args, 0, NULL };
	struct task *t = exec_program_prepared(file.data, file.size, basename_of(spec.path),
					       &strings, give_boot_ports, NULL, spec.prio, &rc);
	if (!t)
		return rc;
	out->task = t;
	out->expect_killed = spec.expect_killed;
	return K_OK;
}

/* --- GNU Mach boot-script modules ------------------------------------ */

/* As GNU Mach boots its modules: every module with $(task-create) gets its
 * task first, suspended (so that ${NAME} of a $(NAME=task-create) can name
 * any of them, in any line); then each line is expanded with the port
 * names as that module's task sees them, the program is loaded into its
 * task with its thread made, and $(task-resume) lets it run.  A module
 * without $(task-resume) stays suspended until someone holding its task
 * port (another module, given ${NAME}) resumes it. */

static struct task *mod_tasks[BOOT_MOD_MAX];
static struct {
	char name[BOOT_SCRIPT_NAME_MAX];
	struct task *task;
} task_vars[BOOT_MOD_MAX];
static unsigned ntask_vars;

static bool name_is(const char *name, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(name, s, len) == 0;
}

/* ctx is the task of the module whose line is being expanded: the port
 * variables are names in its space. */
static bool lookup_var(const char *name, size_t len, char *out, size_t size, void *ctx)
{
	struct task *self = ctx;
	if (name_is(name, len, "host-port")) {
		ksnprintf(out, size, "%u", ipc_host_priv_self(self));
		return true;
	}
	if (name_is(name, len, "device-port")) {
		ksnprintf(out, size, "%u", ipc_device_master_self(self));
		return true;
	}
	if (name_is(name, len, "kernel-task")) {
		/* machv has no kernel task to name. */
		ksnprintf(out, size, "%u", BOOT_PROVISIONAL_KERNEL_TASK);
		return true;
	}
	for (unsigned i = 0; i < ntask_vars; i++)
		if (name_is(name, len, task_vars[i].name)) {
			ksnprintf(out, size, "%u", send_right_in(self, task_vars[i].task->itk_self));
			return true;
		}
	if (name_is(name, len, "kernel-command-line")) {
		strlcpy(out, cmdline_raw(), size);
		return true;
	}
	char key[BOOT_SCRIPT_NAME_MAX];
	size_t vlen;
	if (len >= sizeof(key))
		return false;
	memcpy(key, name, len);
	key[len] = '\0';
	const char *v = cmdline_find(cmdline_raw(), key, &vlen);
	if (!v)
		return false;
	ksnprintf(out, size, "%.*s", (int)vlen, v);
	return true;
}

static void report_script_error(unsigned mod, int rc)
{
	kprintf("bootstrap: module %u: %s%s%s%s\n", mod, script.why ? script.why : "error",
		script.bad_name[0] ? " '" : "", script.bad_name, script.bad_name[0] ? "'" : "");
	(void)rc;
}

/* A task that will never run: gone now. */
static void discard_task(struct task *task)
{
	task_terminate(task, 1, "could not be loaded");
	task_wait(task);
}

/* First pass: the tasks, suspended, and the variables that name them. */
static int create_module_tasks(void)
{
	ntask_vars = 0;
	for (unsigned i = 0; i < boot_info.nmods; i++) {
		mod_tasks[i] = NULL;
		if (!is_script_module(&boot_info.mods[i]))
			continue;
		int rc = boot_script_parse(boot_info.mods[i].cmdline, NULL, NULL, &script);
		if (rc != K_OK) {
			report_script_error(i, rc);
			return rc;
		}
		if (!script.task_create || script.argc == 0)
			continue;
		struct task *task = task_create(basename_of(script.argv[0]));
		if (!task) {
			kprintf("bootstrap: module %u (%s): no memory for a task\n", i, script.argv[0]);
			return K_ENOMEM;
		}
		task_suspend(task);
		mod_tasks[i] = task;
		if (script.task_var[0] && ntask_vars < ARRAY_SIZE(task_vars)) {
			strlcpy(task_vars[ntask_vars].name, script.task_var, BOOT_SCRIPT_NAME_MAX);
			task_vars[ntask_vars++].task = task;
		}
	}
	return K_OK;
}

/* Second pass, module i: expand its line in its task's names, load it,
 * make its thread (stopped by the task's suspension), and resume it if
 * asked.  The task is handed over in *out when it runs (the boot verdict
 * waits for it); one left suspended is let go. */
static int load_module(unsigned i, struct boot_program *out, bool *started)
{
	const struct boot_module *m = &boot_info.mods[i];
	struct task *task = mod_tasks[i];
	*started = false;
	int rc = boot_script_parse(m->cmdline, lookup_var, task, &script);
	if (rc != K_OK) {
		report_script_error(i, rc);
		return rc;
	}
	const char *why = NULL;
	uintptr_t entry, sp;
	rc = exec_load(&task->map, phys_to_virt(m->base), (size_t)m->size, script.argc, script.argv,
		       &entry, &sp, &why);
	struct thread *t = NULL;
	if (rc == K_OK) {
		t = thread_create_user(task, entry, sp, sp, SCHED_PRIO_USER);
		if (!t) {
			rc = K_ENOMEM;
			why = "no memory for a thread";
		}
	}
	if (rc != K_OK) {
		kprintf("bootstrap: module %u (%s): cannot load: %s\n", i, script.argv[0],
			why ? why : "error");
		return rc;
	}
	thread_start(t);
	if (!script.task_resume) {
		kprintf("bootstrap: module %u (%s) has no $(task-resume): left suspended\n", i,
			script.argv[0]);
		task_deallocate(task);   /* nobody waits for it */
		mod_tasks[i] = NULL;
		return K_OK;
	}
	/* Said first: the program may run, and even end, before the resume
	 * returns. */
	kprintf("bootstrap: starting module %u (%s)\n", i, script.argv[0]);
	out->task = task;
	out->expect_killed = false;
	*started = true;
	mod_tasks[i] = NULL;
	task_resume(task);
	return K_OK;
}

bool boot_has_programs(void)
{
	if (cmdline_has("init"))
		return true;
	for (unsigned i = 0; i < boot_info.nmods; i++)
		if (is_script_module(&boot_info.mods[i]))
			return true;
	return false;
}

int boot_start_programs(struct boot_program *out, int max)
{
	int n = 0, result = K_OK;
	size_t len;
	const char *list = cmdline_value("init", &len);
	if (list) {
		const void *initrd;
		size_t initrd_size;
		if (!boot_initrd(&initrd, &initrd_size)) {
			kprintf("init: no initrd to load '%.*s' from\n", (int)len, list);
			result = K_ENOENT;
		} else {
			const char *cursor = list, *item;
			size_t item_len;
			bool first = true;
			while (cmdline_next_item(&cursor, list + len, &item, &item_len)) {
				int rc = K_ENOSPC;
				if (n < max)
					rc = start_init_item(item, item_len, first, initrd, initrd_size, &out[n]);
				else
					kprintf("init: more than %d programs; '%.*s' not started\n", max,
						(int)item_len, item);
				if (rc == K_OK)
					n++;
				else
					result = rc;
				first = false;
			}
		}
	}

	int rc = create_module_tasks();
	for (unsigned i = 0; rc == K_OK && i < boot_info.nmods; i++) {
		if (!mod_tasks[i])
			continue;
		bool started;
		if (n >= max) {
			kprintf("bootstrap: more than %d programs; module %u not started\n", max, i);
			rc = K_ENOSPC;
			break;
		}
		rc = load_module(i, &out[n], &started);
		if (started)
			n++;
	}
	/* Tasks not loaded (an error stopped the pass) never run. */
	for (unsigned i = 0; i < boot_info.nmods; i++)
		if (mod_tasks[i]) {
			discard_task(mod_tasks[i]);
			mod_tasks[i] = NULL;
		}
	if (rc != K_OK)
		result = rc;
	return result != K_OK ? result : n;
}
