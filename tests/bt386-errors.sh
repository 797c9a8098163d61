#!/bin/sh
# bt386-errors.sh — bad input and crashing guests give a clear message and a non-zero
# status, never a host crash.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
bt="$top_builddir/bt386"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

# expect NAME STATUS PATTERN -- ARGS...: bt386 ARGS exits with STATUS and says PATTERN.
expect() {
    name=$1 want=$2 pattern=$3
    shift 4
    timeout 60 "$bt" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    got=$?
    n=$((n + 1))
    if [ "$got" -ne "$want" ]; then
        echo "not ok $n - errors/$name # exit $got, want $want: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    elif ! grep -q -e "$pattern" "$tmp/err" "$tmp/out"; then
        echo "not ok $n - errors/$name # no '$pattern' in: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    else
        echo "ok $n - errors/$name"
    fi
}

elf="$top_builddir/guest_images/battery/battery.elf"
head -c 100 /dev/urandom >"$tmp/random.bin"
printf 'not a kernel at all\n' >"$tmp/text.bin"
head -c 300 "$elf" >"$tmp/truncated.elf"
head -c 200000 /dev/urandom | gzip -1 >"$tmp/initrd.gz"
head -c 100000 "$tmp/initrd.gz" >"$tmp/truncated-initrd.gz"
printf '\037\213\010\000garbage' >"$tmp/corrupt-initrd.gz"

expect missing-kernel 1 "cannot open kernel" -- -kernel "$tmp/nonexistent"
expect kernel-is-a-directory 1 "not a regular file" -- -kernel "$tmp"
expect malformed-kernel 1 "not a multiboot or Linux bzImage" -- -kernel "$tmp/text.bin"
expect random-kernel 1 "cannot load" -- -kernel "$tmp/random.bin"
expect truncated-kernel 1 "cannot load" -- -kernel "$tmp/truncated.elf"
expect absurd-memory 1 "between 2M and 3584M" -- -m 100G -kernel "$elf"
expect tiny-memory 1 "between 2M and 3584M" -- -m 1 -kernel "$elf"
expect memory-not-a-size 1 "not a size" -- -m lots -kernel "$elf"
expect no-kernel 1 "no kernel" -- -m 64
expect unknown-option 1 "unknown option" -- -kernel "$elf" -frobnicate
expect help 0 "usage: bt386" -- --help
expect missing-initrd 1 "cannot open initrd" -- -kernel "$elf" -initrd "$tmp/nonexistent"
expect truncated-initrd 1 "initrd is truncated or corrupt" -- -kernel "$elf" \
    -initrd "$tmp/truncated-initrd.gz"
expect corrupt-initrd 1 "initrd is truncated or corrupt" -- -kernel "$elf" \
    -initrd "$tmp/corrupt-initrd.gz"
expect triple-fault 2 "triple fault" -- -kernel "$top_builddir/guest_images/crash/triple.elf"
expect triple-fault-reports-eip 2 "guest CS:EIP 0010:0010" -- \
    -kernel "$top_builddir/guest_images/crash/triple.elf"
expect triple-fault-reports-block 2 "last translated block: guest 0010" -- \
    -kernel "$top_builddir/guest_images/crash/triple.elf"
expect jump-into-garbage 2 "guest CS:EIP 0010:e0000000" -- \
    -kernel "$top_builddir/guest_images/crash/garbage.elf"
echo "1..$n"
