#!/usr/bin/env bash
# Isolation: memtest reads a user address where nothing is mapped (below
# its own text).  Killed with "not mapped"; hello-a finishes beside it.
. "$(dirname "$0")/user-lib.sh"
user_memtest_case unmapped 'reading unmapped address' read 'not mapped'
