/* The debugger test's program (impl/nesters/debugger/gdb.test.ts): gdb stops at main, changes x, and
   the printed line shows the change; d goes through the x87. */
#include <stdio.h>

static int square(int v) {
  return v * v;
}

int main(void) {
  int x = 7;
  double d = x * 0.5;
  int y = square(x);
  printf("x=%d d=%g y=%d\n", x, d, y);
  return 0;
}
