/* The file protocol: how programs read files from machv's file servers.
 *
 * A file server serves one tree read-only: guests/programs/cpiofs.c the
 * initrd (registered with the name service as "fs/", mounted at "/"),
 * guests/programs/ext2fs.c an ext2 disk ("fs/disk", mounted at "/disk").
 * The protocol is stateless and path based: every request names its file
 * by an absolute path within the server ("/", "/bin/sh"), so there are no
 * open files whose lifetime a server would have to track.  "." and empty
 * components are ignored; ".." goes up (never above the server's root).
 *
 * Three requests, hand-built typed messages in GNU Mach's LP64 layout (no
 * MIG stubs), each answered on the request's reply port (MAKE_SEND_ONCE of
 * a reply port) with msgh_id + 100.  Every reply starts with
 * [INTEGER_32] kern_return_t; the rest of a reply comes only on success.
 *
 *   FS_STAT     body: [CHAR x FS_PATH_MAX] path (NUL-terminated)
 *               reply: ret, [INTEGER_64 x 3] type, mode, size
 *   FS_READ     body: path, [INTEGER_64 x 2] offset, count
 *               reply: ret, [CHAR x n] the bytes (n <= count, padded to 8;
 *                      n < count only at the end of the file)
 *   FS_READDIR  body: path, [INTEGER_64] index
 *               reply: ret, [INTEGER_64 x 3] type, mode, size,
 *                      [CHAR x FS_NAME_MAX] the entry's name
 *                      ("." and ".." are never listed; index 0 is the
 *                      first entry, FS_END past the last)
 *
 * Errors: the FS_E_* codes below; MIG_BAD_ID for an unknown msgh_id,
 * MIG_BAD_ARGUMENTS for a message of the wrong shape. */
#ifndef MACHV_FS_H
#define MACHV_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/port.h>

#define FS_PATH_MAX  256          /* with its NUL */
#define FS_NAME_MAX  256          /* a directory entry's name, with its NUL */
#define FS_READ_MAX  8192         /* bytes per FS_READ */

#define FS_STAT      0x66730001   /* "fs" 1 */
#define FS_READ      0x66730002
#define FS_READDIR   0x66730003
#define FS_REPLY     100          /* added to msgh_id on the reply */

/* Entry types. */
#define FS_TYPE_FILE   1
#define FS_TYPE_DIR    2
#define FS_TYPE_OTHER  3          /* symbolic links, devices: listed, not read */

/* The protocol's errors (kern_return_t values of their own, clear of
 * KERN_*, MIG_*, MACH_MSG_* and the D_* device codes). */
#define FS_E_NOENT   3101  /* no such file or directory */
#define FS_E_NOTDIR  3102  /* a path component, or readdir's path, is not a directory */
#define FS_E_ISDIR   3103  /* FS_READ of a directory */
#define FS_E_BADOFF  3104  /* FS_READ offset past the end of the file */
#define FS_E_IO      3105  /* the device failed, or the file system is damaged */
#define FS_E_INVAL   3106  /* a path not absolute or unterminated; count > FS_READ_MAX;
			    * FS_READ of something that is not a file */
#define FS_END       3107  /* FS_READDIR: no entry at that index */

struct fs_stat {
	uint64_t type;   /* FS_TYPE_* */
	uint64_t mode;   /* the permission bits and type bits, as the medium says */
	uint64_t size;   /* bytes (0 for directories in the initrd) */
};

struct fs_dirent {
	struct fs_stat st;
	char name[FS_NAME_MAX];
};

/* --- Clients (guests/lib/mach/fs.c).  Full paths ("/disk/a/b"): the
 * path is normalised first ("/./disk//a/" is "/disk/a"), then the
 * longest mount prefix wins, on a component boundary.  Mounts come from
 * fs_mount, or else from the name service: a call finding the table empty
 * looks up "fs/" (mounted at "/") and "fs/disk" ("/disk"); once one is
 * found the table stays as it is. */
kern_return_t fs_stat(const char *path, struct fs_stat *st);
/* Reads up to count bytes at offset (several requests if count is more
 * than FS_READ_MAX); *got is what was read, less than count only at the
 * end of the file. */
kern_return_t fs_read(const char *path, uint64_t offset, void *buf, size_t count,
		      size_t *got);
kern_return_t fs_readdir(const char *path, uint64_t index, struct fs_dirent *de);
/* Mount server at prefix ("/" or "/disk"...: absolute, no trailing slash
 * but for "/") in this task's table, replacing what was there.  At most
 * FS_MOUNTS_MAX mounts. */
#define FS_MOUNTS_MAX 8
kern_return_t fs_mount(const char *prefix, mach_port_t server);
/* Explains an FS_E_* code ("no such file or directory"), NULL for others. */
const char *fs_strerror(kern_return_t kr);

/* One request to one server, the path being the server's own; what the
 * functions above send.  fs_read_port is one FS_READ: count at most
 * FS_READ_MAX. */
kern_return_t fs_stat_port(mach_port_t server, const char *path, struct fs_stat *st);
kern_return_t fs_read_port(mach_port_t server, const char *path, uint64_t offset,
			   void *buf, size_t count, size_t *got);
kern_return_t fs_readdir_port(mach_port_t server, const char *path, uint64_t index,
			      struct fs_dirent *de);

/* --- Servers (fs.c).  A file system is three functions over a context;
 * paths reach them normalised: "" is the root, else components joined by
 * single slashes without a leading one ("a/b"), no "." or "..". */
struct fs_ops {
	kern_return_t (*stat)(void *ctx, const char *path, struct fs_stat *st);
	/* count <= FS_READ_MAX; *got < count only at the end of the file. */
	kern_return_t (*read)(void *ctx, const char *path, uint64_t offset, void *buf,
			      uint32_t count, uint32_t *got);
	kern_return_t (*readdir)(void *ctx, const char *path, uint64_t index,
				 struct fs_dirent *de);
};
/* Answer requests on port (a receive right) until receiving fails (the
 * port destroyed); returns that error.  Bad requests get error replies,
 * never a crash. */
kern_return_t fs_serve(mach_port_t port, const struct fs_ops *ops, void *ctx);
/* A new port for a server (receive right and a send right), registered
 * with the name service as ns_name when this task has a bootstrap port
 * (*registered says so; a registration the service refused is that
 * error, the port destroyed). */
kern_return_t fs_server_port(const char *ns_name, mach_port_t *port, bool *registered);
/* Normalise an absolute path as above into out (FS_PATH_MAX bytes):
 * FS_E_INVAL if it is not absolute or too long. */
kern_return_t fs_path_normalise(const char *path, char *out);

/* The port named by "NAME=<decimal>" in envp (MACHV_DEVICE_PORT...), or
 * MACH_PORT_NULL. */
mach_port_t fs_env_port(char **envp, const char *name);

/* --- The back ends (guests/lib/mach/cpio_read.c, ext2.c). */

/* An initrd image (cpio "newc" archives, one after another) in memory;
 * directories are those the archive lists and those its paths imply. */
struct cpio_fs {
	const uint8_t *image;
	size_t size;
};
extern const struct fs_ops cpio_fs_ops;
/* FS_E_IO unless the image starts with a newc header. */
kern_return_t cpio_fs_init(struct cpio_fs *fs, const void *image, size_t size);
/* The whole of a device (rd0) in memory: fs_device_map maps its pages
 * read-only where the device allows (device_map + vm_map, nothing
 * copied), fs_device_slurp reads it into fresh memory, fs_device_image
 * maps it if it can and reads it otherwise. */
kern_return_t fs_device_map(mach_port_t device, const void **image, size_t *size);
kern_return_t fs_device_slurp(mach_port_t device, void **image, size_t *size);
kern_return_t fs_device_image(mach_port_t device, const void **image, size_t *size);

/* ext2 on a disk device (512-byte records), read only: revisions 0 and 1,
 * blocks of 1, 2 or 4 KiB, direct and indirect blocks. */
#define EXT2_CACHE_BLOCKS 16
struct ext2_fs {
	mach_port_t device;
	uint32_t block_size;
	uint32_t blocks_count;
	uint32_t inodes_count;
	uint32_t inodes_per_group;
	uint32_t groups;
	uint32_t inode_size;
	uint32_t first_data_block;
	uint32_t feature_incompat;
	/* A few blocks kept (block numbers, data), replaced round robin. */
	uint32_t cache_block[EXT2_CACHE_BLOCKS];
	uint8_t *cache_data;
	unsigned cache_next;
	uint8_t *groups_desc;     /* the group descriptor table */
};
extern const struct fs_ops ext2_fs_ops;
/* Read and check the superblock and group descriptors.  FS_E_IO if the
 * device fails; FS_E_INVAL with a message printed to why (a buffer of
 * why_size bytes) for what is no ext2 or uses features this reader lacks. */
kern_return_t ext2_fs_init(struct ext2_fs *fs, mach_port_t device, char *why,
			   size_t why_size);

#endif
