/* The tiny C library of machv's user programs (<machv/libc.h>) and the
 * inline trap wrappers (<machv/trap.h>): what the raw-ABI programs of
 * guests/programs include. */
#ifndef MACHV_LIB_H
#define MACHV_LIB_H

#include <machv/libc.h>
#include <machv/trap.h>

#endif
