#!/usr/bin/env bash
# The Mach test suite: mt-notify (guests/programs/mt-notify.c), run in the guest;
# every case it prints must pass (see user-mach-lib.sh).
. "$(dirname "$0")/user-mach-lib.sh"
mach_suite_run mt-notify
