#!/usr/bin/env bash
# The console on virtio-mmio only (-serial none): the kernel finds QEMU
# virt's virtio-mmio slots in the device tree, routes their PLIC sources,
# and the TAP can only arrive through its virtio console (which replays
# the boot log, banner included, when it registers).  force-legacy=false
# gives virtio 1.x devices.  A second console is looped back on itself
# (loop_console_args in lib.sh) for the virtio_console_loop round trip,
# which ktest_virtio_loop=1 makes mandatory.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
loop_console_args virtio-serial-device vs1
boot_qemu "$out" "${VIRT[@]}" -serial none -global virtio-mmio.force-legacy=false \
	-device virtio-serial-device,id=vs0 -device virtconsole,bus=vs0.0,chardev=vc0 \
	-chardev "file,id=vc0,path=$out" "${LOOP_ARGS[@]}" \
	-kernel "$MACHV_KERNEL" -append "ktest ktest_virtio_loop=1"

judge_tap "$out" --loader="Linux Image"
tap_grep "virtio-mmio consoles found in the device tree" \
	'^virtio: virtio-mmio@0x[0-9a-f]+: console driver ready' "$out"
tap_grep "kernel ran the virtio console loopback test" \
	'^ok [0-9]+ - virtio_console_loop( \([0-9]+ us\))?$' "$out"
tap_finish
