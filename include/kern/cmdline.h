/* The kernel command line: space-separated "key" or "key=value" words,
 * optionally followed by "--" and the first program's arguments.
 *
 * Every key the kernel understands is listed in cmdline.c's table with a
 * one-line description; an unknown key, or a value a handler rejects, is
 * reported on the console and boot continues. */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H

#include <kern/types.h>

#define CMDLINE_MAX 1024

/* Copy and parse the command line.  Prints a warning per bad word. */
void cmdline_init(const char *cmdline);
/* The raw command line as given by the loader. */
const char *cmdline_raw(void);

/* True if the word "key" or "key=..." is present. */
bool cmdline_has(const char *key);
/* Value of the first "key=value", or NULL.  Not NUL-terminated: *len says. */
const char *cmdline_value(const char *key, size_t *len);
/* Visit every "key=value" occurrence of key (used for repeatable keys such as
 * the virtio-mmio device key). */
void cmdline_foreach(const char *key, void (*fn)(const char *val, size_t len, void *arg), void *arg);

/* Split "a,b,c" lists: returns true while another item is found, advancing the
 * cursor and setting item and item_len. */
bool cmdline_next_item(const char **cursor, const char *end, const char **item, size_t *item_len);

/* The words after a lone "--" in line: the first init= program's
 * arguments (none of them is a kernel option).  Start with *cursor = NULL;
 * each call returns the next word and its length, or NULL at the end. */
const char *cmdline_next_arg(const char *line, const char **cursor, size_t *len);

/* Pure parsing core, exposed for the host unit tests: find a key in an
 * arbitrary command line string. */
const char *cmdline_find(const char *line, const char *key, size_t *len);
/* Count of words in the line whose key is not in the known table; each is
 * passed to warn() if warn is not NULL. */
unsigned cmdline_check(const char *line, void (*warn)(const char *word, size_t len));

#endif
