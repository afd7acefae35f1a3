#!/usr/bin/env bash
# The exception path on aarch64: "fault_test" makes the kernel read address
# 0x10, where nothing is mapped (TTBR0 walks are off).  The data abort must
# be reported by exception class with its fault status and address, every
# register and a symbolic backtrace, then the machine powers off with the
# failure status at once.
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
BOOT_CPU=cortex-a72 boot_qemu "$out" -M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial "file:$out" -kernel "$IMAGE" -append fault_test

judge_crash "$out" '^machv: CPU exception: data abort \(EC 0x25\) from EL1, ESR 0x[0-9a-f]+$' \
	'data abort reported by exception class' '(^| )pc +[0-9a-f]{16} '
tap_grep "fault address and status decoded" \
	'^ *fault address 0x10 \(translation fault, level [0-3], read\)$' "$out"
tap_grep "all of x0-x30 and sp dumped" ' x30 [0-9a-f]{16} sp +[0-9a-f]{16}$' "$out"
tap_finish
