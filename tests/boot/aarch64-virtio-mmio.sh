#!/usr/bin/env bash
# aarch64 virt with the console on virtio-mmio only (-serial none): the
# kernel finds the "virtio,mmio" nodes of the device tree, decodes their GIC
# interrupts and drives a modern (force-legacy=false) virtio console.  A
# second console is looped back on itself (loop_console_args in lib.sh) for
# the virtio_console_loop round trip, which ktest_virtio_loop=1 makes
# mandatory.  virt gives the first virtio -device the highest virtio-mmio
# slot, and the tree lists slots by address, so the loopback console comes
# first on the command line to be the last one found.  The boot log is replayed to the virtio console when it
# registers, so the banner shows there too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
loop_console_args virtio-serial-device vs1
BOOT_CPU=cortex-a72 boot_qemu "$out" -M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial none -global virtio-mmio.force-legacy=false "${LOOP_ARGS[@]}" \
	-device virtio-serial-device,id=vs0 -device virtconsole,bus=vs0.0,chardev=vc0 \
	-chardev "file,id=vc0,path=$out" \
	-kernel "$IMAGE" -append "ktest ktest_virtio_loop=1"

judge_tap "$out" --loader="Linux Image"
tap_grep "kernel ran the virtio console loopback test" \
	'^ok [0-9]+ - virtio_console_loop( \([0-9]+ us\))?$' "$out"
tap_finish
