#!/usr/bin/env bash
# Priorities: hog spins for 2 s at Mach priority 30 (least urgent but one)
# while hipri, at priority 8, sleeps 50 ms and works 10 ms five times.
# Each time its sleep ends hipri must take the CPU back from the spinning
# hog, so "hipri done" comes while the hog is still spinning.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/hog@30,/hipri@8"
user_relay "$out"
user_no_crash "$out"

hog_start=$(user_line_of "$out" '^hog: start')
hipri_done=$(user_line_of "$out" '^hipri done')
hog_done=$(user_line_of "$out" '^hog: done')
[ -n "$hipri_done" ]
tap_result $? "hipri printed \"hipri done\""
[ -n "$hog_start" ] && [ -n "$hog_done" ]
tap_result $? "hog started and finished"
[ -n "$hog_start" ] && [ -n "$hipri_done" ] && [ -n "$hog_done" ] &&
	[ "$hog_start" -lt "$hipri_done" ] && [ "$hipri_done" -lt "$hog_done" ]
tap_result $? "\"hipri done\" came while the hog was spinning (lines: hog start ${hog_start:-?}, hipri done ${hipri_done:-?}, hog done ${hog_done:-?})"
n=$(console_text "$out" | grep -cE '^hipri: round [1-5] slept [0-9]+ ms')
[ "$n" -eq 5 ]
tap_result $? "hipri ran its 5 rounds ($n)"
user_exited "$out" hipri 0
user_exited "$out" hog 0
user_finished "$out" pass
tap_finish
