#!/usr/bin/env bash
# Mach IPC from user space: ipc-ping's two threads exchange 200 requests
# and answers through mach_msg (a send-once reply right in the header, a
# send right in the body) and check each one.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/ipc-ping"
user_relay "$out"
user_no_crash "$out"
tap_grep "every round trip came back right" '^ipc-ping: 200 of 200 round trips ok' "$out"
tap_grep "out-of-line bytes and a port array arrive intact" '^ipc-ping: out-of-line bytes and ports ok' "$out"
user_not_killed "$out" ipc-ping
user_exited "$out" ipc-ping 0
user_finished "$out" ok
tap_finish
