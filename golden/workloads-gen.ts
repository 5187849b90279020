// `npx tsx golden/workloads-gen.ts`: writes golden/workloads.json, the GNU workloads of issue 7 (94
// programs: compile, binutils, fileutils, textutils, diffutils, shellutils), from the fixed formulas
// here (input texts, a crafted utmp and gmon.out), so the JSON is reproducible. The JSON is what
// scripts/golden-record.ts (the oracle) and scripts/golden-diff.ts (our stack) read; golden/README.md
// explains the fields and every normalisation. Above: a developer. Below: the input generators of
// impl/nesters/procmgr/workloads.ts.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DATA_TXT, PROSE_TXT, TABLE_TXT, WORDS_TXT } from "../impl/nesters/procmgr/workloads.js";
import type { GoldenWorkload, GoldenFile } from "./workloads.js";

const W = "/tmp/wl";
const txt = (name: string, text: string, mode?: number): GoldenFile => ({ path: `${W}/${name}`, text, ...(mode === undefined ? {} : { mode }) });
const words = txt("words.txt", WORDS_TXT), prose = txt("prose.txt", PROSE_TXT), table = txt("table.txt", TABLE_TXT), data = txt("data.txt", DATA_TXT);
const A_TXT = "alpha 1\nbravo 2\ncharlie 3\ndelta 4\necho 5\nfoxtrot 6\ngolf 7\n";
const B_TXT = "bravo two\ncharlie three\necho five\ngolf seven\nhotel eight\n";
const KEYS_A = "alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\n";
const KEYS_B = "bravo\ndelta\nfoxtrot\ngolf\nhotel\n";
const sortedWords = WORDS_TXT.split("\n").slice(0, -1).map((l) => l.toLowerCase().split(/[ -]/)[0]!).sort().join("\n") + "\n";
// /etc files a root-only system needs for names (id, whoami, groups, ls -l); the recorder places the
// same files in the guest root for qemu (which reads ROOT/etc first).
const etc: GoldenFile[] = [
  { path: "/etc/passwd", text: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nfluke:x:1000:100:Fluke User:/home/fluke:/bin/bash\n" },
  { path: "/etc/group", text: "root:x:0:\ndaemon:x:1:\nusers:x:100:fluke\n" },
  { path: "/etc/nsswitch.conf", text: "passwd: files\ngroup: files\n" },
];

const TAB_TXT = "name\tqty\tprice\napple\t3\t1.25\n\tindented\tline\nkiwi fruit\t12\t0.5\n        eight spaces\n    four\tand tab\n";
const C_HELLO = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

struct item { const char *name; int qty; double price; };

static int by_total(const void *a, const void *b) {
  const struct item *x = a, *y = b;
  double d = x->qty * x->price - y->qty * y->price;
  return d < 0 ? -1 : d > 0 ? 1 : strcmp(x->name, y->name);
}

int main(int argc, char **argv) {
  struct item items[] = { {"apple", 3, 1.25}, {"kiwi", 12, 0.5}, {"mango", 2, 2.75}, {"fig", 7, 0.8}, {"date", 1, 6.0} };
  int n = sizeof items / sizeof items[0];
  qsort(items, n, sizeof items[0], by_total);
  for (int i = 0; i < n; i++) printf("%-6s %3d x %5.2f = %7.3f\\n", items[i].name, items[i].qty, items[i].price, items[i].qty * items[i].price);
  long long f = 1; for (int i = 2; i <= 20; i++) f *= i;
  printf("20! = %lld, sqrt(2) = %.12f, pi = %.10f\\n", f, sqrt(2.0), 4 * atan(1.0));
  printf("argc = %d, last = %s\\n", argc, argv[argc - 1]);
  char buf[64]; snprintf(buf, sizeof buf, "%08x|%-5s|%+d", 48879, "ab", 42);
  puts(buf);
  return argc > 2 ? 3 : 0;
}
`;
const C_CALC = `/* no system headers: cc1 and cpp need nothing but this file */
#define SQUARE(x) ((x) * (x))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define STR(x) #x
#define CAT(a, b) a##b
typedef unsigned int u32;
static const char *names[] = { STR(alpha), STR(beta), "gamma" };
u32 CAT(hash, _str)(const char *s) { u32 h = 2166136261u; while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; } return h; }
int sum_squares(int n) { int t = 0; for (int i = 1; i <= n; i++) t += SQUARE(i); return t; }
int biggest(const int *v, int n) { int m = v[0]; for (int i = 1; i < n; i++) m = MAX(m, v[i]); return m; }
double mean(const double *v, int n) { double s = 0; for (int i = 0; i < n; i++) s += v[i]; return n ? s / n : 0; }
const char *pick(int i) { return names[i % 3]; }
#if defined(__i386__) && __SIZEOF_POINTER__ == 4
int pointer_bits = 32;
#else
int pointer_bits = 64;
#endif
#ifdef __OPTIMIZE__
int optimized = 1;
#else
int optimized = 0;
#endif
`;
// A static program that writes with int $0x80 (as, ld, objdump, nm, size, strip, objcopy, strings).
const ASM_PROG = `	.section .rodata
msg:	.ascii "hello from as and ld\\n"
	len = . - msg
	.data
	.globl counter
counter: .long 42
	.bss
	.lcomm buffer, 256
	.text
	.globl _start
	.type _start, @function
_start:
	call	greet
	movl	counter, %ebx
	subl	$40, %ebx
	movl	$1, %eax
	int	$0x80
	.size _start, . - _start
	.globl greet
	.type greet, @function
greet:
	pushl	%ebx
	movl	$4, %eax
	movl	$1, %ebx
	movl	$msg, %ecx
	movl	$len, %edx
	int	$0x80
	popl	%ebx
	ret
	.size greet, . - greet
`;
// main calling printf from libc (ld against crt files and libc.so's linker script).
const ASM_LIBC = `	.section .rodata
fmt:	.string "%s has %d letters\\n"
word:	.string "fluke"
	.text
	.globl main
	.type main, @function
main:
	pushl	$5
	pushl	$word
	pushl	$fmt
	call	printf
	addl	$12, %esp
	xorl	%eax, %eax
	ret
	.size main, . - main
	.section .note.GNU-stack,"",@progbits
`;
const ASM_A = "\t.text\n\t.globl add\n\t.type add, @function\nadd:\tmovl 4(%esp), %eax\n\taddl 8(%esp), %eax\n\tret\n\t.size add, . - add\n";
const ASM_B = "\t.data\n\t.globl table\ntable:\t.long 1, 2, 3, 5, 8, 13\n\t.text\n\t.globl mul\n\t.type mul, @function\nmul:\tmovl 4(%esp), %eax\n\timull 8(%esp), %eax\n\tret\n\t.size mul, . - mul\n";
// gprof: a static program with functions at fixed addresses, and a gmon.out made here.
const ASM_GPROF = `	.text
	.globl _start
	.type _start, @function
_start:	call main
	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
	.size _start, . - _start
	.p2align 8
	.globl main
	.type main, @function
main:	call compute
	call report
	ret
	.size main, . - main
	.p2align 8
	.globl compute
	.type compute, @function
compute: movl $1000, %ecx
1:	loop 1b
	call helper
	ret
	.size compute, . - compute
	.p2align 8
	.globl helper
	.type helper, @function
helper:	ret
	.size helper, . - helper
	.p2align 8
	.globl report
	.type report, @function
report:	call helper
	ret
	.size report, . - report
`;
const TEXT = 0x08049000;
const gmonOut = (): string => {
  // gmon.out (glibc's format): "gmon", version 1, 12 spare bytes; a histogram record (tag 0) over
  // [TEXT, TEXT + 0x500) with 2-byte bins of 4 bytes each; call-graph arcs (tag 1).
  const parts: Buffer[] = [];
  const hdr = Buffer.alloc(20); hdr.write("gmon", 0, "latin1"); hdr.writeUInt32LE(1, 4); parts.push(hdr);
  const low = TEXT, high = TEXT + 0x500, bins = (high - low) / 4;
  const h = Buffer.alloc(1 + 4 * 4 + 15 + 1); h[0] = 0; h.writeUInt32LE(low, 1); h.writeUInt32LE(high, 5); h.writeUInt32LE(bins, 9); h.writeUInt32LE(100, 13); h.write("seconds", 17, "latin1"); h[32] = "s".charCodeAt(0); parts.push(h);
  const hist = Buffer.alloc(bins * 2);
  for (let i = 0; i < bins; i++) { const a = low + i * 4; hist.writeUInt16LE(a >= TEXT + 0x200 && a < TEXT + 0x210 ? 37 + (i % 5) : a >= TEXT + 0x300 && a < TEXT + 0x304 ? 3 : a >= TEXT + 0x400 && a < TEXT + 0x408 ? 2 : 0, i * 2); }
  parts.push(hist);
  const arc = (from: number, self: number, count: number) => { const b = Buffer.alloc(13); b[0] = 1; b.writeUInt32LE(from, 1); b.writeUInt32LE(self, 5); b.writeUInt32LE(count, 9); parts.push(b); };
  arc(TEXT + 0x101, TEXT + 0x200, 1); arc(TEXT + 0x10b, TEXT + 0x400, 1); arc(TEXT + 0x20a, TEXT + 0x300, 1); arc(TEXT + 0x401, TEXT + 0x300, 250);
  return Buffer.concat(parts).toString("base64");
};
// utmp (i386 glibc struct utmp, 384 bytes): two user sessions, a boot record, a dead process.
const utmp = (): string => {
  const rec = (type: number, pid: number, line: string, id: string, user: string, host: string, sec: number): Buffer => {
    const b = Buffer.alloc(384);
    b.writeInt16LE(type, 0); b.writeInt32LE(pid, 4); b.write(line, 8, "latin1"); b.write(id, 40, "latin1"); b.write(user, 44, "latin1"); b.write(host, 76, "latin1");
    b.writeInt32LE(sec, 340); b.writeInt32LE(0, 344);
    return b;
  };
  return Buffer.concat([
    rec(2, 0, "~", "~~", "reboot", "6.1.0", 1700000000),
    rec(7, 1201, "tty1", "tty1", "fluke", "", 1700000100),
    rec(7, 1305, "pts/0", "ts/0", "root", "10.0.0.7", 1700003723),
    rec(8, 1400, "pts/1", "ts/1", "", "", 1700007000),
    rec(7, 1502, "pts/2", "ts/2", "fluke", "laptop.example", 1700010000),
  ]).toString("base64");
};

const MAKEFILE = `# a small multi-file project
CC = gcc
CFLAGS = -O2 -Wall
OBJS = main.o stats.o text.o

prog: $(OBJS)
\t$(CC) -o $@ $(OBJS) -lm

%.o: %.c proj.h
\t$(CC) $(CFLAGS) -c $<

clean:
\trm -f prog $(OBJS)

.PHONY: clean
`;
const PROJ_H = "#ifndef PROJ_H\n#define PROJ_H\ndouble stats_mean(const double *v, int n);\ndouble stats_stddev(const double *v, int n);\nvoid text_banner(const char *title, int width);\n#endif\n";
const MAIN_C = "#include <stdio.h>\n#include \"proj.h\"\nint main(void) {\n  double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };\n  text_banner(\"statistics\", 24);\n  printf(\"mean %.3f stddev %.3f\\n\", stats_mean(v, 8), stats_stddev(v, 8));\n  return 0;\n}\n";
const STATS_C = "#include <math.h>\n#include \"proj.h\"\ndouble stats_mean(const double *v, int n) { double s = 0; for (int i = 0; i < n; i++) s += v[i]; return s / n; }\ndouble stats_stddev(const double *v, int n) { double m = stats_mean(v, n), s = 0; for (int i = 0; i < n; i++) s += (v[i] - m) * (v[i] - m); return sqrt(s / n); }\n";
const TEXT_C = "#include <stdio.h>\n#include <string.h>\n#include \"proj.h\"\nvoid text_banner(const char *title, int width) {\n  int pad = (width - (int)strlen(title)) / 2;\n  for (int i = 0; i < width; i++) putchar('=');\n  printf(\"\\n%*s%s\\n\", pad, \"\", title);\n  for (int i = 0; i < width; i++) putchar('=');\n  putchar('\\n');\n}\n";
const proj = (f: string, t: string): GoldenFile => txt(`proj/${f}`, t);

const GAWK_PROG = `# report per region
/^#/ { next }
{ n[$2]++; s[$2] += $3; if ($4 > hi[$2]) hi[$2] = $4; cities[$2] = cities[$2] (cities[$2] ? "," : "") $1 }
END {
  PROCINFO["sorted_in"] = "@ind_str_asc"
  for (r in n) printf "%-6s n=%2d mean=%8.3f max=%7.3f %s\\n", r, n[r], s[r] / n[r], hi[r], substr(cities[r], 1, 30)
  split("z y x", parts); printf "%s|%s|%s %d\\n", parts[3], parts[2], parts[1], length(parts)
}
`;
const BASH_SCRIPT = `#!/bin/bash
# batch mode: functions, arrays, loops, read, here-docs, arithmetic, string ops (builtins only)
set -u
declare -A count
total=0
while IFS=: read -r name _ uid gid rest; do
  shell=\${rest##*:}
  count[\$shell]=\$(( \${count[\$shell]:-0} + 1 ))
  (( total += uid ))
done < /tmp/wl/table.txt
for s in \$(printf '%s\\n' "\${!count[@]}" | { mapfile -t a; IFS=$'\\n'; echo "\${a[*]}"; }); do :; done
keys=("\${!count[@]}")
IFS=$'\\n' sorted=(\$(for k in "\${keys[@]}"; do echo "\$k"; done))
for k in /bin/bash /bin/false /bin/sh /usr/sbin/nologin; do printf '%-20s %d\\n' "\$k" "\${count[\$k]:-0}"; done
echo "total uid \$total"
fib() { local a=0 b=1 i; for ((i = 0; i < \$1; i++)); do (( b = a + b, a = b - a )); done; echo \$a; }
echo "fib 40 = \$(fib 40)"
cat <<EOT
here-doc: \${#keys[@]} shells, \$(( total % 97 )) mod 97
EOT
str="The Quick Brown Fox"
echo "\${str// /_} \${str,,} \${str:4:5} \${#str}"
case "\$str" in *Fox) echo fox ;; *) echo no ;; esac
exit 4
`;
const SED_SCRIPT = "# sed script: tidy the prose\n/^$/d\ns/[[:space:]]\\+/ /g\ns/\\(ERROR\\|Warning\\|error\\)/[\\U\\1]/\n/quick/{\n  s/quick/QUICK/g\n  a\\\n--- (quick line above)\n}\n$a\\\n=== end\n";

const POST_STAT = (...p: string[]) => `stat -c '%n %F %a %u %g %s' ${p.join(" ")}`;
const catAll = (...p: string[]) => p.map((f) => `echo "== ${f}"; cat ${f}`).join("; ");
const as = (src: string, obj: string): string[] => ["as", "--32", "-o", `${W}/${obj}`, `${W}/${src}`];
const ldStatic = (obj: string, out: string): string[] => ["ld", "-m", "elf_i386", `-Ttext=0x${TEXT.toString(16)}`, "-o", `${W}/${out}`, `${W}/${obj}`];
const touchSetup = (...f: string[]): string[] => ["touch", "-d", "@86400", ...f.map((x) => `${W}/${x}`)];
const CC1 = "/usr/lib/gcc/i686-linux-gnu/12/cc1";

/** Program name, then its workloads (name suffix, fields). */
const P = (program: string, path: string, ...wls: (Omit<GoldenWorkload, "program" | "path"> & { path?: string })[]): GoldenWorkload[] => wls.map((w) => ({ program, path, ...w }));

export const GOLDEN: GoldenWorkload[] = [
  // ---- compile --------------------------------------------------------------------------------------
  ...P("gcc", "/bin/bash", {
    name: "gcc-compile-run", argv: ["bash", "-c", "cd /tmp/wl && gcc -O2 -Wall -o hello hello.c -lm && ./hello one two three; echo status=$?"], files: [txt("hello.c", C_HELLO)],
    oracle: { host: "cd /tmp/wl && gcc -m32 -O2 -Wall -o hello hello.c -lm && $QEMU ./hello one two three; echo status=$?" },
  }),
  ...P("cpp", "/usr/bin/cpp", { name: "cpp-macros", argv: ["cpp", "-P", `${W}/calc.c`], files: [txt("calc.c", C_CALC)],
    oracle: { qemu: [CC1, "-E", "-quiet", "-P", "-imultiarch", "i386-linux-gnu", `${W}/calc.c`, "-mtune=generic", "-march=i686", "-fasynchronous-unwind-tables", "-dumpbase", "calc.c", "-dumpbase-ext", ".c"] } }),
  ...P("cc1", CC1, { name: "cc1-O2", argv: ["cc1", "-quiet", "-O2", "-march=i686", `${W}/calc.c`, "-o", `${W}/calc.s`], files: [txt("calc.c", C_CALC)], post: "cat /tmp/wl/calc.s" }),
  ...P("make", "/bin/bash", {
    name: "make-project", argv: ["bash", "-c", "cd /tmp/wl/proj && make && ./prog && make -q prog; echo q=$?; make clean"],
    files: [proj("Makefile", MAKEFILE), proj("proj.h", PROJ_H), proj("main.c", MAIN_C), proj("stats.c", STATS_C), proj("text.c", TEXT_C)],
    oracle: { host: "cd /tmp/wl/proj && make -n && gcc -m32 -O2 -Wall -o prog main.c stats.c text.c -lm && $QEMU ./prog && echo q=0 && make -n clean" },
  }, {
    name: "make-vars", path: "/usr/bin/make", argv: ["make", "-f", `${W}/vars.mk`, "show"],
    files: [txt("vars.mk", "SRCS := b.c a.c c.c\nOBJS = $(SRCS:.c=.o)\nUP = $(shell echo skipped)\nshow:\n\t@echo sorted: $(sort $(SRCS))\n\t@echo objs: $(OBJS) words: $(words $(OBJS))\n\t@echo $(patsubst %.c,lib/%.so,$(SRCS)) $(if $(filter a.c,$(SRCS)),has-a,no-a)\n\t@echo $(foreach s,$(SRCS),[$(basename $(s))])\n")],
    oracle: { host: "make -f /tmp/wl/vars.mk show" },
  }),
  ...P("gawk", "/usr/bin/gawk", { name: "gawk-progfile", argv: ["gawk", "-f", `${W}/report.awk`, `${W}/data.txt`], files: [data, txt("report.awk", GAWK_PROG)] },
    { name: "gawk-csv-printf", argv: ["gawk", "-F:", "-v", "OFS=|", "$3 > 1100 { $2 = NR; print $1, $3, toupper(substr($7, 6)) } END { printf \"%d rows %s\\n\", NR, FILENAME }", `${W}/table.txt`], files: [table] }),
  ...P("sed", "/bin/sed", { name: "sed-script", argv: ["sed", "-f", `${W}/tidy.sed`, `${W}/prose.txt`], files: [prose, txt("tidy.sed", SED_SCRIPT)] },
    { name: "sed-inplace", argv: ["sed", "-i.bak", "-e", "s/:x:/:*:/", "-e", "3,5d", "-e", "/nologin/s/^/#/", `${W}/table.txt`], files: [table, txt("table.orig", TABLE_TXT)], post: catAll("/tmp/wl/table.txt") + "; cmp /tmp/wl/table.txt.bak /tmp/wl/table.orig && echo backup-ok" }),
  ...P("bash", "/bin/bash", { name: "bash-batch-script", argv: ["bash", `${W}/report.sh`], files: [table, txt("report.sh", BASH_SCRIPT)], exit: 4 },
    { name: "bash-pipeline", argv: ["bash", "-c", "cd /tmp/wl && tr A-Z a-z < words.txt | sort | uniq -c | sort -k1,1nr -k2 | head -n 6; echo status=$?"], files: [words],
      oracle: { host: "cd /tmp/wl && tr A-Z a-z < words.txt | sort | uniq -c | sort -k1,1nr -k2 | head -n 6; echo status=$?" } }),
  // ---- binutils -------------------------------------------------------------------------------------
  ...P("as", "/usr/bin/as", { name: "as-static", argv: as("prog.s", "prog.o"), files: [txt("prog.s", ASM_PROG)], post: "md5sum /tmp/wl/prog.o; od -An -tx1 -N52 /tmp/wl/prog.o" }),
  ...P("ld", "/usr/bin/ld", { name: "ld-static-run", setup: [as("prog.s", "prog.o")], argv: ldStatic("prog.o", "prog"), files: [txt("prog.s", ASM_PROG)], post: "md5sum /tmp/wl/prog; $RUNSTATIC /tmp/wl/prog; echo exit=$?" },
    { name: "ld-libc-run", setup: [as("hello.s", "hello.o")], files: [txt("hello.s", ASM_LIBC)], post: "md5sum /tmp/wl/hello; $RUN /tmp/wl/hello; echo exit=$?",
      argv: ["ld", "-m", "elf_i386", "--hash-style=gnu", "--build-id", "-dynamic-linker", "/lib/ld-linux.so.2", "-o", `${W}/hello`, "/usr/lib/i386-linux-gnu/crt1.o", "/usr/lib/i386-linux-gnu/crti.o", `${W}/hello.o`, "-L/usr/lib/i386-linux-gnu", "-lc", "/usr/lib/i386-linux-gnu/crtn.o"] }),
  ...P("ar", "/usr/bin/ar", { name: "ar-create", setup: [as("a.s", "a.o"), as("b.s", "b.o")], argv: ["ar", "rcsv", `${W}/libab.a`, `${W}/a.o`, `${W}/b.o`], files: [txt("a.s", ASM_A), txt("b.s", ASM_B)], post: "md5sum /tmp/wl/libab.a; od -An -c -N68 /tmp/wl/libab.a" }),
  ...P("objcopy", "/usr/bin/objcopy", { name: "objcopy-binary", setup: [as("prog.s", "prog.o")], argv: ["objcopy", "-O", "binary", "-j", ".text", `${W}/prog.o`, `${W}/prog.bin`], files: [txt("prog.s", ASM_PROG)], post: "od -An -tx1 /tmp/wl/prog.bin" },
    { name: "objcopy-strip-rename", setup: [as("prog.s", "prog.o")], argv: ["objcopy", "--strip-debug", "--rename-section", ".data=.mydata", "--add-symbol", "marker=0x10", `${W}/prog.o`, `${W}/prog2.o`], files: [txt("prog.s", ASM_PROG)], post: "md5sum /tmp/wl/prog2.o" }),
  ...P("objdump", "/usr/bin/objdump", { name: "objdump-d", setup: [as("prog.s", "prog.o")], argv: ["objdump", "-d", "-r", `${W}/prog.o`], files: [txt("prog.s", ASM_PROG)] },
    { name: "objdump-h-t", setup: [as("prog.s", "prog.o"), ldStatic("prog.o", "prog")], argv: ["objdump", "-h", "-t", "-f", `${W}/prog`], files: [txt("prog.s", ASM_PROG)] }),
  ...P("ranlib", "/usr/bin/ranlib", { name: "ranlib-index", setup: [as("a.s", "a.o"), as("b.s", "b.o"), ["ar", "rcS", `${W}/libab.a`, `${W}/a.o`, `${W}/b.o`]], argv: ["ranlib", `${W}/libab.a`], files: [txt("a.s", ASM_A), txt("b.s", ASM_B)], post: "md5sum /tmp/wl/libab.a" }),
  ...P("size", "/usr/bin/size", { name: "size-berkeley-sysv", setup: [as("prog.s", "prog.o"), ldStatic("prog.o", "prog")], argv: ["size", `${W}/prog.o`, `${W}/prog`], files: [txt("prog.s", ASM_PROG)] },
    { name: "size-A", setup: [as("prog.s", "prog.o")], argv: ["size", "-A", "-x", `${W}/prog.o`], files: [txt("prog.s", ASM_PROG)] }),
  ...P("strings", "/usr/bin/strings", { name: "strings-obj", setup: [as("prog.s", "prog.o")], argv: ["strings", "-a", "-n", "5", "-t", "x", `${W}/prog.o`], files: [txt("prog.s", ASM_PROG)] },
    { name: "strings-stdin", argv: ["strings", "-n", "8"], stdin: PROSE_TXT }),
  ...P("nm", "/usr/bin/nm", { name: "nm-n", setup: [as("prog.s", "prog.o"), ldStatic("prog.o", "prog")], argv: ["nm", "-n", `${W}/prog`], files: [txt("prog.s", ASM_PROG)] },
    { name: "nm-archive", setup: [as("a.s", "a.o"), as("b.s", "b.o"), ["ar", "rcs", `${W}/libab.a`, `${W}/a.o`, `${W}/b.o`]], argv: ["nm", "-A", "-g", `${W}/libab.a`], files: [txt("a.s", ASM_A), txt("b.s", ASM_B)] }),
  ...P("strip", "/usr/bin/strip", { name: "strip-o", setup: [as("prog.s", "prog.o"), ldStatic("prog.o", "prog")], argv: ["strip", "-o", `${W}/prog.stripped`, `${W}/prog`], files: [txt("prog.s", ASM_PROG)], post: "md5sum /tmp/wl/prog /tmp/wl/prog.stripped; $RUNSTATIC /tmp/wl/prog.stripped" }),
  ...P("gprof", "/usr/bin/gprof", { name: "gprof-b", setup: [as("g.s", "g.o"), ldStatic("g.o", "g")], argv: ["gprof", "-b", `${W}/g`, `${W}/gmon.out`], files: [txt("g.s", ASM_GPROF), { path: `${W}/gmon.out`, base64: gmonOut() }] }),
  // ---- fileutils ------------------------------------------------------------------------------------
  ...P("chgrp", "/bin/chgrp", { name: "chgrp-v", argv: ["chgrp", "-v", "100", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT), ...etc], post: POST_STAT("/tmp/wl/a.txt", "/tmp/wl/b.txt") }),
  ...P("chmod", "/bin/chmod", { name: "chmod-modes", argv: ["chmod", "-v", "u=rwx,g=rx,o=", `${W}/a.txt`], files: [txt("a.txt", A_TXT, 0o644)], post: POST_STAT("/tmp/wl/a.txt") },
    { name: "chmod-octal", argv: ["chmod", "-c", "0640", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT, 0o644), txt("b.txt", B_TXT, 0o640)], post: POST_STAT("/tmp/wl/a.txt", "/tmp/wl/b.txt") }),
  ...P("chown", "/bin/chown", { name: "chown-v", argv: ["chown", "-v", "1000:100", `${W}/a.txt`], files: [txt("a.txt", A_TXT), ...etc], post: POST_STAT("/tmp/wl/a.txt") }),
  ...P("cp", "/bin/cp", { name: "cp-files", argv: ["cp", "-v", `${W}/a.txt`, `${W}/b.txt`, `${W}/d/`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT), txt("d/keep", "keep\n")], post: "ls /tmp/wl/d; " + catAll("/tmp/wl/d/a.txt", "/tmp/wl/d/b.txt") },
    { name: "cp-r", argv: ["cp", "-r", `${W}/src`, `${W}/dst`], files: [txt("src/one.txt", A_TXT), txt("src/sub/two.txt", B_TXT), txt("src/sub/deep/three.txt", KEYS_A)], post: "ls -R /tmp/wl/dst; " + catAll("/tmp/wl/dst/sub/deep/three.txt") }),
  ...P("dd", "/bin/dd", { name: "dd-blocks", argv: ["dd", `if=${W}/words.txt`, `of=${W}/out.txt`, "bs=64", "skip=2", "count=5", "conv=ucase", "status=noxfer"], files: [words], post: "cat /tmp/wl/out.txt" },
    { name: "dd-stdin", argv: ["dd", "bs=10", "count=3", "status=none", "conv=swab"], stdin: PROSE_TXT }),
  ...P("dir", "/bin/dir", { name: "dir-list", argv: ["dir", `${W}/d`], files: ["alpha", "beta gamma", "delta.txt", "echo", "Foxtrot", "golf_hotel_india", "juliet", "kilo.c"].map((f) => txt(`d/${f}`, f + "\n")) }),
  ...P("dircolors", "/usr/bin/dircolors", { name: "dircolors-b", argv: ["dircolors", "-b"] }, { name: "dircolors-c-file", argv: ["dircolors", "-c", `${W}/colors`], files: [txt("colors", "# mine\nTERM xterm*\nDIR 01;34\nLINK 01;36\n.tar 01;31\n*.c 00;32\nEXEC 01;32\n")] }),
  ...P("du", "/usr/bin/du", { name: "du-apparent", argv: ["du", "-b", "-c", `${W}/words.txt`, `${W}/prose.txt`, `${W}/table.txt`], files: [words, prose, table] }),
  ...P("install", "/usr/bin/install", { name: "install-D", argv: ["install", "-v", "-m", "0640", "-D", `${W}/a.txt`, `${W}/inst/sub/a.conf`], files: [txt("a.txt", A_TXT)], post: POST_STAT("/tmp/wl/inst/sub/a.conf") + "; cat /tmp/wl/inst/sub/a.conf" },
    { name: "install-d", argv: ["install", "-d", "-m", "0750", `${W}/x/y`, `${W}/z`], post: "stat -c '%n %F %a' /tmp/wl/x/y /tmp/wl/z" }),
  ...P("ln", "/bin/ln", { name: "ln-s-and-hard", setup: [["ln", "-s", "a.txt", `${W}/soft`]], argv: ["ln", "-v", `${W}/a.txt`, `${W}/hard`], files: [txt("a.txt", A_TXT)], post: "stat -c '%n %F %h %s' /tmp/wl/a.txt /tmp/wl/hard /tmp/wl/soft; readlink /tmp/wl/soft; cat /tmp/wl/soft" }),
  ...P("ls", "/bin/ls", { name: "ls-1F", argv: ["ls", "-1", "-F", "-A", `${W}/d`], setup: [["mkdir", `${W}/d/sub`], ["ln", "-s", "alpha", `${W}/d/link`], ["chmod", "755", `${W}/d/run.sh`]], files: [txt("d/alpha", "a\n"), txt("d/.hidden", "h\n"), txt("d/run.sh", "#!/bin/sh\n"), txt("d/Zeta", "z\n")] },
    { name: "ls-ln-times", setup: [touchSetup("d/alpha", "d/beta", "d/gamma")], argv: ["ls", "-ln", "--time-style=+%Y-%m-%d %H:%M", `${W}/d/alpha`, `${W}/d/beta`, `${W}/d/gamma`], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"], files: [txt("d/alpha", "a\n"), txt("d/beta", WORDS_TXT), txt("d/gamma", "")] },
    { name: "ls-sort", argv: ["ls", "-S", "-r", "-s", "--block-size=1", `${W}/words.txt`, `${W}/prose.txt`, `${W}/table.txt`], files: [words, prose, table], normalise: [{ pattern: "^ *\\d+ ", replace: "" }] }),
  ...P("mkdir", "/bin/mkdir", { name: "mkdir-p-m", argv: ["mkdir", "-p", "-v", "-m", "0750", `${W}/x/y/z`], post: "stat -c '%n %F %a' /tmp/wl/x/y/z" }),
  ...P("mkfifo", "/usr/bin/mkfifo", { name: "mkfifo-m", argv: ["mkfifo", "-m", "0600", `${W}/fifo1`, `${W}/fifo2`], post: "stat -c '%n %F %a' /tmp/wl/fifo1 /tmp/wl/fifo2" }),
  ...P("mknod", "/bin/mknod", { name: "mknod-p", argv: ["mknod", "-m", "0640", `${W}/pipe`, "p"], post: "stat -c '%n %F %a' /tmp/wl/pipe" }),
  ...P("mv", "/bin/mv", { name: "mv-v", argv: ["mv", "-v", `${W}/a.txt`, `${W}/renamed.txt`], files: [txt("a.txt", A_TXT)], post: "ls /tmp/wl; cat /tmp/wl/renamed.txt" },
    { name: "mv-into-dir", argv: ["mv", `${W}/a.txt`, `${W}/b.txt`, `${W}/d`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT), txt("d/c.txt", "c\n")], post: "ls /tmp/wl /tmp/wl/d" }),
  ...P("rm", "/bin/rm", { name: "rm-v", argv: ["rm", "-v", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT), txt("c.txt", "c\n")], post: "ls /tmp/wl" },
    { name: "rm-r", argv: ["rm", "-r", `${W}/tree`], files: [txt("tree/a", "a"), txt("tree/b/c", "c"), txt("tree/b/d/e", "e"), txt("keep", "k")], post: "ls -A /tmp/wl" },
    { name: "rm-missing", argv: ["rm", `${W}/nothing-here`], exit: 1 }),
  ...P("rmdir", "/bin/rmdir", { name: "rmdir-v", setup: [["mkdir", "-p", `${W}/e1`, `${W}/e2/sub`]], argv: ["rmdir", "-v", `${W}/e1`, `${W}/e2/sub`, `${W}/e2`], post: "ls -A /tmp/wl" },
    { name: "rmdir-nonempty", argv: ["rmdir", `${W}/full`], files: [txt("full/x", "x\n")], exit: 1 }),
  ...P("sync", "/bin/sync", { name: "sync", argv: ["sync"] }, { name: "sync-file", argv: ["sync", `${W}/a.txt`], files: [txt("a.txt", A_TXT)] }),
  ...P("touch", "/bin/touch", { name: "touch-d", argv: ["touch", "-m", "-d", "2001-02-03 04:05:06", `${W}/a.txt`, `${W}/new.txt`], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"], files: [txt("a.txt", A_TXT)], post: "stat -c '%n %Y %s' /tmp/wl/a.txt /tmp/wl/new.txt" },
    { name: "touch-r", setup: [touchSetup("a.txt")], argv: ["touch", "-r", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT)], post: "stat -c '%n %Y %X' /tmp/wl/b.txt" }),
  ...P("vdir", "/bin/vdir", { name: "vdir-files", setup: [touchSetup("d/alpha", "d/beta")], argv: ["vdir", "-n", "--time-style=+%s", `${W}/d/alpha`, `${W}/d/beta`], files: [txt("d/alpha", "a\n"), txt("d/beta", PROSE_TXT)] }),
  // ---- textutils ------------------------------------------------------------------------------------
  ...P("cat", "/bin/cat", { name: "cat-n", argv: ["cat", "-n", `${W}/prose.txt`], files: [prose] }, { name: "cat-A-stdin-mixed", argv: ["cat", "-A", "-", `${W}/a.txt`], stdin: TAB_TXT, files: [txt("a.txt", A_TXT)] }),
  ...P("cksum", "/usr/bin/cksum", { name: "cksum", argv: ["cksum", `${W}/words.txt`, `${W}/prose.txt`], files: [words, prose] }, { name: "cksum-stdin", argv: ["cksum"], stdin: TABLE_TXT }),
  ...P("comm", "/usr/bin/comm", { name: "comm-12", argv: ["comm", "-12", `${W}/ka.txt`, `${W}/kb.txt`], files: [txt("ka.txt", KEYS_A), txt("kb.txt", KEYS_B)] }, { name: "comm-all", argv: ["comm", "--output-delimiter=|", `${W}/ka.txt`, `${W}/kb.txt`], files: [txt("ka.txt", KEYS_A), txt("kb.txt", KEYS_B)] }),
  ...P("csplit", "/usr/bin/csplit", { name: "csplit-regex", argv: ["csplit", "-f", `${W}/part`, `${W}/words.txt`, "/^[0-9]/", "{3}"], files: [words], post: "wc -l /tmp/wl/part*; head -2 /tmp/wl/part01" }),
  ...P("cut", "/usr/bin/cut", { name: "cut-fields", argv: ["cut", "-d:", "-f1,3-4", "--output-delimiter= ", `${W}/table.txt`], files: [table] }, { name: "cut-chars", argv: ["cut", "-c", "1-10,20-"], stdin: PROSE_TXT }),
  ...P("expand", "/usr/bin/expand", { name: "expand-t", argv: ["expand", "-t", "4,12,20"], stdin: TAB_TXT }),
  ...P("fmt", "/usr/bin/fmt", { name: "fmt-w", argv: ["fmt", "-w", "40", `${W}/prose.txt`], files: [prose] }, { name: "fmt-u", argv: ["fmt", "-u", "-w", "60"], stdin: PROSE_TXT }),
  ...P("fold", "/usr/bin/fold", { name: "fold-w", argv: ["fold", "-w", "25", `${W}/prose.txt`], files: [prose] }),
  ...P("head", "/usr/bin/head", { name: "head-c-n", argv: ["head", "-n", "5", `${W}/words.txt`, `${W}/prose.txt`], files: [words, prose] }, { name: "head-c", argv: ["head", "-c", "100"], stdin: PROSE_TXT }),
  ...P("join", "/usr/bin/join", { name: "join-a", argv: ["join", "-a", "1", "-e", "NONE", "-o", "0,1.2,2.2", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT)] }),
  ...P("md5sum", "/usr/bin/md5sum", { name: "md5sum-c", argv: ["md5sum", "-c", `${W}/sums`], files: [words, prose, txt("sums", "d41d8cd98f00b204e9800998ecf8427e  /tmp/wl/prose.txt\n")], exit: 1 },
    { name: "md5sum-files", argv: ["md5sum", `${W}/words.txt`, `${W}/table.txt`], files: [words, table] }),
  ...P("nl", "/usr/bin/nl", { name: "nl-ba", argv: ["nl", "-ba", "-nrz", "-w4", `${W}/prose.txt`], files: [prose] }),
  ...P("od", "/usr/bin/od", { name: "od-tx1z", argv: ["od", "-A", "x", "-t", "x1z", "-N", "96", `${W}/prose.txt`], files: [prose] }, { name: "od-formats", argv: ["od", "-t", "d2", "-t", "o4", "-t", "f4", "-N", "32"], stdin: TABLE_TXT }),
  ...P("paste", "/usr/bin/paste", { name: "paste-s", argv: ["paste", "-s", "-d", ",;", `${W}/ka.txt`], files: [txt("ka.txt", KEYS_A)] }, { name: "paste-d", argv: ["paste", "-d", "|", `${W}/a.txt`, "-", `${W}/b.txt`], stdin: KEYS_B, files: [txt("a.txt", A_TXT), txt("b.txt", B_TXT)] }),
  ...P("pr", "/usr/bin/pr", { name: "pr-columns", argv: ["pr", "-3", "-t", "-w", "72", `${W}/sorted.txt`], files: [txt("sorted.txt", sortedWords)] },
    { name: "pr-header", setup: [touchSetup("a.txt")], argv: ["pr", "-n", "-l", "20", "-h", "Report", `${W}/a.txt`], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"], files: [txt("a.txt", A_TXT)] }),
  ...P("sort", "/usr/bin/sort", { name: "sort-k-n", argv: ["sort", "-t:", "-k4,4n", "-k3,3nr", "-k1,1", `${W}/table.txt`], files: [table] }, { name: "sort-u-f", argv: ["sort", "-u", "-f"], stdin: WORDS_TXT }, { name: "sort-o", argv: ["sort", "-r", "-o", `${W}/out.txt`, `${W}/words.txt`], files: [words], post: "cat /tmp/wl/out.txt" }),
  ...P("split", "/usr/bin/split", { name: "split-l", argv: ["split", "-l", "60", "-d", "--verbose", `${W}/words.txt`, `${W}/chunk.`], files: [words], post: "wc -l /tmp/wl/chunk.*; tail -1 /tmp/wl/chunk.03" }),
  ...P("sum", "/usr/bin/sum", { name: "sum-bsd-sysv", setup: [], argv: ["sum", `${W}/words.txt`, `${W}/prose.txt`], files: [words, prose] }, { name: "sum-s", argv: ["sum", "-s"], stdin: TABLE_TXT }),
  ...P("tac", "/usr/bin/tac", { name: "tac-s", argv: ["tac", "-s", ":", `${W}/a.txt`], files: [txt("a.txt", "one:two:three:four:")] }, { name: "tac-file", argv: ["tac", `${W}/table.txt`], files: [table] }),
  ...P("tail", "/usr/bin/tail", { name: "tail-n-plus", argv: ["tail", "-n", "+195", `${W}/words.txt`], files: [words] }, { name: "tail-c", argv: ["tail", "-c", "50"], stdin: PROSE_TXT }),
  ...P("tr", "/usr/bin/tr", { name: "tr-classes", argv: ["tr", "-s", "[:lower:][:space:]", "[:upper:]\\n"], stdin: PROSE_TXT }, { name: "tr-d-c", argv: ["tr", "-cd", "[:digit:]\\n"], stdin: WORDS_TXT }),
  ...P("unexpand", "/usr/bin/unexpand", { name: "unexpand-a", argv: ["unexpand", "-a", "-t", "4"], stdin: "        eight\n    four  two\nnone      six\n\t tab-space\n" }),
  ...P("uniq", "/usr/bin/uniq", { name: "uniq-c", argv: ["uniq", "-c", `${W}/sorted.txt`], files: [txt("sorted.txt", sortedWords)] }, { name: "uniq-d-i", argv: ["uniq", "-d", "-i"], stdin: "Apple\napple\nAPPLE\nbanana\ncherry\nCherry\n" }),
  ...P("wc", "/usr/bin/wc", { name: "wc-files", argv: ["wc", `${W}/words.txt`, `${W}/prose.txt`], files: [words, prose] }, { name: "wc-stdin-L", argv: ["wc", "-l", "-w", "-c", "-L"], stdin: PROSE_TXT }),
  // ---- diffutils ------------------------------------------------------------------------------------
  ...P("cmp", "/usr/bin/cmp", { name: "cmp-differ", argv: ["cmp", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", A_TXT.replace("delta", "DELTA"))], exit: 1 },
    { name: "cmp-l", argv: ["cmp", "-l", `${W}/a.txt`, `${W}/b.txt`], files: [txt("a.txt", A_TXT), txt("b.txt", A_TXT.replace("delta", "DELTA"))], exit: 1 }),
  ...P("diff", "/usr/bin/diff", { name: "diff-u", argv: ["diff", "-u", "--label", "old", "--label", "new", `${W}/ka.txt`, `${W}/kb.txt`], files: [txt("ka.txt", KEYS_A), txt("kb.txt", KEYS_B)], exit: 1 },
    { name: "diff-r", argv: ["diff", "-r", `${W}/x`, `${W}/y`], files: [txt("x/same", "s\n"), txt("x/changed", A_TXT), txt("x/only-x", "x\n"), txt("y/same", "s\n"), txt("y/changed", B_TXT), txt("y/only-y", "y\n")], exit: 1 }),
  ...P("diff3", "/usr/bin/diff3", { name: "diff3-merge", argv: ["diff3", "-m", `${W}/mine`, `${W}/base`, `${W}/yours`], files: [txt("mine", "a\nB\nc\nd\ne\n"), txt("base", "a\nb\nc\nd\ne\n"), txt("yours", "a\nb\nc\nD\ne\nf\n")], oracle: { host: "diff3 -m /tmp/wl/mine /tmp/wl/base /tmp/wl/yours" } }),
  ...P("sdiff", "/usr/bin/sdiff", { name: "sdiff-w", argv: ["sdiff", "-w", "50", `${W}/ka.txt`, `${W}/kb.txt`], files: [txt("ka.txt", KEYS_A), txt("kb.txt", KEYS_B)], exit: 1, oracle: { host: "sdiff -w 50 /tmp/wl/ka.txt /tmp/wl/kb.txt" } }),
  // ---- shellutils -----------------------------------------------------------------------------------
  ...P("basename", "/usr/bin/basename", { name: "basename-a", argv: ["basename", "-a", "-s", ".txt", "/usr/share/doc/notes.txt", "/tmp/wl/words.txt", "dir/"] }),
  ...P("date", "/bin/date", { name: "date-d-epoch", argv: ["date", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %Z %s %j %A %B %u %V"], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"] },
    { name: "date-u-R", argv: ["date", "-u", "-R", "-d", "2020-02-29 12:34:56"] }, { name: "date-arith", argv: ["date", "-u", "-d", "2020-01-31 + 1 month - 2 days", "+%F %a"] }),
  ...P("dirname", "/usr/bin/dirname", { name: "dirname", argv: ["dirname", "/usr/share/doc/notes.txt", "relative/path/", "plain", "/"] }),
  ...P("echo", "/bin/echo", { name: "echo-e", argv: ["echo", "-e", "tab\\there\\nnew line \\x41\\0102 \\\\"] }, { name: "echo-n", argv: ["echo", "-n", "no", "newline"] }),
  ...P("env", "/usr/bin/env", { name: "env-list", argv: ["env"], env: ["PATH=/usr/bin:/bin", "LANG=C", "HOME=/root", "GREETING=hello world"] },
    { name: "env-i-exec", argv: ["env", "-i", "FOO=bar", "A=1", "/usr/bin/printenv"], oracle: { host: "env -i FOO=bar A=1 printenv" } }),
  ...P("expr", "/usr/bin/expr", { name: "expr-arith", argv: ["expr", "(", "7", "+", "5", ")", "*", "3", "%", "10"] }, { name: "expr-match", argv: ["expr", "fluke-ts-2024", ":", "\\([a-z]*\\)"] }, { name: "expr-zero", argv: ["expr", "5", "-", "5"], exit: 1 }),
  ...P("factor", "/usr/bin/factor", { name: "factor", argv: ["factor", "1234567", "2147483647", "600851475143", "18446744073709551615"] }),
  ...P("false", "/bin/false", { name: "false", argv: ["false"], exit: 1 }),
  ...P("groups", "/usr/bin/groups", { name: "groups-root", argv: ["groups", "root", "fluke"], files: etc }, { name: "groups-self", argv: ["groups"], files: etc }),
  ...P("hostname", "/bin/hostname", { name: "hostname", argv: ["hostname"], normalise: [{ pattern: "^.+$", replace: "<HOSTNAME>" }] }),
  ...P("id", "/usr/bin/id", { name: "id", argv: ["id"], files: etc }, { name: "id-u-g-name", argv: ["id", "-u", "-n"], files: etc }, { name: "id-user", argv: ["id", "fluke"], files: etc }),
  ...P("logname", "/usr/bin/logname", { name: "logname-none", argv: ["logname"], exit: 1 }),
  ...P("pathchk", "/usr/bin/pathchk", { name: "pathchk-p", argv: ["pathchk", "-p", "/tmp/wl/ok_name", "bad*name", "x".repeat(300)], exit: 1 }, { name: "pathchk-ok", argv: ["pathchk", "/tmp/wl/a.txt", "relative/name"] }),
  ...P("printenv", "/usr/bin/printenv", { name: "printenv-vars", argv: ["printenv", "HOME", "GREETING"], env: ["PATH=/usr/bin:/bin", "LANG=C", "HOME=/root", "GREETING=hi there"] }, { name: "printenv-missing", argv: ["printenv", "NOPE"], exit: 1 }),
  ...P("printf", "/usr/bin/printf", { name: "printf-formats", argv: ["printf", "%5.2f|%-6s|%05d|%x|%o|%e|%c|%b\\n", "3.14159", "ab", "42", "255", "8", "12345.678", "Zed", "a\\tb"] }),
  ...P("pwd", "/bin/pwd", { name: "pwd-cwd", argv: ["pwd"], cwd: "/tmp/wl", files: [txt("a.txt", A_TXT)] }),
  ...P("seq", "/usr/bin/seq", { name: "seq-w-s", argv: ["seq", "-w", "-s", ",", "8", "3", "30"] }, { name: "seq-frac", argv: ["seq", "-f", "%.3f", "1", "0.25", "2"] }),
  ...P("sleep", "/bin/sleep", { name: "sleep", argv: ["sleep", "0.2"] }),
  ...P("stty", "/bin/stty", { name: "stty-notty", argv: ["stty", "-a"], exit: 1 }),
  ...P("tee", "/usr/bin/tee", { name: "tee-files", argv: ["tee", `${W}/t1`, `${W}/t2`], stdin: PROSE_TXT, post: "cmp /tmp/wl/t1 /tmp/wl/t2 && wc -c /tmp/wl/t1" }, { name: "tee-a", argv: ["tee", "-a", `${W}/a.txt`], stdin: "appended\n", files: [txt("a.txt", A_TXT)], post: "cat /tmp/wl/a.txt" }),
  ...P("test", "/usr/bin/test", { name: "test-true", argv: ["test", "-f", `${W}/a.txt`, "-a", "-d", W, "-a", "abc", "!=", "abd"], files: [txt("a.txt", A_TXT)] }, { name: "test-false", argv: ["test", "3", "-gt", "5"], exit: 1 },
    { name: "test-bracket", path: "/usr/bin/[", argv: ["[", "-z", "", "-o", "1", "-eq", "2", "]"] }),
  ...P("true", "/bin/true", { name: "true", argv: ["true"] }),
  ...P("tty", "/usr/bin/tty", { name: "tty-notty", argv: ["tty"], exit: 1 }),
  ...P("uname", "/bin/uname", { name: "uname-smo", argv: ["uname", "-s", "-m", "-o"] }),
  ...P("users", "/usr/bin/users", { name: "users-file", argv: ["users", `${W}/utmp`], files: [{ path: `${W}/utmp`, base64: utmp() }] }),
  ...P("who", "/usr/bin/who", { name: "who-file", argv: ["who", `${W}/utmp`], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"], files: [{ path: `${W}/utmp`, base64: utmp() }] },
    { name: "who-b-q", argv: ["who", "-b", "-H", "-q", `${W}/utmp`], env: ["PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC"], files: [{ path: `${W}/utmp`, base64: utmp() }] }),
  ...P("whoami", "/usr/bin/whoami", { name: "whoami", argv: ["whoami"], files: etc }),
  ...P("yes", "/bin/bash", { name: "yes-head", argv: ["bash", "-c", "yes fluke | head -n 4; yes | head -c 9"], oracle: { host: "yes fluke | head -n 4; yes | head -c 9" } }),
];

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(new URL("./workloads.json", import.meta.url), JSON.stringify(GOLDEN, null, 1) + "\n");
  console.log(`${GOLDEN.length} workloads, ${new Set(GOLDEN.map((w) => w.program)).size} programs`);
}
