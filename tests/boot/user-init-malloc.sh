#!/usr/bin/env bash
# malloc over vm_allocate (guests/lib/mach/malloc.c): malloc-test checks
# every size class and big blocks, reuse, realloc, calloc and a mixed
# workload; every case it prints must pass (see user-mach-lib.sh).
. "$(dirname "$0")/user-mach-lib.sh"
mach_suite_run malloc-test
