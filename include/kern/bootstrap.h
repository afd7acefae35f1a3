/* Starting the boot programs (src/kern/bootstrap.c).
 *
 * From the initrd (the boot module that is a cpio archive, normally module
 * 0): every program of the command line's init= list, each as its own task,
 * all at once; words after a lone "--" are argv[1..] of the first one.
 * Syntax of the list in kern/boot_script.h.
 *
 * From the other boot modules, GNU Mach's conventions: every module whose
 * command line holds $(task-create) becomes a task, created suspended
 * before any line is expanded; then each module's line is expanded with
 * port names in its own task's space (${host-port}: a send right to the
 * privileged host port; ${device-port}: to the device master; ${NAME} of
 * a $(NAME=task-create): to that module's task port; ${kernel-task}: the
 * placeholder below, machv has no kernel task) and every NAME=VALUE word
 * of the kernel command line as ${NAME}; its ELF program is loaded and its
 * thread made, and $(task-resume) resumes the task.  A module without
 * $(task-resume) stays suspended (another module holding its task port may
 * resume it) and is not returned. */
#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H

#include <kern/types.h>

/* What ${kernel-task} expands to: machv has no kernel task port. */
#define BOOT_PROVISIONAL_KERNEL_TASK 4

struct task;

struct boot_program {
	struct task *task;
	bool expect_killed;      /* listed as "path!": its death is expected */
};

/* The initrd: the first boot module that is not a boot-script module (no
 * $(...) in its command line), where the loader put it (module memory is
 * kept for good).  False if there is none. */
bool boot_initrd(const void **data, size_t *size);

/* True if there is anything for boot_start_programs() to start: an init=
 * list, or a boot module with $(task-create) (GNU Mach boots those
 * without any init=). */
bool boot_has_programs(void);

/* Start the programs; fill out[0..n) with those started and return n, or a
 * negative K_E* if any program could not be started (reported on the
 * console; programs already started keep running).  Returns 0 if there is
 * nothing to start. */
int boot_start_programs(struct boot_program *out, int max);

#endif
