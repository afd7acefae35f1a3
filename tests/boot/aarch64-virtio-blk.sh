#!/usr/bin/env bash
# virtio-blk on aarch64 virt's virtio-mmio (found in the device tree, GIC
# interrupts): a writable disk and a read-only one.  virt gives the first
# virtio -device the highest slot and the tree lists slots by address, so
# the disk meant to be hd0 comes last on the command line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

aarch64_require_image
boot_require_tool truncate dd od

out=$BOOT_WORKDIR/console
rw=$BOOT_WORKDIR/hd0.img
ro=$BOOT_WORKDIR/hd1.img
blk_make_image "$rw" 2048
blk_make_image "$ro" 1024
BOOT_CPU=cortex-a72 boot_qemu "$out" -M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial "file:$out" -global virtio-mmio.force-legacy=false \
	-drive "if=none,id=d1,format=raw,readonly=on,file=$ro" -device virtio-blk-device,drive=d1 \
	-drive "if=none,id=d0,format=raw,file=$rw" -device virtio-blk-device,drive=d0 \
	-kernel "$IMAGE" -append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw,hd1:1024:ro"

blk_judge "$out" "Linux Image" 2
tap_grep "the disks are driven through virtio-mmio" \
	'^virtio-blk: virtio-mmio@0x[0-9a-f]+: hd0, 2048 sectors' "$out"
blk_check_written "$rw" 2048
blk_check_untouched "$ro" 1024
tap_finish
