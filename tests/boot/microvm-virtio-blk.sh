#!/usr/bin/env bash
# virtio-blk on x86_64 microvm's virtio-mmio (modern devices:
# force-legacy=false): one writable disk, found from the
# virtio_mmio.device= words QEMU appends to the command line, becomes hd0;
# the kernel reads its tagged sectors, writes and reads back, and keeps
# several requests in flight (tests/ktest/kt_virtio_blk.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

boot_require_kernel
boot_require_qboot
boot_require_tool truncate dd od

out=$BOOT_WORKDIR/console
img=$BOOT_WORKDIR/hd0.img
blk_make_image "$img" 2048
boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -global virtio-mmio.force-legacy=false \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-device,drive=d0 \
	-kernel "$MACHV_KERNEL" -append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw"

blk_judge "$out" PVH 1
tap_grep "the disk is driven through virtio-mmio" \
	'^virtio-blk: virtio-mmio@0x[0-9a-f]+: hd0, 2048 sectors' "$out"
blk_check_written "$img" 2048
tap_finish
