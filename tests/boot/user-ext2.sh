#!/usr/bin/env bash
# The ext2 file server's code (guests/lib/mach/ext2.c) over a real port:
# the script makes ext2 images of one tree with mke2fs -d (revision 1 with
# 1 KiB blocks as hd0, revision 0 with 4 KiB blocks as hd1), an ext4 image
# (hd2), a disk of zeroes (hd3) and a copy of hd0 with its root directory
# destroyed (hd4).  fstest serves hd0 at /disk and hd1 at /disk1 in
# threads of its own, reads every file whole and in pieces (direct, single
# and double indirect blocks, holes, an empty file) and checks them
# against their sizes and cksums, lists directories, sees hd2 and hd3
# refused with their reasons, and hd4 (at /bad) answer FS_E_IO while the
# other disks read on.  ext2fs itself runs too: without a bootstrap port
# it checks hd0, says it has nobody to serve and exits 0.
. "$(dirname "$0")/user-fs-lib.sh"

fs_require
boot_require_tool mke2fs debugfs cksum head truncate tr dd

tree=$BOOT_WORKDIR/tree
fs_make_tree "$tree" || tap_skip_all "cannot make files in $BOOT_WORKDIR"
rev1=$BOOT_WORKDIR/rev1.img rev0=$BOOT_WORKDIR/rev0.img
ext4=$BOOT_WORKDIR/ext4.img zero=$BOOT_WORKDIR/zero.img
if ! fs_mke2fs "$rev1" "$tree" -b 1024 || ! fs_mke2fs "$rev0" "$tree" -r 0 -b 4096; then
	tap_skip_all "mke2fs cannot make ext2 images here"
fi
mke2fs -q -F -t ext4 -d "$tree" "$ext4" 4M > /dev/null 2>&1 || tap_skip_all "mke2fs cannot make ext4"
truncate -s 1M "$zero"
# hd4: hd0's image with the root directory's block overwritten by 0xff
# bytes (a record longer than its block): damaged, not a crash.
bad=$BOOT_WORKDIR/bad.img
cp "$rev1" "$bad"
root_block=$(debugfs -R "bmap / 0" "$bad" 2>/dev/null)
case $root_block in
'' | *[!0-9]*) tap_skip_all "debugfs did not say where / is (${root_block:-nothing})" ;;
esac
head -c 1024 /dev/zero | tr '\0' '\377' |
	dd of="$bad" bs=1024 seek="$root_block" conv=notrunc status=none

specs=
for f in hello.txt big.bin empty sparse.bin sub/small.bin sub/deeper/nested.txt; do
	specs+=" $(fs_file_spec "/disk/$f" "$tree/$f")"
done
# lost+found, big.bin, empty, hello.txt, link, sparse.bin, sub
specs+=" d:/disk:7 d:/disk/sub:2 d:/disk/sub/deeper:1 n:/disk:sub:d n:/disk:lost+found:d"
specs+=" n:/disk:big.bin:f e:/disk/nope:noent e:/disk/sub/nope:noent"
specs+=" e:/disk/hello.txt/x:notdir m:hd1:/disk1 d:/disk1:7"
for f in hello.txt big.bin sparse.bin sub/deeper/nested.txt; do
	specs+=" $(fs_file_spec "/disk1/$f" "$tree/$f")"
done
specs+=" x:hd2 x:hd3 m:hd4:/bad l:/bad:io e:/bad/hello.txt:io d:/disk:7"

out=$BOOT_WORKDIR/console
fs_disks "$rev1" "$rev0" "$ext4" "$zero" "$bad"
fs_boot "$out" "init=/fstest,/ext2fs -- ext2:hd0$specs" "$MACHV_INITRD" "${FS_DISK_ARGS[@]}"
fs_judge "$out"
tap_grep "hd0 is revision 1 with 1 KiB blocks" \
	'^fstest: hd0: ext2, 4096 blocks of 1024 bytes' "$out"
tap_grep "hd1 is revision 0 with 4 KiB blocks" \
	'^fstest: hd1: ext2, 1024 blocks of 4096 bytes, [0-9]+ groups, inodes of 128 bytes' "$out"
tap_grep "ext4 is refused for its features" \
	'^fstest: hd2: incompatible features 0x[0-9a-f]+ are not supported$' "$out"
tap_grep "a disk of zeroes is refused as no ext2" \
	'^fstest: hd3: no ext2 file system \(magic 0x0, not 0xef53\)$' "$out"
tap_grep "ext2fs checked hd0 and found nobody to serve" \
	'^ext2fs: hd0: ext2, 4096 blocks of 1024 bytes; no bootstrap port, so nobody to serve$' "$out"
user_exited "$out" ext2fs 0
user_finished "$out" pass
tap_finish
