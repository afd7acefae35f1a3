#!/usr/bin/env bash
# aarch64 on QEMU's virt board with a GICv3 and a Cortex-A72, entered at
# EL1 with the Linux Image protocol (x0 = device tree), console on the
# PL011, an initrd from -initrd: the self-tests must all pass, the initrd
# must arrive as module 0 (from /chosen), no hypervisor may be reported
# under TCG (SMCCC answers NOT_SUPPORTED), and the kernel powers off by
# itself (semihosting gives the verdict as the exit status).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

out=$BOOT_WORKDIR/console
initrd=$BOOT_WORKDIR/initrd
head -c 65536 /dev/urandom > "$initrd"
BOOT_CPU=cortex-a72 boot_qemu "$out" -M virt,gic-version=3 -m 128 "${AARCH64_SEMIHOSTING[@]}" \
	-serial "file:$out" -kernel "$IMAGE" -initrd "$initrd" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "entered at EL1" '^boot: entered at EL1, image at 0x[0-9a-f]+, device tree at ' "$out"
tap_grep "initrd reported as module 0 (65536 bytes)" \
	'^boot: module 0 at 0x[0-9a-f]+, 65536 bytes, "initrd"$' "$out"
tap_grep "GICv3 found" '^gic: v3, distributor 0x8000000, redistributor ' "$out"
tap_grep "virtual timer on PPI 27" 'virtual timer on interrupt 27$' "$out"
tap_grep "SMCCC probed through hvc, no hypervisor UID" '^smccc: version [0-9.]+ via hvc, hypervisor UID none$' "$out"
tap_grep "no hypervisor under TCG" '^hv: none detected$' "$out"
tap_grep "the time of day comes from the PL031" '^rtc: PL031: (20[2-9][0-9])-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC$' "$out"
tap_finish
