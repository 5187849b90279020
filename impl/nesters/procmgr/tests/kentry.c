// Hostile kernel-level code: calls into the Fluke kernel entry area (0xC0000000 + 16 n) with garbage
// registers. With argv[1] = "all" (garbage values) or "mine" (pointers into a buffer of the program's
// own), a SIGSEGV handler catches what faults and every trap number 0..255 is tried; otherwise one call is
// made with trap number argv[1] and no handler.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;
static void jump(int sig) { siglongjmp(env, sig); }
unsigned kentry_target;
/* With argv[1] = "mine", the garbage registers point into this buffer of the program's own. */
static unsigned char scratch[1 << 16];

static unsigned kcall(unsigned n, unsigned g) {
  unsigned eax;
  kentry_target = 0xC0000000u + 16u * n;
  __asm__ volatile(
      "pushl %%ebp\n\t"
      "movl %%eax, %%ebp\n\t"
      "xorl $0x5a5a5a5a, %%ebp\n\t"
      "call *kentry_target\n\t"
      "popl %%ebp\n\t"
      : "=a"(eax)
      : "a"(g), "b"(g ^ 0x11111111u), "c"(g + 0x1000u), "d"(~g), "S"(g * 3u), "D"(g ^ 0xffff0000u)
      : "memory", "cc");
  return eax;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "all") != 0 && strcmp(argv[1], "mine") != 0) {
    unsigned r = kcall((unsigned)atoi(argv[1]), 0xdeadbeefu);
    printf("returned %#x\n", r);
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = jump;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  int faults = 0, returns = 0;
  int mine = argc > 1 && strcmp(argv[1], "mine") == 0;
  for (volatile unsigned n = 0; n < 256; n++) {
    int s = sigsetjmp(env, 1);
    if (s != 0) {
      faults++;
      continue;
    }
    unsigned g = mine ? (unsigned)&scratch[(n * 97u) % (sizeof scratch - 4096)] : 0xdeadbeefu ^ (n * 0x01010101u);
    unsigned r = kcall(n, g);
    printf("trap %u returned %#x\n", (unsigned)n, r);
    returns++;
  }
  printf("faults %d returns %d\n", faults, returns);
  return 0;
}
