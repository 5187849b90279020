/* readtest: read the first K KiB (argv[1]) of a file of the guest root (default the C library,
 * /lib/i386-linux-gnu/libc.so.6, argv[3]) N times (argv[2]): each round opens the file, reads it in
 * 4 KiB read() calls, and closes it, so under Fluke every round is a FileSystem.open and K/4
 * FileDescription.read requests to the file-system nester. Prints "readtest K KiB N rounds bytes B
 * checksum C" (a checksum of all bytes read, the same every round). Deterministic.
 * Above: impl/nesters/bench (programs.test.ts, bench-nesting.ts). Below: libc, the file system. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK 4096

int main(int argc, char **argv) {
  unsigned kb = argc > 1 ? (unsigned)atoi(argv[1]) : 64;
  unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 10;
  const char *path = argc > 3 ? argv[3] : "/lib/i386-linux-gnu/libc.so.6";
  static unsigned char buf[CHUNK];
  uint32_t sum = 0;
  unsigned long long total = 0;
  for (unsigned r = 0; r < rounds; r++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("readtest FAIL open %s\n", path); return 1; }
    size_t left = (size_t)kb * 1024;
    while (left > 0) {
      ssize_t got = read(fd, buf, left < CHUNK ? left : CHUNK);
      if (got < 0) { printf("readtest FAIL read\n"); return 1; }
      if (got == 0) break;
      for (ssize_t i = 0; i < got; i++) sum = sum * 31u + buf[i];
      left -= (size_t)got;
      total += (unsigned long long)got;
    }
    close(fd);
  }
  printf("readtest %u KiB %u rounds bytes %llu checksum %08x\n", kb, rounds, total, sum);
  return 0;
}
