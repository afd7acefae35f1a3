#!/usr/bin/env bash
# q35 with qboot and a direct PVH boot, the console on virtio-pci only: no
# serial port exists (-nodefaults, -serial none), so the self-test TAP can
# only arrive through the kernel's virtio console driver.  A second virtio
# console is looped back on itself (see loop_console_args in lib.sh) for the
# kernel's virtio_console_loop round-trip test, which ktest_virtio_loop=1
# makes mandatory.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
loop_console_args virtio-serial-pci vs1
boot_qemu "$out" -M q35 -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" -serial none \
	-device virtio-serial-pci,id=vs0 -device virtconsole,bus=vs0.0,chardev=vc0 \
	-chardev "file,id=vc0,path=$out" "${LOOP_ARGS[@]}" \
	-kernel "$MACHV_KERNEL" -append "ktest ktest_virtio_loop=1"

# The banner is printed before any virtio device is found; the console layer
# replays the boot log to a console that registers late, so it shows here.
judge_tap "$out" --loader=PVH
tap_grep "kernel ran the virtio console loopback test" \
	'^ok [0-9]+ - virtio_console_loop( \([0-9]+ us\))?$' "$out"
tap_finish
