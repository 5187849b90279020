// A process running its own code (no system calls) still takes signals: SIGKILL ends a spinning child,
// SIGUSR1 runs a spinning child's handler (the process manager stops the thread and rewrites it).
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile int got;
static void h(int s) { got = s; }
int main(void) {
  pid_t c = fork();
  if (c == 0) { for (;;) ; }
  for (volatile int i = 0; i < 100000; i++) ;
  kill(c, SIGKILL);
  int st; pid_t w = waitpid(c, &st, 0);
  printf("waited %d signaled %d sig %d\n", w == c, WIFSIGNALED(st), WTERMSIG(st));
  signal(SIGUSR1, h);
  pid_t c2 = fork();
  if (c2 == 0) { signal(SIGUSR1, h); while (!got) ; printf("child got %d\n", got); _exit(7); }
  for (volatile int i = 0; i < 100000; i++) ;
  kill(c2, SIGUSR1);
  waitpid(c2, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
