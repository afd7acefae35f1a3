/* The string side of starting programs at boot (src/kern/boot_script.c):
 * pure parsing, no tasks, so the host tests link it alone.  bootstrap.c
 * acts on the results.
 *
 * 1. Items of the kernel command line's init= list:
 *        PATH[@PRIO][!]
 *    PATH in the initrd, an optional Mach priority (0 most urgent .. limit-1),
 *    and a trailing "!" when the program is expected to be killed (the boot
 *    verdict then does not count its death as a failure).
 *
 * 2. GNU Mach boot-script lines: the command line of a boot module other
 *    than the initrd.  The first word is the program's path (argv[0]); the
 *    other words are its arguments, where
 *        ${NAME}                 is replaced by the variable's value
 *                                (anywhere inside a word);
 *        $(task-create)          marks the module as a task to create;
 *        $(NAME=task-create)     the same, and defines ${NAME} (the task's
 *                                port) for every other line;
 *        $(task-resume)          starts the task once loaded
 *                                ($(prompt-task-resume) is taken as the same);
 *    the $(...) words themselves do not become arguments.  Variables are
 *    looked up through a callback (the kernel supplies host-port,
 *    device-port, kernel-task, kernel-command-line, the task variables, and
 *    every NAME=VALUE word of the kernel command line, as GNU Mach does). */
#ifndef KERN_BOOT_SCRIPT_H
#define KERN_BOOT_SCRIPT_H

#include <kern/types.h>

#define BOOT_PATH_MAX        128
#define BOOT_SCRIPT_NAME_MAX 32
#define BOOT_SCRIPT_ARGV_MAX 32
#define BOOT_SCRIPT_BUF      1536

struct boot_init_item {
	char path[BOOT_PATH_MAX];
	unsigned prio;
	bool expect_killed;
};

/* Parse item[0..len).  K_OK, or K_EINVAL with *why set. */
int boot_parse_init_item(const char *item, size_t len, unsigned default_prio,
			 unsigned prio_limit, struct boot_init_item *out, const char **why);

/* Write the value of variable name[0..len) into out (size bytes, NUL
 * terminated); false if there is no such variable. */
typedef bool (*boot_script_lookup_t)(const char *name, size_t len, char *out, size_t size,
				     void *ctx);

struct boot_script {
	bool task_create;
	bool task_resume;
	char task_var[BOOT_SCRIPT_NAME_MAX];   /* NAME of $(NAME=task-create), or "" */
	int argc;                              /* 0 for an empty or comment line */
	char *argv[BOOT_SCRIPT_ARGV_MAX + 1];  /* NULL-terminated, into buf */
	char buf[BOOT_SCRIPT_BUF];
	const char *why;                       /* set on error */
	char bad_name[BOOT_SCRIPT_NAME_MAX];   /* the unknown variable, on K_ENOENT */
};

/* Parse and expand one line.  With lookup NULL, ${...} is left as written
 * (a first pass that only collects the $(...) actions).  K_OK; K_EINVAL for
 * a syntax error; K_ENOENT for an undefined variable; K_ENOSPC when the
 * result does not fit.  out->why says which. */
int boot_script_parse(const char *line, boot_script_lookup_t lookup, void *ctx,
		      struct boot_script *out);

#endif
