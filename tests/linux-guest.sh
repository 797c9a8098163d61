#!/bin/sh
# linux-guest.sh — Debian's i386 Linux (linux-image-686, busybox) boots on bt386 and on
# qemu-system-i386 in the same run; the guest test script inside must print the same
# lines on both. Boot-to-shell times are reported, not asserted.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}" "${QEMU_I386:=qemu-system-i386}"
img="$top_builddir/guest_images/linux/out"
dir="$top_builddir/tests"
limit="${LINUX_TIMEOUT:-600}"
append="console=ttyS0 quiet bt386.test=1"
mkdir -p "$dir"

if [ ! -f "$img/vmlinuz" ] || [ ! -f "$img/initrd.gz" ]; then
    if ! sh "$top_srcdir/guest_images/linux/build.sh" "$img" >"$dir/linux-build.log" 2>&1; then
        echo "Bail out! cannot build the Linux guest image: $(tail -n 3 "$dir/linux-build.log" | tr '\n' ' ')"
        exit 1
    fi
fi

now() { date +%s.%N; }
# run NAME COMMAND...: run a machine, record when the guest's init first spoke.
run() {
    name=$1
    shift
    out="$dir/linux-$name.out"
    : >"$out"
    start=$(now)
    timeout "$limit" "$@" </dev/null >"$out" 2>"$out.stderr" &
    pid=$!
    shell=""
    while kill -0 "$pid" 2>/dev/null; do
        if [ -z "$shell" ] && grep -q "bt386 initramfs on" "$out"; then
            shell=$(now)
        fi
        sleep 0.1
    done
    wait "$pid"
    status=$?
    end=$(now)
    [ -n "$shell" ] || shell=$end
    echo "$name $status $(echo "$start $shell $end" | awk '{ printf "%.1f %.1f", $2 - $1, $3 - $1 }')" \
        >>"$dir/linux-times"
}

rm -f "$dir/linux-times"
run qemu "$QEMU_I386" -accel tcg -m 256 -display none -monitor none -no-reboot \
    -serial stdio -kernel "$img/vmlinuz" -initrd "$img/initrd.gz" -append "$append"
run bt386 "$top_builddir/bt386" -m 256 -kernel "$img/vmlinuz" -initrd "$img/initrd.gz" \
    -append "$append" --stats "$dir/linux-bt386.stats.json"

section() { tr -d '\r' <"$1" | sed -n '/^=== guest-test begin/,/^=== guest-test end/p'; }
section "$dir/linux-qemu.out" >"$dir/linux-qemu.script"
section "$dir/linux-bt386.out" >"$dir/linux-bt386.script"

awk -v times="$dir/linux-times" -v qfile="$dir/linux-qemu.script" '
BEGIN {
    nq = 0
    while ((getline l < qfile) > 0) q[++nq] = l
    while ((getline l < times) > 0) { split(l, f, " "); st[f[1]] = f[2]; boot[f[1]] = f[3]; total[f[1]] = f[4] }
}
{ b[++nb] = $0 }
END {
    n = 0
    n++
    if (nq > 2 && q[nq] ~ /^=== guest-test end: 0$/) printf "ok %d - linux/qemu-ran-the-script\n", n
    else printf "not ok %d - linux/qemu-ran-the-script # %d lines, status %s\n", n, nq, st["qemu"]
    n++
    if (nb > 2 && b[nb] ~ /^=== guest-test end: 0$/) printf "ok %d - linux/bt386-ran-the-script\n", n
    else printf "not ok %d - linux/bt386-ran-the-script # %d lines, exit status %s\n", n, nb, st["bt386"]
    n++
    if (st["bt386"] == 0) printf "ok %d - linux/bt386-poweroff-exit-status-0\n", n
    else printf "not ok %d - linux/bt386-poweroff-exit-status-0 # %s\n", n, st["bt386"]
    # One check per section (lines starting with "== "): same lines on both machines.
    sec = "start"; bad = ""
    max = nb > nq ? nb : nq
    for (i = 1; i <= max; i++) {
        line = (i <= nq) ? q[i] : b[i]
        if (line ~ /^== /) {
            if (sec != "start") { n++; printf "%s %d - linux/same-output/%s%s\n", bad == "" ? "ok" : "not ok", n, sec, bad }
            sec = substr(line, 4); gsub(/[^A-Za-z0-9]+/, "-", sec); bad = ""
        }
        if (q[i] != b[i] && bad == "") bad = sprintf(" # line %d: qemu \"%s\" bt386 \"%s\"", i, q[i], b[i])
        if (q[i] ~ /INCONSISTENT/ || b[i] ~ /INCONSISTENT/) bad = " # " line
    }
    if (sec != "start") { n++; printf "%s %d - linux/same-output/%s%s\n", bad == "" ? "ok" : "not ok", n, sec, bad }
    printf "# boot to shell: qemu-system-i386 %s s, bt386 %s s (bt386 with --stats)\n", boot["qemu"], boot["bt386"]
    printf "# whole run: qemu-system-i386 %s s, bt386 %s s\n", total["qemu"], total["bt386"]
    printf "1..%d\n", n
}' "$dir/linux-bt386.script"
