#!/usr/bin/env bash
# kvm-usable.sh KERNEL: exit 0 when QEMU's KVM accelerator boots KERNEL not
# much slower than TCG does, 1 (with the reason on stderr) otherwise.
#
# A /dev/kvm is not proof of hardware virtualization: some hosts offer a
# nested software hypervisor there that runs guest kernel code a hundred
# times slower than TCG, or rejects "-cpu host".  So the kernel is booted
# once under each accelerator with "poweroff" (boot, then power off at once)
# and KVM is used only if its boot finishes within a few times TCG's.
#
# Used by `./machv run` to pick the accelerator and by tests/boot/kvm-smoke.sh.
# MACHV_KVM_CPU (default "host") is the -cpu model tried with KVM, as in run.
set -u

kernel=${1:?usage: kvm-usable.sh KERNEL}
qemu='qemu-system-x86_64'
# Never wait longer than this for the KVM boot (seconds).
limit_max=${KVM_PROBE_LIMIT:-15}

say() { echo "kvm-usable: $*" >&2; }

[ -e /dev/kvm ] || { say "no /dev/kvm"; exit 1; }
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	say "/dev/kvm is not readable and writable by $(id -un)"
	exit 1
fi

qboot=
for d in /usr/share/qemu /usr/local/share/qemu $("$qemu" -L help 2>/dev/null); do
	[ -r "$d/qboot.rom" ] && { qboot=$d/qboot.rom; break; }
done
firmware=()
[ -n "$qboot" ] && firmware=(-bios "$qboot")

# probe_ms ACCEL CPU SECONDS: milliseconds a "poweroff" boot took, or fail.
probe_ms() {
	local t0 t1 status
	t0=$(date +%s%N)
	timeout -k 2 "$3" "$qemu" -accel "$1" -cpu "$2" -M microvm,acpi=off "${firmware[@]}" \
		-m 128 -nodefaults -no-user-config -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$kernel" -append poweroff </dev/null >/dev/null 2>"$probe_err"
	status=$?
	t1=$(date +%s%N)
	# isa-debug-exit: 1 is a clean power-off (3 would be a kernel failure).
	[ "$status" -eq 1 ] || return 1
	echo $(((t1 - t0) / 1000000))
}

probe_err=$(mktemp "${TMPDIR:-/tmp}/kvm-usable.XXXXXX")
trap 'rm -f "$probe_err"' EXIT

tcg_ms=$(probe_ms tcg max 30) || { say "the kernel does not boot and power off under TCG"; exit 1; }
# Generous: three times TCG's time plus a second, at least 2 s.
limit=$(((3 * tcg_ms + 1000 + 999) / 1000))
[ "$limit" -lt 2 ] && limit=2
[ "$limit" -gt "$limit_max" ] && limit=$limit_max
if kvm_ms=$(probe_ms kvm "${MACHV_KVM_CPU:-host}" "$limit"); then
	say "KVM boot took $kvm_ms ms (TCG $tcg_ms ms)"
	exit 0
fi
if [ -s "$probe_err" ] && grep -qv "terminating on signal" "$probe_err"; then
	say "QEMU failed with KVM: $(grep -v 'terminating on signal' "$probe_err" | head -n 1)"
else
	say "KVM did not boot the kernel within $limit s (TCG took $tcg_ms ms): not hardware virtualization"
fi
exit 1
