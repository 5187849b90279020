// A child killed in the middle of writing 4096-byte blocks to a file: the parent reads a few handshake
// bytes through a pipe, kills the child with SIGKILL, reaps it and reports the file's size.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int hs[2];
  if (pipe(hs) != 0) return 2;
  pid_t pid = fork();
  if (pid < 0) return 3;
  if (pid == 0) {
    close(hs[0]);
    static char block[4096];
    memset(block, 'k', sizeof block);
    int fd = open("/tmp/killwrite.dat", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) _exit(4);
    for (;;) {
      if (write(fd, block, sizeof block) != (long)sizeof block) _exit(5);
      if (write(hs[1], "b", 1) != 1) _exit(6);
    }
  }
  close(hs[1]);
  char b;
  for (int i = 0; i < 3; i++)
    if (read(hs[0], &b, 1) != 1) return 7;
  if (kill(pid, SIGKILL) != 0) return 8;
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return 9;
  struct stat s;
  if (stat("/tmp/killwrite.dat", &s) != 0) return 10;
  printf("signaled %d sig %d size %ld rem %ld\n", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : -1, (long)s.st_size,
         (long)(s.st_size % 4096));
  return 0;
}
