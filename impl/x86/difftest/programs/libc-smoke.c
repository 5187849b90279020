/* Program-level differential test for impl/x86: a static i386 glibc program exercising startup
 * (CPUID, TLS through set_thread_area and %gs), stdio formatting (integer and x87 floating point),
 * string functions, malloc, qsort, setjmp/longjmp, 64-bit arithmetic and division.
 * Above: impl/x86/difftest/program-run.ts builds it with gcc -m32 -static and compares its output
 * on the TypeScript CPU with qemu-i386's. Below: glibc. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static __thread int tls_counter = 7;
static jmp_buf jb;

int main(int argc, char **argv) {
  printf("argc=%d argv0=%s\n", argc, argv[0]);
  tls_counter += argc;
  printf("tls=%d\n", tls_counter);
  int v[50];
  unsigned x = 1;
  for (int i = 0; i < 50; i++) { x = x * 1103515245u + 12345u; v[i] = (int)(x >> 8) % 1000; }
  qsort(v, 50, sizeof v[0], cmp);
  for (int i = 0; i < 50; i += 7) printf("%d ", v[i]);
  printf("\n");
  char *s = malloc(1000);
  for (int i = 0; i < 999; i++) s[i] = 'a' + i % 26;
  s[999] = 0;
  printf("len=%zu chr=%s\n", strlen(s), strchr(s, 'q') ? "q" : "-");
  char buf[64];
  memcpy(buf, s + 100, 30); buf[30] = 0;
  printf("memcpy=%s cmp=%d\n", buf, memcmp(s, s + 26, 100));
  unsigned long long big = 0x123456789abcdefULL;
  printf("u64=%llu div=%llu mod=%llu hex=%llx\n", big, big / 1000003, big % 1000003, big * 3);
  double d = 3.141592653589793;
  printf("pi=%.10f e=%g big=%e neg=%.3f\n", d, 2.718281828459045, 6.02214076e23, -d / 7);
  long double ld = 1.0L / 3;
  printf("ld=%.18Lf\n", ld);
  if (setjmp(jb) == 0) longjmp(jb, 42);
  printf("after longjmp\n");
  free(s);
  return 3;
}
