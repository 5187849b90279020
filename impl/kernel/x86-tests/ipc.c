/* A freestanding i386 test program for IPC from x86 code (impl/kernel/x86-ipc-abi.ts): it builds
 * fluke_ipc_params_t blocks (spec/kernel-api/fluke.h, x86.md "IPC parameter block") and calls a port served
 * by a native thread. Mode 1 (client): an idempotent fluke_ipc_call with gathered send buffers and scattered
 * receive buffers, the same call through raw registers (to see al/ah/ecx/esi/edi), a reliable RPC
 * (connect_send_over_receive), then an unaligned buffer (BUFFER_UNALIGNED). Mode 2 (bench): `count`
 * idempotent calls. Mode 3 (server): setup_wait_receive, then `count` rounds of reply_wait_receive
 * answering each request with its words doubled. Mode 4: a send buffer outside memory (a fault).
 * Mode 5: a call that sends a reference and receives one. Results go to a block at a fixed address that the test
 * reads back. Built at test time with gcc -m32 -ffreestanding -nostdlib -fno-pic -static -O1. */
#include "fluke.h"

struct results {
	unsigned mode, count, done, stage;
	unsigned call_rc, call_words[11];
	unsigned cur_words, cur_off, tab_off, bufs_left, refs_left;
	unsigned raw_eax, raw_ecx, raw_esi, raw_edi;
	unsigned rpc_rc, rpc_words[4], rpc_left;
	unsigned bench_sum, serve_rc[8], serve_first[8], alias;
	unsigned unaligned_after, ref_same, ref_type;
};

#define R ((volatile struct results *)0x18000)
#define DEST ((fluke_ref_t *)0xa000)
#define PSET ((fluke_pset_t *)0x9000)
#define SLOT ((fluke_ref_t *)0x18400)
#define SLOT2 ((fluke_ref_t *)0x18410)

static unsigned sbuf0[2] = { 1, 2 }, sbuf1[4] = { 3, 4, 5, 6 };
static unsigned rbuf0[3], rbuf1[2], rbuf2[8];
static fluke_ipc_buf_t stab[1], rtab[2];

static void idempotent(void)
{
	fluke_ipc_params_t p = { 0 };
	unsigned i;
	stab[0].words = 4; stab[0].buf = sbuf1;
	rtab[0].words = 2; rtab[0].buf = rbuf1;
	rtab[1].words = 8; rtab[1].buf = rbuf2;
	p.send_buf.words = 2; p.send_buf.buf = sbuf0;
	p.send_buf_count = 1; p.send_buf_tab = stab;
	p.recv_buf.words = 3; p.recv_buf.buf = rbuf0;
	p.recv_buf_count = 2; p.recv_buf_tab = rtab;
	R->call_rc = fluke_ipc_call(DEST, &p);
	for (i = 0; i < 3; i++) R->call_words[i] = rbuf0[i];
	for (i = 0; i < 2; i++) R->call_words[3 + i] = rbuf1[i];
	for (i = 0; i < 6; i++) R->call_words[5 + i] = rbuf2[i];
	R->cur_words = p.recv_buf.words;
	R->cur_off = (unsigned)p.recv_buf.buf - (unsigned)rbuf2;
	R->tab_off = (unsigned)p.recv_buf_tab - (unsigned)rtab;
	R->bufs_left = p.recv_buf_count;
	R->refs_left = p.recv_ref_count;
}

/* fluke_ipc_call with the registers of the published convention visible. */
static void raw(void)
{
	static unsigned req[3] = { 10, 20, 30 }, rep[2], rep1[2], rep2[2];
	static fluke_ipc_buf_t tab[2];
	static fluke_ref_t *slots[1];
	fluke_ipc_params_t p = { 0 };
	unsigned a = (unsigned)DEST, b = (unsigned)&p, c, s, d;
	fluke_ref_create(SLOT);
	slots[0] = SLOT;
	tab[0].words = 2; tab[0].buf = rep1;
	tab[1].words = 2; tab[1].buf = rep2;
	p.send_buf.words = 3; p.send_buf.buf = req;
	p.recv_buf.words = 2; p.recv_buf.buf = rep;
	p.recv_buf_count = 2; p.recv_buf_tab = tab;
	p.recv_ref_count = 1; p.recv_ref_tab = slots;
	__asm__ volatile("call %P5" : "+a"(a), "+b"(b), "=c"(c), "=S"(s), "=D"(d) : "i"(0xC0000000 + 16 * 81) : "edx", "memory", "cc");
	R->raw_eax = a; R->raw_ecx = c; R->raw_esi = s; R->raw_edi = d;
}

static void rpc(void)
{
	static unsigned req[3] = { 100, 200, 300 }, rep[8];
	fluke_ipc_params_t p = { 0 };
	unsigned i;
	p.send_buf.words = 3; p.send_buf.buf = req;
	p.recv_buf.words = 8; p.recv_buf.buf = rep;
	R->rpc_rc = fluke_ipc_client_connect_send_over_receive(DEST, &p);
	for (i = 0; i < 4; i++) R->rpc_words[i] = rep[i];
	R->rpc_left = p.recv_buf.words;
}

static void unaligned(void)
{
	static unsigned char bytes[16];
	static unsigned rep[2];
	fluke_ipc_params_t p = { 0 };
	p.send_buf.words = 2; p.send_buf.buf = bytes + 1;
	p.recv_buf.words = 2; p.recv_buf.buf = rep;
	fluke_ipc_call(DEST, &p); /* an insanity: no handler, so the thread stops here */
	R->unaligned_after = 1;
}

/* A send buffer outside the task's memory: the call faults before it has any effect. */
static void bad_pointer(void)
{
	static unsigned rep[2];
	fluke_ipc_params_t p = { 0 };
	p.send_buf.words = 2; p.send_buf.buf = (void *)0x300000;
	p.recv_buf.words = 2; p.recv_buf.buf = rep;
	R->stage = 1;
	fluke_ipc_call(DEST, &p);
	R->stage = 2;
}

/* A call that sends a reference (to the port itself) and receives one into SLOT2. */
static void refs(void)
{
	static unsigned req[2] = { 5, 6 }, rep[2];
	static fluke_ref_t *sref[1], *rref[2];
	fluke_ipc_params_t p = { 0 };
	fluke_ref_create(SLOT2);
	sref[0] = DEST;
	rref[0] = SLOT2; rref[1] = SLOT2;
	p.send_buf.words = 2; p.send_buf.buf = req;
	p.send_ref_count = 1; p.send_ref_tab = sref;
	p.recv_buf.words = 2; p.recv_buf.buf = rep;
	p.recv_ref_count = 2; p.recv_ref_tab = rref;
	R->call_rc = fluke_ipc_call(DEST, &p);
	R->call_words[0] = rep[0];
	R->refs_left = p.recv_ref_count;
	R->tab_off = (unsigned)p.recv_ref_tab - (unsigned)rref;
	R->ref_same = fluke_ref_compare(SLOT2, DEST);
	R->ref_type = fluke_ref_type(SLOT2);
	R->done = 0xd0d0d0d0;
}

static void bench(void)
{
	static unsigned req[2], rep[2];
	fluke_ipc_params_t p = { 0 };
	unsigned i, sum = 0;
	for (i = 0; i < R->count; i++) {
		req[0] = i; req[1] = 1;
		p.send_buf.words = 2; p.send_buf.buf = req;
		p.recv_buf.words = 2; p.recv_buf.buf = rep;
		fluke_ipc_call(DEST, &p);
		sum += rep[0] + rep[1];
	}
	R->bench_sum = sum;
}

static void server(void)
{
	static unsigned in[8], out[8];
	fluke_ipc_params_t p = { 0 };
	void *alias = 0;
	unsigned i, j, n, rc;
	p.recv_buf.words = 8; p.recv_buf.buf = in;
	rc = fluke_ipc_setup_wait_receive(PSET, &p, &alias);
	for (i = 0; i < R->count; i++) {
		n = 8 - p.recv_buf.words;
		R->alias = (unsigned)alias;
		R->serve_rc[i & 7] = rc;
		R->serve_first[i & 7] = in[0];
		for (j = 0; j < n; j++) out[j] = 2 * in[j];
		p.send_buf.words = n; p.send_buf.buf = out;
		p.recv_buf.words = 8; p.recv_buf.buf = in;
		R->stage = i + 1;
		rc = fluke_ipc_reply_wait_receive(&p, &alias);
	}
}

void _start(void)
{
	if (R->mode == 1) {
		idempotent();
		R->stage = 1;
		raw();
		R->stage = 2;
		rpc();
		R->stage = 3;
		R->done = 0xd0d0d0d0;
		unaligned();
	} else if (R->mode == 2) {
		bench();
		R->done = 0xd0d0d0d0;
	} else if (R->mode == 3) {
		server();
		R->done = 0xd0d0d0d0;
	} else if (R->mode == 4) {
		bad_pointer();
	} else if (R->mode == 5) {
		refs();
	}
	for (;;)
		__asm__ volatile("hlt");
}
