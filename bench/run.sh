#!/bin/sh
# bench/run.sh — the same workloads natively, on bt386 and on qemu-system-i386 (TCG), in
# one run, with the ratios. The workloads are guest_images/linux/bench.sh: Debian's
# busybox and the project's static i386 programs, run by the guest's init under Linux on
# the two machines, and by the host directly (an i386 process) for "native".
# Usage: bench/run.sh [BUILDDIR]   (needs bt386 built; builds the Linux image if missing)
set -u
build=${1:-.}
src=$(cd "$(dirname "$0")/.." && pwd)
img="$build/guest_images/linux/out"
qemu=${QEMU_I386:-qemu-system-i386}
limit=${BENCH_TIMEOUT:-600}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -x "$build/bt386" ] || { echo "bench: build bt386 first (make)" >&2; exit 1; }
if [ ! -f "$img/initrd.gz" ]; then
    sh "$src/guest_images/linux/build.sh" "$img" >&2 || exit 1
fi

# Native: the initramfs' own binaries on the host.
mkdir -p "$out/root" "$out/tmp"
(cd "$out/root" && gzip -dc "$img/initrd.gz" | cpio -i --quiet)
"$out/root/bin/busybox" --install -s "$out/root/bin"
(cd "$out/tmp" && PATH="$out/root/bin" "$out/root/bin/busybox" sh "$out/root/bench.sh") \
    >"$out/native" 2>&1

now() { date +%s.%N; }
append="console=ttyS0 quiet bt386.bench=1"
t0=$(now)
timeout "$limit" "$build/bt386" -m 256 -kernel "$img/vmlinuz" -initrd "$img/initrd.gz" \
    -append "$append" </dev/null >"$out/bt386" 2>&1
t1=$(now)
timeout "$limit" "$qemu" -accel tcg -m 256 -display none -monitor none -no-reboot \
    -serial stdio -kernel "$img/vmlinuz" -initrd "$img/initrd.gz" -append "$append" \
    </dev/null >"$out/qemu" 2>&1
t2=$(now)

tr -d '\r' <"$out/bt386" >"$out/bt386.txt"
tr -d '\r' <"$out/qemu" >"$out/qemu.txt"
names=$(sed -n 's/^timeit \([^ ]*\) .*/\1/p' "$src/guest_images/linux/bench.sh" | tr '\n' ' ')
awk -v nf="$out/native" -v bf="$out/bt386.txt" -v qf="$out/qemu.txt" \
    -v runs="$t0 $t1 $t2" -v names="$names" '
function load(file, arr,   l, f) {
    while ((getline l < file) > 0)
        if (l ~ /^bench [^ ]+ [0-9.]+$/) { split(l, f, " "); arr[f[2]] = f[3] }
}
function ratio(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-" }
BEGIN {
    load(nf, nat); load(bf, bt); load(qf, qe)
    printf "%-12s %10s %10s %10s %12s %12s %12s\n", "workload", "native s", "bt386 s", "qemu s",
        "bt386/nat", "qemu/nat", "qemu/bt386"
    k = split(names, w, " ")
    for (i = 1; i <= k; i++)
        printf "%-12s %10s %10s %10s %12s %12s %12s\n", w[i], nat[w[i]] == "" ? "-" : nat[w[i]],
            bt[w[i]] == "" ? "-" : bt[w[i]], qe[w[i]] == "" ? "-" : qe[w[i]],
            ratio(bt[w[i]], nat[w[i]]), ratio(qe[w[i]], nat[w[i]]), ratio(qe[w[i]], bt[w[i]])
    split(runs, t, " ")
    printf "\nwhole runs (boot, workloads, power-off): bt386 %.1f s, qemu-system-i386 %.1f s\n",
        t[2] - t[1], t[3] - t[2]
}'
