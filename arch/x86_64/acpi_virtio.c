/* virtio-mmio devices described by the DSDT (QEMU's microvm with ACPI on,
 * where the command line carries no virtio_mmio.device= entries).
 *
 * QEMU writes each transport as
 *     Device (VRnn) { Name (_HID, "LNRO0005")  Name (_UID, n)  Name (_CCA, One)
 *                     Name (_CRS, ResourceTemplate () {
 *                         Memory32Fixed (ReadWrite, base, 512)
 *                         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi } }) }
 * This is not an AML interpreter: it finds DeviceOp bodies holding that _HID
 * string and a _CRS buffer, and decodes the buffer's resource descriptors
 * (ACPI 6.5, 19.6.3 for AML encoding, 6.4 for resource descriptors).  Every
 * read is bounded by the enclosing package, so malformed AML is skipped. */
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/printf.h>
#include <kern/string.h>
#include "virtio/virtio.h"
#include "acpi.h"

#define AML_EXT_PREFIX 0x5b
#define AML_DEVICE     0x82
#define AML_NAME       0x08
#define AML_STRING     0x0d
#define AML_BUFFER     0x11
#define AML_BYTE       0x0a
#define AML_WORD       0x0b

#define RES_IRQ_SMALL   0x04     /* small item type (bits 6:3) */
#define RES_END_SMALL   0x0f
#define RES_MEM32_FIXED 0x86     /* large item tags */
#define RES_EXT_IRQ     0x89

static const char virtio_mmio_hid[] = "LNRO0005";

struct mmio_window {
	paddr_t base;
	uint32_t size;
	uint32_t irq;
	bool have_mem, have_irq;
};

/* PkgLength at p (spec 20.2.4); returns the bytes it takes, 0 if bad. */
static size_t pkg_length(const uint8_t *p, const uint8_t *end, uint32_t *len)
{
	if (p >= end)
		return 0;
	size_t follow = p[0] >> 6;
	if ((size_t)(end - p) < follow + 1)
		return 0;
	if (!follow) {
		*len = p[0] & 0x3f;
		return 1;
	}
	uint32_t v = p[0] & 0x0f;
	for (size_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*len = v;
	return follow + 1;
}

static uint32_t le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Find `NameOp name` inside [p, end); returns what follows the name. */
static const uint8_t *find_name(const uint8_t *p, const uint8_t *end, const char name[4])
{
	for (; p + 5 <= end; p++)
		if (p[0] == AML_NAME && memcmp(p + 1, name, 4) == 0)
			return p + 5;
	return NULL;
}

static bool has_virtio_hid(const uint8_t *body, const uint8_t *end)
{
	const uint8_t *v = find_name(body, end, "_HID");
	size_t n = sizeof(virtio_mmio_hid);      /* with the NUL */
	return v && v + 1 + n <= end && v[0] == AML_STRING &&
	       memcmp(v + 1, virtio_mmio_hid, n) == 0;
}

static void decode_resources(const uint8_t *p, const uint8_t *end, struct mmio_window *w)
{
	while (p < end) {
		uint8_t tag = p[0];
		if (!(tag & 0x80)) {                     /* small item */
			unsigned type = (tag >> 3) & 0x0f, len = tag & 7;
			if (type == RES_END_SMALL || p + 1 + len > end)
				return;
			if (type == RES_IRQ_SMALL && len >= 2 && !w->have_irq) {
				uint16_t mask = (uint16_t)le(p + 1, 2);
				for (unsigned i = 0; i < 16; i++)
					if (mask & (1u << i)) {
						w->irq = i;
						w->have_irq = true;
						break;
					}
			}
			p += 1 + len;
			continue;
		}
		if (p + 3 > end)
			return;
		uint32_t len = le(p + 1, 2);
		const uint8_t *data = p + 3;
		if (data + len > end)
			return;
		if (tag == RES_MEM32_FIXED && len >= 9 && !w->have_mem) {
			w->base = le(data + 1, 4);
			w->size = le(data + 5, 4);
			w->have_mem = true;
		} else if (tag == RES_EXT_IRQ && len >= 6 && data[1] >= 1 && !w->have_irq) {
			w->irq = le(data + 2, 4);
			w->have_irq = true;
		}
		p = data + len;
	}
}

/* Decode `_CRS` as a Buffer: BufferOp PkgLength BufferSize bytes... */
static bool read_crs(const uint8_t *body, const uint8_t *end, struct mmio_window *w)
{
	const uint8_t *p = find_name(body, end, "_CRS");
	if (!p || p >= end || *p != AML_BUFFER)
		return false;
	p++;
	uint32_t pkglen;
	size_t n = pkg_length(p, end, &pkglen);
	if (!n || pkglen > (size_t)(end - p))
		return false;
	const uint8_t *buf_end = p + pkglen;
	p += n;
	/* BufferSize: a byte or word constant in practice. */
	if (p + 2 <= buf_end && p[0] == AML_BYTE)
		p += 2;
	else if (p + 3 <= buf_end && p[0] == AML_WORD)
		p += 3;
	else
		return false;
	decode_resources(p, buf_end, w);
	return w->have_mem && w->have_irq;
}

void acpi_probe_virtio_mmio(void)
{
	if (!acpi.dsdt || acpi.dsdt_len <= 36)
		return;
	/* Where the command line lists the devices, it is authoritative (and
	 * probing both would register every device twice). */
	if (cmdline_has("virtio_mmio.device"))
		return;
	const uint8_t *aml = acpi_map(acpi.dsdt, acpi.dsdt_len);
	if (!aml)
		return;
	const uint8_t *end = aml + acpi.dsdt_len;
	unsigned found = 0;
	for (const uint8_t *p = aml + 36; p + 2 < end; p++) {
		if (p[0] != AML_EXT_PREFIX || p[1] != AML_DEVICE)
			continue;
		uint32_t pkglen;
		size_t n = pkg_length(p + 2, end, &pkglen);
		if (!n || pkglen > (size_t)(end - (p + 2)))
			continue;
		const uint8_t *body = p + 2 + n, *body_end = p + 2 + pkglen;
		if (!has_virtio_hid(body, body_end))
			continue;
		struct mmio_window w = { 0 };
		if (!read_crs(body, body_end, &w)) {
			kprintf("acpi: a %s device without a usable _CRS; skipped\n", virtio_mmio_hid);
			continue;
		}
		virtio_mmio_probe(w.base, w.size, w.irq);
		found++;
	}
	if (found)
		kprintf("acpi: %u virtio-mmio device%s in the DSDT\n", found, found == 1 ? "" : "s");
}
