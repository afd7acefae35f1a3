/* Protection and attribute bits for kernel mappings (portable).  The arch
 * translates them into its own page-table entry bits. */
#ifndef KERN_VM_PROT_H
#define KERN_VM_PROT_H

#define PROT_R        0x01u  /* readable */
#define PROT_W        0x02u  /* writable */
#define PROT_X        0x04u  /* executable */
#define PROT_USER     0x08u  /* reachable from user mode */
#define PROT_NOCACHE  0x10u  /* device memory: uncached, strongly ordered */
#define PROT_GLOBAL   0x20u  /* survives address-space switches (kernel) */

#define PROT_RW  (PROT_R | PROT_W)
#define PROT_RX  (PROT_R | PROT_X)

#endif
