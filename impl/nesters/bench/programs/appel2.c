/* appel2: the Appel-Li "trap, protect one, unprotect" loop (Appel & Li 1991, the paper's appel2). A region
 * of NPAGES pages is mapped and protected PROT_NONE; the loop touches page (i * 7) mod NPAGES for i in
 * 0..N-1 (argv[1]); the SIGSEGV handler unprotects the faulting page and protects again the page it
 * unprotected last time, so exactly one page is accessible at a time and every access to another page
 * traps. The handler takes the faulting page from si_addr, and checks it against the page the loop is
 * about to touch (`target`); a fault elsewhere is reported. Each iteration writes a word into the touched page. Under Fluke this is a region-keeper
 * fault (the memory manager), a processor exception to the process manager, a signal frame, two
 * mprotect calls and a sigreturn. Prints "appel2 N faults F checksum C". Deterministic.
 * Above: impl/nesters/bench (programs.test.ts, bench-nesting.ts). Below: libc, the kernel. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NPAGES 64
#define PAGE 4096

static char *base;
static char *open_page; /* the one page left accessible, or NULL */
static volatile unsigned faults;
static char *volatile target; /* the page the loop is about to touch */

static void on_segv(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE - 1));
  if (si->si_code != SEGV_ACCERR || page != target || page == open_page || page < base || page >= base + NPAGES * PAGE) { static const char m[] = "appel2 FAIL stray fault\n"; write(1, m, sizeof m - 1); _exit(2); }
  if (mprotect(page, PAGE, PROT_READ | PROT_WRITE) != 0) _exit(3);
  if (open_page != NULL && mprotect(open_page, PAGE, PROT_NONE) != 0) _exit(4);
  open_page = page;
  faults++;
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
  base = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) { printf("appel2 FAIL mmap\n"); return 1; }
  memset(base, 0, NPAGES * PAGE);
  if (mprotect(base, NPAGES * PAGE, PROT_NONE) != 0) { printf("appel2 FAIL mprotect\n"); return 1; }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, NULL) != 0) { printf("appel2 FAIL sigaction\n"); return 1; }
  for (unsigned i = 0; i < n; i++) {
    target = base + ((i * 7) % NPAGES) * PAGE;
    volatile uint32_t *w = (volatile uint32_t *)(target + (i % 1024) * 4);
    *w += i;
  }
  if (open_page != NULL) mprotect(open_page, PAGE, PROT_NONE);
  mprotect(base, NPAGES * PAGE, PROT_READ);
  uint32_t sum = 0;
  for (unsigned i = 0; i < NPAGES * PAGE / 4; i++) sum = (sum << 3 | sum >> 29) ^ ((uint32_t *)base)[i];
  printf("appel2 %u faults %u checksum %08x\n", n, faults, sum);
  return 0;
}
