/* kill INDEX...: terminate tasks, each named by its index in ps's list
 * (the default processor set's task list, through host-priv in
 * MACHV_HOST_PORT; Mach cannot name a task by a string).  The list is
 * read once, so the indices are those of the moment kill starts - the
 * same as ps's a moment before, since new tasks come at the end.  kill
 * will not end itself.  Status 1 if an index was bad or a task could not
 * be ended. */
#include "sh-util.h"
#include <mach_init.h>
#include "mach.h"
#include "mach_host.h"
#include "mach_port.h"

int main(int argc, char **argv, char **envp)
{
	const char *hp = util_env(envp, "MACHV_HOST_PORT");
	mach_port_t self = mach_task_self(), name = MACH_PORT_NULL, set = MACH_PORT_NULL;
	task_array_t tasks = NULL;
	mach_msg_type_number_t ntasks = 0;
	uint64_t v;
	int status = 0;
	kern_return_t kr;

	if (argc < 2) {
		printf("usage: kill INDEX... (the INDEX column of ps)\n");
		util_exit(2);
	}
	if (!hp || !parse_u64(hp, strlen(hp), &v)) {
		printf("kill: no host-priv port (MACHV_HOST_PORT)\n");
		util_exit(1);
	}
	if ((kr = processor_set_default(mach_host_self(), &name)) != KERN_SUCCESS ||
	    (kr = host_processor_set_priv((mach_port_t)v, name, &set)) != KERN_SUCCESS ||
	    (kr = processor_set_tasks(set, &tasks, &ntasks)) != KERN_SUCCESS) {
		printf("kill: cannot list the tasks: error %d\n", kr);
		util_exit(1);
	}
	for (int i = 1; i < argc; i++) {
		uint64_t idx;
		if (!parse_u64(argv[i], strlen(argv[i]), &idx) || idx >= ntasks) {
			printf("kill: %s: no such task (0..%u)\n", argv[i], (unsigned)ntasks - 1);
			status = 1;
		} else if (tasks[idx] == self) {
			printf("kill: %s: that is kill itself\n", argv[i]);
			status = 1;
		} else if ((kr = task_terminate(tasks[idx])) != KERN_SUCCESS) {
			printf("kill: %s: task_terminate: error %d\n", argv[i], kr);
			status = 1;
		} else {
			printf("kill: task %s terminated\n", argv[i]);
		}
	}
	util_exit(status);
}
