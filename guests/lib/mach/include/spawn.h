/* Starting a program in a new task from user space, the GNU Mach way
 * (guests/lib/mach/spawn.c), and learning when it ended.
 *
 * spawn() takes a static ELF64 executable for this machine that is in the
 * caller's memory (read from a file server or the rd0 device), and:
 *   - task_create(mach_task_self(), FALSE, &child): an empty task;
 *   - for each PT_LOAD: vm_allocate at its pages, vm_write the file's
 *     bytes (the rest stays zero, as .bss wants), vm_protect to the
 *     segment's permissions;
 *   - a stack of SPAWN_STACK_SIZE with an unmapped page below it, its top
 *     holding the initial stack of docs/abi.md (argc, argv, NULL, envp,
 *     NULL, the strings; sp 16-byte aligned);
 *   - the bootstrap port (TASK_BOOTSTRAP_PORT) and the send rights the
 *     caller gives, each inserted in the child under the name it has in
 *     the caller (so "MACHV_DEVICE_PORT=<name>" in envp stays true);
 *   - task_set_name (the kernel's messages name the task), thread_create,
 *     thread_set_state (pc = entry, sp, first argument register = sp) and
 *     thread_resume.
 * The image is checked first and refused with KERN_INVALID_ARGUMENT (and
 * no task made) when it is not such an executable: bad magic, class,
 * byte order, type or machine, program headers or segments outside the
 * file, a segment both writable and executable, segments sharing a page,
 * an entry point outside every executable segment.  spawn_error() then
 * says why.  Any later failure terminates the half-made task and returns
 * the failing call's code.
 *
 * How the child ended.  The caller asks for a dead-name notification on
 * the child's task port (spawn_watch): the kernel destroys a task's port
 * when the task ends, whatever the way (exit, killed by an exception,
 * task_terminate), so MACH_NOTIFY_DEAD_NAME naming the task port means
 * "ended".  The exit status is not kept by the kernel once the task is
 * gone, so it is known only when the program says it: spawn_exit(status)
 * sends an SPAWN_EXIT_ID message to its bootstrap port ([COPY_SEND, 64
 * bits] its task port, [INTEGER_32] the status, a send-once reply port),
 * waits up to a second for the reply (msgh_id + 100, [INTEGER_32]
 * KERN_SUCCESS) and then exits.  Waiting keeps the task, and so its port,
 * alive while the server reads the message: the server matches the task
 * port (spawn_parse_exit) with the one spawn() gave it, records the
 * status, answers, and the dead-name notification comes after.  Programs that just
 * return from main (every program that knows nothing of this) end
 * "without a status", and so do killed ones: the kernel's console line
 * ("task NAME (ID) exited with status N" / "killed: ...") is the only
 * place their fate is told.  The message is not proof: any holder of a
 * task's port could send it. */
#ifndef MACHV_SPAWN_H
#define MACHV_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/message.h>

#define SPAWN_STACK_SIZE (256 * 1024)
#define SPAWN_EXIT_ID    0x73700001   /* "sp" 1 */

struct spawn_args {
	const void *image;              /* the ELF file */
	size_t size;
	const char *name;               /* the task's name; NULL: argv[0] */
	char *const *argv;              /* NULL-terminated; argv[0] required */
	char *const *envp;              /* NULL-terminated, or NULL for none */
	mach_port_t bootstrap;          /* MACH_PORT_NULL: the caller's own */
	const mach_port_t *give;        /* send rights to copy into the child */
	size_t ngive;
};

/* Start the program; *task gets a send right to the new task's port. */
kern_return_t spawn(const struct spawn_args *args, mach_port_t *task);
/* Why the last spawn() in this task refused its image ("" if it did not). */
const char *spawn_error(void);

/* Ask for MACH_NOTIFY_DEAD_NAME on notify when task ends (at once if it
 * already has: the request is made with sync 1).  Works for any send
 * right: init uses it for registered servers too. */
kern_return_t spawn_watch(mach_port_t task, mach_port_t notify);
/* After the notification: drop every reference to the dead name. */
void spawn_forget(mach_port_t task);

/* Tell the bootstrap port's server the status, then exit with it. */
__attribute__((noreturn)) void spawn_exit(int status);
/* Is msg an exit message?  Then *task is the task port it carries (a
 * send right the receiver now holds one more reference to) and *status
 * the status. */
bool spawn_parse_exit(const mach_msg_header_t *msg, mach_port_t *task, int *status);

#endif
