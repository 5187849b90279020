/* Oracle for the differential tester of impl/x86 (the TypeScript i386 CPU).
 * Above: impl/x86/difftest/oracle.ts spawns this program and streams fixed-size case records to
 * stdin. Below: an i386 executor. This is a static 32-bit Linux program; it runs under qemu-i386
 * (second-best oracle) because this host cannot run 32-bit code natively: it has no ia32 exec
 * support, and far jumps to a 32-bit code selector (GDT 0x23 or an LDT entry) raise #GP. On a host
 * that can exec i386 ELF files it runs natively unchanged (the oracle script picks that mode).
 * Each case's code ends in a fault (normally the instruction-fetch #PF at the end of the code
 * page), which arrives as a signal whose ucontext holds the final state; the handler records it
 * and siglongjmps back. Built by impl/x86/difftest/build.ts into impl/x86/difftest/build/.
 *
 * Memory layout (same in the emulator): data page 0x00a00000 (RW), stack page 0x00b00000 (RW),
 * code page 0x00c00000 (RWX, code placed to end at 0x00c01000); the pages around them unmapped.
 * Record formats: see impl/x86/difftest/protocol.ts. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define DATA_PAGE 0x00a00000u
#define STACK_PAGE 0x00b00000u
#define CODE_PAGE 0x00c00000u
#define WIN 256
#define MAX_CODE 64

struct case_in {
  uint32_t regs[8]; /* eax ecx edx ebx esp ebp esi edi */
  uint32_t eflags;
  uint32_t code_len;
  uint8_t code[MAX_CODE];
  uint8_t data[WIN];  /* at DATA_PAGE + 4096 - WIN */
  uint8_t stack[WIN]; /* at STACK_PAGE + 4096 - WIN */
};

struct case_out {
  uint32_t regs[8];
  uint32_t eflags, eip, trapno, err, cr2, signo, dirty, si_code;
  uint8_t data[WIN];
  uint8_t stack[WIN];
};

extern void enter32(const uint32_t *regs_and_flags);
uint32_t enter_target;

__asm__(
    ".text\n"
    ".globl enter32\n"
    "enter32:\n"
    "  mov 4(%esp), %eax\n"
    "  pushl 32(%eax)\n"
    "  popfl\n"
    "  mov 4(%eax), %ecx\n"
    "  mov 8(%eax), %edx\n"
    "  mov 12(%eax), %ebx\n"
    "  mov 16(%eax), %esp\n"
    "  mov 20(%eax), %ebp\n"
    "  mov 24(%eax), %esi\n"
    "  mov 28(%eax), %edi\n"
    "  mov 0(%eax), %eax\n"
    "  jmp *enter_target\n");

static sigjmp_buf env;
static struct case_out out;

static void on_signal(int sig, siginfo_t *si, void *ucv) {
  __asm__ volatile("cld"); /* qemu-i386 enters handlers with the guest DF still set */
  ucontext_t *uc = ucv;
  greg_t *g = uc->uc_mcontext.gregs;
  out.regs[0] = (uint32_t)g[REG_EAX];
  out.regs[1] = (uint32_t)g[REG_ECX];
  out.regs[2] = (uint32_t)g[REG_EDX];
  out.regs[3] = (uint32_t)g[REG_EBX];
  out.regs[4] = (uint32_t)g[REG_UESP];
  out.regs[5] = (uint32_t)g[REG_EBP];
  out.regs[6] = (uint32_t)g[REG_ESI];
  out.regs[7] = (uint32_t)g[REG_EDI];
  out.eflags = (uint32_t)g[REG_EFL];
  out.eip = (uint32_t)g[REG_EIP];
  out.trapno = (uint32_t)g[REG_TRAPNO];
  out.err = (uint32_t)g[REG_ERR];
  out.cr2 = (uint32_t)uc->uc_mcontext.cr2;
  out.signo = (uint32_t)sig;
  /* #PF is SEGV_MAPERR/SEGV_ACCERR; #GP is SI_KERNEL, and #GP(selector) with TI set has bit 2 of
   * the error code set like a user-mode #PF (trapno is not filled in by qemu-i386) */
  out.si_code = (uint32_t)si->si_code;
  siglongjmp(env, 1);
}

static void map_fixed(uint32_t addr, int prot) {
  void *p = mmap((void *)(uintptr_t)addr, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p != (void *)(uintptr_t)addr) { perror("mmap"); exit(2); }
}

static int page_is_free(uint32_t addr) {
  void *p = mmap((void *)(uintptr_t)addr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)(uintptr_t)addr) return 0;
  munmap(p, 4096);
  return 1;
}

static void install(void) {
  static uint8_t altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

static int dirty_outside(uint8_t *page) {
  for (int i = 0; i < 4096 - WIN; i++)
    if (page[i]) { memset(page, 0, 4096 - WIN); return 1; }
  return 0;
}

static void run_case(const struct case_in *c) {
  uint8_t *code = (uint8_t *)(uintptr_t)CODE_PAGE;
  uint8_t *data = (uint8_t *)(uintptr_t)DATA_PAGE;
  uint8_t *stack = (uint8_t *)(uintptr_t)STACK_PAGE;
  uint32_t len = c->code_len > MAX_CODE ? MAX_CODE : c->code_len;
  memset(code, 0xf4, 4096 - len);
  memcpy(code + 4096 - len, c->code, len);
  memcpy(data + 4096 - WIN, c->data, WIN);
  memcpy(stack + 4096 - WIN, c->stack, WIN);
  enter_target = CODE_PAGE + 4096 - len;
  memset(&out, 0, sizeof out);
  struct itimerval t = {{0, 0}, {0, 500000}};
  setitimer(ITIMER_REAL, &t, NULL);
  if (sigsetjmp(env, 1) == 0) enter32(c->regs);
  struct itimerval z = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &z, NULL);
  memcpy(out.data, data + 4096 - WIN, WIN);
  memcpy(out.stack, stack + 4096 - WIN, WIN);
  out.dirty = (uint32_t)(dirty_outside(data) | dirty_outside(stack) << 1);
}

int main(void) {
  /* the neighbours of the three pages must be unmapped: refuse to run if they are not */
  uint32_t holes[] = {DATA_PAGE + 4096, STACK_PAGE + 4096, CODE_PAGE + 4096, CODE_PAGE - 4096};
  for (unsigned i = 0; i < 4; i++)
    if (!page_is_free(holes[i])) { fprintf(stderr, "page %#x is mapped\n", holes[i]); return 2; }
  map_fixed(DATA_PAGE, PROT_READ | PROT_WRITE);
  map_fixed(STACK_PAGE, PROT_READ | PROT_WRITE);
  map_fixed(CODE_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
  install();
  static struct case_in c;
  while (fread(&c, sizeof c, 1, stdin) == 1) {
    run_case(&c);
    if (fwrite(&out, sizeof out, 1, stdout) != 1) return 1;
    fflush(stdout); /* records of finished cases survive a hang (oracle.ts kills and bisects) */
  }
  fflush(stdout);
  return 0;
}
