/**
 * Argument parsing shared by every family, with Redis's exact acceptance rules:
 * - integers as string2ll (optional '-', no '+', no spaces, no leading zeros, int64 range);
 * - doubles as strtod with Redis's extra checks (whole string, no leading space, no NaN, no
 *   overflow/underflow to 0), plus "inf"/"infinity".
 * Integers beyond ±2^53 come back as bigint so int64 arithmetic stays exact.
 */

import type { Client } from "../server/client.ts";
import { isMatchAll } from "../store/glob.ts";

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** Parse an int64 as Redis's string2ll; null when invalid or out of range. */
export function parseI64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const c0 = s.charCodeAt(i);
  if (c0 === 48) return n === 1 ? 0 : null;
  if (c0 < 49 || c0 > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (n - i < 16) return Number(s);
  const b = BigInt(s);
  if (b > I64_MAX || b < I64_MIN) return null;
  if (b <= 9007199254740991n && b >= -9007199254740991n) return Number(b);
  return b;
}

/** Parse an integer that must fit in a JS safe integer (counts, indexes, timeouts). */
export function parseInteger(s: string): number | null {
  const v = parseI64(s);
  if (v === null) return null;
  if (typeof v === "bigint") {
    // Out of the safe range: clamp, keeping the sign (callers compare against bounds anyway).
    return v > 0n ? Number.MAX_SAFE_INTEGER + 1 : -(Number.MAX_SAFE_INTEGER + 1);
  }
  return v;
}

/** Exact int64 value as bigint, or null. */
export function parseI64Big(s: string): bigint | null {
  const v = parseI64(s);
  return v === null ? null : BigInt(v);
}

export function isI64(v: bigint): boolean {
  return v <= I64_MAX && v >= I64_MIN;
}

export { I64_MAX, I64_MIN };

const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF = /^[+-]?inf(?:inity)?$/i;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** strtod over the whole string; null when strtod would stop early. Returns NaN for "nan". */
export function strtod(s: string): number | null {
  if (DEC_FLOAT.test(s)) return Number(s);
  if (INF.test(s)) return s[0] === "-" ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  const m = HEX_FLOAT.exec(s);
  if (m && (m[2].length > 0 || (m[3] ?? "").length > 0)) {
    const frac = m[3] ?? "";
    let v = parseInt((m[2] || "0") + frac, 16);
    v = v / Math.pow(16, frac.length);
    if (m[4]) v = v * Math.pow(2, parseInt(m[4], 10));
    return m[1] === "-" ? -v : v;
  }
  return null;
}

/** A double as Redis's getDoubleFromObject accepts it; null when invalid (including NaN). */
export function parseDouble(s: string): number | null {
  if (s.length === 0) return null;
  const v = strtod(s);
  if (v === null || Number.isNaN(v)) return null;
  // ERANGE: overflow to ±inf from a finite literal, or underflow to zero from a non-zero one.
  if (!Number.isFinite(v) && !INF.test(s)) return null;
  if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, "").replace(/^0[xX]/, ""))) return null;
  return v;
}

/** Case-insensitive comparison with an upper-case ASCII keyword. */
export function eqi(arg: string, upper: string): boolean {
  return arg.length === upper.length && arg.toUpperCase() === upper;
}

/** The options every *SCAN command takes (TYPE only for SCAN itself). */
export interface ScanArgs {
  count: number;
  /** null when there is no MATCH or it is `*`: nothing to filter. */
  pattern: string | null;
  type: string | null;
}

/**
 * Parse `[MATCH pattern] [COUNT count] [TYPE type]` from argv[start] as Redis's
 * scanGenericCommand does; replies the error and returns null when an option is bad.
 */
export function parseScanArgs(
  c: Client,
  argv: string[],
  start: number,
  allowType: boolean,
): ScanArgs | null {
  const out: ScanArgs = { count: 10, pattern: null, type: null };
  for (let i = start; i < argv.length; i += 2) {
    const more = argv.length - i;
    if (eqi(argv[i], "COUNT") && more >= 2) {
      const v = parseI64(argv[i + 1]);
      if (v === null) {
        c.addErrorNotInt();
        return null;
      }
      if (v < 1) {
        c.addErrorSyntax();
        return null;
      }
      out.count = typeof v === "bigint" ? Number.MAX_SAFE_INTEGER : v;
    } else if (eqi(argv[i], "MATCH") && more >= 2) {
      out.pattern = isMatchAll(argv[i + 1]) ? null : argv[i + 1];
    } else if (allowType && eqi(argv[i], "TYPE") && more >= 2) {
      out.type = argv[i + 1];
    } else {
      c.addErrorSyntax();
      return null;
    }
  }
  return out;
}
