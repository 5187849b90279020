/* Native x87 oracle for the differential test of impl/x86/fpu. Reads one case per line from stdin:
 *   OPCODE MODRM EFLAGS IMAGE(108 bytes hex) MEM(128 bytes hex)
 * loads IMAGE with FRSTOR, sets EFLAGS, executes the two-byte x87 instruction (memory forms address
 * the MEM buffer through RDI, i.e. ModRM rm = 111, mod = 00), reads EFLAGS back and dumps the state
 * with FNSAVE (non-waiting, so pending unmasked exceptions never trap). Prints per case:
 *   IMAGE(108 bytes hex) EFLAGS MEM(128 bytes hex) SIGNAL
 * The layer above is difftest/native.ts, which builds this file into difftest/build/ and drives
 * it; below is the host CPU (x86_64: the x87 behaves as in 32-bit mode). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef void (*stub_fn)(uint8_t *mem, uint8_t *image, uint64_t *eflags);

static sigjmp_buf env;
static volatile int caught;

static void on_signal(int sig) {
  caught = sig;
  siglongjmp(env, 1);
}

static int unhex(const char *s, uint8_t *out, int n) {
  for (int i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

static void puthex(const uint8_t *b, int n) {
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 2;
  static const uint8_t head[] = {0xdd, 0x26, 0xff, 0x32, 0x9d}; /* frstor [rsi]; push [rdx]; popfq */
  static const uint8_t tail[] = {0x9c, 0x8f, 0x02, 0xdd, 0x36, 0xc3}; /* pushfq; pop [rdx]; fnsave [rsi]; ret */
  memcpy(code, head, sizeof head);
  memcpy(code + sizeof head + 2, tail, sizeof tail);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  static char line[1024];
  uint8_t image[108], mem[128];
  while (fgets(line, sizeof line, stdin)) {
    unsigned op, modrm;
    unsigned long long efl;
    char ih[300], mh[300];
    if (sscanf(line, "%x %x %llx %299s %299s", &op, &modrm, &efl, ih, mh) != 5) continue;
    if (unhex(ih, image, 108) || unhex(mh, mem, 128)) continue;
    code[sizeof head] = (uint8_t)op;
    code[sizeof head + 1] = (uint8_t)modrm;
    uint64_t flags = (efl & 0x8d5) | 0x202;
    caught = 0;
    if (sigsetjmp(env, 1) == 0) {
      ((stub_fn)code)(mem, image, &flags);
    } else {
      __asm__ volatile("fninit");
    }
    puthex(image, 108);
    printf(" %llx ", (unsigned long long)(flags & 0x8d5));
    puthex(mem, 128);
    printf(" %d\n", caught);
  }
  return 0;
}
