/* Starting the boot programs (src/kern/bootstrap.c).
 *
 * From the initrd (the boot module that is a cpio archive, normally module
 * 0): every program of the command line's init= list, each as its own task,
 * all at once; words after a lone "--" are argv[1..] of the first one.
 * Syntax of the list in kern/boot_script.h.
 *
 * From the other boot modules, GNU Mach's conventions: a module whose
 * command line holds $(task-create) is an ELF program loaded as a task,
 * with ${host-port}, ${device-port}, ${kernel-task} substituted by the
 * provisional port names below (real names once IPC exists) and every
 * NAME=VALUE word of the kernel command line available as ${NAME};
 * $(task-resume) starts it.  A module created but not resumed stays
 * suspended (nothing can resume it before IPC) and is not returned. */
#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H

#include <kern/types.h>

/* Provisional names until IPC gives each task a port space (see also
 * PROVISIONAL_* in kern/syscall.h, which hold the host and task names). */
#define BOOT_PROVISIONAL_DEVICE_PORT 3
#define BOOT_PROVISIONAL_KERNEL_TASK 4

struct task;

struct boot_program {
	struct task *task;
	bool expect_killed;      /* listed as "path!": its death is expected */
};

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
