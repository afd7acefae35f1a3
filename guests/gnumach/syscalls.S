/* GNU Mach's own system call stubs: <mach/syscall_sw.h> expands
 * kernel_trap(name, number, nargs) for every trap, with the x86_64 body
 * of <mach/machine/syscall_sw.h> (movq $number, %rax; movq %rcx, %r10;
 * syscall; ret).  Nothing here is machv's. */
#include <mach/syscall_sw.h>
