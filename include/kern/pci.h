/* A small portable PCI layer over the arch's configuration-space access
 * (arch_pci_cfg_read/write in kern/arch.h).
 *
 * pci_scan() enumerates bus 0 and the secondary buses of bridges that
 * firmware numbered, decodes each function's BARs, gives a 32-bit address to
 * memory BARs that firmware left unassigned (qboot does not assign them),
 * then offers every function to the registered drivers.  Register offsets
 * and bits are those of <linux/pci_regs.h>. */
#ifndef KERN_PCI_H
#define KERN_PCI_H

#include <kern/types.h>

#define PCI_NUM_BARS 6

#define PCI_BAR_IO       0x1u   /* I/O space (never assigned or mapped here) */
#define PCI_BAR_MEM64    0x2u   /* 64-bit memory BAR; the next slot is its top half */
#define PCI_BAR_PREFETCH 0x4u

struct pci_bar {
	paddr_t base;        /* 0: not assigned */
	uint64_t size;       /* 0: not implemented */
	unsigned flags;      /* PCI_BAR_* */
};

struct pci_device {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_id;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type;             /* without the multi-function bit */
	uint8_t irq_line, irq_pin;       /* pin 0: no INTx */
	struct pci_bar bar[PCI_NUM_BARS];
	const struct pci_driver *driver; /* bound driver, or NULL */
	void *driver_priv;
	struct pci_device *next;
};

struct pci_driver {
	const char *name;
	uint16_t vendor;
	uint16_t device_min, device_max; /* inclusive range of device ids */
	/* 0 to take the function; a negative K_E* to decline (reported). */
	int (*probe)(struct pci_device *pdev);
};

int pci_register_driver(const struct pci_driver *drv);
/* Enumerate, assign BARs and start drivers; once, from arch_probe_devices. */
void pci_scan(void);
/* The functions found, in scan order. */
struct pci_device *pci_first_device(void);

uint32_t pci_cfg_read(const struct pci_device *d, unsigned off, unsigned width);
void pci_cfg_write(const struct pci_device *d, unsigned off, unsigned width, uint32_t val);

/* Offset of the first capability with the given id after the one at offset
 * after (0: from the start of the list), or 0 if there is none. */
unsigned pci_find_cap(const struct pci_device *d, uint8_t id, unsigned after);
/* Turn on memory decoding and bus mastering (DMA). */
void pci_enable_device(struct pci_device *d);
/* Map len bytes at off inside memory BAR bar, uncached; NULL if the BAR is
 * not an assigned memory BAR or the range does not fit in it. */
volatile void *pci_map_bar(struct pci_device *d, unsigned bar, uint64_t off, uint64_t len);

/* MSI-X.  pci_msix_init enables MSI-X with the whole function masked and
 * every entry masked; program entries, then pci_msix_unmask to let them
 * fire.  pci_msix_disable goes back to INTx. */
struct pci_msix {
	struct pci_device *pdev;
	unsigned cap;                    /* capability offset */
	unsigned entries;                /* table size */
	volatile uint8_t *table;
};
int pci_msix_init(struct pci_device *d, struct pci_msix *msix);
/* Point entry i at a message (from arch_msi_alloc) and unmask the entry. */
int pci_msix_set_entry(struct pci_msix *msix, unsigned i, uint64_t addr, uint32_t data);
void pci_msix_unmask(struct pci_msix *msix);
void pci_msix_disable(struct pci_msix *msix);

#endif
