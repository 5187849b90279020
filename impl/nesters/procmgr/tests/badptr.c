// Bad pointers given to system calls: each call must fail with EFAULT (14), never crash the process or
// the system. Prints one line per call: "<name> <return> <errno>". Built by hostile.test.ts.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *name, long r) {
  printf("%s %ld %d\n", name, r, r < 0 ? errno : 0);
  errno = 0;
}

/* volatile: the compiler must not see that the pointers are bad */
static void *volatile bad16 = (void *)16, *volatile bad32 = (void *)32, *volatile null0 = 0;

int main(void) {
  show("write16", write(1, bad16, 5));
  char *ro = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ro == MAP_FAILED) return 2;
  if (mprotect(ro, 4096, PROT_READ) != 0) return 3;
  show("read0ro", read(0, ro, 16));
  int fd = open("/tmp/badptr.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "hello world\n", 12) != 12 || lseek(fd, 0, SEEK_SET) != 0) return 4;
  show("readfilero", read(fd, ro, 12));
  show("readfile", read(fd, (char[16]){0}, 12)); /* the failed read consumed nothing it could not store */
  show("openNULL", open((const char *)null0, O_RDONLY));
  show("openbad", open((const char *)bad16, O_RDONLY));
  /* raw calls: glibc's stat() converts from a buffer of its own, so the fault would be glibc's */
  show("stat64", syscall(SYS_stat64, "/", bad16));
  show("fstat64", syscall(SYS_fstat64, 1, bad16));
  show("fstatat64", syscall(SYS_fstatat64, AT_FDCWD, "/tmp", bad16, 0));
  show("execvebad", execve("/bin/true", (char *const *)bad16, NULL));
  show("execvebadelem", execve("/bin/true", (char *const[]){ "true", (char *)bad32, NULL }, NULL));
  show("writeok", write(1, "", 0));
  return 0;
}
