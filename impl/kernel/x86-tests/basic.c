/* A freestanding i386 test program for the x86 thread runner (impl/kernel/x86-thread.ts): it calls the
 * Fluke API through the stubs of spec/kernel-api/fluke.h (thread_self, a mutex, its state, references)
 * and writes what it saw into a results block at a fixed address, which the test reads back. The block
 * shares its page with the mutex and the references, so every store to it goes through the runner's
 * object-page path. When done it spins incrementing `spin` (so a test can revoke its memory and watch
 * the next access fault), or halts (#GP) if `halt` is set. Built at test time by
 * impl/kernel/x86-thread.test.ts with gcc -m32 -ffreestanding -nostdlib -fno-pic -static -O1. */
#include "fluke.h"

struct results {
	unsigned magic, self, mutex_rc, trylock_held, trylock_free, locked, mutex_hash;
	unsigned ref_rc, ref_type, ref_hash, ref_cmp_other, ref_cmp_same, sum, halt, done, spin;
};

#define R ((volatile struct results *)0x18000)
#define MUTEX ((fluke_mutex_t *)0x18100)
#define REF1 ((fluke_ref_t *)0x18110)
#define REF2 ((fluke_ref_t *)0x18120)

static unsigned work[256];

static void mutexes(void)
{
	struct fluke_mutex_state st;
	R->mutex_rc = fluke_mutex_create(MUTEX);
	fluke_mutex_lock(MUTEX);
	R->trylock_held = fluke_mutex_trylock(MUTEX);
	fluke_mutex_get_state(MUTEX, &st, 0);
	R->locked = st.locked;
	R->mutex_hash = st.hash;
	fluke_mutex_unlock(MUTEX);
	R->trylock_free = fluke_mutex_trylock(MUTEX);
}

static void refs(void)
{
	R->ref_rc = fluke_ref_create(REF1);
	fluke_mutex_reference(MUTEX, REF1);
	R->ref_type = fluke_ref_type(REF1);
	R->ref_hash = fluke_ref_hash(REF1);
	fluke_ref_create(REF2);
	R->ref_cmp_other = fluke_ref_compare(REF1, REF2);
	fluke_ref_copy(REF1, REF2);
	R->ref_cmp_same = fluke_ref_compare(REF1, REF2);
}

void _start(void)
{
	unsigned i, s = 0;
	R->magic = 0x1234abcd;
	R->self = (unsigned)fluke_thread_self();
	mutexes();
	refs();
	for (i = 0; i < 256; i++)
		work[i] = i * i;
	for (i = 0; i < 256; i++)
		s += work[i];
	R->sum = s;
	R->done = 0xd0d0d0d0;
	if (R->halt)
		for (;;)
			__asm__ volatile("hlt");
	for (;;)
		R->spin++;
}
