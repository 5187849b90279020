/* The debugger test's second program (impl/nesters/debugger/events.test.ts): `loop` spins until gdb
   clears `spin` (reached by an interrupt), `fork` makes a child that runs through a breakpointed
   function too, `segv` writes through a null pointer. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int spin = 1;

void report(const char *who, int v) {
  printf("%s %d\n", who, v);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "loop") == 0) {
    while (spin) {
    }
    report("spun", spin);
  } else if (strcmp(mode, "fork") == 0) {
    pid_t p = fork();
    if (p == 0) {
      report("child", 7);
      _exit(7);
    }
    int st = 0;
    waitpid(p, &st, 0);
    report("parent", WEXITSTATUS(st));
  } else if (strcmp(mode, "segv") == 0) {
    *(volatile int *)0 = 1;
  }
  return 3;
}
