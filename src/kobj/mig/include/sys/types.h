/* mach_debug/slab_info.h includes <sys/types.h> and needs nothing of it
 * beyond what GNU Mach's own headers define: an empty stand-in keeps libc
 * headers out of the kernel. */
