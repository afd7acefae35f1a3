#!/usr/bin/env bash
# microvm without ACPI, console on virtio-mmio only (-serial none).  QEMU
# describes each virtio-mmio device by appending "virtio_mmio.device=
# SIZE@BASE:IRQ" to the PVH command line; the kernel must find its console
# from those words.  force-legacy=false gives virtio 1.x (modern) devices.
# A second console is looped back for the virtio_console_loop test.  The
# machine has no RTC (rtc=off): the time of day starts at the epoch.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
loop_console_args virtio-serial-device vs1
boot_qemu "$out" -M microvm,acpi=off,rtc=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" -serial none \
	-global virtio-mmio.force-legacy=false \
	-device virtio-serial-device,id=vs0 -device virtconsole,bus=vs0.0,chardev=vc0 \
	-chardev "file,id=vc0,path=$out" "${LOOP_ARGS[@]}" \
	-kernel "$MACHV_KERNEL" -append "ktest ktest_virtio_loop=1"

# The banner reaches this late console through the boot-log replay (see
# q35-virtio-pci.sh).
judge_tap "$out" --loader=PVH
tap_grep "kernel ran the virtio console loopback test" \
	'^ok [0-9]+ - virtio_console_loop( \([0-9]+ us\))?$' "$out"
tap_grep "no RTC: the time of day starts at the epoch" \
	'^rtc: no real-time clock; the time of day starts at the epoch$' "$out"
tap_grep "and the RTC self-test says why it skips" \
	'^ok [0-9]+ - rtc_sets_the_time_of_day( \([0-9]+ us\))? # SKIP no real-time clock' "$out"
tap_finish
