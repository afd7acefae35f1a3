/* x86_64 memory ordering: stores are not reordered with stores nor loads with
 * loads (TSO), so rmb/wmb only stop the compiler; mb orders store->load. */
#ifndef MACHINE_BARRIER_H
#define MACHINE_BARRIER_H

#define barrier() __asm__ volatile("" ::: "memory")
#define mb()  __asm__ volatile("mfence" ::: "memory")
#define rmb() barrier()
#define wmb() barrier()
/* Ordering between normal memory and a device doing DMA (virtqueues). */
#define dma_rmb() barrier()
#define dma_wmb() barrier()

#endif
