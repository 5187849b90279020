/* memtest: allocate N MiB (argv[1]) in one block, touch every page of it (each first touch is a page
 * fault that the memory manager pages in on demand), write a pattern of 16 words per 4 KiB page, then
 * read the whole pattern back and verify it. Prints "memtest MB pages words-checked checksum" and exits 0,
 * or "memtest FAIL ..." and exits 1 on a mismatch. Deterministic: the pattern depends only on the index.
 * Above: impl/nesters/bench (programs.test.ts, bench-nesting.ts). Below: libc malloc (mmap), the kernel. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096u
#define STRIDE 64u /* bytes between written words: 64 words per page */

static uint32_t pattern(uint32_t i) { return (i * 2654435761u) ^ (i >> 7) ^ 0x5a5a1234u; }

int main(int argc, char **argv) {
  unsigned mb = argc > 1 ? (unsigned)atoi(argv[1]) : 4;
  size_t bytes = (size_t)mb << 20;
  volatile uint32_t *p = malloc(bytes);
  if (p == NULL) { printf("memtest FAIL malloc %u MiB\n", mb); return 1; }
  size_t words = bytes / STRIDE;
  for (size_t i = 0; i < words; i++) p[i * (STRIDE / 4)] = pattern((uint32_t)i);
  uint32_t sum = 0;
  for (size_t i = 0; i < words; i++) {
    uint32_t v = p[i * (STRIDE / 4)];
    if (v != pattern((uint32_t)i)) { printf("memtest FAIL at word %zu: %08x\n", i, v); return 1; }
    sum = (sum << 5 | sum >> 27) ^ v;
  }
  printf("memtest %u MiB pages %zu words %zu checksum %08x\n", mb, bytes / PAGE, words, sum);
  free((void *)p);
  return 0;
}
