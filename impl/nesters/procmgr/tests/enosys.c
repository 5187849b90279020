// An unknown system call: -1 with ENOSYS, twice.
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  for (int i = 0; i < 2; i++) {
    errno = 0;
    long r = syscall(999);
    printf("syscall %ld %d\n", r, errno);
  }
  return 0;
}
