// errno values: every name agrees with Linux's asm-generic/errno-base.h and errno.h (or the committed
// snapshot extracted from them), the aliases are glibc's, and lookups by number give canonical names.
// Above: vitest. Below: linux-errno.ts, linux-oracle.ts.
import { describe, expect, it } from "vitest";
import { ERRNO, ERRNO_ALIASES, ERRNO_HEADER_NAMES, errnoName } from "./linux-errno.js";
import { headerOracle, parseErrno, pickOracle, snapshotOracle } from "./linux-oracle.js";

describe("procmgr linux-errno", () => {
  it("has Linux's number for every name", () => {
    const oracle = pickOracle("errno values");
    const wrong = ERRNO_HEADER_NAMES.filter((n) => oracle.errnos.get(n) !== ERRNO[n]).map((n) => `${n}: ${ERRNO[n]} vs ${oracle.errnos.get(n)}`);
    expect(wrong).toEqual([]);
    expect(oracle.errnos.get("EWOULDBLOCK")).toBe(ERRNO.EWOULDBLOCK);
  });
  it("covers EPERM..ERANGE and the named extras", () => {
    for (let n = 1; n <= 34; n++) expect(errnoName(n), `errno ${n}`).toBeDefined();
    for (const n of ["ENOSYS", "ENOEXEC", "ENAMETOOLONG", "ENOTEMPTY", "ELOOP", "EXDEV", "ENOTSUP", "EOPNOTSUPP"] as const) expect(ERRNO[n]).toBeGreaterThan(0);
    expect(new Set(ERRNO_HEADER_NAMES.map((n) => ERRNO[n])).size).toBe(ERRNO_HEADER_NAMES.length);
  });
  it("makes ENOTSUP glibc's alias of EOPNOTSUPP and EWOULDBLOCK of EAGAIN", () => {
    expect(ERRNO.ENOTSUP).toBe(95);
    expect(ERRNO.ENOTSUP).toBe(ERRNO.EOPNOTSUPP);
    expect(ERRNO_ALIASES).toEqual({ ENOTSUP: "EOPNOTSUPP", EWOULDBLOCK: "EAGAIN" });
    expect(errnoName(95)).toBe("EOPNOTSUPP");
    expect(errnoName(11)).toBe("EAGAIN");
    expect(errnoName(0)).toBeUndefined();
  });
  it("parses header defines and resolves aliases", () => {
    const m = parseErrno("#define\tEAGAIN\t\t11\t/* Try again */\n#define\tEWOULDBLOCK\tEAGAIN\t/* x */\n#define E2BIG 7\n");
    expect([...m]).toEqual([["EAGAIN", 11], ["EWOULDBLOCK", 11], ["E2BIG", 7]]);
  });
  it("commits a snapshot that agrees with the headers wherever both exist", () => {
    const snap = snapshotOracle();
    expect(snap.errnos.get("ERANGE")).toBe(34);
    const header = headerOracle();
    if (header === null) {
      process.stdout.write("[procmgr] no asm-generic/errno*.h here: the snapshot is the oracle, cross-check not possible\n");
      return;
    }
    expect([...snap.errnos].filter(([n, v]) => header.errnos.get(n) !== v)).toEqual([]);
  });
});
