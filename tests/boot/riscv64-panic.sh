#!/usr/bin/env bash
# The panic path on riscv64: "panic_test" makes the kernel panic right after
# boot.  It must say why, print a symbolic backtrace (frame pointers: ra at
# fp-8) and power off at once with the failure status (QEMU exits 1 through
# the test finisher).
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" -kernel "$MACHV_KERNEL" -append panic_test

judge_crash "$out" 'panic: panic_test' 'panic message printed'
tap_grep "backtrace reaches kmain" '#[0-9]+ +[0-9a-f]+ kmain\+0x' "$out"
tap_finish
