#!/usr/bin/env bash
# virtio-blk I/O errors: hd1 sits on QEMU's blkdebug driver configured to
# fail every read with EIO, so the device answers VIRTIO_BLK_S_IOERR.  The
# kernel must return D_IO_ERROR to the caller, count the errors, keep the
# disk usable for writes and status, and go on (hd0, a healthy disk, still
# passes every test afterwards).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

boot_require_kernel
boot_require_qboot
boot_require_tool truncate dd od

out=$BOOT_WORKDIR/console
good=$BOOT_WORKDIR/hd0.img
bad=$BOOT_WORKDIR/hd1.img
conf=$BOOT_WORKDIR/blkdebug.conf
blk_make_image "$good" 2048
blk_make_image "$bad" 128
blk_ioerr_conf "$conf"
boot_qemu "$out" -M q35 -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" -serial "file:$out" \
	-drive "if=none,id=d0,format=raw,file=$good" -device virtio-blk-pci,drive=d0 \
	-drive "if=none,id=d1,format=raw,file=blkdebug:$conf:$bad" -device virtio-blk-pci,drive=d1 \
	-kernel "$MACHV_KERNEL" -append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw,hd1:128:ioerr"

blk_judge "$out" PVH 2
tap_grep "reads of the failing disk returned D_IO_ERROR" \
	'^ok [0-9]+ - virtio_blk_ioerr( \([0-9]+ us\))?$' "$out"
blk_check_written "$good" 2048
tap_finish
