// File mappings and copy on write through the whole stack. A private read-only mapping of a file shows
// its bytes; made writable with mprotect it becomes the process's own copy (the file and a second
// mapping keep the original bytes); after fork, parent and child each see their own writes to
// anonymous memory and to the copy, never the other's.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int fd = open("/tmp/t/data.txt", O_RDONLY);
  if (fd < 0) { perror("open"); return 1; }
  char *a = mmap(0, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
  if (a == MAP_FAILED) { perror("mmap"); return 1; }
  printf("mapped %.11s\n", a);
  if (mprotect(a, 4096, PROT_READ | PROT_WRITE) != 0) { perror("mprotect"); return 1; }
  memcpy(a, "HELLO", 5);
  char *b = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  char buf[12] = {0};
  pread(fd, buf, 11, 0);
  printf("private %.11s other %.11s file %s\n", a, b, buf);
  char *heap = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  heap[12345] = 'p';
  pid_t c = fork();
  if (c == 0) {
    heap[12345] = 'c';
    a[0] = 'C';
    printf("child %c %c\n", heap[12345], a[0]);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("parent %c %c\n", heap[12345], a[0]);
  return 0;
}
