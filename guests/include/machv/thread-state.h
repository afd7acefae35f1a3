/* The register state thread_get_state/thread_set_state carry, flavour 1 on
 * every architecture: GNU Mach's i386_THREAD_STATE on x86_64, machv's own
 * layouts on aarch64 and riscv64 (docs/abi.md; the kernel's side is
 * arch/<arch>/include/machine/thread_state.h).  Each thread-state-<arch>.h
 * defines struct machv_thread_state and the accessors MACHV_STATE_PC,
 * MACHV_STATE_SP and MACHV_STATE_ARG0. */
#ifndef MACHV_THREAD_STATE_H
#define MACHV_THREAD_STATE_H

#include <stdint.h>

#define MACHV_THREAD_STATE_FLAVOR 1

#if defined(__x86_64__)
#include <machv/thread-state-x86_64.h>
#elif defined(__aarch64__)
#include <machv/thread-state-aarch64.h>
#elif defined(__riscv) && __riscv_xlen == 64
#include <machv/thread-state-riscv64.h>
#else
#error "machv user space: unsupported architecture"
#endif

/* The count thread_set_state takes: the state's size in 32-bit words. */
#define MACHV_THREAD_STATE_COUNT (sizeof(struct machv_thread_state) / 4)

#endif
