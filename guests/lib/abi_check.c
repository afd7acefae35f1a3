/* Build-time check that user space and the kernel agree on the trap ABI and
 * on the library functions shared with the kernel.  Nothing here runs: it
 * compiles, or the build stops.
 *
 * Same-named macros (KERN_*, PROVISIONAL_*) must have the same definition
 * in both headers or the compiler reports a redefinition, made an error
 * below; the trap numbers have different names on each side and are
 * compared one by one; the string prototypes conflict if they drift. */
#pragma clang diagnostic error "-Wmacro-redefined"

#include <kern/syscall.h>
#include <kern/string.h>
#include <kern/printf.h>
#include <machv/lib.h>

#define SAME_TRAP(user, kern) _Static_assert((user) == (kern), #user " != " #kern)

SAME_TRAP(SYS_MACH_MSG, TRAP_MACH_MSG);
SAME_TRAP(SYS_MACH_REPLY_PORT, TRAP_MACH_REPLY_PORT);
SAME_TRAP(SYS_MACH_THREAD_SELF, TRAP_MACH_THREAD_SELF);
SAME_TRAP(SYS_MACH_TASK_SELF, TRAP_MACH_TASK_SELF);
SAME_TRAP(SYS_MACH_HOST_SELF, TRAP_MACH_HOST_SELF);
SAME_TRAP(SYS_MACH_PRINT, TRAP_MACH_PRINT);
SAME_TRAP(SYS_SWTCH_PRI, TRAP_SWTCH_PRI);
SAME_TRAP(SYS_SWTCH, TRAP_SWTCH);
SAME_TRAP(SYS_THREAD_SWITCH, TRAP_THREAD_SWITCH);
SAME_TRAP(SYS_TASK_TERMINATE, TRAP_TASK_TERMINATE);
SAME_TRAP(SYS_MACHV_EXIT, TRAP_MACHV_EXIT);
SAME_TRAP(SYS_MACHV_THREAD_SPAWN, TRAP_MACHV_THREAD_SPAWN);
SAME_TRAP(SYS_MACHV_CLOCK_NS, TRAP_MACHV_CLOCK_NS);
/* trap.h's wrappers take at most seven arguments, as the kernel reads. */
_Static_assert(SYSCALL_ARGS == 7, "the trap wrappers pass seven arguments");
