#!/usr/bin/env bash
# The self-tests under KVM instead of TCG (microvm, PVH, COM1).  Skipped
# unless KVM is real: guests/qemu/kvm-usable.sh boots the kernel once under
# each accelerator and rejects a KVM that is missing, refuses "-cpu host" or
# is slower than TCG (a nested software hypervisor), which takes at most a
# couple of seconds.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_qboot

if ! reason=$("$MACHV_SRCDIR/guests/qemu/kvm-usable.sh" "$MACHV_KERNEL" 2>&1 >/dev/null); then
	tap_skip_all "KVM is not usable here: ${reason#kvm-usable: }"
fi
tap_diag "$reason"

BOOT_ACCEL=kvm
BOOT_CPU=${MACHV_KVM_CPU:-host}
out=$BOOT_WORKDIR/console
boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader=PVH
tap_finish
