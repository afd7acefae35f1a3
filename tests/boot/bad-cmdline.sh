#!/usr/bin/env bash
# Bad input on the kernel command line must be reported clearly and never
# stop the boot: an unknown option is named and ignored, and an unknown
# self-test name is named and counted as a failure, so the run ends with a
# failure summary and QEMU status 3.  Here that failure is the expected
# behaviour, and this test passes when it is seen.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -kernel "$MACHV_KERNEL" \
	-append "ktest=definitely_not_a_test bogus_option=1"

judge_tap "$out" --expect=fail --loader=PVH
tap_grep "the unknown option is named" \
	"unknown boot option 'bogus_option=1'" "$out"
tap_grep "the unknown test name is named" \
	"ktest: no test named 'definitely_not_a_test'" "$out"
tap_grep "no test ran (plan 1..0) and the summary counts the bad name" \
	'^0 passed, 1 failed$' "$out"
tap_finish
