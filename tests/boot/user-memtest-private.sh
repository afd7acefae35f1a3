#!/usr/bin/env bash
# Separate address spaces: two memtest tasks keep different values in the
# same global variable, at the same virtual address, for 300 ms of sharing
# the CPU; neither may ever see the other's value.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/memtest,/memtest"
user_relay "$out"
user_no_crash "$out"

mapfile -t lines < <(console_text "$out" | sed -nE 's/^memtest: private value (0x[0-9a-f]+) at (0x[0-9a-f]+)$/\1 \2/p')
[ "${#lines[@]}" -eq 2 ]
tap_result $? "both memtest tasks announced their private value (${#lines[@]} of 2)"
if [ "${#lines[@]}" -eq 2 ]; then
	read -r v1 a1 <<<"${lines[0]}"
	read -r v2 a2 <<<"${lines[1]}"
	[ "$a1" = "$a2" ]
	tap_result $? "both kept it at the same virtual address ($a1, $a2)"
	[ "$v1" != "$v2" ]
	tap_result $? "with different values ($v1, $v2)"
fi
n=$(console_text "$out" | grep -cE '^memtest: private data intact after [1-9][0-9]* checks$')
[ "$n" -eq 2 ]
tap_result $? "both found their value intact to the end ($n of 2)"
n=$(console_text "$out" | grep -cE "$(user_task_re memtest) exited with status 0\$")
[ "$n" -eq 2 ]
tap_result $? "both exited with status 0 ($n of 2)"
user_finished "$out" pass
tap_finish
