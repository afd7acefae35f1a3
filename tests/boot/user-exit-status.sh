#!/usr/bin/env bash
# Exit status: exitcodes ends with machv_exit(3).  The kernel reports
# "exited with status 3", and since a program failed, the run's verdict is
# failure: QEMU ends with the failure status (which this test expects).
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/exitcodes"
user_relay "$out"
user_no_crash "$out"
tap_grep "exitcodes called machv_exit(3)" '^exitcodes: machv_exit\(3\)$' "$out"
user_exited "$out" exitcodes 3
user_not_killed "$out" exitcodes
user_finished "$out" fail
tap_finish
