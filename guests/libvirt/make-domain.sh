#!/usr/bin/env bash
# make-domain.sh [OPTION=VALUE...]: print a libvirt domain for machv, made
# from this directory's ARCH.xml.in, for `virsh define`.
#
#   --arch=ARCH        x86_64 (default), aarch64 or riscv64
#   --type=TYPE        qemu (TCG, the default) or kvm
#   --name=NAME        the domain's name (default machv-ARCH)
#   --kernel=FILE      default build/ARCH/machv (x86_64, riscv64) or
#                      build/ARCH/machv.Image (aarch64)
#   --initrd=FILE      default build/ARCH/initrd.cpio
#   --cmdline=WORDS    the kernel command line (default: boot to the shell,
#                      init=/init -- /cpiofs /ext2fs respawn,/sh)
#   --disk=FILE        the virtio-blk disk (hd0); required
#   --disk-format=FMT  raw (default) or qcow2
#   --logdir=DIR       where the console logs go: NAME.serial.log (COM1,
#                      PL011 or UART) and NAME.console.log (the virtio
#                      console); default /tmp
#   --console=file|pty the virtio console: a log file (the default) or a
#                      pty for `virsh console NAME` (type on it: the kernel
#                      reads its input there)
#   --memory=MIB       default 128
#
# Paths are made absolute: libvirt resolves nothing relative.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "make-domain: $*" >&2; exit 1; }

arch=x86_64 type=qemu name='' kernel='' initrd='' disk=''
cmdline='init=/init -- /cpiofs /ext2fs respawn,/sh'
disk_format=raw logdir=/tmp memory=128 console=file
for arg in "$@"; do
	case $arg in
		--arch=*) arch=${arg#*=} ;;
		--type=*) type=${arg#*=} ;;
		--name=*) name=${arg#*=} ;;
		--kernel=*) kernel=${arg#*=} ;;
		--initrd=*) initrd=${arg#*=} ;;
		--cmdline=*) cmdline=${arg#*=} ;;
		--disk=*) disk=${arg#*=} ;;
		--disk-format=*) disk_format=${arg#*=} ;;
		--logdir=*) logdir=${arg#*=} ;;
		--memory=*) memory=${arg#*=} ;;
		--console=*) console=${arg#*=} ;;
		-h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown argument '$arg' (try --help)" ;;
	esac
done

case $arch in x86_64 | aarch64 | riscv64) ;; *) die "no domain template for '$arch'" ;; esac
case $type in qemu | kvm) ;; *) die "--type is qemu or kvm, not '$type'" ;; esac
case $console in file | pty) ;; *) die "--console is file or pty" ;; esac
case $disk_format in raw | qcow2) ;; *) die "--disk-format is raw or qcow2" ;; esac
[[ $memory =~ ^[1-9][0-9]*$ ]] || die "--memory wants a number of MiB"
: "${name:=machv-$arch}"
[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || die "a domain name of letters, digits, '_', '.' and '-' only"
if [ -z "$kernel" ]; then
	kernel=$top/build/$arch/machv
	[ "$arch" = aarch64 ] && kernel=$kernel.Image
fi
: "${initrd:=$top/build/$arch/initrd.cpio}"
[ -n "$disk" ] || die "--disk=FILE is required (e.g. qemu-img create -f raw hd0.img 1M)"

abs() { [ -e "$1" ] || die "no such file: $1"; echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
kernel=$(abs "$kernel") initrd=$(abs "$initrd") disk=$(abs "$disk")
[ -d "$logdir" ] || die "no directory $logdir"
logdir=$(cd "$logdir" && pwd)
if [ "$arch" = aarch64 ] && [ "$(od -An -c -j 56 -N 3 "$kernel" | tr -d ' ')" != ARM ]; then
	die "$kernel is not an arm64 Image (aarch64 boots build/aarch64/machv.Image)"
fi

emulator=$(command -v "qemu-system-$arch") || die "qemu-system-$arch is not installed"

# qboot, the fast BIOS for direct kernel boots (x86_64 only).
qboot=
if [ "$arch" = x86_64 ]; then
	for d in /usr/share/qemu $("$emulator" -L help 2>/dev/null); do
		[ -r "$d/qboot.rom" ] && { qboot=$d/qboot.rom; break; }
	done
	[ -n "$qboot" ] || die "QEMU's qboot.rom was not found"
fi

# The CPU: the host's under KVM; under TCG what the boot tests use.
case $type/$arch in
	kvm/*) cpu="<cpu mode='host-passthrough'/>" ;;
	qemu/x86_64) cpu="<cpu mode='maximum'/>" ;;
	qemu/aarch64) cpu="<cpu mode='custom' match='exact'><model fallback='forbid'>cortex-a72</model></cpu>" ;;
	qemu/riscv64) cpu= ;;
esac

# XML-escape a value (paths and the command line are the user's).
# (Quoted replacements: bash 5.2 reads an unquoted & as the match.)
xml() {
	local s=$1
	s=${s//'&'/'&amp;'} s=${s//'<'/'&lt;'} s=${s//'>'/'&gt;'}
	s=${s//\'/'&apos;'} s=${s//'"'/'&quot;'}
	printf '%s' "$s"
}

# The virtio console (libvirt makes the virtio-serial device for it).
if [ "$console" = pty ]; then
	console_xml="<console type='pty'><target type='virtio' port='0'/></console>"
else
	# shellcheck disable=SC2089  # XML text, quotes meant literally
	console_xml="<console type='file'><source path='$(xml "$logdir/$name.console.log")'/><target type='virtio' port='0'/></console>"
fi

# Substitute with awk, reading the values from the environment (taken
# literally there, unlike awk -v, which would expand backslashes).
MD_TYPE=$type MD_NAME=$name MD_MEMORY=$memory MD_CPU=$cpu MD_CONSOLE=$console_xml
MD_DISK_FORMAT=$disk_format
MD_QBOOT=$(xml "$qboot") MD_KERNEL=$(xml "$kernel") MD_INITRD=$(xml "$initrd")
MD_CMDLINE=$(xml "$cmdline") MD_EMULATOR=$(xml "$emulator") MD_DISK=$(xml "$disk")
MD_LOGDIR=$(xml "$logdir")
# shellcheck disable=SC2090
export MD_TYPE MD_NAME MD_MEMORY MD_CPU MD_CONSOLE MD_DISK_FORMAT MD_QBOOT MD_KERNEL \
	MD_INITRD MD_CMDLINE MD_EMULATOR MD_DISK MD_LOGDIR
# One pass over each line: a value is never searched again for @WORDS@.
awk '
{
	line = $0
	out = ""
	while (match(line, /@[A-Z_]+@/)) {
		word = substr(line, RSTART + 1, RLENGTH - 2)
		val = ("MD_" word) in ENVIRON ? ENVIRON["MD_" word] : substr(line, RSTART, RLENGTH)
		out = out substr(line, 1, RSTART - 1) val
		line = substr(line, RSTART + RLENGTH)
	}
	print out line
}' "$here/$arch.xml.in"
