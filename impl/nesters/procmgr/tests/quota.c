// Memory quota: allocate (and touch) 1 MiB blocks until malloc gives NULL; print how many it gave.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  int n = 0;
  for (;;) {
    char *b = malloc(1 << 20);
    if (b == NULL) break;
    memset(b, 0x5a, 1 << 20);
    if (++n > 4096) return 3;
  }
  printf("blocks %d\n", n);
  return 0;
}
