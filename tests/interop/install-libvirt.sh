#!/usr/bin/env bash
# Install Debian's libvirt (QEMU driver + virsh) so that
# tests/interop/compare-capabilities.sh and bench/bench-capabilities.sh can
# run `virsh -c 'qemu:///embed?root=DIR' capabilities` without a daemon.
#
# Idempotent and quiet: packages already installed are not touched (no
# `apt-get update` either), users/groups that exist are left alone.  Safe to
# re-run.  Needs root; re-executes itself through sudo when that is available.
#
# What it does:
#   1. apt-get install libvirt-daemon-driver-qemu libvirt-clients
#      qemu-system-x86 python3 (with Recommends: ovmf, swtpm, seabios, ...
#      as a normal Debian installation has them);
#   2. creates the `kvm` group and the `libvirt-qemu` user and group exactly
#      as libvirt-daemon-system's postinst does (uid/gid 64055 when free),
#      without installing that package (it pulls in the daemon's units,
#      polkit, dnsmasq and firewall tooling, none of which embedded mode
#      needs);
#   3. makes /dev/kvm 0660 root:kvm if it exists; otherwise libvirt considers
#      its QEMU capabilities cache stale and re-probes QEMU on every call.
#
# Environment: INTEROP_DAEMON_SYSTEM=1 installs libvirt-daemon-system instead
# of creating the user and group by hand.
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
info() { printf '%s: %s\n' "$prog" "$*"; }
# quiet CMD...: run CMD, showing its output only if it fails.
quiet() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        die "'$*' failed"
    fi
}

if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -n -E -- "$0" "$@"
    fi
    die "must run as root (and sudo is not available)"
fi

[[ -r /etc/debian_version ]] || die "this script supports Debian and derivatives only"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found"

export DEBIAN_FRONTEND=noninteractive

packages=(libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 python3)
if [[ ${INTEROP_DAEMON_SYSTEM:-0} == 1 ]]; then
    packages+=(libvirt-daemon-system)
fi
command -v adduser >/dev/null 2>&1 || packages+=(adduser)

is_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

missing=()
for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
    log=$(mktemp /tmp/install-libvirt.XXXXXX.log)
    info "installing ${missing[*]} (log: $log)"
    if ! { apt-get -q update &&
           apt-get -q -y -o Dpkg::Use-Pty=0 install "${missing[@]}"; } >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "apt-get install ${missing[*]} failed (full log: $log)"
    fi
    rm -f "$log"
else
    info "packages already installed: ${packages[*]}"
fi

# The user and group libvirt's QEMU driver runs guests as, created the way
# Debian's libvirt-daemon-system postinst creates them.
LIBVIRT_QEMU_UID=64055
LIBVIRT_QEMU_GID=64055
if ! getent group kvm >/dev/null; then
    quiet addgroup --quiet --system kvm
    info "created group kvm"
fi
if ! getent passwd libvirt-qemu >/dev/null; then
    uid_opt=()
    getent passwd "$LIBVIRT_QEMU_UID" >/dev/null || uid_opt=(--uid "$LIBVIRT_QEMU_UID")
    quiet adduser --quiet --system --ingroup kvm --disabled-login --disabled-password \
        --home /var/lib/libvirt --no-create-home --gecos "Libvirt Qemu" \
        "${uid_opt[@]}" libvirt-qemu
    info "created user libvirt-qemu"
fi
if ! getent group libvirt-qemu >/dev/null; then
    gid_opt=()
    getent group "$LIBVIRT_QEMU_GID" >/dev/null || gid_opt=(--gid "$LIBVIRT_QEMU_GID")
    quiet addgroup --quiet --system "${gid_opt[@]}" libvirt-qemu
    quiet adduser --quiet libvirt-qemu libvirt-qemu
    info "created group libvirt-qemu"
fi

if [[ -e /dev/kvm ]]; then
    if [[ $(stat -c '%a %U %G' /dev/kvm) != "660 root kvm" ]]; then
        if chown root:kvm /dev/kvm && chmod 0660 /dev/kvm; then
            info "/dev/kvm is now 0660 root:kvm"
        else
            warn "cannot make /dev/kvm 0660 root:kvm; libvirt will re-probe QEMU on every call"
        fi
    fi
else
    info "no /dev/kvm: libvirt will report TCG (qemu) guests only"
fi

command -v virsh >/dev/null 2>&1 || die "virsh still missing after installation"
info "ready: $(virsh --version 2>/dev/null | head -n 1 | sed 's/^/libvirt /')"
