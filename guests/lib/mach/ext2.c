/* ext2, read only (struct ext2_fs, <machv/fs.h>), from a disk device of
 * 512-byte records.  What `mke2fs -t ext2` makes: revisions 0 and 1, blocks
 * of 1, 2 or 4 KiB, files mapped by 12 direct blocks then single, double
 * and triple indirect ones, directories as linked records.  Features that
 * change the layout ("incompatible" ones, but the directory entries' file
 * type byte) are refused; the read-only-compatible ones (sparse
 * superblocks, large files, hashed directories, which keep a linear
 * layout readers may walk) need nothing of a reader.
 *
 * Everything read from the disk is checked before it is used: a block
 * number outside the file system, a directory record running off its
 * block, an inode number past the end are FS_E_IO (a damaged file system),
 * as is a failing device. */
#include <machv/fs.h>
#include <machv/libc.h>
#include <mach_init.h>
#include <device/device_types.h>
#include "mach.h"
#include "device.h"

#define EXT2_MAGIC            0xef53
#define EXT2_ROOT_INO         2
#define EXT2_NDIR_BLOCKS      12
#define EXT2_INCOMPAT_FILETYPE 0x0002
#define EXT2_S_IFMT           0xf000
#define EXT2_S_IFREG          0x8000
#define EXT2_S_IFDIR          0x4000
#define EXT2_GROUP_DESC_SIZE  32
#define EXT2_INODE_READ       128   /* the fields a reader needs */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* size bytes at byte offset of the disk into buf; FS_E_IO if the device
 * fails or gives less. */
static kern_return_t ext2_disk_read(mach_port_t device, uint64_t offset, void *buf, size_t size)
{
	io_buf_ptr_t data;
	mach_msg_type_number_t got = 0;
	kern_return_t kr;

	kr = device_read(device, 0, (recnum_t)(offset / 512), (int)size, &data, &got);
	if (kr != KERN_SUCCESS)
		return FS_E_IO;
	if (got < size) {
		(void)vm_deallocate(mach_task_self(), (vm_address_t)data, got);
		return FS_E_IO;
	}
	memcpy(buf, data, size);
	(void)vm_deallocate(mach_task_self(), (vm_address_t)data, got);
	return KERN_SUCCESS;
}

/* Block n of the file system, through the cache. */
static kern_return_t ext2_block(struct ext2_fs *fs, uint32_t n, const uint8_t **data)
{
	unsigned slot;
	kern_return_t kr;

	if (n == 0 || n >= fs->blocks_count)
		return FS_E_IO;
	for (unsigned i = 0; i < EXT2_CACHE_BLOCKS; i++)
		if (fs->cache_block[i] == n) {
			*data = fs->cache_data + (size_t)i * fs->block_size;
			return KERN_SUCCESS;
		}
	slot = fs->cache_next;
	fs->cache_next = (slot + 1) % EXT2_CACHE_BLOCKS;
	fs->cache_block[slot] = 0;
	kr = ext2_disk_read(fs->device, (uint64_t)n * fs->block_size,
			    fs->cache_data + (size_t)slot * fs->block_size, fs->block_size);
	if (kr != KERN_SUCCESS)
		return kr;
	fs->cache_block[slot] = n;
	*data = fs->cache_data + (size_t)slot * fs->block_size;
	return KERN_SUCCESS;
}

kern_return_t ext2_fs_init(struct ext2_fs *fs, mach_port_t device, char *why, size_t why_size)
{
	uint8_t sb[1024];
	uint32_t log, rev, blocks_per_group, gdt_size;
	vm_address_t mem = 0;
	kern_return_t kr;

	memset(fs, 0, sizeof(*fs));
	fs->device = device;
	if (ext2_disk_read(device, 1024, sb, sizeof(sb)) != KERN_SUCCESS) {
		snprintf(why, why_size, "cannot read the superblock");
		return FS_E_IO;
	}
	if (le16(sb + 56) != EXT2_MAGIC) {
		snprintf(why, why_size, "no ext2 file system (magic 0x%x, not 0x%x)",
			 le16(sb + 56), EXT2_MAGIC);
		return FS_E_INVAL;
	}
	rev = le32(sb + 76);
	log = le32(sb + 24);
	fs->inodes_count = le32(sb + 0);
	fs->blocks_count = le32(sb + 4);
	fs->first_data_block = le32(sb + 20);
	blocks_per_group = le32(sb + 32);
	fs->inodes_per_group = le32(sb + 40);
	fs->inode_size = rev == 0 ? 128 : le16(sb + 88);
	fs->feature_incompat = rev == 0 ? 0 : le32(sb + 96);
	if (rev > 1) {
		snprintf(why, why_size, "revision %u is not supported (0 and 1 are)", rev);
		return FS_E_INVAL;
	}
	if (log > 2) {
		snprintf(why, why_size, "blocks of %u KiB are not supported (1, 2, 4 are)",
			 log < 20 ? 1u << log : 0);
		return FS_E_INVAL;
	}
	fs->block_size = 1024u << log;
	if (fs->feature_incompat & ~(uint32_t)EXT2_INCOMPAT_FILETYPE) {
		snprintf(why, why_size, "incompatible features 0x%x are not supported",
			 fs->feature_incompat & ~(uint32_t)EXT2_INCOMPAT_FILETYPE);
		return FS_E_INVAL;
	}
	if (fs->inode_size < 128 || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1))) {
		snprintf(why, why_size, "inodes of %u bytes are not supported", fs->inode_size);
		return FS_E_INVAL;
	}
	if (blocks_per_group == 0 || fs->inodes_per_group == 0 ||
	    fs->first_data_block >= fs->blocks_count ||
	    fs->inodes_count < EXT2_ROOT_INO) {
		snprintf(why, why_size, "a damaged superblock (no groups)");
		return FS_E_INVAL;
	}
	fs->groups = (fs->blocks_count - fs->first_data_block + blocks_per_group - 1) /
		     blocks_per_group;
	gdt_size = fs->groups * EXT2_GROUP_DESC_SIZE;
	if (fs->groups > 65536 / EXT2_GROUP_DESC_SIZE ||
	    (uint64_t)fs->groups * fs->inodes_per_group < fs->inodes_count) {
		snprintf(why, why_size, "a damaged superblock (%u groups)", fs->groups);
		return FS_E_INVAL;
	}
	/* The cache, then the group descriptors (whole blocks, read through
	 * the device directly: they stay). */
	kr = vm_allocate(mach_task_self(), &mem,
			 (size_t)EXT2_CACHE_BLOCKS * fs->block_size +
				 ((gdt_size + fs->block_size - 1) / fs->block_size) * fs->block_size,
			 TRUE);
	if (kr != KERN_SUCCESS) {
		snprintf(why, why_size, "no memory");
		return kr;
	}
	fs->cache_data = (uint8_t *)mem;
	fs->groups_desc = fs->cache_data + (size_t)EXT2_CACHE_BLOCKS * fs->block_size;
	if (ext2_disk_read(device, (uint64_t)(fs->first_data_block + 1) * fs->block_size,
			   fs->groups_desc,
			   ((gdt_size + fs->block_size - 1) / fs->block_size) * fs->block_size) !=
	    KERN_SUCCESS) {
		snprintf(why, why_size, "cannot read the group descriptors");
		return FS_E_IO;
	}
	return KERN_SUCCESS;
}

/* The first EXT2_INODE_READ bytes of inode ino. */
static kern_return_t ext2_inode(struct ext2_fs *fs, uint32_t ino, uint8_t *out)
{
	uint32_t group, index, table;
	uint64_t byte;
	const uint8_t *b;
	kern_return_t kr;

	if (ino == 0 || ino > fs->inodes_count)
		return FS_E_IO;
	group = (ino - 1) / fs->inodes_per_group;
	index = (ino - 1) % fs->inodes_per_group;
	if (group >= fs->groups)
		return FS_E_IO;
	table = le32(fs->groups_desc + (size_t)group * EXT2_GROUP_DESC_SIZE + 8);
	byte = (uint64_t)index * fs->inode_size;
	if ((uint64_t)table + byte / fs->block_size >= fs->blocks_count)
		return FS_E_IO;
	kr = ext2_block(fs, table + (uint32_t)(byte / fs->block_size), &b);
	if (kr != KERN_SUCCESS)
		return kr;
	memcpy(out, b + byte % fs->block_size, EXT2_INODE_READ);
	return KERN_SUCCESS;
}

static uint32_t ext2_mode(const uint8_t *inode)
{
	return le16(inode + 0);
}

static uint64_t ext2_size(const uint8_t *inode)
{
	uint64_t size = le32(inode + 4);

	/* The high half (large_file) is for regular files only: in a
	 * directory the same word is its ACL block. */
	if ((ext2_mode(inode) & EXT2_S_IFMT) == EXT2_S_IFREG)
		size |= (uint64_t)le32(inode + 108) << 32;
	return size;
}

static void ext2_stat_of(const uint8_t *inode, struct fs_stat *st)
{
	uint32_t mode = ext2_mode(inode);

	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG: st->type = FS_TYPE_FILE; break;
	case EXT2_S_IFDIR: st->type = FS_TYPE_DIR; break;
	default: st->type = FS_TYPE_OTHER; break;
	}
	st->mode = mode;
	st->size = ext2_size(inode);
}

/* The disk block of the file's block lblock (0: a hole). */
static kern_return_t ext2_bmap(struct ext2_fs *fs, const uint8_t *inode, uint64_t lblock,
			       uint32_t *pblock)
{
	uint64_t per = fs->block_size / 4, span = 1;
	uint32_t b;
	int depth;

	if (lblock < EXT2_NDIR_BLOCKS) {
		*pblock = le32(inode + 40 + 4 * lblock);
		return KERN_SUCCESS;
	}
	lblock -= EXT2_NDIR_BLOCKS;
	for (depth = 1; depth <= 3; depth++) {
		span *= per;
		if (lblock < span)
			break;
		lblock -= span;
	}
	if (depth > 3)
		return FS_E_IO;
	b = le32(inode + 40 + 4 * (EXT2_NDIR_BLOCKS - 1 + depth));
	/* From the top: each level's block picks the next one down. */
	while (depth-- > 0 && b != 0) {
		const uint8_t *data;
		kern_return_t kr = ext2_block(fs, b, &data);

		span /= per;
		if (kr != KERN_SUCCESS)
			return kr;
		b = le32(data + 4 * ((lblock / span) % per));
	}
	*pblock = b;
	return KERN_SUCCESS;
}

/* count bytes of the inode's data at offset (within its size) into buf. */
static kern_return_t ext2_read_data(struct ext2_fs *fs, const uint8_t *inode, uint64_t offset,
				    uint8_t *buf, uint32_t count)
{
	while (count > 0) {
		uint32_t in = (uint32_t)(offset % fs->block_size);
		uint32_t n = fs->block_size - in < count ? fs->block_size - in : count;
		uint32_t pb;
		const uint8_t *data;
		kern_return_t kr = ext2_bmap(fs, inode, offset / fs->block_size, &pb);

		if (kr != KERN_SUCCESS)
			return kr;
		if (pb == 0) {
			memset(buf, 0, n);
		} else {
			if ((kr = ext2_block(fs, pb, &data)) != KERN_SUCCESS)
				return kr;
			memcpy(buf, data + in, n);
		}
		buf += n;
		offset += n;
		count -= n;
	}
	return KERN_SUCCESS;
}

/* A directory's entries, one at a time: *pos is a byte offset in it. */
struct ext2_dirent {
	uint32_t ino;
	char name[FS_NAME_MAX];
};

/* 1: an entry (not ".", "..", nor an unused record); 0: the end. */
static kern_return_t ext2_dir_next(struct ext2_fs *fs, const uint8_t *dir, uint64_t *pos,
				   struct ext2_dirent *de, int *more)
{
	uint64_t size = ext2_size(dir);

	*more = 0;
	while (*pos < size) {
		uint32_t in = (uint32_t)(*pos % fs->block_size), pb, rec, name_len;
		const uint8_t *data, *r;
		kern_return_t kr = ext2_bmap(fs, dir, *pos / fs->block_size, &pb);

		if (kr != KERN_SUCCESS)
			return kr;
		if (pb == 0)
			return FS_E_IO; /* directories have no holes */
		if ((kr = ext2_block(fs, pb, &data)) != KERN_SUCCESS)
			return kr;
		r = data + in;
		if (fs->block_size - in < 8)
			return FS_E_IO;
		rec = le16(r + 4);
		name_len = (fs->feature_incompat & EXT2_INCOMPAT_FILETYPE) ? r[6] : le16(r + 6);
		if (rec < 8 || rec % 4 || rec > fs->block_size - in || 8 + name_len > rec ||
		    name_len >= FS_NAME_MAX)
			return FS_E_IO;
		*pos += rec;
		de->ino = le32(r);
		if (de->ino == 0 || name_len == 0)
			continue;
		memcpy(de->name, r + 8, name_len);
		de->name[name_len] = '\0';
		if (strcmp(de->name, ".") == 0 || strcmp(de->name, "..") == 0)
			continue;
		*more = 1;
		return KERN_SUCCESS;
	}
	return KERN_SUCCESS;
}

/* The inode of a normalised path. */
static kern_return_t ext2_lookup(struct ext2_fs *fs, const char *path, uint8_t *inode)
{
	kern_return_t kr = ext2_inode(fs, EXT2_ROOT_INO, inode);

	while (kr == KERN_SUCCESS && *path) {
		const char *end = strchr(path, '/');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		struct ext2_dirent de;
		uint64_t pos = 0;
		int more;

		if ((ext2_mode(inode) & EXT2_S_IFMT) != EXT2_S_IFDIR)
			return FS_E_NOTDIR;
		for (;;) {
			if ((kr = ext2_dir_next(fs, inode, &pos, &de, &more)) != KERN_SUCCESS)
				return kr;
			if (!more)
				return FS_E_NOENT;
			if (strlen(de.name) == n && memcmp(de.name, path, n) == 0)
				break;
		}
		kr = ext2_inode(fs, de.ino, inode);
		path += n;
		if (*path == '/')
			path++;
	}
	return kr;
}

static kern_return_t ext2_fs_stat(void *ctx, const char *path, struct fs_stat *st)
{
	uint8_t inode[EXT2_INODE_READ];
	kern_return_t kr = ext2_lookup(ctx, path, inode);

	if (kr == KERN_SUCCESS)
		ext2_stat_of(inode, st);
	return kr;
}

static kern_return_t ext2_fs_read(void *ctx, const char *path, uint64_t offset, void *buf,
				  uint32_t count, uint32_t *got)
{
	uint8_t inode[EXT2_INODE_READ];
	uint64_t size;
	kern_return_t kr = ext2_lookup(ctx, path, inode);

	if (kr != KERN_SUCCESS)
		return kr;
	if ((ext2_mode(inode) & EXT2_S_IFMT) == EXT2_S_IFDIR)
		return FS_E_ISDIR;
	if ((ext2_mode(inode) & EXT2_S_IFMT) != EXT2_S_IFREG)
		return FS_E_INVAL;
	size = ext2_size(inode);
	if (offset > size)
		return FS_E_BADOFF;
	if (count > size - offset)
		count = (uint32_t)(size - offset);
	kr = ext2_read_data(ctx, inode, offset, buf, count);
	if (kr == KERN_SUCCESS)
		*got = count;
	return kr;
}

static kern_return_t ext2_fs_readdir(void *ctx, const char *path, uint64_t index,
				     struct fs_dirent *out)
{
	uint8_t inode[EXT2_INODE_READ], child[EXT2_INODE_READ];
	struct ext2_dirent de;
	uint64_t pos = 0;
	int more;
	kern_return_t kr = ext2_lookup(ctx, path, inode);

	if (kr != KERN_SUCCESS)
		return kr;
	if ((ext2_mode(inode) & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return FS_E_NOTDIR;
	for (uint64_t at = 0;; at++) {
		if ((kr = ext2_dir_next(ctx, inode, &pos, &de, &more)) != KERN_SUCCESS)
			return kr;
		if (!more)
			return FS_END;
		if (at == index)
			break;
	}
	if ((kr = ext2_inode(ctx, de.ino, child)) != KERN_SUCCESS)
		return kr;
	ext2_stat_of(child, &out->st);
	memcpy(out->name, de.name, FS_NAME_MAX);
	return KERN_SUCCESS;
}

const struct fs_ops ext2_fs_ops = {
	.stat = ext2_fs_stat,
	.read = ext2_fs_read,
	.readdir = ext2_fs_readdir,
};
