/**
 * Stream IDs: two unsigned 64-bit halves, `<ms>-<seq>`, each up to 2^64-1 (Redis's streamID).
 *
 * An ID is kept as a 16-character binary string: the 128-bit number written big endian, one byte
 * per char (Redis encodes rax keys the same way). That makes every comparison an exact string
 * comparison (`a < b`), lets IDs be Map keys (PELs, consumer PELs) and never loses precision to JS
 * numbers. Stream nodes keep their IDs unboxed instead, as four u32 words per entry
 * (src/types/stream.ts); `idFromWords`/`idToWords` convert. BigInt appears only when an ID is
 * parsed or printed with a half above 2^53.
 */

export type StreamID = string;

export const ID_MIN: StreamID = String.fromCharCode(...new Array<number>(16).fill(0));
export const ID_MAX: StreamID = String.fromCharCode(...new Array<number>(16).fill(255));
const U64_MAX = 0xffffffffffffffffn;
const TWO32 = 4294967296;

/** The ID whose halves are ms = msHi·2^32 + msLo and seq = seqHi·2^32 + seqLo (u32 words). */
export function idFromWords(msHi: number, msLo: number, seqHi: number, seqLo: number): StreamID {
  // One call: a flat string (concatenations would leave a rope to flatten on every read).
  return String.fromCharCode(
    msHi >>> 24,
    (msHi >>> 16) & 255,
    (msHi >>> 8) & 255,
    msHi & 255,
    msLo >>> 24,
    (msLo >>> 16) & 255,
    (msLo >>> 8) & 255,
    msLo & 255,
    seqHi >>> 24,
    (seqHi >>> 16) & 255,
    (seqHi >>> 8) & 255,
    seqHi & 255,
    seqLo >>> 24,
    (seqLo >>> 16) & 255,
    (seqLo >>> 8) & 255,
    seqLo & 255,
  );
}

/** Word `i` (0..3) of an ID: ms high, ms low, seq high, seq low. */
export function idWord(id: StreamID, i: number): number {
  const o = i * 4;
  return ((id.charCodeAt(o) << 24) | (id.charCodeAt(o + 1) << 16) | (id.charCodeAt(o + 2) << 8) |
    id.charCodeAt(o + 3)) >>> 0;
}

/** Write the four words of `id` into `out` at `at`. */
export function idToWords(id: StreamID, out: Uint32Array | number[], at: number): void {
  for (let i = 0; i < 4; i++) out[at + i] = idWord(id, i);
}

/** An ID from two non-negative safe integers (ms from the clock, small sequence numbers). */
export function idFromNumbers(ms: number, seq: number): StreamID {
  return idFromWords(Math.floor(ms / TWO32), ms >>> 0, Math.floor(seq / TWO32), seq >>> 0);
}

/** An ID from two u64 bigints. */
export function idFromBig(ms: bigint, seq: bigint): StreamID {
  return idFromWords(
    Number(ms >> 32n),
    Number(ms & 0xffffffffn),
    Number(seq >> 32n),
    Number(seq & 0xffffffffn),
  );
}

/** The ms half as a bigint. */
export function idMsBig(id: StreamID): bigint {
  return (BigInt(idWord(id, 0)) << 32n) | BigInt(idWord(id, 1));
}

/** The seq half as a bigint. */
export function idSeqBig(id: StreamID): bigint {
  return (BigInt(idWord(id, 2)) << 32n) | BigInt(idWord(id, 3));
}

let cachedHi = -1, cachedLo = -1, cachedText = "";

/**
 * Decimal text of the u64 hi·2^32 + lo. Printing a 13-digit ms is the costly part of replying
 * with IDs, and neighbouring entries often share their ms: the last text is kept.
 */
export function u64Text(hi: number, lo: number): string {
  if (hi === 0) return String(lo);
  if (hi === cachedHi && lo === cachedLo) return cachedText;
  const t = hi < 0x200000 ? String(hi * TWO32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  cachedHi = hi;
  cachedLo = lo;
  cachedText = t;
  return t;
}

/** `<ms>-<seq>` from the four words. */
export function formatWords(msHi: number, msLo: number, seqHi: number, seqLo: number): string {
  return u64Text(msHi, msLo) + "-" + u64Text(seqHi, seqLo);
}

/** `<ms>-<seq>`, as Redis prints an ID. */
export function formatId(id: StreamID): string {
  return formatWords(idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3));
}

/** streamIncrID: the next ID, or null when `id` is the largest possible (Redis wraps and fails). */
export function idIncr(id: StreamID): StreamID | null {
  if (id === ID_MAX) return null;
  const a = [idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3)];
  for (let i = 3; i >= 0; i--) {
    if (a[i] === 0xffffffff) a[i] = 0;
    else {
      a[i]++;
      break;
    }
  }
  return idFromWords(a[0], a[1], a[2], a[3]);
}

/** streamDecrID: the previous ID, or null when `id` is 0-0. */
export function idDecr(id: StreamID): StreamID | null {
  if (id === ID_MIN) return null;
  const a = [idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3)];
  for (let i = 3; i >= 0; i--) {
    if (a[i] === 0) a[i] = 0xffffffff;
    else {
      a[i]--;
      break;
    }
  }
  return idFromWords(a[0], a[1], a[2], a[3]);
}

/** The same ms with seq + 1, or null when seq is already 2^64-1 (XADD `<ms>-*`). */
export function idSeqIncr(id: StreamID): StreamID | null {
  const seqHi = idWord(id, 2), seqLo = idWord(id, 3);
  if (seqHi === 0xffffffff && seqLo === 0xffffffff) return null;
  return seqLo === 0xffffffff
    ? idFromWords(idWord(id, 0), idWord(id, 1), seqHi + 1, 0)
    : idFromWords(idWord(id, 0), idWord(id, 1), seqHi, seqLo + 1);
}

/** Do two IDs have the same ms half? */
export function sameMs(a: StreamID, b: StreamID): boolean {
  return a.slice(0, 8) === b.slice(0, 8);
}

/**
 * Redis's string2ull: string2ll when it accepts (negatives refused), else strtoull rules (leading
 * space, a sign, decimal digits to the end, no overflow; a '-' negates modulo 2^64).
 */
export function parseU64(s: string): bigint | null {
  const n = s.length;
  if (n === 0) return null;
  // Fast path: plain short decimal.
  if (n < 16) {
    let ok = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) {
        ok = false;
        break;
      }
    }
    if (ok) return BigInt(Number(s));
  }
  if (/^-[1-9][0-9]*$/.test(s) && BigInt(s) >= -9223372036854775808n) return null;
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > U64_MAX) return null;
  return m[1] === "-" ? (U64_MAX + 1n - v) & U64_MAX : v;
}

/** Plain short decimal (< 16 digits) as a number, else -1: the fast path of ID parsing. */
function smallDecimal(s: string, from: number, to: number): number {
  const n = to - from;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export interface ParsedId {
  id: StreamID;
  /** False for `<ms>-*` (XADD lets Redis pick the sequence). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply without the reply: `-`/`+` (refused when strict), `<ms>` (seq =
 * `missingSeqMax ? 2^64-1 : 0`), `<ms>-<seq>`, and with `allowSeqStar` `<ms>-*`. Null = "Invalid
 * stream ID specified as stream command argument".
 */
export function parseStreamId(
  s: string,
  missingSeqMax: boolean,
  strict: boolean,
  allowSeqStar = false,
): ParsedId | null {
  const n = s.length;
  if (n > 127) return null;
  if (n === 1) {
    const c = s.charCodeAt(0);
    if (c === 45 || c === 43) {
      if (strict) return null;
      return { id: c === 45 ? ID_MIN : ID_MAX, seqGiven: true };
    }
  }
  const dash = s.indexOf("-");
  const msEnd = dash < 0 ? n : dash;
  // Fast path: both parts short plain decimals.
  const msN = smallDecimal(s, 0, msEnd);
  if (msN >= 0) {
    if (dash < 0) {
      return {
        id: missingSeqMax
          ? idFromWords(Math.floor(msN / TWO32), msN >>> 0, 0xffffffff, 0xffffffff)
          : idFromNumbers(msN, 0),
        seqGiven: true,
      };
    }
    const seqN = smallDecimal(s, dash + 1, n);
    if (seqN >= 0) return { id: idFromNumbers(msN, seqN), seqGiven: true };
  }
  const ms = parseU64(s.slice(0, msEnd));
  if (ms === null) return null;
  let seq: bigint;
  let seqGiven = true;
  if (dash >= 0) {
    const rest = s.slice(dash + 1);
    if (allowSeqStar && rest === "*") {
      seq = 0n;
      seqGiven = false;
    } else {
      const v = parseU64(rest);
      if (v === null) return null;
      seq = v;
    }
  } else seq = missingSeqMax ? U64_MAX : 0n;
  return { id: idFromBig(ms, seq), seqGiven };
}
