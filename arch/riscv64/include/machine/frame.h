/* riscv64 frame records.  With -fno-omit-frame-pointer every function keeps
 * s0 (fp) pointing at its caller's sp, i.e. just above the two words it
 * saved first: ra at fp-8 and the caller's fp at fp-16 (checked against
 * clang's output: "sd ra, 8(sp); sd s0, 0(sp); addi s0, sp, 16"). */
#ifndef MACHINE_FRAME_H
#define MACHINE_FRAME_H

#define FRAME_PREV_FP      (-16)   /* the caller's fp */
#define FRAME_RETURN_ADDR  (-8)    /* the return address */

#endif
