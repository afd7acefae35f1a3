#!/usr/bin/env bash
# aarch64 on QEMU's virt board with a GICv2 (memory-mapped CPU interface)
# and -cpu max (1 GHz generic timer, every optional feature on): all
# self-tests pass, interrupts going through the GICv2 driver.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
BOOT_CPU=max boot_qemu "$out" -M virt,gic-version=2 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial "file:$out" -kernel "$IMAGE" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "GICv2 found" '^gic: v2, distributor 0x8000000, cpu interface 0x8010000, ' "$out"
tap_finish
