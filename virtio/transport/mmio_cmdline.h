/* Parsing the virtio-mmio device descriptions that QEMU (microvm, with
 * acpi=off) and Linux-style boot loaders put on the kernel command line:
 *
 *     virtio_mmio.device=<size>@<base>:<irq>[:<id>]
 *
 * size is decimal or 0x-hex with an optional K, M or G suffix; base is
 * decimal or 0x-hex; irq and id are decimal.  Example: 512@0xfeb00e00:12.
 * The parser is pure so the host unit tests can feed it anything. */
#ifndef VIRTIO_TRANSPORT_MMIO_CMDLINE_H
#define VIRTIO_TRANSPORT_MMIO_CMDLINE_H

#include <kern/types.h>

struct virtio_mmio_slot {
	paddr_t base;
	uint64_t size;
	unsigned irq;
	bool has_id;
	unsigned id;   /* the platform-device id; informational only */
};

/* Parse [s, s+len).  Returns 0, or K_EINVAL with *why set to a short reason
 * ("missing '@'", "size overflows", ...); *out is only written on success. */
int virtio_mmio_parse_device(const char *s, size_t len,
			     struct virtio_mmio_slot *out, const char **why);

#endif
