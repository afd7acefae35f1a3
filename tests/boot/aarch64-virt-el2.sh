#!/usr/bin/env bash
# aarch64 entered at EL2 (QEMU virt,virtualization=on: the Image protocol
# then starts the kernel in EL2, and PSCI is reached with smc).  The kernel
# drops to EL1 itself (HCR_EL2.RW, timers and GICv3 system registers opened
# to EL1, eret); with a GICv3 and -cpu max all self-tests must pass.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
BOOT_CPU=max boot_qemu "$out" -M virt,virtualization=on,gic-version=3 -m 128 \
	"${AARCH64_SEMIHOSTING[@]}" -serial "file:$out" -kernel "$IMAGE" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "entered at EL2" '^boot: entered at EL2, ' "$out"
tap_grep "SMCCC conduit is smc" '^smccc: version [0-9.]+ via smc, ' "$out"
tap_grep "GICv3 usable from EL1" '^gic: v3, ' "$out"
tap_finish
