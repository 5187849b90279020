// An infinite loop without system calls.
int main(void) {
  for (;;) __asm__ volatile("");
}
