#!/usr/bin/env bash
# A disk that fails under the ext2 server: hd0 sits on QEMU's blkdebug,
# which fails every read of the first data block of /big.bin with EIO
# (found with debugfs), so the device answers D_IO_ERROR.  Reading that
# file must give FS_E_IO (twice: the failure is not cached), nothing may
# crash, and the server must answer on: the other files read back right.
# x86_64 only (microvm): the error path is the same code on every arch.
. "$(dirname "$0")/user-fs-lib.sh"

[ "$MACHV_ARCH" = x86_64 ] || tap_skip_all "the blkdebug case runs on x86_64"
fs_require
boot_require_tool mke2fs debugfs cksum head truncate

tree=$BOOT_WORKDIR/tree
img=$BOOT_WORKDIR/hd0.img
conf=$BOOT_WORKDIR/blkdebug.conf
fs_make_tree "$tree" || tap_skip_all "cannot make files in $BOOT_WORKDIR"
fs_mke2fs "$img" "$tree" -b 1024 || tap_skip_all "mke2fs cannot make ext2 images here"
block=$(debugfs -R "bmap /big.bin 0" "$img" 2>/dev/null)
case $block in
'' | *[!0-9]*) tap_skip_all "debugfs did not say where /big.bin starts (${block:-nothing})" ;;
esac
printf '[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nsector = "%d"\n' \
	$((block * 2)) > "$conf"

specs="i:/disk/big.bin"
for f in hello.txt sparse.bin sub/small.bin; do
	specs+=" $(fs_file_spec "/disk/$f" "$tree/$f")"
done
specs+=" d:/disk:7"

out=$BOOT_WORKDIR/console
fs_disks "blkdebug:$conf:$img"
fs_boot "$out" "init=/fstest -- ext2:hd0 $specs" "$MACHV_INITRD" "${FS_DISK_ARGS[@]}"
tap_diag "blkdebug fails reads of sector $((block * 2)) (block $block)"
fs_judge "$out"
tap_grep "the read of /big.bin came back as FS_E_IO" \
	'^ok [0-9]+ - reading /disk/big.bin where the disk fails: FS_E_IO$' "$out"
user_finished "$out" pass
tap_finish
