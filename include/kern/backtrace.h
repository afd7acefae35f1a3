/* Stack backtraces from frame-pointer chains, with symbol names. */
#ifndef KERN_BACKTRACE_H
#define KERN_BACKTRACE_H

#include <kern/types.h>

/* Print the chain starting at pc with frame pointer fp; (0, 0) means "from
 * the caller".  Every load is probed, so a corrupt chain ends the walk
 * instead of faulting inside a fault report. */
void backtrace_print(uintptr_t pc, uintptr_t fp);

#endif
