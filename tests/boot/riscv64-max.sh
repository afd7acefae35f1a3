#!/usr/bin/env bash
# QEMU's "max" riscv64 CPU: every extension QEMU has, Svpbmt among them, so
# device mappings carry the I/O memory type (PBMT) and must still work
# (PLIC, UART, the ioremap self-tests).
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
BOOT_CPU=max boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" \
	-kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "Svpbmt used" '^riscv: boot hart [0-9]+, Sv48 paging, .*Svpbmt' "$out"
tap_finish
