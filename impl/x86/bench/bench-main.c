/* Anchor runner of the CPU benchmark: calls run_bench() from bench.c repeatedly and prints the
 * checksum and the median nanoseconds per run, wall clock and process CPU time. Built by impl/x86/bench/cpu-bench.ts for i386
 * (run under qemu-i386 or natively where possible) and for the host (native anchor).
 * Above: cpu-bench.ts. Below: bench.c and libc. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
unsigned run_bench(void);

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 5;
  double t[64], c[64];
  unsigned sum = 0;
  if (runs > 64) runs = 64;
  for (int i = 0; i < runs; i++) {
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    sum = run_bench();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    clock_gettime(CLOCK_MONOTONIC, &b);
    t[i] = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    c[i] = (cb.tv_sec - ca.tv_sec) * 1e9 + (cb.tv_nsec - ca.tv_nsec);
  }
  qsort(t, runs, sizeof t[0], cmp);
  qsort(c, runs, sizeof c[0], cmp);
  printf("%u %.0f %.0f\n", sum, t[runs / 2], c[runs / 2]);
  return 0;
}
