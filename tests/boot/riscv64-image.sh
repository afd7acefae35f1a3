#!/usr/bin/env bash
# The raw Linux Image (llvm-objcopy -O binary), loaded somewhere other than
# the ELF's 0x80200000: QEMU puts a raw -kernel at the first 2 MiB boundary
# after the firmware, so OpenSBI padded to 2.5 MiB moves the image to
# 0x80400000.  The kernel must find its load address at run time (auipc),
# map itself there and run every self-test, its image-header test included.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel
objcopy=$(find_objcopy) || tap_skip_all "no objcopy for riscv64 (llvm-objcopy)"
opensbi=$(find_opensbi) || tap_skip_all "QEMU's OpenSBI firmware file was not found"

image=$BOOT_WORKDIR/Image
firmware=$BOOT_WORKDIR/fw_dynamic-padded.bin
"$objcopy" -O binary "$MACHV_KERNEL" "$image" || tap_skip_all "$objcopy cannot write a raw image"
cp "$opensbi" "$firmware" && truncate -s 2560K "$firmware" ||
	tap_skip_all "cannot make a padded firmware copy"
tap_diag "Image header: $(od -An -tx1 -N64 "$image" | tr -s ' \n' ' ')"

out=$BOOT_WORKDIR/console
boot_qemu "$out" "${VIRT[@]}" -bios "$firmware" -serial "file:$out" \
	-kernel "$image" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "the raw image ran at 0x80400000" \
	'^riscv: boot hart [0-9]+, Sv[0-9]+ paging, image at 0x80400000 ' "$out"
tap_finish
