/* The cpio "newc" reader (see kern/cpio.h).  Pure: the host tests link it
 * alone. */
#include <kern/cpio.h>
#include <kern/errno.h>
#include <kern/string.h>

#define HEADER_SIZE 110
#define FIELD_COUNT 13

/* Header fields, in the order they appear after the 6-byte magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static const char TRAILER[] = "TRAILER!!!";

static bool parse_hex8(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static bool has_magic(const uint8_t *p, bool *with_crc)
{
	if (memcmp(p, "07070", 5) != 0 || (p[5] != '1' && p[5] != '2'))
		return false;
	*with_crc = p[5] == '2';
	return true;
}

bool cpio_is_archive(const void *buf, size_t size)
{
	bool crc;
	return size >= HEADER_SIZE && has_magic(buf, &crc);
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	*it = (struct cpio_iter){ .base = archive, .size = size };
}

static int fail(struct cpio_iter *it, size_t at, const char *why)
{
	it->error = why;
	it->error_at = at;
	it->pos = it->size;       /* nothing more will be read */
	it->in_archive = false;
	return K_EINVAL;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	if (it->error)
		return K_EINVAL;
	for (;;) {
		size_t at = it->pos;
		if (!it->in_archive) {
			/* Between archives: skip the NUL padding cpio writes up to
			 * its block size. */
			while (at < it->size && it->base[at] == 0)
				at++;
			if (at == it->size) {
				it->pos = at;
				return it->archives ? 0 : fail(it, 0, "no archive in the data");
			}
			if (at & 3)
				return fail(it, at, "archive does not start on a 4-byte boundary");
		}
		if (at == it->size)
			return fail(it, at, "data ends before TRAILER!!!");
		if (it->size - at < HEADER_SIZE)
			return fail(it, at, "truncated header");

		const uint8_t *h = it->base + at;
		bool with_crc;
		if (!has_magic(h, &with_crc))
			return fail(it, at, "bad magic (not a newc archive)");
		uint32_t f[FIELD_COUNT];
		for (int i = 0; i < FIELD_COUNT; i++)
			if (!parse_hex8(h + 6 + 8 * i, &f[i]))
				return fail(it, at, "header field is not 8 hex digits");

		size_t name_at = at + HEADER_SIZE, namesize = f[F_NAMESIZE];
		if (namesize < 2)
			return fail(it, at, "empty name");
		if (namesize > it->size - name_at)
			return fail(it, at, "name runs past the end");
		const char *name = (const char *)it->base + name_at;
		if (name[namesize - 1] != '\0' || strnlen(name, namesize) != namesize - 1)
			return fail(it, at, "name is not one NUL-terminated string");
		/* The last entry's padding may be cut off by the loader (nothing
		 * follows it then), hence the MINs. */
		size_t data_at = MIN(pad4(name_at + namesize), it->size), filesize = f[F_FILESIZE];
		if (filesize > it->size - data_at)
			return fail(it, at, "file data runs past the end");
		it->in_archive = true;
		it->pos = MIN(pad4(data_at + filesize), it->size);

		if (namesize == sizeof(TRAILER) && memcmp(name, TRAILER, namesize) == 0) {
			it->in_archive = false;
			it->archives++;
			continue;
		}
		const uint8_t *data = it->base + data_at;
		if (with_crc) {
			uint32_t sum = 0;
			for (size_t i = 0; i < filesize; i++)
				sum += data[i];
			if (sum != f[F_CHECK])
				return fail(it, at, "checksum mismatch (070702)");
		}
		*e = (struct cpio_entry){
			.name = name, .namelen = namesize - 1, .mode = f[F_MODE],
			.data = data, .size = filesize,
		};
		return 1;
	}
}

/* Drop the leading "/" and "./" that make the same path look different. */
static const char *strip_root(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			return p;
	}
}

int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *out,
	      const char **why)
{
	struct cpio_iter it;
	struct cpio_entry e;
	bool found = false;
	const char *want = strip_root(path);
	int rc;
	cpio_iter_init(&it, archive, size);
	while ((rc = cpio_next(&it, &e)) > 0) {
		if ((e.mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE && strcmp(strip_root(e.name), want) == 0) {
			*out = e;
			found = true;
		}
	}
	if (rc < 0) {
		if (why)
			*why = it.error;
		return rc;
	}
	return found ? K_OK : K_ENOENT;
}
