// execve from inside a guest of argv[1..]: prints "<path> <return> <errno>" for each (each must fail).
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    char *args[] = { argv[i], NULL };
    errno = 0;
    int r = execve(argv[i], args, NULL);
    printf("%s %d %d\n", argv[i], r, errno);
  }
  return 0;
}
