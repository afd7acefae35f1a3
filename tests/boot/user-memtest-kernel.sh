#!/usr/bin/env bash
# Isolation: memtest reads the kernel's text from user mode.  The kernel
# must kill it with a diagnostic naming the address, and hello-a, running
# beside it, must still finish.  memtest is listed as `memtest!` (expected
# to be killed), so the run's verdict is success.
. "$(dirname "$0")/user-lib.sh"
user_memtest_case kernel 'reading kernel address' read ''
