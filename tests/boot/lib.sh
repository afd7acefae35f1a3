# Shared helpers for the boot tests (sourced, not run).
# shellcheck shell=bash
#
# A boot test starts QEMU on the kernel, captures the console to a file and
# turns what it sees into TAP for Automake's tap-driver.  Results are printed
# as they are decided and the plan "1..K" comes last (TAP allows that), so a
# test never has to know in advance how many results the kernel will report.
# A whole test is skipped by printing "1..0 # SKIP reason" before any result.
# The script's exit status is always 0: tap-driver judges from the TAP alone.
#
# Environment (set by Makefile.am's AM_TESTS_ENVIRONMENT; defaults allow
# running a test by hand from the source tree):
#   MACHV_SRCDIR MACHV_BUILDDIR MACHV_KERNEL MACHV_ARCH
#   BOOT_TIMEOUT  seconds before QEMU is killed (a safety net only: in the
#                 normal case the kernel powers off by itself)
#   MACHV_KEEP=1  keep the test's work directory (console logs, ISO) after it
set -u

: "${MACHV_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MACHV_ARCH:=x86_64}"
: "${MACHV_BUILDDIR:=$MACHV_SRCDIR/build/$MACHV_ARCH}"
: "${MACHV_KERNEL:=$MACHV_BUILDDIR/machv}"
: "${BOOT_TIMEOUT:=120}"

BOOT_TEST=$(basename "$0" .sh)
QEMU=qemu-system-$MACHV_ARCH
# QEMU's isa-debug-exit turns the kernel's power-off value v into (v << 1) | 1.
DEBUG_EXIT=(-device 'isa-debug-exit,iobase=0xf4,iosize=4')
STATUS_PASS=1
STATUS_FAIL=3

# ------------------------------------------------------------------ TAP

tap_count=0

tap_plain() { printf '%s\n' "$*"; }

# Every line of stdin (or of the arguments) as a TAP comment.
tap_diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

tap_ok() { tap_count=$((tap_count + 1)); tap_plain "ok $tap_count - $*"; }
tap_not_ok() { tap_count=$((tap_count + 1)); tap_plain "not ok $tap_count - $*"; }

# tap_result STATUS DESC: ok when STATUS is 0 (use as: cond; tap_result $? "...").
tap_result() {
	if [ "$1" -eq 0 ]; then tap_ok "$2"; else tap_not_ok "$2"; fi
	return "$1"
}

# tap_grep DESC ERE CONSOLE_FILE: ok when some line of the console (as
# console_text cleans it) matches ERE.
tap_grep() {
	if console_text "$3" | grep -Eq -- "$2"; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "no line matches /$2/"
		return 1
	fi
}

# Skip the whole test.  Only valid before the first result.
tap_skip_all() {
	if [ "$tap_count" -ne 0 ]; then
		tap_not_ok "test wanted to skip after reporting results: $*"
		tap_finish
	fi
	tap_plain "1..0 # SKIP $*"
	boot_cleanup
	exit 0
}

# Print the plan and leave.
tap_finish() {
	tap_plain "1..$tap_count"
	boot_cleanup
	exit 0
}

# ------------------------------------------------------------ work files

BOOT_WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/machv-$BOOT_TEST.XXXXXX") || {
	echo "1..0 # SKIP cannot create a temporary directory"
	exit 0
}

boot_cleaned=0
boot_cleanup() {
	[ "$boot_cleaned" = 1 ] && return 0
	boot_cleaned=1
	if [ "${MACHV_KEEP:-0}" = 1 ]; then
		echo "# work directory kept: $BOOT_WORKDIR"
	else
		rm -rf "$BOOT_WORKDIR"
	fi
}
trap 'boot_cleanup' EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------- preflight

# Skip the test when what it needs is missing: the kernel, QEMU, a tool.
boot_require_kernel() {
	[ -r "$MACHV_KERNEL" ] || tap_skip_all "no kernel at $MACHV_KERNEL (build it first)"
	command -v "$QEMU" >/dev/null 2>&1 || tap_skip_all "$QEMU is not installed (run scripts/setup-debian.sh)"
	command -v timeout >/dev/null 2>&1 || tap_skip_all "coreutils' timeout is missing"
}

boot_require_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || tap_skip_all "$t is not installed (run scripts/setup-debian.sh)"
	done
}

# The path of QEMU's qboot firmware: a fast BIOS for direct kernel boots
# (SeaBIOS works too but spends most of a short boot in itself).
find_qboot() {
	local d
	for d in /usr/share/qemu /usr/share/qemu-efi /usr/local/share/qemu; do
		[ -r "$d/qboot.rom" ] && { echo "$d/qboot.rom"; return 0; }
	done
	# `-L help` lists the directories this QEMU searches for firmware.
	while IFS= read -r d; do
		[ -r "$d/qboot.rom" ] && { echo "$d/qboot.rom"; return 0; }
	done < <("$QEMU" -L help 2>/dev/null)
	return 1
}

boot_require_qboot() {
	QBOOT=$(find_qboot) || tap_skip_all "QEMU's qboot.rom firmware was not found"
}

# A free UDP port on 127.0.0.1, for a console looped back to itself.
free_udp_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null && return 0
	# Without python: a random high port nobody has bound (per /proc/net/udp).
	local p hex
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + RANDOM % 40000))
		hex=$(printf ':%04X ' "$p")
		grep -q "$hex" /proc/net/udp 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# Sets LOOP_ARGS to QEMU arguments for a virtio console whose output comes
# back as its input: a UDP chardev that sends to its own address (QEMU only,
# no helper process; a datagram socket keeps each write whole).
#   loop_console_args SERIAL_DEVICE ID   e.g. virtio-serial-pci vs1
loop_console_args() {
	local port
	port=$(free_udp_port) || tap_skip_all "no free UDP port for the loopback console"
	LOOP_ARGS=(-device "$1,id=$2"
		-device "virtconsole,bus=$2.0,chardev=$2loop"
		-chardev "udp,id=$2loop,host=127.0.0.1,port=$port,localaddr=127.0.0.1,localport=$port")
}

# ------------------------------------------------------------------ boot

# boot_qemu CONSOLE_FILE QEMU_ARGS...: run QEMU with TCG, no default devices
# and no display, under timeout; the arguments must send the console to
# CONSOLE_FILE (for example -serial file:CONSOLE_FILE).  QEMU's own messages
# go to CONSOLE_FILE.qemu.  Sets BOOT_STATUS (QEMU's exit status), BOOT_MS,
# and BOOT_TIMED_OUT (1 when QEMU had to be killed), and returns BOOT_STATUS.
# BOOT_ACCEL (default tcg) and BOOT_CPU (default max) may be overridden.
#
# Once the kernel has said its last words (the self-test summary, a panic,
# "machv: stopping" after a CPU exception) it must power off at once; if it
# has not after BOOT_POWEROFF_GRACE seconds, QEMU is stopped then, so a
# broken power-off costs seconds rather than the whole timeout.  Reaching
# the interactive console in a test means the kernel ignored what it was
# asked to do: the same grace applies.
: "${BOOT_POWEROFF_GRACE:=10}"
BOOT_LAST_WORDS='^([0-9]+ passed, [0-9]+ failed|machv: panic:|machv: stopping|machv: console ready)'

boot_qemu() {
	local out=$1
	shift
	local cmd=(timeout -k 5 "$BOOT_TIMEOUT" "$QEMU" -accel "${BOOT_ACCEL:-tcg}"
		-cpu "${BOOT_CPU:-max}" -nodefaults -no-user-config -display none "$@")
	: > "$out"
	rm -f "$out.killed"
	tap_diag "running: $(shell_words "${cmd[@]}")"
	local t0 t1 qpid wpid
	t0=$(date +%s%N)
	"${cmd[@]}" < /dev/null > "$out.qemu" 2>&1 &
	qpid=$!
	boot_watch_poweroff "$out" "$qpid" >/dev/null 2>&1 &
	wpid=$!
	wait "$qpid"
	BOOT_STATUS=$?
	t1=$(date +%s%N)
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	BOOT_MS=$(((t1 - t0) / 1000000))
	BOOT_TIMED_OUT=0
	BOOT_KILLED_WHY="killed after the ${BOOT_TIMEOUT} s timeout"
	case $BOOT_STATUS in 124 | 137) BOOT_TIMED_OUT=1 ;; esac
	if [ -e "$out.killed" ]; then
		BOOT_TIMED_OUT=1
		BOOT_KILLED_WHY="killed, no power-off within ${BOOT_POWEROFF_GRACE} s of the kernel's last line"
	fi
	tap_diag "QEMU exited with status $BOOT_STATUS after $BOOT_MS ms"
	if [ -s "$out.qemu" ]; then
		tap_diag "QEMU said:"
		head -n 20 "$out.qemu" | tap_diag
	fi
	return "$BOOT_STATUS"
}

# The arguments as one line a shell would split back into them.
shell_words() {
	local a line=
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=,@+%-]+$ ]]; then
			line+="$a "
		else
			line+="$(printf '%q' "$a") "
		fi
	done
	echo "${line% }"
}

# Runs beside QEMU (pid $2, the timeout process): once the console shows the
# kernel's last words, give it the grace period, then stop it.  Short sleeps
# only, so that nothing outlives the test by more than a moment.
boot_watch_poweroff() {
	local out=$1 pid=$2 waited=0
	while ! grep -Eq "$BOOT_LAST_WORDS" "$out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	while [ "$waited" -lt $((BOOT_POWEROFF_GRACE * 5)) ]; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
		waited=$((waited + 1))
	done
	touch "$out.killed"
	kill -TERM "$pid" 2>/dev/null
}

# The console as plain text: no carriage returns, terminal escapes (GRUB
# draws its menu with them) or other control characters; bounded, in case a
# runaway kernel printed without end.
console_text() {
	tr -d '\r\000' < "$1" | head -n 5000 |
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tr -d '\001-\010\013-\037'
}

console_tail() {
	if [ -s "$1" ]; then
		console_text "$1" | tail -n "${2:-30}"
	else
		echo "(the console is empty)"
	fi
}

# boot_finished CONSOLE_FILE: ok when QEMU stopped by itself (the kernel
# powered off) rather than being killed by the timeout or the grace rule.
boot_finished() {
	if [ "$BOOT_TIMED_OUT" -eq 0 ]; then
		tap_ok "QEMU finished by itself ($BOOT_MS ms)"
	else
		tap_not_ok "QEMU finished by itself: $BOOT_KILLED_WHY"
		tap_diag "last console lines:"
		console_tail "$1" | tap_diag
		return 1
	fi
}

# judge_tap CONSOLE_FILE [options]: relay the kernel's self-test TAP and add
# this harness's own checks.
#   --expect=pass  (default) every kernel test passed: summary "N passed,
#                  0 failed", QEMU status $STATUS_PASS
#   --expect=fail  the kernel must report failure: summary with failures,
#                  QEMU status $STATUS_FAIL
#   --no-banner    do not require the boot banner (a console that only
#                  starts after it was printed, such as virtio)
#   --loader=NAME  the banner must say "booting via NAME"
# Console lines that are not TAP are relayed as "# | line" comments, so the
# test's log holds the whole console.  Kernel results are renumbered into
# this test's numbering; the kernel's plan is checked against its results.
judge_tap() {
	local out=$1
	shift
	local expect=pass banner=1 loader='' opt
	for opt in "$@"; do
		case $opt in
			--expect=*) expect=${opt#--expect=} ;;
			--no-banner) banner=0 ;;
			--loader=*) loader=${opt#--loader=} ;;
			*) echo "judge_tap: unknown option $opt" >&2; return 2 ;;
		esac
	done

	local line state=boot plan='' results=0 oks=0 summary='' passed='' failed='' skipped=0 seen_banner=''
	local re_result='^(not )?ok [0-9]+( -)? ?(.*)$'
	local re_summary='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
	while IFS= read -r line; do
		case $state in
		boot | after)
			if [ "$state" = boot ] && [[ $line == "TAP version"* ]]; then
				state=tap
				tap_diag "kernel: $line"
				continue
			fi
			if [ -z "$seen_banner" ] && [[ $line =~ ^machv\ .*\ booting\ via\ (.*)$ ]]; then
				seen_banner=${BASH_REMATCH[1]}
			fi
			tap_plain "# | $line"
			;;
		tap)
			if [[ $line =~ ^1\.\.([0-9]+) ]]; then
				plan=${BASH_REMATCH[1]}
				tap_diag "kernel plan: $line"
			elif [[ $line =~ $re_result ]]; then
				results=$((results + 1))
				if [ -z "${BASH_REMATCH[1]}" ]; then
					oks=$((oks + 1))
					tap_ok "ktest ${BASH_REMATCH[3]}"
				else
					tap_not_ok "ktest ${BASH_REMATCH[3]}"
				fi
			elif [[ $line =~ $re_summary ]]; then
				summary=$line
				passed=${BASH_REMATCH[1]}
				failed=${BASH_REMATCH[2]}
				skipped=${BASH_REMATCH[4]:-0}
				tap_plain "# | $line"
				state=after
			elif [[ $line == "#"* ]]; then
				tap_plain "$line"
			else
				tap_plain "# | $line"
			fi
			;;
		esac
	done < <(console_text "$out")

	if [ "$banner" = 1 ]; then
		if [ -n "$seen_banner" ]; then
			tap_ok "boot banner printed (booting via $seen_banner)"
		else
			tap_not_ok "boot banner printed"
			tap_diag "no line 'machv VERSION (ARCH) booting via LOADER' on the console"
		fi
		if [ -n "$loader" ]; then
			[ "$seen_banner" = "$loader" ]
			tap_result $? "kernel reports its loader as $loader" ||
				tap_diag "the banner said: ${seen_banner:-(no banner)}"
		fi
	fi

	if [ -n "$summary" ]; then
		tap_ok "kernel printed its summary: $summary"
	else
		tap_not_ok "kernel printed its summary (it crashed, hung or never started the tests)"
		tap_diag "last console lines:"
		console_tail "$out" | tap_diag
	fi

	if [ -n "$summary" ] && [ -n "$plan" ] && [ "$plan" -eq "$results" ] && [ $((passed + skipped)) -eq "$oks" ]; then
		tap_ok "kernel TAP consistent: plan 1..$plan, $results results, $oks ok"
	else
		tap_not_ok "kernel TAP consistent: plan 1..${plan:-?}, $results results, $oks ok, summary '${summary:-none}'"
	fi

	local want_status
	if [ "$expect" = pass ]; then
		want_status=$STATUS_PASS
		[ -n "$summary" ] && [ "$failed" -eq 0 ]
		tap_result $? "kernel summary says 0 failed"
	else
		want_status=$STATUS_FAIL
		[ -n "$summary" ] && [ "$failed" -gt 0 ]
		tap_result $? "kernel summary reports the expected failure"
	fi

	boot_finished "$out"
	if [ "$BOOT_TIMED_OUT" -eq 1 ]; then
		tap_not_ok "QEMU exit status matches the summary: none, QEMU was killed (expected $want_status)"
	elif [ "$BOOT_STATUS" -eq "$want_status" ] && [ -n "$summary" ]; then
		tap_ok "QEMU exit status $BOOT_STATUS matches the summary"
	else
		tap_not_ok "QEMU exit status $BOOT_STATUS matches the summary (expected $want_status)"
	fi
}

# judge_crash CONSOLE_FILE WHAT_ERE DESC [REGS_ERE]: the checks a deliberate
# kernel crash must pass: the banner, the crash message, a register dump
# (when REGS_ERE is given: CPU exceptions dump registers, panic() does not),
# a backtrace whose first frame is resolved to a symbol, and power-off with
# the failure status straight away (no timeout).
judge_crash() {
	local out=$1
	console_text "$out" | tap_diag
	tap_grep "boot banner printed" '^machv .* booting via ' "$out"
	tap_grep "$3" "$2" "$out"
	if [ -n "${4:-}" ]; then
		tap_grep "register dump" "$4" "$out"
	fi
	tap_grep "backtrace printed" 'backtrace:' "$out"
	tap_grep "backtrace frame #0 names a symbol" \
		'#0 +[0-9a-f]+ [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+' "$out"
	boot_finished "$out"
	if [ "$BOOT_TIMED_OUT" -eq 0 ] && [ "$BOOT_STATUS" -eq "$STATUS_FAIL" ]; then
		tap_ok "QEMU exit status $STATUS_FAIL (failure) after the crash"
	else
		tap_not_ok "QEMU exit status $STATUS_FAIL (failure) after the crash: got $BOOT_STATUS"
	fi
}
