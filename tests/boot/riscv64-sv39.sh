#!/usr/bin/env bash
# A hart without Sv48 (QEMU: -cpu rv64,sv48=false): the boot code's write
# of Sv48 to satp does not stick, so it falls back to Sv39 (3 levels, the
# kernel's whole layout inside Sv39's 256 GiB upper half), and every
# self-test must pass there too.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
BOOT_CPU=rv64,sv48=false boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" \
	-kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "Sv39 paging chosen" '^riscv: boot hart [0-9]+, Sv39 paging' "$out"
tap_grep "the walker uses 3 levels" '^# Sv39, [0-9]+ page-table pages' "$out"
tap_finish
