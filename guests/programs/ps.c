/* ps: every task of the machine, through host-priv (MACHV_HOST_PORT) and
 * the default processor set's control port (processor_set_tasks).
 *
 * A task is shown by its index in the processor set's list - what `kill`
 * takes - and its port's name in ps's own space.  Per task: threads
 * (task_threads), their states from thread_info (R running, S waiting,
 * D uninterruptible, T stopped, H halted, one letter each, up to 8),
 * memory from task_info (TASK_BASIC_INFO: virtual and resident size,
 * KiB), and the command.  Mach has no call to read a task's name back
 * (task_set_name only sets it), but a thread is named after its task
 * when it is made, and thread_get_name reads that: the first thread's
 * name is the command spawn gave the task. */
#include "sh-util.h"
#include <mach_init.h>
#include <mach/task_info.h>
#include <mach/thread_info.h>
#include "mach.h"
#include "mach_host.h"
#include "mach_port.h"
#include "gnumach.h"

static char state_char(int s)
{
	switch (s) {
	case TH_STATE_RUNNING: return 'R';
	case TH_STATE_STOPPED: return 'T';
	case TH_STATE_WAITING: return 'S';
	case TH_STATE_UNINTERRUPTIBLE: return 'D';
	case TH_STATE_HALTED: return 'H';
	default: return '?';
	}
}

static void show(unsigned index, mach_port_t task, mach_port_t self)
{
	struct task_basic_info info;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT, nthreads = 0;
	thread_array_t threads = NULL;
	char states[9] = "";
	kernel_debug_name_t command = "-";
	unsigned long vkib = 0, rkib = 0;

	if (task_info(task, TASK_BASIC_INFO, (task_info_t)&info, &count) == KERN_SUCCESS) {
		vkib = (unsigned long)info.virtual_size / 1024;
		rkib = (unsigned long)info.resident_size / 1024;
	}
	if (task_threads(task, &threads, &nthreads) == KERN_SUCCESS) {
		if (nthreads > 0 && thread_get_name(threads[0], command) != KERN_SUCCESS)
			strlcpy(command, "?", sizeof(command));
		for (mach_msg_type_number_t i = 0; i < nthreads; i++) {
			struct thread_basic_info ti;
			mach_msg_type_number_t tc = THREAD_BASIC_INFO_COUNT;
			if (i < 8)
				states[i] = thread_info(threads[i], THREAD_BASIC_INFO,
							(thread_info_t)&ti, &tc) == KERN_SUCCESS
						    ? state_char(ti.run_state) : '?';
			(void)mach_port_deallocate(self, threads[i]);
		}
		states[nthreads < 8 ? nthreads : 8] = '\0';
		(void)vm_deallocate(self, (vm_address_t)threads, nthreads * sizeof(*threads));
	}
	command[sizeof(command) - 1] = '\0';
	printf("%5u %6u %7u %-8s %8lu %8lu %s\n", index, (unsigned)task, (unsigned)nthreads,
	       states[0] ? states : "-", vkib, rkib, command);
}

int main(int argc, char **argv, char **envp)
{
	const char *hp = util_env(envp, "MACHV_HOST_PORT");
	mach_port_t self = mach_task_self(), host_priv, name = MACH_PORT_NULL, set = MACH_PORT_NULL;
	task_array_t tasks = NULL;
	mach_msg_type_number_t ntasks = 0;
	uint64_t v;
	kern_return_t kr;

	if (!hp || !parse_u64(hp, strlen(hp), &v)) {
		printf("ps: no host-priv port (MACHV_HOST_PORT)\n");
		util_exit(1);
	}
	host_priv = (mach_port_t)v;
	if ((kr = processor_set_default(mach_host_self(), &name)) != KERN_SUCCESS ||
	    (kr = host_processor_set_priv(host_priv, name, &set)) != KERN_SUCCESS ||
	    (kr = processor_set_tasks(set, &tasks, &ntasks)) != KERN_SUCCESS) {
		printf("ps: cannot list the tasks: error %d\n", kr);
		util_exit(1);
	}
	printf("INDEX   PORT THREADS STATES    VIRT-K    RES-K COMMAND\n");
	for (mach_msg_type_number_t i = 0; i < ntasks; i++) {
		show(i, tasks[i], self);
		if (tasks[i] != self)
			(void)mach_port_deallocate(self, tasks[i]);
	}
	(void)vm_deallocate(self, (vm_address_t)tasks, ntasks * sizeof(*tasks));
	util_exit(0);
}
