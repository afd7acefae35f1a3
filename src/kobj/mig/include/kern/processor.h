#ifndef KOBJ_COMPAT_PROCESSOR_H
#define KOBJ_COMPAT_PROCESSOR_H
#include <mach/mach_types.h>
typedef processor_t *processor_array_t;
typedef processor_set_t processor_set_name_t;
typedef processor_set_t *processor_set_array_t;
typedef processor_set_t *processor_set_name_array_t;
#endif
