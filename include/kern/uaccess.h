/* Copying between the kernel and the current task's memory.  Every user
 * pointer is checked against [USER_BASE, USER_END); a page not yet present
 * is faulted in through the task's map; a fault that cannot be resolved
 * becomes K_EFAULT, never a kernel panic.  The kernel never touches user
 * memory any other way (SMAP / PAN / SUM keep it honest). */
#ifndef KERN_UACCESS_H
#define KERN_UACCESS_H

#include <kern/types.h>

int copyin(void *dst, uintptr_t usrc, size_t len);
int copyout(uintptr_t udst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max bytes including the NUL;
 * returns its length, K_EFAULT, or K_ENOSPC if no NUL within max. */
int copyinstr(char *dst, uintptr_t usrc, size_t max);

/* Used by the arch's page-fault handler when kernel code faults on a user
 * address: resolve it through the current task's map.  true if the access
 * can be retried. */
bool uaccess_fault(uintptr_t va, unsigned access);

#endif
