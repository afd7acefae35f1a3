/* virtio-mmio devices described by a device tree ("virtio,mmio" nodes, as
 * QEMU's virt machines and Firecracker-style loaders produce).  The
 * interrupt specifier is decoded by the arch, which knows its controller
 * (GIC: type/number/flags; PLIC: source id). */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/printf.h>
#include "virtio/virtio.h"

void virtio_mmio_probe_dt(const void *dtb)
{
	struct dt_device dev;
	for (int n = dt_virtio_mmio_next(dtb, -1, &dev); n >= 0;
	     n = dt_virtio_mmio_next(dtb, n, &dev)) {
		unsigned line, flags;
		if (dev.irq_cells == 0 ||
		    arch_dt_irq_decode(dtb, dev.irq_controller, dev.irq, dev.irq_cells,
				       &line, &flags) < 0) {
			kprintf("virtio-mmio: %#llx has no interrupt the kernel can route; skipped\n",
				(unsigned long long)dev.base);
			continue;
		}
		virtio_mmio_probe(dev.base, (size_t)dev.size, line);
	}
}
