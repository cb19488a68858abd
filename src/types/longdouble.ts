/**
 * C `long double` as Redis 7.0 sees it on x86-64 Linux: the x87 80-bit extended format (64-bit
 * mantissa with an explicit integer bit, 15-bit exponent), emulated exactly with BigInt.
 *
 * INCRBYFLOAT and HINCRBYFLOAT parse both operands with glibc's strtold, add them in extended
 * precision and print the sum with "%.17Lf" before trimming trailing zeroes (util.c ld2string,
 * LD_STR_HUMAN). Doing the same in JS doubles gives different text ("10.59999999999999964" where
 * Redis says "10.6"), so every step is reproduced here:
 *
 * - A finite value is `(-1)^neg · m · 2^e` with `0 ≤ m < 2^64` and `e ≥ -16445` (the weight of
 *   the last mantissa bit of the smallest subnormal). Normal values have `m ≥ 2^63`; subnormals
 *   have `e = -16445`. The largest finite value is `(2^64 - 1) · 2^16320` (≈ 1.18973e4932).
 * - Every operation computes the exact result and rounds it once to nearest, ties to even, like
 *   the x87 unit with its default control word and glibc's correctly rounded strtold.
 * - "%.Nf" is exact too (glibc prints the exact binary value rounded to N decimals, ties to even),
 *   so 1.5e308 prints as 309 digits, and 1e4932 as 4933.
 *
 * Redis's string2ld acceptance rules are in `parseLongDouble`.
 */

export const LD_FINITE = 0;
export const LD_INF = 1;
export const LD_NAN = 2;

export interface LongDouble {
  /** LD_FINITE, LD_INF or LD_NAN. */
  readonly kind: number;
  readonly neg: boolean;
  /** Mantissa, 0 ≤ m < 2^64 (0 for zero, inf and nan). */
  readonly m: bigint;
  /** Binary exponent of the mantissa's last bit. */
  readonly e: number;
}

/** Weight (binary exponent) of the last mantissa bit of subnormals and of the smallest normals. */
const EMIN_LSB = -16445;
/** Binary exponent of the leading bit of the largest finite values. */
const EMAX_MSB = 16383;
const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;

export const LD_ZERO: LongDouble = { kind: LD_FINITE, neg: false, m: 0n, e: 0 };
const LD_NEG_ZERO: LongDouble = { kind: LD_FINITE, neg: true, m: 0n, e: 0 };
const LD_POS_INF: LongDouble = { kind: LD_INF, neg: false, m: 0n, e: 0 };
const LD_NEG_INF: LongDouble = { kind: LD_INF, neg: true, m: 0n, e: 0 };
const LD_NAN_VALUE: LongDouble = { kind: LD_NAN, neg: false, m: 0n, e: 0 };

/** 10^n as bigint, cached for the exponents short decimals use. */
const POW10: bigint[] = [];
function pow10(n: number): bigint {
  if (n < 64) {
    let p = POW10[n];
    if (p === undefined) POW10[n] = p = 10n ** BigInt(n);
    return p;
  }
  return 10n ** BigInt(n);
}

function zero(neg: boolean): LongDouble {
  return neg ? LD_NEG_ZERO : LD_ZERO;
}

function inf(neg: boolean): LongDouble {
  return neg ? LD_NEG_INF : LD_POS_INF;
}

export function ldIsFinite(x: LongDouble): boolean {
  return x.kind === LD_FINITE;
}

export function ldIsZero(x: LongDouble): boolean {
  return x.kind === LD_FINITE && x.m === 0n;
}

/** Number of bits of n > 0. */
function bitLength(n: bigint): number {
  if (n <= 0x1fffffffffffffn) {
    const x = Number(n);
    return x < 4294967296 ? 32 - Math.clz32(x) : 64 - Math.clz32(Math.floor(x / 4294967296));
  }
  // toString(16) is linear and exact; fine for the sizes here (at most ~35k bits).
  const h = n.toString(16);
  const top = parseInt(h[0], 16);
  return (h.length - 1) * 4 + (32 - Math.clz32(top));
}

/**
 * Round `num / den · 2^e2` (num ≥ 0, den > 0, exact rational) to the nearest long double,
 * ties to even, with gradual underflow and overflow to infinity.
 */
function roundRational(neg: boolean, num: bigint, den: bigint, e2: number): LongDouble {
  if (num === 0n) return zero(neg);
  // p = floor(log2(num / den)): bitLength difference, minus one when num < den · 2^p.
  let p = bitLength(num) - bitLength(den);
  if (p >= 0 ? num < den << BigInt(p) : num << BigInt(-p) < den) p--;
  p += e2;
  if (p > EMAX_MSB) return inf(neg);
  let lsb = p - 63;
  if (lsb < EMIN_LSB) lsb = EMIN_LSB;
  // q = num · 2^(e2 - lsb) / den, rounded.
  const sh = e2 - lsb;
  let n = num;
  let d = den;
  if (sh >= 0) n <<= BigInt(sh);
  else d <<= BigInt(-sh);
  let q = n / d;
  const twice = (n - q * d) << 1n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (q === TWO64) {
    q = TWO63;
    lsb++;
    if (lsb + 63 > EMAX_MSB) return inf(neg);
  }
  if (q === 0n) return zero(neg);
  return { kind: LD_FINITE, neg, m: q, e: lsb };
}

/** An int64 (or any integer) as a long double (exact up to 64 bits, rounded beyond). */
export function ldFromInt(n: number | bigint): LongDouble {
  const b = BigInt(n);
  return b < 0n ? roundRational(true, -b, 1n, 0) : roundRational(false, b, 1n, 0);
}

/** The nearest double (for callers that need a JS number; not used by INCRBYFLOAT). */
export function ldToNumber(x: LongDouble): number {
  if (x.kind === LD_NAN) return NaN;
  if (x.kind === LD_INF) return x.neg ? -Infinity : Infinity;
  if (x.m === 0n) return x.neg ? -0 : 0;
  // Round to 53 bits first (ties to even), then scale: exact except for double subnormals.
  const bl = bitLength(x.m);
  let m = x.m;
  let e = x.e;
  if (bl > 53) {
    const sh = BigInt(bl - 53);
    let q = m >> sh;
    const r = m - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    m = q;
    e += bl - 53;
  }
  let v = Number(m);
  // Scale in steps so that intermediate powers of two stay finite.
  while (e > 0) {
    const s = Math.min(e, 1000);
    v *= Math.pow(2, s);
    e -= s;
  }
  while (e < 0) {
    const s = Math.min(-e, 1000);
    v /= Math.pow(2, s);
    e += s;
  }
  return x.neg ? -v : v;
}

/** IEEE sum, rounded once (x87 with its default precision control: 64-bit mantissa). */
export function ldAdd(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === LD_NAN || b.kind === LD_NAN) return LD_NAN_VALUE;
  if (a.kind === LD_INF) {
    if (b.kind === LD_INF && a.neg !== b.neg) return LD_NAN_VALUE;
    return a;
  }
  if (b.kind === LD_INF) return b;
  if (a.m === 0n) return b.m === 0n ? zero(a.neg && b.neg) : b;
  if (b.m === 0n) return a;
  const e = a.e < b.e ? a.e : b.e;
  const sa = a.m << BigInt(a.e - e);
  const sb = b.m << BigInt(b.e - e);
  const s = (a.neg ? -sa : sa) + (b.neg ? -sb : sb);
  if (s === 0n) return LD_ZERO; // x + (-x) is +0 when rounding to nearest
  return s < 0n ? roundRational(true, -s, 1n, e) : roundRational(false, s, 1n, e);
}

export function ldNeg(x: LongDouble): LongDouble {
  return { kind: x.kind, neg: !x.neg, m: x.m, e: x.e };
}

// ---- parsing --------------------------------------------------------------------------------

/** What glibc's strtold makes of a whole string; `null` when it would not consume all of it. */
interface Strtold {
  value: LongDouble;
  /** errno == ERANGE: overflow (value is ±inf) or underflow (value is 0 or subnormal). */
  erange: boolean;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)inf(?:inity)?$/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;

/** Exponent digits, saturating (glibc handles any number of them). */
function parseExp(s: string | undefined): number {
  if (s === undefined) return 0;
  let i = 0;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    i = 1;
  }
  let v = 0;
  for (; i < s.length; i++) {
    v = v * 10 + (s.charCodeAt(i) - 48);
    if (v > 1e9) v = 1e9;
  }
  return neg ? -v : v;
}

function isSubnormalOrZero(x: LongDouble): boolean {
  return x.m === 0n || (x.e === EMIN_LSB && x.m < TWO63);
}

/**
 * glibc strtold over the whole string (C locale). Returns null when the string is not entirely
 * a number (strtold would stop early): no leading or trailing spaces, no empty exponent.
 */
export function strtold(s: string): Strtold | null {
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const ip = m[2];
    const fp = m[3] ?? "";
    if (ip.length === 0 && fp.length === 0) return null;
    const neg = m[1] === "-";
    let digits = ip + fp;
    let i = 0;
    while (i < digits.length && digits.charCodeAt(i) === 48) i++;
    digits = digits.slice(i);
    if (digits.length === 0) return { value: zero(neg), erange: false };
    let e10 = parseExp(m[4]) - fp.length;
    // Trailing zeroes only make the numbers bigger.
    let j = digits.length;
    while (digits.charCodeAt(j - 1) === 48) j--;
    e10 += digits.length - j;
    digits = digits.slice(0, j);
    // The value lies in [10^(mag-1), 10^mag).
    const mag = digits.length + e10;
    if (mag - 1 > 4933) return { value: inf(neg), erange: true };
    if (mag < -4952) return { value: zero(neg), erange: true };
    const d = BigInt(digits);
    const v = e10 >= 0
      ? roundRational(neg, d * pow10(e10), 1n, 0)
      : roundRational(neg, d, pow10(-e10), 0);
    return { value: v, erange: v.kind === LD_INF || isSubnormalOrZero(v) };
  }
  m = HEX.exec(s);
  if (m !== null) {
    const ip = m[2];
    const fp = m[3] ?? "";
    if (ip.length === 0 && fp.length === 0) return null; // "0x" alone: strtold stops at 'x'
    const neg = m[1] === "-";
    const h = BigInt("0x" + ip + fp);
    if (h === 0n) return { value: zero(neg), erange: false };
    const e2 = parseExp(m[4]) - 4 * fp.length;
    const mag = bitLength(h) + e2;
    if (mag > EMAX_MSB + 2) return { value: inf(neg), erange: true };
    if (mag < EMIN_LSB - 2) return { value: zero(neg), erange: true };
    const v = roundRational(neg, h, 1n, e2);
    return { value: v, erange: v.kind === LD_INF || isSubnormalOrZero(v) };
  }
  m = INF.exec(s);
  if (m !== null) return { value: inf(m[1] === "-"), erange: false };
  if (NAN.test(s)) return { value: LD_NAN_VALUE, erange: false };
  return null;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses strings this long or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * A long double as Redis's string2ld accepts it (getLongDoubleFromObject): the whole string, no
 * leading space, shorter than 5120 bytes, not NaN, and not overflowing to ±inf or underflowing
 * to zero (a subnormal result is accepted). "inf"/"infinity" are accepted. null when invalid.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const r = strtold(s);
  if (r === null || r.value.kind === LD_NAN) return null;
  if (r.erange && (r.value.kind === LD_INF || r.value.m === 0n)) return null;
  return r.value;
}

// ---- formatting -----------------------------------------------------------------------------

/** C's `printf("%.<prec>Lf")` for a long double (glibc: exact, round half to even). */
export function ldToFixed(x: LongDouble, prec: number): string {
  if (x.kind === LD_INF) return x.neg ? "-inf" : "inf";
  if (x.kind === LD_NAN) return x.neg ? "-nan" : "nan";
  let digits: string;
  if (x.m === 0n) digits = "0";
  else if (x.e >= 0) digits = (x.m << BigInt(x.e)).toString() + "0".repeat(prec);
  else {
    const scaled = x.m * pow10(prec);
    const sh = BigInt(-x.e);
    let q = scaled >> sh;
    const r = scaled - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    digits = q.toString();
  }
  if (digits.length <= prec) digits = "0".repeat(prec + 1 - digits.length) + digits;
  const cut = digits.length - prec;
  const sign = x.neg ? "-" : "";
  if (prec === 0) return sign + digits;
  return sign + digits.slice(0, cut) + "." + digits.slice(cut);
}

/**
 * Redis 7.0's ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeroes after the dot and a
 * bare dot removed, and "-0" turned into "0". ("%.17Lf" always prints a dot, and the 5120-byte
 * buffer always fits: the largest long double has 4933 integer digits.) Infinities print as
 * "inf"/"-inf".
 */
export function ldFormatHuman(x: LongDouble): string {
  if (x.kind === LD_INF) return x.neg ? "-inf" : "inf";
  const s = ldToFixed(x, 17);
  let l = s.length;
  if (s.indexOf(".") >= 0) {
    while (s.charCodeAt(l - 1) === 48) l--;
    if (s.charCodeAt(l - 1) === 46) l--;
  }
  if (l === 2 && s.charCodeAt(0) === 45 && s.charCodeAt(1) === 48) return "0";
  return l === s.length ? s : s.slice(0, l);
}
