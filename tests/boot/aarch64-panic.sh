#!/usr/bin/env bash
# The panic path on aarch64: "panic_test" makes the kernel panic right
# after boot.  It must say why, print a symbolic backtrace and power off
# with the failure status at once (semihosting exit 3).
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
BOOT_CPU=cortex-a72 boot_qemu "$out" -M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial "file:$out" -kernel "$IMAGE" -append panic_test

judge_crash "$out" 'panic: panic_test requested' 'panic message printed'
tap_finish
