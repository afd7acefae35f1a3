/* Kernel-internal error codes.  Functions return 0 or a negative K_E*. */
#ifndef KERN_ERRNO_H
#define KERN_ERRNO_H

#define K_OK       0
#define K_ENOMEM   (-1)   /* out of memory */
#define K_EINVAL   (-2)   /* bad argument */
#define K_EFAULT   (-3)   /* address not mapped / access faulted */
#define K_EEXIST   (-4)   /* already present */
#define K_ENOENT   (-5)   /* not present */
#define K_EBUSY    (-6)   /* resource in use */
#define K_ETIMEDOUT (-7)  /* deadline passed */
#define K_ENODEV   (-8)   /* no such device */
#define K_EIO      (-9)   /* device reported an error */
#define K_ENOSPC   (-10)  /* no room (queue full) */

#endif
