#!/usr/bin/env bash
# A program the initrd does not have: the kernel says so in plain words,
# naming it ("init: no program /nope in the initrd", or the loader's
# "init: /nope: no such file in the initrd"), does not crash, and powers off
# with the failure status.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/nope"
user_relay "$out"
tap_grep "the kernel names the missing program" \
	'^init: (no program /nope in the initrd|/nope: no such file in the initrd)$' "$out"
user_stops_cleanly "$out"
tap_finish
