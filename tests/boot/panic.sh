#!/usr/bin/env bash
# The panic path: "panic_test" on the command line makes the kernel panic
# right after boot.  It must say why, print a symbolic
# backtrace and power off with the failure status at once, so that a test
# harness sees a failure in milliseconds instead of waiting for a timeout.

# A boot to the panic takes well under a second; 30 s is only a safety net.
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -kernel "$MACHV_KERNEL" -append panic_test

judge_crash "$out" 'panic: ' 'panic message printed'
tap_finish
