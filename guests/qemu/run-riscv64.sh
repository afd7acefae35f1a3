#!/usr/bin/env bash
# run-riscv64.sh KERNEL ACCEL [QEMU ARGS...]: boot KERNEL interactively on
# QEMU's riscv64 virt machine, the way `./machv run riscv64` does.  ACCEL is
# kvm (a riscv64 host with KVM: -cpu host) or tcg (anywhere: -cpu max).
# It boots to the shell (run-lib.sh: boot_programs); extra arguments go to
# QEMU, e.g. -append "ktest" instead.
#
# Firmware is QEMU's default, OpenSBI, which enters the kernel in S-mode
# (KERNEL may be the ELF file or a raw Image made with
# `llvm-objcopy -O binary machv Image`).  256 MiB of RAM.  Consoles:
#   - the terminal is the virtio console (virtio-serial-device on
#     virtio-mmio, found in the device tree), the product's console: kernel
#     output, and what you type goes to the kernel (Ctrl-C included).  It
#     shares the terminal with QEMU's monitor through a multiplexer:
#     Ctrl-A C switches between them, Ctrl-A X quits QEMU, Ctrl-A H lists
#     the rest;
#   - the 16550 UART (and OpenSBI's banner) goes to a log file
#     (MACHV_UART_LOG, default uart.log beside the kernel).  The kernel
#     prints everything on every console, and the UART is the only console
#     from the first instruction on (through the SBI), before the virtio
#     driver is up, so its end is shown here if the kernel crashed before
#     the virtio console could say so.
set -euo pipefail

. "$(dirname "$0")/run-lib.sh"
run_args run-riscv64 "$@"
shift "$run_shift"
boot_programs "$@"

uart_log=$(early_log MACHV_UART_LOG uart.log)
echo "run-riscv64: console on this terminal (Ctrl-A X quits, Ctrl-A C monitor); UART log: $uart_log" >&2

run_qemu qemu-system-riscv64 -M virt -accel "$accel" -cpu "$cpu" -m 256 \
	-nodefaults -no-user-config -display none \
	-global virtio-mmio.force-legacy=false \
	-chardev stdio,id=term,mux=on,signal=off \
	-device virtio-serial-device,id=vs0 -device virtconsole,bus=vs0.0,chardev=term \
	-mon chardev=term,mode=readline \
	-chardev "file,id=uart,path=$uart_log" -serial chardev:uart \
	-kernel "$kernel" "${programs[@]}" "$@"

# A crash before the virtio console started is visible only on the UART.
report_crash "$uart_log" UART
exit "$status"
