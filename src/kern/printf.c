/* kvsnprintf and friends: a small, bounded formatter.  Output always ends in
 * NUL when size > 0; the return value is the length the full output would
 * have had, as C's snprintf. */
#include <kern/printf.h>
#include <kern/console.h>
#include <kern/string.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padding(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;
	int length;   /* in bytes: 1 hh, 2 h, 4 (none), 8 l/ll/z/t/j */
};

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base,
		       bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);

	char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	const char *prefix = (sp->alt && base == 16) ? (upper ? "0X" : "0x") : "";
	int prefix_len = (int)strlen(prefix) + (sign ? 1 : 0);
	int pad = sp->width - n - prefix_len;

	if (!sp->left && !sp->zero)
		put_padding(o, pad, ' ');
	if (sign)
		put(o, sign);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	if (!sp->left && sp->zero)
		put_padding(o, pad, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		put_padding(o, pad, ' ');
}

static uint64_t take_unsigned(va_list *ap, int length)
{
	switch (length) {
	case 1: return (unsigned char)va_arg(*ap, unsigned);
	case 2: return (unsigned short)va_arg(*ap, unsigned);
	case 8: return va_arg(*ap, uint64_t);
	default: return va_arg(*ap, unsigned);
	}
}

static int64_t take_signed(va_list *ap, int length)
{
	switch (length) {
	case 1: return (signed char)va_arg(*ap, int);
	case 2: return (short)va_arg(*ap, int);
	case 8: return va_arg(*ap, int64_t);
	default: return va_arg(*ap, int);
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;
	va_copy(ap, ap_in);

	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec sp = { .prec = -1, .length = 4 };
		for (;; f++) {
			if (f[1] == '-') sp.left = true;
			else if (f[1] == '0') sp.zero = true;
			else if (f[1] == '+') sp.plus = true;
			else if (f[1] == ' ') sp.space = true;
			else if (f[1] == '#') sp.alt = true;
			else break;
		}
		f++;
		if (*f == '*') {
			sp.width = va_arg(ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp.width = sp.width * 10 + (*f++ - '0');
		if (*f == '.') {
			f++;
			sp.prec = 0;
			if (*f == '*') {
				sp.prec = va_arg(ap, int);
				f++;
			}
			while (*f >= '0' && *f <= '9')
				sp.prec = sp.prec * 10 + (*f++ - '0');
		}
		if (*f == 'h') {
			sp.length = 2;
			if (*++f == 'h') { sp.length = 1; f++; }
		} else if (*f == 'l') {
			sp.length = 8;
			if (*++f == 'l') f++;
		} else if (*f == 'z' || *f == 't' || *f == 'j') {
			sp.length = 8;
			f++;
		}

		switch (*f) {
		case 'd': case 'i': {
			int64_t v = take_signed(&ap, sp.length);
			put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
			break;
		}
		case 'u': put_number(&o, take_unsigned(&ap, sp.length), false, 10, false, &sp); break;
		case 'x': put_number(&o, take_unsigned(&ap, sp.length), false, 16, false, &sp); break;
		case 'X': put_number(&o, take_unsigned(&ap, sp.length), false, 16, true, &sp); break;
		case 'o': put_number(&o, take_unsigned(&ap, sp.length), false, 8, false, &sp); break;
		case 'p':
			sp.alt = true;
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left) put_padding(&o, sp.width - 1, ' ');
			put(&o, c);
			if (sp.left) put_padding(&o, sp.width - 1, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = (int)(sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s));
			if (!sp.left) put_padding(&o, sp.width - n, ' ');
			for (int i = 0; i < n; i++)
				put(&o, s[i]);
			if (sp.left) put_padding(&o, sp.width - n, ' ');
			break;
		}
		case '%': put(&o, '%'); break;
		case '\0': f--; break;  /* lone '%' at the end */
		default:  /* unknown conversion: print it verbatim */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
