#!/usr/bin/env bash
# run-aarch64.sh KERNEL ACCEL [QEMU ARGS...]: boot KERNEL interactively on
# QEMU's aarch64 virt board.  ACCEL is kvm (an arm64 host with KVM) or tcg.
# KERNEL is the Linux arm64 Image (machv.Image) or the ELF the build links
# (machv), which is turned into an Image first with llvm-objcopy.  It
# boots to the shell (run-lib.sh: boot_programs); extra arguments go to
# QEMU, e.g. -append "ktest" instead.
#
# The machine is virt with a GICv3 and 256 MiB.  Consoles:
#   - the terminal is the virtio console (virtio-serial-device over
#     virtio-mmio): kernel output, and what you type goes to the kernel
#     (Ctrl-C included).  It shares the terminal with QEMU's monitor through
#     a multiplexer: Ctrl-A C switches between them, Ctrl-A X quits QEMU;
#   - the PL011 UART goes to a log file (MACHV_PL011_LOG, default pl011.log
#     beside the kernel).  It is the only console from the first
#     instruction on, before the virtio driver is up, so its end is shown
#     here if the kernel crashed before the virtio console could say so.
# "poweroff" on the command line, or the end of the self-tests, powers off
# through PSCI.
set -euo pipefail

. "$(dirname "$0")/run-lib.sh"
run_args run-aarch64 "$@"
shift "$run_shift"
boot_programs "$@"
case $accel in
	kvm) gic=host ;;
	tcg) gic=3 ;;
esac

image=$kernel
tmp=
if [ "$(head -c 4 "$kernel" | od -An -c | tr -d ' ')" = '177ELF' ]; then
	objcopy=
	for t in llvm-objcopy llvm-objcopy-16 llvm-objcopy-15 llvm-objcopy-14; do
		command -v "$t" >/dev/null 2>&1 && { objcopy=$t; break; }
	done
	[ -n "$objcopy" ] || die "$kernel is an ELF file and llvm-objcopy is missing to make its Image"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-aarch64.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	image=$tmp/machv.Image
	"$objcopy" -O binary "$kernel" "$image"
fi

log=$(early_log MACHV_PL011_LOG pl011.log)
echo "run-aarch64: console on this terminal (Ctrl-A X quits, Ctrl-A C monitor); PL011 log: $log" >&2

run_qemu qemu-system-aarch64 -M "virt,gic-version=$gic" -accel "$accel" -cpu "$cpu" -m 256 \
	-nodefaults -no-user-config -display none \
	-global virtio-mmio.force-legacy=false \
	-chardev stdio,id=term,mux=on,signal=off \
	-device virtio-serial-device,id=vs0 -device virtconsole,bus=vs0.0,chardev=term \
	-mon chardev=term,mode=readline \
	-chardev "file,id=uart,path=$log" -serial chardev:uart \
	-kernel "$image" "${programs[@]}" "$@"

# A crash before the virtio console started is visible only on the PL011.
report_crash "$log" PL011
exit "$status"
