/* matconn: computation interleaved with many short-lived connections. It multiplies DIM x DIM integer
 * matrices (DIM = 24) R times (argv[1]): C = A * B, then A = C mod 1009. Before each row of each product
 * it opens a small file of the guest root (/etc/debian_version, O_RDONLY), fstats it, reads it, and closes
 * it: under Fluke a FileSystem.open that creates a new FileDescription port in the file-system nester, a
 * stat and a read on that connection, and its teardown on close. It also creates a pipe, writes a byte into
 * it, reads it back, and closes both ends (the pipe is the process manager's own object: system calls, no
 * file-system IPC). So one product is 24 connection set-ups and tear-downs and 24 pipes, plus
 * 24^3 multiply-adds. Prints "matconn R rounds connections N checksum C" (a checksum of the final matrix
 * and of the bytes read). Deterministic.
 * Above: impl/nesters/bench (programs.test.ts, bench-nesting.ts). Below: libc, the file system. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIM 24

static uint32_t a[DIM][DIM], b[DIM][DIM], c[DIM][DIM];

int main(int argc, char **argv) {
  unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 4;
  const char *path = "/etc/debian_version";
  uint32_t sum = 0;
  unsigned conns = 0;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) { a[i][j] = (uint32_t)(i * 7 + j * 3 + 1) % 1009u; b[i][j] = (uint32_t)(i + 2 * j + 5) % 1009u; }
  for (unsigned r = 0; r < rounds; r++) {
    for (int i = 0; i < DIM; i++) {
      int fd = open(path, O_RDONLY);
      if (fd < 0) { printf("matconn FAIL open\n"); return 1; }
      struct stat st;
      if (fstat(fd, &st) != 0) { printf("matconn FAIL fstat\n"); return 1; }
      char buf[64];
      ssize_t got = read(fd, buf, sizeof buf);
      if (got <= 0) { printf("matconn FAIL read\n"); return 1; }
      for (ssize_t k = 0; k < got; k++) sum = sum * 33u + (unsigned char)buf[k];
      sum += (uint32_t)st.st_size;
      close(fd);
      int p[2];
      if (pipe(p) != 0) { printf("matconn FAIL pipe\n"); return 1; }
      char x = (char)i, y = 0;
      if (write(p[1], &x, 1) != 1 || read(p[0], &y, 1) != 1 || y != x) { printf("matconn FAIL pipe io\n"); return 1; }
      close(p[0]);
      close(p[1]);
      conns++;
      for (int j = 0; j < DIM; j++) {
        uint32_t s = 0;
        for (int k = 0; k < DIM; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    }
    for (int i = 0; i < DIM; i++)
      for (int j = 0; j < DIM; j++) a[i][j] = c[i][j] % 1009u;
  }
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) sum = (sum << 7 | sum >> 25) ^ c[i][j];
  printf("matconn %u rounds connections %u checksum %08x\n", rounds, conns, sum);
  return 0;
}
