#!/bin/sh
# build.sh OUTDIR — the Linux guest of bt386 from Debian bookworm's own packages:
# linux-image-6.1.0-*-686 (used exactly as packaged) and busybox-static:i386, plus the
# project's small test programs, in an initramfs. Writes OUTDIR/vmlinuz,
# OUTDIR/initrd.gz and OUTDIR/versions.txt (the package versions used).
# Needs: dpkg's i386 architecture enabled (.ci/install-deps does it), apt-get, cpio,
# gzip and a 32-bit C compiler (GUEST_CC, default "gcc -m32").
set -eu
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
cc=${GUEST_CC:-gcc -m32}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "build.sh: dpkg has no i386 architecture; run .ci/install-deps (as root)" >&2
    exit 1
fi
# The newest linux-image-6.1.0-N-686 the package lists know.
image=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-686$' |
    awk '{ print $1 }' | sort -t- -k4,4n | tail -n 1)
if [ -z "$image" ]; then
    echo "build.sh: no linux-image-6.1.0-*-686 in the package lists (apt-get update?)" >&2
    exit 1
fi
cd "$work"
apt-get download -q "$image:i386" busybox-static:i386 >/dev/null 2>&1 ||
    apt-get download "$image:i386" busybox-static:i386
dpkg-deb -x "$(ls ./linux-image-*.deb)" kernel
dpkg-deb -x "$(ls ./busybox-static_*.deb)" busybox
{
    echo "$image $(dpkg-deb -f ./linux-image-*.deb Version)"
    echo "busybox-static:i386 $(dpkg-deb -f ./busybox-static_*.deb Version)"
} >"$out/versions.txt"
cp kernel/boot/vmlinuz-* "$out/vmlinuz"

root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/proc" \
    "$root/sys" "$root/dev" "$root/tmp" "$root/etc"
cp busybox/bin/busybox "$root/bin/busybox"
cp "$here/init" "$root/init"
cp "$here/guest-test.sh" "$root/guest-test.sh"
cp "$here/bench.sh" "$root/bench.sh"
chmod 755 "$root/init"
for p in threads fpu memmap; do
    $cc -static -O2 -pthread -o "$root/bin/bt386-$p" "$here/progs/$p.c"
done
$cc -static -O2 -o "$root/bin/timeit" "$here/progs/timeit.c"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 >"$out/initrd.gz"
echo "build.sh: $(cat "$out/versions.txt" | tr '\n' ' ')-> $out"
