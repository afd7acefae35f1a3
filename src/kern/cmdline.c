/* Kernel command-line parsing.  Words are separated by spaces; a word is
 * "key" or "key=value".  Values cannot contain spaces (no quoting: nothing
 * the kernel accepts needs it). */
#include <kern/cmdline.h>
#include <kern/printf.h>
#include <kern/string.h>

/* Every key the kernel understands.  Anything else is reported once at boot
 * (QEMU and loaders sometimes add words; they are harmless). */
static const struct {
	const char *key;
	const char *help;
} known_keys[] = {
	{ "ktest", "run the in-kernel self-tests (ktest=a,b for a subset) and power off" },
	{ "ktest_virtio_loop", "ktest: a loopback virtio console is attached (1 = require it)" },
	{ "virtio_mmio.device", "a virtio-mmio device: <size>@<base>:<irq>[:<id>] (QEMU microvm)" },
	{ "console", "ignored (machv writes to every console it finds)" },
	{ "earlyprintk", "ignored" },
	{ "quiet", "print less at boot" },
	{ "bench", "print boot timing figures" },
	{ "poweroff", "power off with success right after boot (launch smoke tests)" },
	{ "panic_test", "panic right after boot (tests the panic path)" },
	{ "fault_test", "take a page fault right after boot (tests the exception path)" },
};

static char line[CMDLINE_MAX];

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Walk words: returns the start of the next word at or after *p, and its length. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s && is_space(*s))
		s++;
	if (!*s)
		return NULL;
	const char *e = s;
	while (*e && !is_space(*e))
		e++;
	*p = e;
	*len = (size_t)(e - s);
	return s;
}

static size_t key_length(const char *word, size_t len)
{
	size_t k = 0;
	while (k < len && word[k] != '=')
		k++;
	return k;
}

static bool word_has_key(const char *w, size_t wlen, const char *key)
{
	size_t klen = key_length(w, wlen);
	return klen == strlen(key) && memcmp(w, key, klen) == 0;
}

const char *cmdline_find(const char *l, const char *key, size_t *len)
{
	const char *p = l, *w;
	size_t wlen;
	while ((w = next_word(&p, &wlen))) {
		if (!word_has_key(w, wlen, key))
			continue;
		size_t klen = key_length(w, wlen);
		if (klen == wlen) {        /* bare "key" */
			*len = 0;
			return w + wlen;
		}
		*len = wlen - klen - 1;
		return w + klen + 1;
	}
	return NULL;
}

unsigned cmdline_check(const char *l, void (*warn)(const char *word, size_t len))
{
	const char *p = l, *w;
	size_t wlen;
	unsigned unknown = 0;
	while ((w = next_word(&p, &wlen))) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(known_keys) && !known; i++)
			known = word_has_key(w, wlen, known_keys[i].key);
		if (!known) {
			unknown++;
			if (warn)
				warn(w, wlen);
		}
	}
	return unknown;
}

static void warn_unknown(const char *word, size_t len)
{
	kprintf("machv: unknown boot option '%.*s' ignored (known:", (int)len, word);
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
		kprintf(" %s", known_keys[i].key);
	kprintf(")\n");
}

void cmdline_init(const char *cmdline)
{
	size_t n = strlcpy(line, cmdline ? cmdline : "", sizeof(line));
	if (n >= sizeof(line))
		kprintf("machv: command line longer than %d bytes truncated\n", CMDLINE_MAX - 1);
	cmdline_check(line, warn_unknown);
}

const char *cmdline_raw(void) { return line; }

bool cmdline_has(const char *key)
{
	size_t len;
	return cmdline_find(line, key, &len) != NULL;
}

const char *cmdline_value(const char *key, size_t *len)
{
	const char *v = cmdline_find(line, key, len);
	return (v && *len) ? v : NULL;
}

void cmdline_foreach(const char *key, void (*fn)(const char *val, size_t len, void *arg), void *arg)
{
	const char *p = line, *w;
	size_t wlen;
	while ((w = next_word(&p, &wlen))) {
		size_t klen = key_length(w, wlen);
		if (word_has_key(w, wlen, key) && klen < wlen)
			fn(w + klen + 1, wlen - klen - 1, arg);
	}
}

bool cmdline_next_item(const char **cursor, const char *end, const char **item, size_t *item_len)
{
	const char *s = *cursor;
	while (s < end && *s == ',')
		s++;
	if (s >= end)
		return false;
	const char *e = s;
	while (e < end && *e != ',')
		e++;
	*item = s;
	*item_len = (size_t)(e - s);
	*cursor = e;
	return true;
}
