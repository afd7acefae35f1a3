#!/usr/bin/env bash
# run-x86_64.sh KERNEL ACCEL [QEMU ARGS...]: boot KERNEL interactively, the
# way `./machv run` does.  ACCEL is kvm or tcg (the caller decides; see
# kvm-usable.sh).  It boots to the shell (guests/qemu/run-lib.sh:
# boot_programs); extra arguments go to QEMU, e.g. -append "ktest" instead.
#
# The machine is q35 with qboot (a fast BIOS for direct PVH kernel boots)
# and 256 MiB.  Consoles:
#   - the terminal is the virtio console (virtio-serial-pci), the product's
#     console: kernel output, and what you type goes to the kernel (Ctrl-C
#     included).  It shares the terminal with QEMU's monitor through a
#     multiplexer: Ctrl-A C switches between them, Ctrl-A X quits QEMU,
#     Ctrl-A H lists the rest;
#   - COM1 goes to a log file (MACHV_COM1_LOG, default com1.log beside the
#     kernel).  The kernel prints everything on every console, so COM1 on the
#     terminal too would show each line twice; but COM1 is the only console
#     from the first instruction on, before the virtio driver is up, so it
#     holds the complete boot log, and its end is shown here if the kernel
#     crashed before the virtio console could say so.
set -euo pipefail

. "$(dirname "$0")/run-lib.sh"
run_args run-x86_64 "$@"
shift "$run_shift"
boot_programs "$@"

qboot=
for d in /usr/share/qemu /usr/local/share/qemu $(qemu-system-x86_64 -L help 2>/dev/null); do
	[ -r "$d/qboot.rom" ] && { qboot=$d/qboot.rom; break; }
done
firmware=()
[ -n "$qboot" ] && firmware=(-bios "$qboot")   # else SeaBIOS: slower, same result

com1_log=$(early_log MACHV_COM1_LOG com1.log)
echo "run-x86_64: console on this terminal (Ctrl-A X quits, Ctrl-A C monitor); COM1 log: $com1_log" >&2

run_qemu qemu-system-x86_64 -M q35 "${firmware[@]}" -accel "$accel" -cpu "$cpu" -m 256 \
	-nodefaults -no-user-config -display none \
	-chardev stdio,id=term,mux=on,signal=off \
	-device virtio-serial-pci,id=vs0 -device virtconsole,bus=vs0.0,chardev=term \
	-mon chardev=term,mode=readline \
	-chardev "file,id=com1,path=$com1_log" -serial chardev:com1 \
	-kernel "$kernel" "${programs[@]}" "$@"

# A crash before the virtio console started is visible only on COM1.
report_crash "$com1_log" COM1
exit "$status"
