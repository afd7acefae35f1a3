#!/usr/bin/env bash
# `./machv run` boots to the shell: the launch script of this
# architecture (guests/qemu/run-ARCH.sh, TCG), its console on the
# terminal, is driven by tests/boot/console-driver.py like a person at the
# keyboard: the shell's prompt appears, a command runs, poweroff ends
# QEMU.  (tests/boot/user-shell.sh tests the shell itself.)
. "$(dirname "$0")/user-init-lib.sh"

init_require init cpiofs sh echo
boot_require_tool python3

kernel=$MACHV_KERNEL
[ "$MACHV_ARCH" = x86_64 ] || kernel=$MACHV_KERNEL.Image
launch=("$MACHV_SRCDIR/guests/qemu/run-$MACHV_ARCH.sh" "$kernel" tcg)

T=120
P='machv:/\$ $'
script=$BOOT_WORKDIR/script
{
	printf 'expect\t%s\t^init: started /sh$\t%s\n' $T "init starts the shell"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "the shell prints its prompt on the terminal"
	printf 'send\techo launched by run-%s\\r\n' "$MACHV_ARCH"
	printf 'expect\t%s\t^launched by run-%s$\t%s\n' $T "$MACHV_ARCH" "a command runs"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "and the prompt comes back"
	printf 'send\tpoweroff\\r\n'
	printf 'exit\t%s\t%s\n' $T "poweroff ends QEMU"
} > "$script"

out=$BOOT_WORKDIR/console
report=$BOOT_WORKDIR/report
tap_diag "running: $(shell_words "${launch[@]}")"
MACHV_COM1_LOG=$BOOT_WORKDIR/com1.log MACHV_PL011_LOG=$BOOT_WORKDIR/pl011.log \
MACHV_UART_LOG=$BOOT_WORKDIR/uart.log \
	timeout -k 5 300 python3 "$(dirname "$0")/console-driver.py" --timeout 280 \
	--log "$out" --script "$script" -- "${launch[@]}" > "$report" 2>&1
rc=$?
user_relay "$out"
[ "$rc" -eq 0 ]
tap_result $? "the console driver finished (status $rc)"
while IFS= read -r line; do
	case $line in
	"ok - "*) tap_ok "${line#ok - }" ;;
	"not ok - "*) tap_not_ok "${line#not ok - }" ;;
	"qemu-status "*) ;;
	*) tap_diag "driver: $line" ;;
	esac
done < "$report"
user_no_crash "$out"
tap_finish
