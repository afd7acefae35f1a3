#!/usr/bin/env bash
# Isolation and W^X: memtest writes to its own read-only text.  Killed for
# a write that the protection forbids; hello-a finishes beside it.
. "$(dirname "$0")/user-lib.sh"
user_memtest_case rotext 'writing read-only text at' write 'protection'
