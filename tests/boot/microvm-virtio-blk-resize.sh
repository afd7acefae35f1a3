#!/usr/bin/env bash
# A virtio-blk disk that grows while the kernel runs (x86_64 microvm,
# virtio-mmio): once the kernel's virtio_blk_resize test says it is
# waiting, this script sends QEMU's QMP block_resize; the device raises a
# configuration-change interrupt and the driver must take the new
# capacity (hd0's size, DEV_GET_BLK_INFO, reads of the new sectors).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/virtio-blk-lib.sh"

boot_require_kernel
boot_require_qboot
boot_require_tool truncate dd od python3

out=$BOOT_WORKDIR/console
img=$BOOT_WORKDIR/hd0.img
qmp=$BOOT_WORKDIR/qmp
blk_make_image "$img" 2048

# Beside QEMU: wait for the kernel's announcement, then resize d0 to
# 4096 sectors through the QMP socket.
python3 - "$out" "$qmp" > "$BOOT_WORKDIR/qmp.log" 2>&1 <<'PY' &
import json, socket, sys, time
out, path = sys.argv[1], sys.argv[2]
deadline = time.time() + 100
while b"waiting for hd0 to grow" not in open(out, "rb").read():
    if time.time() > deadline:
        sys.exit("the kernel never asked for the resize")
    time.sleep(0.1)
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(path)
f = s.makefile("rwb")
def command(cmd, **args):
    f.write(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            print(cmd, reply)
            return reply
f.readline()   # the greeting
command("qmp_capabilities")
command("block_resize", device="d0", size=4096 * 512)
PY
helper=$!

boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
	-serial "file:$out" -global virtio-mmio.force-legacy=false \
	-qmp "unix:$qmp,server=on,wait=off" \
	-drive "if=none,id=d0,format=raw,file=$img" -device virtio-blk-device,drive=d0 \
	-kernel "$MACHV_KERNEL" \
	-append "ktest=$BLK_KTESTS ktest_virtio_blk=hd0:2048:rw ktest_virtio_blk_resize=hd0:4096"
kill "$helper" 2>/dev/null
wait "$helper" 2>/dev/null
tap_diag < "$BOOT_WORKDIR/qmp.log"

blk_judge "$out" PVH 1
tap_grep "the driver saw the new capacity" \
	'^virtio-blk: virtio-mmio@0x[0-9a-f]+: hd0 now has 4096 sectors' "$out"
tap_grep "the kernel ran the resize test" \
	'^ok [0-9]+ - virtio_blk_resize( \([0-9]+ us\))?$' "$out"
[ "$(stat -c %s "$img")" -eq $((4096 * 512)) ]
tap_result $? "the image file grew to 4096 sectors"
tap_finish
