/* Kernel command-line parsing.  Words are separated by spaces; a word is
 * "key" or "key=value".  Values cannot contain spaces (no quoting: nothing
 * the kernel accepts needs it).
 *
 * A lone "--" ends the kernel's options: the words after it are the first
 * init= program's arguments, and the option lookups below never see them.
 * One exception: QEMU's microvm appends its own virtio_mmio.device= words
 * to the very end of the line, after any "--" the user wrote, so those
 * stay kernel options wherever they are. */
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
	{ "ktest_virtio_blk", "ktest: virtio-blk disks attached: NAME:SECTORS:rw|ro|ioerr,..." },
	{ "ktest_virtio_blk_resize", "ktest: wait for disk NAME to grow to SECTORS (NAME:SECTORS)" },
	{ "virtio_mmio.device", "a virtio-mmio device: <size>@<base>:<irq>[:<id>] (QEMU microvm)" },
	{ "console", "ignored (machv writes to every console it finds)" },
	{ "earlyprintk", "ignored" },
	{ "poweroff", "power off with success right after boot (launch smoke tests)" },
	{ "panic_test", "panic right after boot (tests the panic path)" },
	{ "fault_test", "take a page fault right after boot (tests the exception path)" },
	{ "init", "programs to start from the initrd: path[@prio][!],... (words after -- are the first one's arguments)" },
	{ "init.keep", "stay up when every init= program has finished (default: power off)" },
	{ "task.verbose", "report the normal end of every task on the console, also of those user space made" },
	{ "ipc.nofastpath", "mach_msg: no direct hand-off of the CPU to a waiting server (to measure the fast path)" },
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

static bool is_dashes(const char *w, size_t len)
{
	return len == 2 && w[0] == '-' && w[1] == '-';
}

/* Words the loader adds on its own, which count as options even after --. */
static bool loader_word(const char *w, size_t len)
{
	return word_has_key(w, len, "virtio_mmio.device");
}

/* Walk the kernel's option words: like next_word(), but "--" and the
 * program arguments after it are skipped.  *in_args carries the state. */
static const char *next_option(const char **p, size_t *len, bool *in_args)
{
	const char *w;
	while ((w = next_word(p, len))) {
		if (!*in_args && is_dashes(w, *len))
			*in_args = true;
		else if (!*in_args || loader_word(w, *len))
			return w;
	}
	return NULL;
}

const char *cmdline_find(const char *l, const char *key, size_t *len)
{
	const char *p = l, *w;
	size_t wlen;
	bool in_args = false;
	while ((w = next_option(&p, &wlen, &in_args))) {
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
	bool in_args = false;
	while ((w = next_option(&p, &wlen, &in_args))) {
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

const char *cmdline_next_arg(const char *l, const char **cursor, size_t *len)
{
	const char *w;
	if (!*cursor) {
		const char *p = l;
		while ((w = next_word(&p, len)) && !is_dashes(w, *len))
			;
		if (!w)
			return NULL;
		*cursor = p;
	}
	while ((w = next_word(cursor, len)))
		if (!loader_word(w, *len))
			return w;
	return NULL;
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
	bool in_args = false;
	while ((w = next_option(&p, &wlen, &in_args))) {
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
