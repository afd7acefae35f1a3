/* Reading cpio "newc" archives (the initrd format of Linux and of GNU
 * Mach's boot loaders), in place, without copying.
 *
 * Format: each entry is a 110-byte ASCII header -- magic "070701" (or
 * "070702": the same with a checksum of the file's bytes) and thirteen
 * 8-digit hex fields -- then the NUL-terminated name, padded to a multiple
 * of 4 bytes, then the file's data, padded to 4.  An archive ends with the
 * entry "TRAILER!!!".  Several archives may follow one another (the loader
 * or the user concatenated them); NUL padding between them is skipped.
 *
 * Every field is checked against the bounds of the buffer: a corrupt or
 * truncated archive is an error with a reason and an offset, never a read
 * outside the buffer. */
#ifndef KERN_CPIO_H
#define KERN_CPIO_H

#include <kern/types.h>

#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_FILE 0100000u
#define CPIO_MODE_DIR  0040000u

struct cpio_entry {
	const char *name;        /* NUL-terminated, inside the archive */
	size_t namelen;          /* without the NUL */
	uint32_t mode;
	const void *data;
	size_t size;
};

struct cpio_iter {
	const uint8_t *base;
	size_t size;
	size_t pos;              /* offset of the next header */
	bool in_archive;         /* between a first header and its trailer */
	unsigned archives;       /* trailers seen */
	const char *error;       /* why the walk stopped, if it failed */
	size_t error_at;         /* offset of the bad header */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);
/* 1 with *e filled, 0 at the clean end of the data, K_EINVAL if the archive
 * is corrupt (it->error and it->error_at say why and where; the walk cannot
 * go on).  Trailers are consumed, not returned. */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

/* Find the regular file at path ("/bin/x", "bin/x" and "./bin/x" are the
 * same path).  When several archives hold it, the last one wins, as for
 * Linux's initramfs.  K_OK, K_ENOENT, or K_EINVAL for a corrupt archive
 * (*why, if not NULL, gets the reason). */
int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *out,
	      const char **why);

/* True if the buffer starts like a newc archive. */
bool cpio_is_archive(const void *buf, size_t size);

#endif
