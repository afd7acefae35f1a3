/* Host-test stand-in for <machine/barrier.h>: full compiler+CPU fences. */
#ifndef MACHINE_BARRIER_H
#define MACHINE_BARRIER_H
#define barrier() __asm__ volatile("" ::: "memory")
#define mb()  __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#define dma_rmb() __sync_synchronize()
#define dma_wmb() __sync_synchronize()
#endif
