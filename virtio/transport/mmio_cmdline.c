/* The virtio_mmio.device=<size>@<base>:<irq>[:<id>] parser. */
#include <kern/errno.h>
#include "virtio/transport/mmio_cmdline.h"

static int digit_value(char c, unsigned radix)
{
	int v;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < radix ? v : -1;
}

/* Read a number at *p: 0x-hex if allow_hex and the prefix is there, else
 * decimal.  Stops at the first non-digit.  *why says what went wrong. */
static bool take_number(const char **p, const char *end, bool allow_hex,
			uint64_t *out, const char **why, const char *what_missing,
			const char *what_overflows)
{
	const char *s = *p;
	unsigned radix = 10;
	uint64_t v = 0;
	int d;

	if (allow_hex && end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
	}
	if (s == end || digit_value(*s, radix) < 0) {
		*why = what_missing;
		return false;
	}
	for (; s < end && (d = digit_value(*s, radix)) >= 0; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / radix) {
			*why = what_overflows;
			return false;
		}
		v = v * radix + (uint64_t)d;
	}
	*p = s;
	*out = v;
	return true;
}

static bool take_char(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

int virtio_mmio_parse_device(const char *s, size_t len,
			     struct virtio_mmio_slot *out, const char **why)
{
	const char *p = s, *end = s + len;
	uint64_t size, base, irq, id = 0;
	unsigned shift = 0;
	bool has_id = false;
	const char *dummy;

	if (!why)
		why = &dummy;
	if (!s || len == 0) {
		*why = "empty";
		return K_EINVAL;
	}
	if (!take_number(&p, end, true, &size, why, "bad size", "size overflows"))
		return K_EINVAL;
	if (p < end) {
		switch (*p) {
		case 'k': case 'K': shift = 10; p++; break;
		case 'm': case 'M': shift = 20; p++; break;
		case 'g': case 'G': shift = 30; p++; break;
		}
	}
	if (shift && size > (UINT64_MAX >> shift)) {
		*why = "size overflows";
		return K_EINVAL;
	}
	size <<= shift;
	if (size == 0) {
		*why = "zero size";
		return K_EINVAL;
	}
	if (!take_char(&p, end, '@')) {
		*why = "missing '@' after size";
		return K_EINVAL;
	}
	if (!take_number(&p, end, true, &base, why, "bad base address", "base address overflows"))
		return K_EINVAL;
	if (base + size - 1 < base) {
		*why = "window wraps past the top of the address space";
		return K_EINVAL;
	}
	if (!take_char(&p, end, ':')) {
		*why = "missing ':' before the irq";
		return K_EINVAL;
	}
	if (!take_number(&p, end, false, &irq, why, "bad irq", "irq overflows"))
		return K_EINVAL;
	if (irq > UINT32_MAX) {
		*why = "irq overflows";
		return K_EINVAL;
	}
	if (take_char(&p, end, ':')) {
		if (!take_number(&p, end, false, &id, why, "bad id", "id overflows"))
			return K_EINVAL;
		if (id > UINT32_MAX) {
			*why = "id overflows";
			return K_EINVAL;
		}
		has_id = true;
	}
	if (p != end) {
		*why = "trailing characters";
		return K_EINVAL;
	}
	out->base = base;
	out->size = size;
	out->irq = (unsigned)irq;
	out->has_id = has_id;
	out->id = (unsigned)id;
	return 0;
}
