#!/usr/bin/env bash
# The exception path on riscv64: "fault_test" makes the kernel load from
# address 0x10, which nothing maps.  The load page fault must be reported
# by cause number and name with stval (the address), sstatus, every
# register and a symbolic backtrace, then the machine powers off at once
# with the failure status (QEMU exits 1 through the test finisher).
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" -kernel "$MACHV_KERNEL" -append fault_test

judge_crash "$out" 'CPU exception 13 \(load page fault\), scause 0xd' \
	'load page fault reported (scause 13)' "$RISCV_REGS_ERE"
tap_grep "the faulting address is in stval" '^ +stval 0000000000000010 ' "$out"
tap_grep "every register is dumped" '^ +t4 +[0-9a-f]{16} t5 +[0-9a-f]{16} t6 +[0-9a-f]{16}$' "$out"
tap_finish
