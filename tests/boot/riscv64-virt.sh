#!/usr/bin/env bash
# The reference riscv64 boot: QEMU virt, default CPU (Sv48 paging, Sstc
# timer), OpenSBI, the ELF kernel with -kernel, console on the 16550 UART.
# Every self-test runs; the SBI report, the hypervisor verdict (none under
# TCG) and a small -initrd as module 0 are checked too.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel

out=$BOOT_WORKDIR/console
initrd=$BOOT_WORKDIR/initrd.img
printf 'machv boot test module\n' > "$initrd"
size=$(wc -c < "$initrd")

boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" \
	-kernel "$MACHV_KERNEL" -initrd "$initrd" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "SBI probed: OpenSBI, SBI v2, the six extensions" \
	'^sbi: OpenSBI [0-9]+\.[0-9]+, SBI v2\.[0-9]+, extensions: TIME IPI RFENCE HSM SRST DBCN' "$out"
tap_grep "no hypervisor under TCG" '^hv: none detected' "$out"
tap_grep "Sv48 paging on the default CPU" '^riscv: boot hart [0-9]+, Sv48 paging' "$out"
tap_grep "Sstc timer on the default CPU" '^pv: clock time-csr, timer sstc' "$out"
tap_grep "the -initrd file is module 0 ($size bytes)" \
	"^boot: module 0 at 0x[0-9a-f]+, $size bytes" "$out"
tap_grep "the time of day comes from the Goldfish RTC" '^rtc: Goldfish RTC: (20[2-9][0-9])-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC$' "$out"
tap_finish
