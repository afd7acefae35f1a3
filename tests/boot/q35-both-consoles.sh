#!/usr/bin/env bash
# Kernel output goes to every console: q35 with COM1 and a virtio-pci
# console, each to its own file.  COM1 must carry the whole run, including
# everything printed after the virtio console appeared; the virtio console
# must show the boot from its first line (replayed when it registers) and
# the same self-test summary.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

com1=$BOOT_WORKDIR/com1
virtio=$BOOT_WORKDIR/virtio
boot_qemu "$com1" -M q35 -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$com1" \
	-device virtio-serial-pci,id=vs0 -device virtconsole,bus=vs0.0,chardev=vc0 \
	-chardev "file,id=vc0,path=$virtio" \
	-kernel "$MACHV_KERNEL" -append "ktest=clock_monotonic,interrupt_delivery"

judge_tap "$com1" --loader=PVH
tap_grep "COM1 kept printing after the virtio console registered" \
	'^machv: up in [0-9]+ us' "$com1"
tap_grep "the virtio console shows the banner (boot log replayed)" \
	'^machv .* booting via PVH' "$virtio"
tap_grep "the virtio console shows the self-test summary" \
	'^2 passed, 0 failed$' "$virtio"
tap_finish
