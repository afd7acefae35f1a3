/* x86_64 frame records (push %rbp; mov %rsp, %rbp): offsets from %rbp. */
#ifndef MACHINE_FRAME_H
#define MACHINE_FRAME_H

#define FRAME_PREV_FP      0   /* the caller's %rbp */
#define FRAME_RETURN_ADDR  8   /* the return address */

#endif
