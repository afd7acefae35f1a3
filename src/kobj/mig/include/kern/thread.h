#ifndef KOBJ_COMPAT_THREAD_H
#define KOBJ_COMPAT_THREAD_H
#include <mach/mach_types.h>
typedef thread_t *thread_array_t;
void thread_deallocate(thread_t thread);
#endif
