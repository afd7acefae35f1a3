/* aarch64 memory ordering (weakly ordered).  mb/rmb/wmb are the mandatory
 * barriers, which also order normal memory against device accesses; the
 * dma_ pair orders normal-memory accesses as a DMA-coherent device sees them
 * (virtqueue rings), which an outer-shareable dmb is enough for. */
#ifndef MACHINE_BARRIER_H
#define MACHINE_BARRIER_H

#define barrier() __asm__ volatile("" ::: "memory")
#define mb()  __asm__ volatile("dsb sy" ::: "memory")
#define rmb() __asm__ volatile("dsb ld" ::: "memory")
#define wmb() __asm__ volatile("dsb st" ::: "memory")
#define dma_rmb() __asm__ volatile("dmb oshld" ::: "memory")
#define dma_wmb() __asm__ volatile("dmb oshst" ::: "memory")

#endif
