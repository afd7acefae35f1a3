# Shared by guests/qemu/run-ARCH.sh (sourced): the part of an interactive
# launch that does not depend on the architecture.
#
#   run_args NAME "$@"     check `KERNEL kvm|tcg [QEMU ARGS...]`; sets
#                          kernel, accel, cpu (host under KVM, max under
#                          TCG) and run_shift (how many words to shift)
#   early_log VAR DEFAULT  the early console's log file: $VAR if set, else
#                          DEFAULT beside the kernel
#   boot_programs ARGS...  sets programs: the -initrd and -append QEMU
#                          needs to boot to the shell, unless ARGS (the
#                          user's QEMU arguments) give their own -append
#   run_qemu QEMU ARGS...  run QEMU; sets status to its exit status
#   report_crash LOG WHAT  the kernel prints everything on every console,
#                          but only the early console (COM1, PL011, UART)
#                          is there before the virtio console starts: if
#                          LOG shows a crash, show its end

die() { echo "$run_name: $*" >&2; exit 1; }

run_args() {
	run_name=$1
	shift
	[ $# -ge 2 ] || die "usage: $run_name KERNEL kvm|tcg [QEMU ARGS...]"
	kernel=$1 accel=$2
	run_shift=2
	[ -r "$kernel" ] || die "no kernel at $kernel"
	case $accel in
		kvm) cpu=${MACHV_KVM_CPU:-host} ;;
		tcg) cpu=max ;;
		*) die "accelerator must be kvm or tcg, not '$accel'" ;;
	esac
}

early_log() {
	local override=${!1:-}
	if [ -n "$override" ]; then
		echo "$override"
	else
		echo "$(cd "$(dirname "$kernel")" && pwd)/$2"
	fi
}

# What boots to the shell: init (the name service) starts the initrd's
# file server, then the shell, restarted whenever it ends.  MACHV_INIT
# replaces the command line (e.g. "init=/init -- /cpiofs /ext2fs
# respawn,/sh" with a disk attached).  The initrd is the build's, beside
# the kernel.
boot_programs() {
	programs=()
	local a
	for a in "$@"; do
		[ "$a" = -append ] && return 0
	done
	local initrd
	initrd=$(cd "$(dirname "$kernel")" && pwd)/initrd.cpio
	[ -r "$initrd" ] || die "no initrd at $initrd (build it: ./machv build)"
	programs=(-initrd "$initrd" -append "${MACHV_INIT:-init=/init -- /cpiofs respawn,/sh}")
}

run_qemu() {
	status=0
	"$@" || status=$?
}

report_crash() {
	if grep -Eq '^machv: (panic:|CPU exception|stopping)' "$1" 2>/dev/null; then
		echo "$run_name: the kernel crashed; the end of the $2 log:" >&2
		tr -d '\r' < "$1" | tail -n 25 >&2
	fi
}
