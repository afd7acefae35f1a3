#!/usr/bin/env bash
# The in-guest benchmark runs and prints its figures: null trap, self
# trap, page fault, thread switch and the IPC round trips (own port, a
# server thread, a server task) (init=/bench), and task switch
# (init=/bench,/bench-peer -- tasks), each in counter ticks and in ns per
# operation.  Not judged for speed: only that every figure appears and is
# positive.  tests/bench/user-bench.sh makes the table of docs/benchmarks.md.
. "$(dirname "$0")/user-lib.sh"

user_require

# bench_figures CONSOLE NAME...: every NAME printed in both units, > 0.
bench_figures() {
	local out=$1 name unit v
	shift
	for name in "$@"; do
		for unit in ticks ns; do
			v=$(console_text "$out" | sed -nE "s/^bench: $name ([0-9]+) $unit\/op\$/\1/p" | head -n1)
			[ -n "$v" ] && [ "$v" -gt 0 ]
			tap_result $? "bench: $name printed as a positive $unit/op figure (${v:-none})"
		done
	done
}

out=$BOOT_WORKDIR/console-single
user_boot "$out" "init=/bench"
user_relay "$out"
user_no_crash "$out"
bench_figures "$out" null_trap self_trap page_fault thread_switch
bench_figures "$out" ipc_self rpc_thread rpc_task
user_exited "$out" bench 0
user_finished "$out" pass

out=$BOOT_WORKDIR/console-tasks
user_boot "$out" "init=/bench,/bench-peer -- tasks"
user_relay "$out"
user_no_crash "$out"
bench_figures "$out" task_switch
user_exited "$out" bench 0
user_exited "$out" bench-peer 0
user_finished "$out" pass
tap_finish
