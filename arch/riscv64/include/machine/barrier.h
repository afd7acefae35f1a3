/* riscv64 memory ordering (RVWMO).  fence's predecessor and successor sets
 * name which accesses are ordered: r/w are memory reads and writes, i/o are
 * device input and output. */
#ifndef MACHINE_BARRIER_H
#define MACHINE_BARRIER_H

#define barrier() __asm__ volatile("" ::: "memory")
#define mb()  __asm__ volatile("fence rw, rw" ::: "memory")
#define rmb() __asm__ volatile("fence r, r" ::: "memory")
#define wmb() __asm__ volatile("fence w, w" ::: "memory")
/* Ordering between normal memory and a device doing DMA (virtqueues): the
 * device sees memory as another hart would. */
#define dma_rmb() __asm__ volatile("fence r, r" ::: "memory")
#define dma_wmb() __asm__ volatile("fence w, w" ::: "memory")

#endif
