#ifndef KOBJ_COMPAT_ASSERT_H
#define KOBJ_COMPAT_ASSERT_H
#define assert(x) ((void)0)
#endif
