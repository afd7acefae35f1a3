#!/usr/bin/env bash
# The exception path: "fault_test" on the command line makes the kernel read
# an unmapped address right after boot.  The page fault must be reported by
# vector and name with a register dump and a symbolic backtrace, then the
# machine powers off with the failure status at once.

# A boot to the fault takes well under a second; 30 s is only a safety net.
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -kernel "$MACHV_KERNEL" -append fault_test

judge_crash "$out" 'CPU exception 14 \(page fault\)' 'page fault reported (CPU exception 14)' \
	'(^| )rip [0-9a-f]{16}'
tap_finish
