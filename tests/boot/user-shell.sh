#!/usr/bin/env bash
# The shell (guests/programs/sh.c) and its utilities, typed at through the
# console: `init=/init -- /cpiofs respawn,/sh` with the console on QEMU's
# stdio, driven by tests/boot/console-driver.py (send keys, wait for a
# regular expression, every wait bounded).  The initrd gets a second
# archive with etc/greeting, a file whose text is known.
#
# Typed and judged: echo; ls / (a file with its size, a directory); cat of
# a file, by absolute path and from the directory cd went to; cd to a
# missing directory; an unknown command; a missing program path, a
# directory and a file that is no program; quotes and an unterminated
# one; cat's error and exit status; backspace, left arrow with
# insertion, Ctrl-U, Ctrl-C dropping a line, a line too long and one
# with too many words, the up arrow repeating the last line; spin (runs forever) ended by Ctrl-C;
# spin fault (the kernel kills it, the shell says "killed" and lives on);
# spin exit 3 (the status told with spawn_exit); a line typed while a
# program runs (run after it); ps, kill of a bad index, meminfo, uptime,
# lsdev; bench (the in-guest benchmarks); help; ns-test run from the
# shell (the name service's requests pass through the shell's bootstrap
# port to init); exit 5 (init sees the
# status and starts the shell again); kill of the shell by the index ps
# shows (init starts it again); poweroff ending QEMU with the
# success status.  With mke2fs, an ext2 disk too (ext2fs serves it at
# /disk): lsdev lists it, cd /disk, ls and cat there, and cat of a file
# whose block QEMU's blkdebug fails reports the I/O error.
. "$(dirname "$0")/user-init-lib.sh"

init_require init cpiofs sh echo cat ls ps kill meminfo uptime lsdev spin bench
boot_require_tool python3 cpio

# The initrd, plus etc/greeting.
extra=$BOOT_WORKDIR/extra
mkdir -p "$extra/etc"
echo "hello from the initrd" > "$extra/etc/greeting"
initrd=$BOOT_WORKDIR/initrd-shell.cpio
{ cat "$MACHV_INITRD"; (cd "$extra" && printf 'etc\netc/greeting\n' | cpio -o -H newc --quiet); } \
	> "$initrd"

# A disk with an ext2 file system for /disk (ext2fs serves hd0), when
# mke2fs can make one: virtio-blk over virtio-mmio, as the fs tests do.
# The disk sits on QEMU's blkdebug, which fails every read of the first
# block of broken.bin with EIO (found with debugfs): cat must report the
# I/O error, and the server and the shell go on.
disk=()
servers=/cpiofs
broken=
if command -v mke2fs > /dev/null 2>&1; then
	mkdir -p "$BOOT_WORKDIR/tree/sub"
	echo "hello from the disk" > "$BOOT_WORKDIR/tree/hello.txt"
	echo "deeper" > "$BOOT_WORKDIR/tree/sub/deep.txt"
	head -c 3000 /dev/zero | tr '\0' x > "$BOOT_WORKDIR/tree/broken.bin"
	if mke2fs -q -F -t ext2 -b 1024 -d "$BOOT_WORKDIR/tree" "$BOOT_WORKDIR/disk.img" 4M \
		> "$BOOT_WORKDIR/mke2fs.log" 2>&1; then
		image=$BOOT_WORKDIR/disk.img
		block=$(debugfs -R "bmap /broken.bin 0" "$image" 2>/dev/null)
		case $block in
		'' | *[!0-9]*) tap_diag "no debugfs: broken.bin is not made to fail" ;;
		*)
			printf '[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nsector = "%d"\n' \
				$((block * 2)) > "$BOOT_WORKDIR/blkdebug.conf"
			image=blkdebug:$BOOT_WORKDIR/blkdebug.conf:$image
			broken=yes ;;
		esac
		# shellcheck disable=SC2054  # the commas are QEMU's
		disk=(-global virtio-mmio.force-legacy=false
			-drive "if=none,id=d0,format=raw,readonly=on,file=$image"
			-device virtio-blk-device,drive=d0)
		servers="/cpiofs /ext2fs"
	fi
fi
[ ${#disk[@]} -gt 0 ] || tap_diag "no ext2 disk (mke2fs missing or failing): /disk is not tried"
cmdline="init=/init -- $servers respawn,/sh"
# shellcheck disable=SC2054  # the commas are QEMU's
con=(-chardev stdio,id=con,signal=off -serial chardev:con)
# shellcheck disable=SC2054  # the commas are QEMU's
case $MACHV_ARCH in
x86_64)
	qemu=(-M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" "${con[@]}"
		-kernel "$MACHV_KERNEL") ;;
aarch64)
	qemu=(-M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" "${con[@]}"
		-kernel "$IMAGE")
	BOOT_CPU=${BOOT_CPU:-cortex-a72} ;;
riscv64)
	qemu=("${VIRT[@]}" "${con[@]}" -kernel "$MACHV_KERNEL") ;;
esac
qemu=(qemu-system-"$MACHV_ARCH" -accel "${BOOT_ACCEL:-tcg}" -cpu "${BOOT_CPU:-max}"
	-nodefaults -no-user-config -display none "${qemu[@]}" -initrd "$initrd"
	-append "$cmdline" "${disk[@]}")

# The script: TAB-separated steps (console-driver.py's header).
P='machv:/\$ '
T=30
script=$BOOT_WORKDIR/script
{
	printf 'expect\t90\t%s\t%s\n' "$P" "the shell prints its prompt"
	printf 'send\techo hello    world\\r\n'
	printf 'expect\t%s\t^hello world$\t%s\n' $T "echo prints its arguments"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after echo"
	printf 'send\tls /\\r\n'
	printf 'expect\t%s\t^- +[0-9]+ sh$\t%s\n' $T "ls / lists the file sh with its size"
	printf 'expect\t%s\t^d +[0-9]+ etc/$\t%s\n' $T "ls / lists the directory etc"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after ls"
	printf 'send\tcat /etc/greeting\\r\n'
	printf 'expect\t%s\t^hello from the initrd$\t%s\n' $T "cat shows a file's text"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after cat"
	printf 'send\tcd /etc\\r\n'
	printf 'expect\t%s\tmachv:/etc\\$ \t%s\n' $T "cd changes the directory the prompt shows"
	printf 'send\tcat greeting\\r\n'
	printf 'expect\t%s\t^hello from the initrd$\t%s\n' $T "cat takes a path relative to it"
	printf 'expect\t%s\tmachv:/etc\\$ \t%s\n' $T "a prompt after cat"
	printf 'send\tcd ..\\r\n'
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "cd .. goes back to /"
	printf 'send\tcd /nowhere\\r\n'
	printf 'expect\t%s\t^cd: /nowhere: no such file or directory$\t%s\n' $T "cd refuses a missing directory"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "and stays where it was"
	printf 'send\tfrobnicate\\r\n'
	printf 'expect\t%s\t^sh: frobnicate: command not found$\t%s\n' $T "an unknown command is reported"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\t/nothere\\r\n'
	printf 'expect\t%s\t^sh: /nothere: no such file or directory$\t%s\n' $T "a missing program path gives the file error"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\t/etc\\r\n'
	printf 'expect\t%s\t^sh: /etc: is a directory$\t%s\n' $T "a directory is not run"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\t/etc/greeting\\r\n'
	printf 'expect\t%s\t^sh: /etc/greeting: .+$\t%s\n' $T "a file that is no program is refused, with spawn's reason"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo "unterminated\\r\n'
	printf 'expect\t%s\t^sh: unterminated quote$\t%s\n' $T "an unterminated quote is reported"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo "two  words"   x\\r\n'
	printf 'expect\t%s\t^two  words x$\t%s\n' $T "quotes keep blanks inside one word"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tcat /nothere\\r\n'
	printf 'expect\t%s\t^cat: /nothere: no such file or directory$\t%s\n' $T "cat reports a missing file"
	printf 'expect\t%s\t^cat: exit status 1$\t%s\n' $T "the shell reports cat's exit status 1"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo abx\\x7fc\\r\n'
	printf 'expect\t%s\t^abc$\t%s\n' $T "backspace erases the character before the cursor"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo ac\\x1b[Db\\r\n'
	printf 'expect\t%s\t^abc$\t%s\n' $T "left arrow moves back, typing inserts there"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tgarbage\\x15echo clean\\r\n'
	printf 'expect\t%s\t^clean$\t%s\n' $T "Ctrl-U erases the line typed so far"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'reject\t^sh: garbage\t%s\n' "nothing of the erased text was run"
	printf 'send\techo dropped\\x03echo kept\\r\n'
	printf 'expect\t%s\t^kept$\t%s\n' $T "Ctrl-C at the prompt drops the line typed so far"
	printf 'reject\t^dropped\t%s\n' "the dropped line did not run"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo %s\\r\n' "$(printf 'y%.0s' $(seq 300))"
	printf 'expect\t%s\t^y{250}$\t%s\n' $T "a line longer than 255 characters is cut there"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo%s\\r\n' "$(printf ' w%.0s' $(seq 40))"
	printf 'expect\t%s\t^sh: more than 32 words$\t%s\n' $T "more than 32 words are refused"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\techo clean\\r\n'
	printf 'expect\t%s\t^clean$\t%s\n' $T "echo clean, for the up arrow"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\t\\x1b[A\\r\n'
	printf 'expect\t%s\t^clean$\t%s\n' $T "the up arrow brings the last line back"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tspin\\r\n'
	printf 'expect\t%s\t^spin: spinning$\t%s\n' $T "spin runs"
	printf 'sleep\t1\n'
	printf 'send\t\\x03\n'
	printf 'expect\t%s\t^spin: killed$\t%s\n' $T "Ctrl-C ends the program: the shell says killed"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "and prints a new prompt"
	printf 'send\tspin fault\\r\n'
	printf 'expect\t%s\ttask spin \\([0-9]+\\) killed: \t%s\n' $T "the kernel kills the faulting program"
	printf 'expect\t%s\t^spin: killed \\(exception 1, \t%s\n' $T "the shell reports it killed by an EXC_BAD_ACCESS"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "the shell survives: a new prompt"
	printf 'send\tspin exit 3\\r\n'
	printf 'expect\t%s\t^spin: exit status 3$\t%s\n' $T "the shell reports the status the program told"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tspin\\recho typed ahead\\r\n'
	printf 'expect\t%s\t^spin: spinning$\t%s\n' $T "spin runs again"
	printf 'sleep\t1\n'
	printf 'send\t\\x03\n'
	printf 'expect\t%s\t^spin: killed$\t%s\n' $T "Ctrl-C ends it"
	printf 'expect\t%s\t^typed ahead$\t%s\n' $T "the line typed while it ran runs after it"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tps\\r\n'
	printf 'expect\t%s\t^INDEX +PORT +THREADS\t%s\n' $T "ps prints its heading"
	printf 'expect\t%s\t^ +[0-9]+ +[0-9]+ +1 +R +[0-9]+ +[0-9]+ /?ps$\t%s\n' $T "ps lists itself by name: one thread, running"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tkill 999\\r\n'
	printf 'expect\t%s\t^kill: 999: no such task\t%s\n' $T "kill refuses an index ps does not list"
	printf 'expect\t%s\t^kill: exit status 1$\t%s\n' $T "with status 1"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tmeminfo\\r\n'
	printf 'expect\t%s\t^free: +[1-9][0-9]* KiB\t%s\n' $T "meminfo shows free memory"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tuptime\\r\n'
	printf 'expect\t%s\t^up [0-9]+:[0-9]{2}:[0-9]{2}\\.[0-9]{3} \\([0-9]+ s\\)$\t%s\n' $T "uptime shows the time since boot"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tlsdev\\r\n'
	printf 'expect\t%s\t^console 0 1 rw$\t%s\n' $T "lsdev lists the console"
	printf 'expect\t%s\t^rd0 [1-9][0-9]* 512 ro$\t%s\n' $T "and rd0"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tbench\\r\n'
	printf 'expect\t120\t^bench: null_trap [0-9]+ \t%s\n' "bench runs the in-guest benchmarks: the null trap"
	printf 'expect\t120\t^bench: rpc_task [0-9]+ \t%s\n' "and on to the RPC between two tasks"
	printf 'expect\t%s\t^bench: done \t%s\n' $T "and finishes"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	if [ ${#disk[@]} -gt 0 ]; then
		D='machv:/disk\$ '
		printf 'send\tlsdev\\r\n'
		printf 'expect\t%s\t^hd0 4194304 512 ro$\t%s\n' $T "lsdev lists the disk hd0"
		printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
		printf 'send\tcd /disk\\r\n'
		printf 'expect\t%s\t%s\t%s\n' $T "$D" "cd /disk: the prompt names /disk"
		printf 'send\tls\\r\n'
		printf 'expect\t%s\t^- +20 hello.txt$\t%s\n' $T "ls lists the disk's file with its size"
		printf 'expect\t%s\t%s\t%s\n' $T "$D" "a prompt after it"
		printf 'send\tcat hello.txt sub/deep.txt\\r\n'
		printf 'expect\t%s\t^hello from the disk\\ndeeper$\t%s\n' $T "cat reads files of the ext2 disk"
		printf 'expect\t%s\t%s\t%s\n' $T "$D" "a prompt after it"
		if [ -n "$broken" ]; then
			printf 'send\tcat broken.bin\\r\n'
			printf 'expect\t%s\t^cat: broken.bin: I/O error$\t%s\n' $T "cat of a file on a failing disk block reports the I/O error"
			printf 'expect\t%s\t^cat: exit status 1$\t%s\n' $T "with exit status 1"
			printf 'expect\t%s\t%s\t%s\n' $T "$D" "a prompt after it"
			printf 'send\tcat hello.txt\\r\n'
			printf 'expect\t%s\t^hello from the disk$\t%s\n' $T "the disk's server still answers after the error"
			printf 'expect\t%s\t%s\t%s\n' $T "$D" "a prompt after it"
		fi
		printf 'send\tcd /\\r\n'
		printf 'expect\t%s\t%s\t%s\n' $T "$P" "cd / goes back to the initrd"
	fi
	printf 'send\thelp\\r\n'
	printf 'expect\t%s\t^built in: help, cd\t%s\n' $T "help names the built-ins"
	printf 'expect\t%s\t^programs:$\t%s\n' $T "and the programs"
	printf 'expect\t%s\t %s( |$)\t%s\n' $T lsdev "help lists lsdev, found in the initrd"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tns-test\\r\n'
	printf 'expect\t60\t^ns-test: [1-9][0-9]* passed, 0 failed$\t%s\n' "ns-test passes through the shell's bootstrap port (passed on to init)"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\texit 5\\r\n'
	printf 'expect\t%s\t^init: /sh ended with status 5$\t%s\n' $T "exit 5 ends the shell with status 5, as init learns"
	printf 'expect\t%s\t^init: started /sh$\t%s\n' $T "init starts the shell again (respawn)"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "the new shell prints its prompt"
	printf 'send\tps\\r\n'
	printf 'expect\t%s\t^ +(?P<sh>[0-9]+) +[0-9]+ +2 +[A-Z]{2} +[0-9]+ +[0-9]+ /sh$\t%s\n' $T "ps lists the shell by name, with its two threads"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "a prompt after it"
	printf 'send\tkill {sh}\\r\n'
	printf 'expect\t%s\t^kill: task [0-9]+ terminated$\t%s\n' $T "kill ends the task at the index ps gave"
	printf 'expect\t%s\t^init: /sh ended without a status$\t%s\n' $T "it was the shell: init saw it end"
	printf 'expect\t%s\t^init: started /sh$\t%s\n' $T "and starts it again"
	printf 'expect\t%s\t%s\t%s\n' $T "$P" "the new shell prints its prompt"
	printf 'send\tpoweroff\\r\n'
	printf 'expect\t%s\thost_reboot\\(0x8\\)\t%s\n' $T "poweroff asks the kernel to halt"
	printf 'exit\t%s\t%s\n' $T "QEMU ends after poweroff"
} > "$script"

out=$BOOT_WORKDIR/console
report=$BOOT_WORKDIR/report
tap_diag "running: $(shell_words "${qemu[@]}")"
timeout -k 5 420 python3 "$(dirname "$0")/console-driver.py" --timeout 400 \
	--log "$out" --script "$script" -- "${qemu[@]}" > "$report" 2>&1
rc=$?
user_relay "$out"
[ "$rc" -eq 0 ]
tap_result $? "the console driver finished (status $rc)"
while IFS= read -r line; do
	case $line in
	"ok - "*) tap_ok "${line#ok - }" ;;
	"not ok - "*) tap_not_ok "${line#not ok - }" ;;
	"#"*) tap_plain "$line" ;;
	"qemu-status "*) status=${line#qemu-status } ;;
	*) tap_diag "driver: $line" ;;
	esac
done < "$report"
user_no_crash "$out"
[ "${status:-killed}" = "$STATUS_PASS" ]
tap_result $? "QEMU's exit status is the success status (${status:-none}, want $STATUS_PASS)"
tap_finish
