#!/usr/bin/env bash
# Broken initrds: 64 KiB of random bytes, then the real archive cut short
# in the middle of a program.  Each time the kernel must report the archive
# as bad (a line naming the initrd or cpio archive), never crash, and power
# off by itself with the failure status.
. "$(dirname "$0")/user-lib.sh"

user_require

bad_initrd_case() {
	local out=$BOOT_WORKDIR/console-$1 initrd=$2
	tap_diag "--- $3"
	user_boot "$out" "init=/hello-a" "$initrd"
	user_relay "$out"
	tap_grep "$3: the kernel reports a bad archive" \
		'(initrd|cpio|archive).*(corrupt|invalid|bad|malformed|truncated|error|not )|(corrupt|invalid|bad|malformed|truncated).*(initrd|cpio|archive)' "$out"
	user_not_started "$out"
	user_stops_cleanly "$out"
}

user_not_started() {
	if console_text "$1" | grep -q '^hello-a: '; then
		tap_not_ok "hello-a did not run from a broken archive"
	else
		tap_ok "hello-a did not run from a broken archive"
	fi
}

random=$BOOT_WORKDIR/random.img
head -c 65536 /dev/urandom > "$random"
bad_initrd_case random "$random" "64 KiB of random bytes"

# The archive up to the middle of hello-a's data: its header is valid but
# the file runs past the end of the module.
off=$(LC_ALL=C grep -obUa 'hello-a' "$MACHV_INITRD" | head -n1 | cut -d: -f1)
cut=$BOOT_WORKDIR/cut.img
if [ -n "$off" ]; then
	head -c $((off + 2000)) "$MACHV_INITRD" > "$cut"
	bad_initrd_case cut "$cut" "the archive cut inside hello-a"
else
	tap_not_ok "hello-a found in $MACHV_INITRD"
fi
tap_finish
