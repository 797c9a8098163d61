#!/bin/sh
# battery-qemu.sh — run the battery guest on qemu-system-i386 (the reference machine) and
# re-emit its TAP: every check must pass, except the documented QEMU deviations, which must fail.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}" "${QEMU_I386:=qemu-system-i386}"
elf="$top_builddir/guest_images/battery/battery.elf"
known="$top_srcdir/guest_images/battery/qemu-known-failures"
out="$top_builddir/tests/battery-qemu.out"
timeout_s="${BATTERY_TIMEOUT:-120}"

if [ ! -f "$elf" ]; then
    echo "Bail out! $elf not built"
    exit 1
fi
mkdir -p "$(dirname "$out")"
start=$(date +%s.%N)
# isa-debug-exit: the guest's status v becomes the exit status (v << 1) | 1.
timeout "$timeout_s" "$QEMU_I386" -accel tcg -m 64 -display none -monitor none -no-reboot \
    -serial "file:$out" -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" \
    </dev/null >"$out.stderr" 2>&1
status=$?
end=$(date +%s.%N)

tr -d '\r' <"$out" | awk -v known_file="$known" -v status="$status" \
    -v wall_start="$start" -v wall_end="$end" '
BEGIN {
    while ((getline line < known_file) > 0) {
        if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
        name = line; sub(/[ \t]*#.*/, "", name)
        reason = line; sub(/^[^#]*#[ \t]*/, "", reason)
        known[name] = reason
    }
    n = 0; failed = 0; bailed = 0; planned = -1
}
/^(not )?ok [0-9]+ - / {
    ok = ($1 == "ok")
    name = $0; sub(/^(not )?ok [0-9]+ - /, "", name); sub(/ #.*/, "", name)
    n++
    if (name in known) {
        # TODO: an expected failure; a pass means the list is stale (reported as XPASS).
        printf "%s %d - qemu/%s # TODO QEMU deviation: %s\n", ok ? "ok" : "not ok", n, name, known[name]
        seen_known[name] = 1
        if (!ok) failed++
    } else {
        print (ok ? "ok " : "not ok ") n " - qemu/" name (ok ? "" : substr($0, index($0, " # ")))
        if (!ok) failed++
    }
    next
}
/^1\.\.[0-9]+$/ { planned = substr($0, 4) + 0; next }
/^Bail out!/ { print; bailed = 1; next }
/^#/ { print; next }
END {
    if (bailed) exit 1
    for (k in known) if (!(k in seen_known)) {
        n++; printf "not ok %d - qemu/%s # listed in qemu-known-failures but not run\n", n, k
    }
    n++
    if (planned == n - 1) printf "ok %d - qemu/battery-plan-complete\n", n
    else printf "not ok %d - qemu/battery-plan-complete # plan %d, saw %d checks\n", n, planned, n - 1
    n++
    # The guest exits with 1 when any check failed: QEMU reports (1 << 1) | 1 = 3, else 1.
    want = failed ? 3 : 1
    if (status == want) printf "ok %d - qemu/debug-exit-status\n", n
    else printf "not ok %d - qemu/debug-exit-status # exit %d, want %d\n", n, status, want
    printf "# battery on qemu-system-i386: %d checks, wall time %.2f s\n", planned, wall_end - wall_start
    printf "1..%d\n", n
}'
