#!/bin/sh
# battery-bt386.sh — the battery on bt386 and on qemu-system-i386 in the same run: bt386
# must pass every check, print the same TAP as QEMU except for the documented QEMU
# deviations (which bt386, like real hardware, passes), and its --stats must show the
# mechanism: kernel code translated, under 1 % of instructions emulated.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}" "${QEMU_I386:=qemu-system-i386}"
elf="$top_builddir/guest_images/battery/battery.elf"
known="$top_srcdir/guest_images/battery/qemu-known-failures"
dir="$top_builddir/tests"
mkdir -p "$dir"
qout="$dir/battery-compare-qemu.out"
bout="$dir/battery-bt386.out"
stats="$dir/battery-bt386.stats.json"
limit="${BATTERY_TIMEOUT:-120}"

now() { date +%s.%N; }
t0=$(now)
timeout "$limit" "$QEMU_I386" -accel tcg -m 64 -display none -monitor none -no-reboot \
    -serial "file:$qout" -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" \
    </dev/null >/dev/null 2>&1
t1=$(now)
timeout "$limit" "$top_builddir/bt386" -m 64 -kernel "$elf" --stats "$stats" --stats-exact \
    </dev/null >"$bout" 2>"$bout.stderr"
bstatus=$?
t2=$(now)

tr -d '\r' <"$qout" >"$qout.tap"
tr -d '\r' <"$bout" | awk -v known_file="$known" -v bstatus="$bstatus" -v qtime="$t0 $t1" -v btime="$t1 $t2" \
    -v stats_file="$stats" -v qfile="$qout.tap" '
function name_of(line,   n) { n = line; sub(/^(not )?ok [0-9]+ - /, "", n); sub(/ #.*/, "", n); return n }
BEGIN {
    while ((getline line < known_file) > 0) {
        if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
        k = line; sub(/[ \t]*#.*/, "", k); known[k] = 1
    }
    nq = 0
    while ((getline line < qfile) > 0)
        if (line ~ /^(not )?ok [0-9]+ - /) { nq++; q[nq] = line }
    n = 0
}
/^(not )?ok [0-9]+ - / { nb++; b[nb] = $0; next }
/^Bail out!/ { bail = $0 }
END {
    if (bail != "") { print "not ok 1 - bt386/battery-completed # " bail; print "1..1"; exit }
    if (nb != nq) {
        n++; printf "not ok %d - bt386/same-number-of-checks # bt386 %d, qemu %d\n", n, nb, nq
    }
    for (i = 1; i <= nb; i++) {
        nm = name_of(b[i]); bok = (b[i] ~ /^ok/); qok = (q[i] ~ /^ok/)
        n++
        if (!bok) { printf "not ok %d - bt386/%s # %s\n", n, nm, b[i]; continue }
        if (nm != name_of(q[i])) { printf "not ok %d - bt386/%s # qemu has %s here\n", n, nm, name_of(q[i]); continue }
        if (nm in known) {
            if (qok) printf "not ok %d - bt386/%s # listed as a QEMU deviation but QEMU passes\n", n, nm
            else printf "ok %d - bt386/%s (QEMU deviation: bt386 passes, QEMU fails)\n", n, nm
            continue
        }
        if (b[i] != q[i]) printf "not ok %d - bt386/%s # bt386: %s | qemu: %s\n", n, nm, b[i], q[i]
        else printf "ok %d - bt386/%s\n", n, nm
    }
    n++
    # The battery reports 0 (all passed) to the debug-exit port: status (0 << 1) | 1.
    if (bstatus == 1) printf "ok %d - bt386/exit-status\n", n
    else printf "not ok %d - bt386/exit-status # %d, want 1\n", n, bstatus
    while ((getline line < stats_file) > 0) {
        if (line ~ /^  "[a-z_]+": [0-9.]+,?$/) {
            k = line; sub(/^  "/, "", k); sub(/".*/, "", k)
            v = line; sub(/^[^:]*: /, "", v); sub(/,$/, "", v); st[k] = v + 0
        }
    }
    total = st["insns_direct"] + st["insns_translated"] + st["insns_emulated"]
    n++
    if (total > 0 && st["insns_emulated"] / total < 0.01)
        printf "ok %d - bt386/stats-emulated-below-1-percent\n", n
    else printf "not ok %d - bt386/stats-emulated-below-1-percent # %d of %d\n", n, st["insns_emulated"], total
    n++
    if (st["insns_translated"] > 0 && st["blocks_translated"] > 0 && st["tc_hits"] > 0)
        printf "ok %d - bt386/stats-kernel-code-translated\n", n
    else printf "not ok %d - bt386/stats-kernel-code-translated\n", n
    n++
    if (st["direct_entries"] > 0 && st["insns_direct"] > 0)
        printf "ok %d - bt386/stats-user-code-direct\n", n
    else printf "not ok %d - bt386/stats-user-code-direct\n", n
    split(qtime, qt, " "); split(btime, bt, " ")
    printf "# wall time: qemu-system-i386 %.2f s, bt386 %.2f s (with --stats-exact)\n", qt[2] - qt[1], bt[2] - bt[1]
    printf "# stats: direct %d, translated %d, emulated %d (%.3f %%), blocks %d, tc hits %d/%d\n",
        st["insns_direct"], st["insns_translated"], st["insns_emulated"],
        total ? 100 * st["insns_emulated"] / total : 0, st["blocks_translated"], st["tc_hits"], st["tc_lookups"]
    printf "1..%d\n", n
}'
