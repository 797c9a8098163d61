# guest-test.sh — runs inside the guest; its output must be the same on every machine.
set -u
echo "== fork and exec"
for i in 1 2 3; do sh -c "echo child $i"; done
echo "== pipes"
seq 1 1000 | awk '{ s += $1 } END { print "sum", s }'
echo "== signals"
trap 'echo parent got USR1' USR1
kill -USR1 $$
sh -c 'trap "echo child got TERM; exit 3" TERM; kill -TERM $$; sleep 5'
echo "child exit status $?"
echo "== mmap and fork sharing"
/bin/bt386-memmap
echo "== tmpfs file and checksums"
seq 1 300000 >/tmp/nums
wc -c </tmp/nums
md5sum </tmp/nums
echo "== dd and sort"
dd if=/tmp/nums of=/tmp/copy bs=4k 2>/dev/null
cmp /tmp/nums /tmp/copy && echo "dd copy identical"
sort -r -n /tmp/nums | head -n 3
sort /tmp/nums | md5sum
echo "== threads with TLS"
/bin/bt386-threads
echo "== two FPU/SSE processes at once"
/bin/bt386-fpu 3 >/tmp/fpu3 &
/bin/bt386-fpu 5 >/tmp/fpu5
wait
cat /tmp/fpu3 /tmp/fpu5
