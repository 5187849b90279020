// Processor faults and signals, one case per argv[1]; prints what it saw and ends as the case says.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile sig_atomic_t got;

static void jump(int sig) { siglongjmp(env, sig); }
static void leave(int sig) { _exit(40 + sig); }
static void note(int sig) { got = sig; }

/* SA_SIGINFO: what the kernel said about the fault, then jump back */
static void info(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  printf("sig %d code %d addr %#lx trapno %ld cr2 %#lx\n", sig, si->si_code, (unsigned long)si->si_addr,
         (long)uc->uc_mcontext.gregs[REG_TRAPNO], (unsigned long)uc->uc_mcontext.cr2);
  siglongjmp(env, sig);
}

static void on(int sig, void (*h)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, NULL) != 0) _exit(99);
}

int main(int argc, char **argv) {
  const char *c = argc > 1 ? argv[1] : "";
  volatile int zero = 0;
  setvbuf(stdout, NULL, _IONBF, 0);
  if (strcmp(c, "null") == 0) return *(volatile int *)0;
  if (strcmp(c, "div") == 0) return 7 / zero;
  if (strcmp(c, "ud2") == 0) __asm__ volatile("ud2");
  if (strcmp(c, "int3") == 0) __asm__ volatile("int3");
  if (strcmp(c, "segvjmp") == 0) {
    on(SIGSEGV, jump);
    int r = sigsetjmp(env, 1);
    if (r == 0) return *(volatile int *)0;
    printf("caught %d\n", r);
    /* a second fault after the jump is caught again: the handler's mask was restored by siglongjmp */
    r = sigsetjmp(env, 1);
    if (r == 0) return *(volatile int *)8;
    printf("caught again %d\n", r);
    return 0;
  }
  if (strcmp(c, "segvexit") == 0) {
    on(SIGSEGV, leave);
    return *(volatile int *)0;
  }
  if (strcmp(c, "fpejmp") == 0) {
    on(SIGFPE, jump);
    int r = sigsetjmp(env, 1);
    if (r == 0) return 7 / zero;
    printf("caught %d\n", r);
    return 0;
  }
  if (strcmp(c, "siginfo") == 0) {
    /* an unmapped address (SEGV_MAPERR), a page made PROT_NONE (SEGV_ACCERR), a division (FPE_INTDIV at the instruction) */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGFPE, &sa, NULL) != 0) return 99;
    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || mprotect(page, 4096, PROT_NONE) != 0) return 98;
    if (sigsetjmp(env, 1) == 0) return *(volatile int *)0x10;
    if (sigsetjmp(env, 1) == 0) return page[100];
    printf("page %#lx\n", (unsigned long)(page + 100));
    if (sigsetjmp(env, 1) == 0) return 7 / zero;
    return 0;
  }
  if (strcmp(c, "usr1") == 0) {
    on(SIGUSR1, note);
    printf("kill %d\n", kill(getpid(), SIGUSR1));
    printf("handled %d\n", (int)got);
    return 0;
  }
  if (strcmp(c, "pipe") == 0 || strcmp(c, "pipeign") == 0) {
    int fds[2];
    if (pipe(fds) != 0) return 98;
    if (strcmp(c, "pipeign") == 0) signal(SIGPIPE, SIG_IGN);
    close(fds[0]);
    long r = write(fds[1], "x", 1);
    printf("write %ld %d\n", r, errno);
    return 0;
  }
  return 97;
}
