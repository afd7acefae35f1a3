#!/usr/bin/env bash
# Preemption: hello-a and hello-b each print their letter ten times with
# 30 ms of busy work before each print, neither ever yielding.  On one CPU
# both can only progress together if the timer preempts them, so their
# lines must interleave (not AAAAAAAAAABBBBBBBBBB); both exit 0 and the run
# ends with the success status.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/hello-a,/hello-b"
user_relay "$out"
user_no_crash "$out"

for p in a b; do
	P=${p^^}
	n=$(console_text "$out" | grep -cE "^hello-$p: $P [0-9]+/10\$")
	[ "$n" -eq 10 ]
	tap_result $? "hello-$p printed its letter 10 times (got $n)"
	tap_grep "hello-$p finished its loop" "^hello-$p: done\$" "$out"
	user_exited "$out" "hello-$p" 0
done

seq=$(console_text "$out" | sed -nE 's/^hello-[ab]: ([AB]) [0-9]+\/10$/\1/p' | tr -d '\n')
changes=0
for ((i = 1; i < ${#seq}; i++)); do
	[ "${seq:i:1}" != "${seq:i-1:1}" ] && changes=$((changes + 1))
done
[ "$changes" -ge 3 ]
tap_result $? "the letters interleave: $seq ($changes changes, at least 3 wanted)"

user_finished "$out" pass
tap_finish
