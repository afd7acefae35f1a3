/* aarch64 frame records (AAPCS64): x29 points at { previous x29, x30 }. */
#ifndef MACHINE_FRAME_H
#define MACHINE_FRAME_H

#define FRAME_PREV_FP      0   /* the caller's x29 */
#define FRAME_RETURN_ADDR  8   /* the saved link register */

#endif
