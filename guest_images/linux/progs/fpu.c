/* fpu.c — x87 and SSE2 arithmetic whose results must survive context switches: run two
 * at once, each checks its own running state against a fresh recomputation. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>

__attribute__((noinline)) static double x87_series(int seed, int n)
{
    long double acc = seed;
    for (int i = 1; i <= n; i++) {
        acc = acc * 1.0000001L + (long double)i / (seed + i);
        if ((i & 1023) == 0)
            sched_yield(); /* invite a context switch in the middle of live x87 state */
    }
    return (double)acc;
}

__attribute__((noinline)) static double sse_series(int seed, int n)
{
    double v[4] = {seed, seed + 1, seed + 2, seed + 3};
    for (int i = 1; i <= n; i++) {
        for (int k = 0; k < 4; k++)
            v[k] = v[k] * 0.999999 + (double)(i ^ k) / 1024.0;
        if ((i & 1023) == 0)
            sched_yield();
    }
    return v[0] + v[1] + v[2] + v[3];
}

int main(int argc, char **argv)
{
    int seed = argc > 1 ? atoi(argv[1]) : 1;
    volatile double a = x87_series(seed, 200000), b = sse_series(seed, 200000);
    volatile double a2 = x87_series(seed, 200000), b2 = sse_series(seed, 200000);
    printf("fpu seed %d: x87 %.6f sse %.6f %s\n", seed, a, b,
           a == a2 && b == b2 ? "consistent" : "INCONSISTENT");
    return a == a2 && b == b2 ? 0 : 1;
}
