#!/usr/bin/env bash
# microvm with ACPI on (QEMU's default for the machine) and no isa-debug-exit:
# the kernel must power the machine off through ACPI (the FADT's sleep
# control register or PM1 block, S5), so QEMU exits with status 0.  With ACPI
# on, QEMU does not add virtio_mmio.device= words to the command line; the
# boot must still be PVH.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

# An ACPI power-off cannot carry a status: QEMU exits 0 either way, and the
# summary line alone tells success from failure.
STATUS_PASS=0
STATUS_FAIL=0

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M microvm -bios "$QBOOT" -m 128 \
	-serial "file:$out" -kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader=PVH
tap_finish
