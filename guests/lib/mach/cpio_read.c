/* The initrd as a file system (struct cpio_fs, <machv/fs.h>): the cpio
 * archive parsed by cpio.c, its entries' names normalised like request
 * paths.  A cpio archive lists files and, perhaps, directories; a
 * directory it does not list exists all the same when some path goes
 * through it.  Every request walks the archive: initrds are a few dozen
 * entries, and it keeps the server without state. */
#include <machv/fs.h>
#include <machv/libc.h>
#include <cpio.h>

#define CPIO_MODE_DIR  0040000
#define CPIO_DIR_MODE  (CPIO_MODE_DIR | 0555)   /* an implied directory */

kern_return_t cpio_fs_init(struct cpio_fs *fs, const void *image, size_t size)
{
	size_t off = 0;
	struct cpio_entry e;

	if (size < 6 || memcmp(image, "070701", 6) != 0)
		return FS_E_IO;
	fs->image = image;
	fs->size = size;
	/* Malformed entries are refused here once, not on every request. */
	for (;;) {
		int r = cpio_next(image, size, &off, &e);

		if (r == 0)
			return KERN_SUCCESS;
		if (r < 0)
			return FS_E_IO;
	}
}

/* The next entry, its name normalised into name (FS_PATH_MAX bytes);
 * entries whose names cannot be (too long) and the archive's root (".")
 * are skipped.  False at the end. */
static bool cpio_fs_next(const struct cpio_fs *fs, size_t *off, struct cpio_entry *e,
			 char *name)
{
	char abs[FS_PATH_MAX];

	while (cpio_next(fs->image, fs->size, off, e) == 1) {
		if (strlen(e->name) + 2 > sizeof(abs))
			continue;
		abs[0] = '/';
		strlcpy(abs + 1, e->name, sizeof(abs) - 1);
		if (fs_path_normalise(abs, name) != KERN_SUCCESS || name[0] == '\0')
			continue;
		return true;
	}
	return false;
}

static uint64_t cpio_type(uint32_t mode)
{
	switch (mode & CPIO_MODE_TYPE) {
	case CPIO_MODE_FILE: return FS_TYPE_FILE;
	case CPIO_MODE_DIR: return FS_TYPE_DIR;
	default: return FS_TYPE_OTHER;
	}
}

/* Whether path is a (listed or implied) proper prefix of name on a
 * component boundary: "" of everything, "a" of "a/b". */
static bool cpio_under(const char *path, const char *name)
{
	size_t n = strlen(path);

	if (n == 0)
		return true;
	return strncmp(name, path, n) == 0 && name[n] == '/';
}

static kern_return_t cpio_fs_stat(void *ctx, const char *path, struct fs_stat *st)
{
	const struct cpio_fs *fs = ctx;
	char name[FS_PATH_MAX];
	struct cpio_entry e;
	size_t off = 0;
	bool implied = path[0] == '\0';
	bool found = false;

	while (cpio_fs_next(fs, &off, &e, name)) {
		if (strcmp(name, path) == 0) {
			/* The last listing of a name wins (as in an unpacked archive). */
			st->type = cpio_type(e.mode);
			st->mode = e.mode;
			st->size = st->type == FS_TYPE_DIR ? 0 : e.size;
			found = true;
		} else if (cpio_under(path, name)) {
			implied = true;
		} else if (cpio_under(name, path) && cpio_type(e.mode) != FS_TYPE_DIR) {
			/* A file on the way: "hello-a/x". */
			return FS_E_NOTDIR;
		}
	}
	if (found && (st->type == FS_TYPE_DIR || !implied))
		return KERN_SUCCESS;
	if (implied) {
		st->type = FS_TYPE_DIR;
		st->mode = CPIO_DIR_MODE;
		st->size = 0;
		return KERN_SUCCESS;
	}
	return FS_E_NOENT;
}

static kern_return_t cpio_fs_read(void *ctx, const char *path, uint64_t offset, void *buf,
				  uint32_t count, uint32_t *got)
{
	const struct cpio_fs *fs = ctx;
	char name[FS_PATH_MAX];
	struct cpio_entry e, file;
	struct fs_stat st;
	size_t off = 0;
	bool found = false;
	kern_return_t kr = cpio_fs_stat(ctx, path, &st);

	if (kr != KERN_SUCCESS)
		return kr;
	if (st.type == FS_TYPE_DIR)
		return FS_E_ISDIR;
	if (st.type != FS_TYPE_FILE)
		return FS_E_INVAL;
	while (cpio_fs_next(fs, &off, &e, name))
		if (strcmp(name, path) == 0) {
			file = e;
			found = true;
		}
	if (!found)
		return FS_E_NOENT;
	if (offset > file.size)
		return FS_E_BADOFF;
	if (count > file.size - offset)
		count = (uint32_t)(file.size - offset);
	memcpy(buf, (const uint8_t *)file.data + offset, count);
	*got = count;
	return KERN_SUCCESS;
}

/* Whether the child of path named by the first n bytes of child was
 * already named by an entry the walk met before offset stop. */
static bool cpio_child_seen(const struct cpio_fs *fs, const char *path, const char *child,
			    size_t n, size_t stop)
{
	char name[FS_PATH_MAX];
	struct cpio_entry e;
	size_t off = 0;
	size_t plen = strlen(path) + (path[0] != '\0');

	while (off < stop && cpio_fs_next(fs, &off, &e, name))
		if (cpio_under(path, name) && strncmp(name + plen, child, n) == 0 &&
		    (name[plen + n] == '\0' || name[plen + n] == '/'))
			return true;
	return false;
}

static kern_return_t cpio_fs_readdir(void *ctx, const char *path, uint64_t index,
				     struct fs_dirent *de)
{
	const struct cpio_fs *fs = ctx;
	char name[FS_PATH_MAX];
	struct cpio_entry e;
	struct fs_stat st;
	size_t off = 0, start;
	size_t plen = strlen(path) + (path[0] != '\0');
	uint64_t at = 0;
	kern_return_t kr = cpio_fs_stat(ctx, path, &st);

	if (kr != KERN_SUCCESS)
		return kr;
	if (st.type != FS_TYPE_DIR)
		return FS_E_NOTDIR;
	/* The children in the order their first mention comes in the
	 * archive. */
	for (start = off; cpio_fs_next(fs, &off, &e, name); start = off) {
		const char *child;
		size_t n;

		if (!cpio_under(path, name))
			continue;
		child = name + plen;
		n = strchr(child, '/') ? (size_t)(strchr(child, '/') - child) : strlen(child);
		if (cpio_child_seen(fs, path, child, n, start))
			continue;
		if (at++ != index)
			continue;
		memcpy(de->name, child, n);
		de->name[n] = '\0';
		/* Its own entry (the last listing of it) says what it is. */
		{
			char full[FS_PATH_MAX];

			memcpy(full, name, plen + n);
			full[plen + n] = '\0';
			return cpio_fs_stat(ctx, full, &de->st);
		}
	}
	return FS_END;
}

const struct fs_ops cpio_fs_ops = {
	.stat = cpio_fs_stat,
	.read = cpio_fs_read,
	.readdir = cpio_fs_readdir,
};
