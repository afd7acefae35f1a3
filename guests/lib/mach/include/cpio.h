/* Reading a cpio "newc" archive held in memory (guests/lib/mach/cpio.c):
 * what init does with the initrd it reads from rd0.  Several archives
 * concatenated (each ending with its TRAILER!!!, padded with zeroes) read
 * as one, as the kernel reads them. */
#ifndef MACHV_CPIO_H
#define MACHV_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;       /* as stored, NUL-terminated, e.g. "hello-a" */
	const void *data;
	size_t size;
	uint32_t mode;          /* st_mode: file type and permissions */
};

#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_FILE 0100000

/* The entry at *offset; *offset moves past it.  1: an entry; 0: the end
 * (nothing but trailers and zero padding is left); -1: the archive is
 * malformed there (bad magic, a name or data running past the end, an
 * unterminated name). */
int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *e);

/* Find the regular file at path ("/hello-a", "hello-a" and "./hello-a"
 * name the same file).  False if it is absent or the archive is malformed
 * before it. */
bool cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e);

#endif
