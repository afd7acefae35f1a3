#!/usr/bin/env bash
# The reference boot: QEMU's microvm machine without ACPI, qboot firmware and
# a direct PVH kernel boot, console on COM1.  The kernel runs every self-test
# and ends QEMU through isa-debug-exit (status 1 when all passed).  A small
# -initrd rides along and must show up as the kernel's module 0.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
initrd=$BOOT_WORKDIR/initrd.img
printf 'machv boot test module\n' > "$initrd"
size=$(wc -c < "$initrd")

boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -kernel "$MACHV_KERNEL" -initrd "$initrd" -append ktest

judge_tap "$out" --loader=PVH
tap_grep "the -initrd file is module 0 ($size bytes)" \
	"^boot: module 0 at 0x[0-9a-f]+, $size bytes" "$out"
tap_grep "the time of day comes from the CMOS clock" '^rtc: CMOS clock: (20[2-9][0-9])-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC$' "$out"
tap_finish
