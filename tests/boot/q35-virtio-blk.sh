#!/usr/bin/env bash
# virtio-blk on x86_64 q35's virtio-pci: a writable disk (hd0, first PCI
# slot) and a read-only one (readonly=on: the device offers VIRTIO_BLK_F_RO,
# hd1 refuses writes and opening for writing with D_READ_ONLY).  The sizes
# differ so that the kernel's test can tell the disks apart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

boot_require_kernel
boot_require_qboot
boot_require_tool truncate dd od

out=$BOOT_WORKDIR/console
rw=$BOOT_WORKDIR/hd0.img
ro=$BOOT_WORKDIR/hd1.img
blk_make_image "$rw" 2048
blk_make_image "$ro" 1024
boot_qemu "$out" -M q35 -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" -serial "file:$out" \
	-drive "if=none,id=d0,format=raw,file=$rw" -device virtio-blk-pci,drive=d0 \
	-drive "if=none,id=d1,format=raw,readonly=on,file=$ro" -device virtio-blk-pci,drive=d1 \
	-kernel "$MACHV_KERNEL" -append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw,hd1:1024:ro"

blk_judge "$out" PVH 2
tap_grep "the disks are driven through virtio-pci" \
	'^virtio-blk: virtio-pci@[0-9a-f:.]+: hd0, 2048 sectors' "$out"
tap_grep "the read-only disk is reported read-only" \
	'^virtio-blk: virtio-pci@[0-9a-f:.]+: hd1, 1024 sectors, read-only' "$out"
blk_check_written "$rw" 2048
blk_check_untouched "$ro" 1024
tap_finish
