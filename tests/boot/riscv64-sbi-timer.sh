#!/usr/bin/env bash
# A hart without Sstc (QEMU: -cpu rv64,sstc=false): the one-shot timer goes
# through the SBI TIME extension's set_timer instead of stimecmp, and the
# timer self-tests must still pass.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
BOOT_CPU=rv64,sstc=false boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" \
	-kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "SBI timer chosen" '^timer: SBI set_timer' "$out"
tap_grep "pv reports the SBI timer" '^pv: clock time-csr, timer sbi-time' "$out"
tap_finish
