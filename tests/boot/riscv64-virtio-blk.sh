#!/usr/bin/env bash
# virtio-blk on riscv64 virt's virtio-mmio (found in the device tree, PLIC
# interrupts): a writable disk and a read-only one.  Unlike aarch64's, the
# riscv64 virt tree lists the virtio-mmio slots so that the devices are
# found in command-line order: hd0 comes first.
. "$(dirname "$0")/riscv64-common.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

boot_require_kernel
boot_require_tool truncate dd od

out=$BOOT_WORKDIR/console
rw=$BOOT_WORKDIR/hd0.img
ro=$BOOT_WORKDIR/hd1.img
blk_make_image "$rw" 2048
blk_make_image "$ro" 1024
boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" -global virtio-mmio.force-legacy=false \
	-drive "if=none,id=d0,format=raw,file=$rw" -device virtio-blk-device,drive=d0 \
	-drive "if=none,id=d1,format=raw,readonly=on,file=$ro" -device virtio-blk-device,drive=d1 \
	-kernel "$MACHV_KERNEL" -append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw,hd1:1024:ro"

blk_judge "$out" "Linux Image" 2
tap_grep "the disks are driven through virtio-mmio" \
	'^virtio-blk: virtio-mmio@0x[0-9a-f]+: hd0, 2048 sectors' "$out"
blk_check_written "$rw" 2048
blk_check_untouched "$ro" 1024
tap_finish
