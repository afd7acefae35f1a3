#!/usr/bin/env bash
# FP/SIMD state: two fpcheck tasks fill every FP/SIMD register with values
# of their own, spin ~60 ms while the timer switches between them, and
# check the registers kept their values, six rounds each.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/fpcheck,/fpcheck"
user_relay "$out"
user_no_crash "$out"
n=$(console_text "$out" | grep -cE '^fpcheck: [0-9]+ registers of [0-9]+ bytes')
[ "$n" -eq 2 ]
tap_result $? "both fpcheck tasks started ($n of 2)"
bad=$(console_text "$out" | grep -c '^fpcheck: FAIL')
[ "$bad" -eq 0 ]
tap_result $? "no round found a changed register ($bad bad rounds)"
n=$(console_text "$out" | grep -cE '^fpcheck: all 6 rounds intact$')
[ "$n" -eq 2 ]
tap_result $? "both report all rounds intact ($n of 2)"
user_not_killed "$out" fpcheck
n=$(console_text "$out" | grep -cE "$(user_task_re fpcheck) exited with status 0\$")
[ "$n" -eq 2 ]
tap_result $? "both exited with status 0 ($n of 2)"
user_finished "$out" pass
tap_finish
