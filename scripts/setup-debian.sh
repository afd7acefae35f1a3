#!/usr/bin/env bash
# Install everything machv needs to build and test on a Debian 12 (bookworm)
# machine.  Idempotent: a second run installs nothing and takes a second.
#
# QEMU 10 and libvirt 11 come from bookworm-backports (Debian 12's own QEMU is
# 7.2); the suite is added with the same archive URI as the machine's existing
# Debian source.
set -euo pipefail

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

packages=(
  autoconf automake make pkg-config
  clang lld llvm
  check
  libxen-dev linux-libc-dev
  libfdt-dev device-tree-compiler
  grub-pc-bin grub-common xorriso mtools
  cpio e2fsprogs python3
)
# libvirt 11 matches QEMU 10 (bookworm's libvirt 9 predates it); the daemons
# run without systemd (guests/libvirt/README.md, tests/boot/libvirt-vms.sh).
backports=(qemu-system-x86 qemu-system-arm qemu-system-misc qemu-utils
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients)

# Everything installed already, and QEMU new enough?
stamp_ok() {
  local missing
  missing=$(dpkg-query -W -f='${Status}\n' "${packages[@]}" "${backports[@]}" 2>&1 |
    awk '$0 != "install ok installed" {n++} END {print n + 0}')
  [ "$missing" -eq 0 ] &&
    qemu-system-x86_64 --version 2>/dev/null | grep -Eq 'version (9|[1-9][0-9])\.'
}

if stamp_ok; then
  exit 0
fi

# The archive URI of the machine's Debian source, for the backports suite.
debian_uri() {
  local uri
  uri=$(grep -rhoE '^URIs: *\S+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hoE '^deb +\S+/debian/? ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | awk '{print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}

if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "machv setup: adding bookworm-backports"
  printf 'deb %s bookworm-backports main\n' "$(debian_uri)" |
    $SUDO tee /etc/apt/sources.list.d/machv-backports.list >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports "${backports[@]}"
