/* Starting the boot programs (see kern/bootstrap.h).  The parsing is in
 * boot_script.c; here the initrd and the modules are found, and the
 * programs loaded and started through exec_program(). */
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

/* The initrd: the first module that is not a boot-script module. */
static bool find_initrd(const void **data, size_t *size)
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
	struct task *t = exec_program(file.data, file.size, basename_of(spec.path), argc, args,
				      spec.prio, &rc);
	if (!t)
		return rc;
	out->task = t;
	out->expect_killed = spec.expect_killed;
	return K_OK;
}

/* --- GNU Mach boot-script modules ------------------------------------ */

#define TASK_VARS_MAX BOOT_MOD_MAX
static char task_vars[TASK_VARS_MAX][BOOT_SCRIPT_NAME_MAX];
static unsigned ntask_vars;

static bool name_is(const char *name, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(name, s, len) == 0;
}

static bool lookup_var(const char *name, size_t len, char *out, size_t size, void *ctx)
{
	(void)ctx;
	static const struct { const char *name; unsigned value; } ports[] = {
		{ "host-port", PROVISIONAL_HOST_SELF },
		{ "device-port", BOOT_PROVISIONAL_DEVICE_PORT },
		{ "kernel-task", BOOT_PROVISIONAL_KERNEL_TASK },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
		if (name_is(name, len, ports[i].name)) {
			ksnprintf(out, size, "%u", ports[i].value);
			return true;
		}
	for (unsigned i = 0; i < ntask_vars; i++)
		if (name_is(name, len, task_vars[i])) {
			ksnprintf(out, size, "%u", PROVISIONAL_TASK_SELF);
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

/* First pass: the task variables every line may use. */
static int collect_task_vars(void)
{
	ntask_vars = 0;
	for (unsigned i = 0; i < boot_info.nmods; i++) {
		if (!is_script_module(&boot_info.mods[i]))
			continue;
		int rc = boot_script_parse(boot_info.mods[i].cmdline, NULL, NULL, &script);
		if (rc != K_OK) {
			report_script_error(i, rc);
			return rc;
		}
		if (script.task_var[0] && ntask_vars < TASK_VARS_MAX)
			strlcpy(task_vars[ntask_vars++], script.task_var, BOOT_SCRIPT_NAME_MAX);
	}
	return K_OK;
}

static int start_module(unsigned i, struct boot_program *out, bool *started)
{
	const struct boot_module *m = &boot_info.mods[i];
	*started = false;
	int rc = boot_script_parse(m->cmdline, lookup_var, NULL, &script);
	if (rc != K_OK) {
		report_script_error(i, rc);
		return rc;
	}
	if (!script.task_create || script.argc == 0)
		return K_OK;
	if (!script.task_resume) {
		kprintf("bootstrap: module %u (%s) has no $(task-resume): left unloaded until IPC "
			"can resume it\n", i, script.argv[0]);
		return K_OK;
	}
	kprintf("bootstrap: starting module %u (%s)\n", i, script.argv[0]);
	struct task *t = exec_program(phys_to_virt(m->base), (size_t)m->size,
				      basename_of(script.argv[0]), script.argc, script.argv,
				      SCHED_PRIO_USER, &rc);
	if (!t)
		return rc;
	out->task = t;
	out->expect_killed = false;
	*started = true;
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
		if (!find_initrd(&initrd, &initrd_size)) {
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

	int rc = collect_task_vars();
	for (unsigned i = 0; rc == K_OK && i < boot_info.nmods; i++) {
		if (!is_script_module(&boot_info.mods[i]))
			continue;
		bool started;
		if (n >= max) {
			kprintf("bootstrap: more than %d programs; module %u not started\n", max, i);
			rc = K_ENOSPC;
			break;
		}
		rc = start_module(i, &out[n], &started);
		if (started)
			n++;
	}
	if (rc != K_OK)
		result = rc;
	return result != K_OK ? result : n;
}
