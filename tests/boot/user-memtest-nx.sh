#!/usr/bin/env bash
# W^X: memtest jumps into its own writable data.  The fetch must fault (no
# execute permission) and kill it; hello-a finishes beside it.
. "$(dirname "$0")/user-lib.sh"
user_memtest_case nx 'jumping to data at' exec 'protection'
