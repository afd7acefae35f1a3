/* meminfo: the machine's memory, from vm_statistics.  machv does no
 * paging, so a page is free or in use (counted as wired). */
#include "sh-util.h"
#include <mach_init.h>
#include <mach/vm_statistics.h>
#include "mach.h"

int main(int argc, char **argv, char **envp)
{
	vm_statistics_data_t vs;
	kern_return_t kr;

	memset(&vs, 0, sizeof(vs));
	if ((kr = vm_statistics(mach_task_self(), &vs)) != KERN_SUCCESS) {
		printf("meminfo: vm_statistics: error %d\n", kr);
		util_exit(1);
	}
	unsigned long kib = (unsigned long)vs.pagesize / 1024;
	unsigned long total = (unsigned long)vs.free_count + (unsigned long)vs.active_count +
			      (unsigned long)vs.inactive_count + (unsigned long)vs.wire_count;
	printf("page size: %d bytes\n", vs.pagesize);
	printf("total:     %lu KiB (%lu pages)\n", total * kib, total);
	printf("free:      %lu KiB (%d pages)\n", (unsigned long)vs.free_count * kib, vs.free_count);
	printf("in use:    %lu KiB (%lu pages)\n", (total - (unsigned long)vs.free_count) * kib,
	       total - (unsigned long)vs.free_count);
	printf("faults:    %d (zero fill %d, copy on write %d)\n", vs.faults, vs.zero_fill_count,
	       vs.cow_faults);
	util_exit(0);
}
