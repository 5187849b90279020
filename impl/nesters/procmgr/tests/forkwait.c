// fork + pipe + waitpid with exit codes, and execve of /bin/echo from a child.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 2;
  pid_t a = fork();
  if (a == 0) {
    close(p[0]);
    const char msg[] = "from child";
    write(p[1], msg, sizeof msg - 1);
    _exit(17);
  }
  close(p[1]);
  char buf[64] = {0};
  long n = read(p[0], buf, sizeof buf - 1);
  int st = 0;
  pid_t w = waitpid(a, &st, 0);
  printf("read %ld '%s' waited %d exited %d code %d\n", n, buf, w == a, WIFEXITED(st), WEXITSTATUS(st));
  fflush(stdout);
  pid_t e = fork();
  if (e == 0) {
    char *argv[] = { "echo", "hello", "from", "echo", NULL };
    char *envp[] = { "LANG=C", NULL };
    execve("/bin/echo", argv, envp);
    _exit(111);
  }
  st = 0;
  w = waitpid(e, &st, 0);
  printf("echo waited %d exited %d code %d\n", w == e, WIFEXITED(st), WEXITSTATUS(st));
  printf("nochild %d\n", waitpid(-1, &st, WNOHANG));
  return 3;
}
