# bench.sh — the workloads of bench/run.sh; the same script runs in the guest and natively.
timeit user-fpu bt386-fpu 7
timeit threads bt386-threads
timeit syscalls dd if=/dev/zero of=/dev/null bs=64 count=100000
timeit fork-exec sh -c 'i=0; while [ $i -lt 200 ]; do busybox true; i=$((i+1)); done'
timeit pipes-sort sh -c 'seq 1 200000 | sort -r | md5sum'
timeit mmap bt386-memmap
