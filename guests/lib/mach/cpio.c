/* cpio "newc" in memory: a 110-byte ASCII header ("070701" and thirteen
 * 8-digit hex fields), the name (namesize bytes with its NUL), padding to
 * 4 bytes, the data, padding to 4 bytes. */
#include <machv/libc.h>
#include <cpio.h>

#define HDR_SIZE 110

static bool hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *e)
{
	const char *a = archive;
	size_t off = *offset;

	for (;;) {
		/* Zero padding between concatenated archives, or the end. */
		while (off < size && a[off] == '\0')
			off++;
		if (off >= size) {
			*offset = size;
			return 0;
		}
		if (size - off < HDR_SIZE || memcmp(a + off, "070701", 6) != 0)
			return -1;
		uint32_t mode, filesize, namesize;
		if (!hex8(a + off + 14, &mode) || !hex8(a + off + 54, &filesize) ||
		    !hex8(a + off + 94, &namesize))
			return -1;
		size_t name_at = off + HDR_SIZE;
		if (namesize == 0 || namesize > size - name_at || a[name_at + namesize - 1] != '\0')
			return -1;
		size_t data_at = align4(name_at + namesize);
		if (data_at > size || filesize > size - data_at)
			return -1;
		off = align4(data_at + filesize);
		if (off > size)
			off = size;
		if (strcmp(a + name_at, "TRAILER!!!") == 0)
			continue;
		e->name = a + name_at;
		e->data = a + data_at;
		e->size = filesize;
		e->mode = mode;
		*offset = off;
		return 1;
	}
}

/* Without a leading "/" or "./" (any number of them). */
static const char *bare(const char *p)
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

bool cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e)
{
	size_t off = 0;
	const char *want = bare(path);

	if (*want == '\0')
		return false;
	while (cpio_next(archive, size, &off, e) == 1)
		if ((e->mode & CPIO_MODE_TYPE) == CPIO_MODE_FILE && strcmp(bare(e->name), want) == 0)
			return true;
	return false;
}
