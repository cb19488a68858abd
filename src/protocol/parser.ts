/**
 * Incremental RESP request parser (multibulk and inline), modelled on Redis's
 * processMultibulkBuffer/processInlineBuffer: it works over the connection's query buffer with
 * offsets, keeps its progress between reads (so a huge bulk or a command with a million arguments
 * is never re-scanned), and reports protocol errors with Redis's own texts.
 *
 * Arguments become binary strings (one char per byte). Small ones are built with
 * String.fromCharCode over the bytes; big ones with Buffer#latin1Slice, which is native.
 */
import { Buffer } from "node:buffer";

export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;

/** The parse state a connection keeps between reads. */
export class QueryBuffer {
  buf: Uint8Array;
  /** Bytes filled. */
  len = 0;
  /** Bytes consumed. */
  pos = 0;
  /** 0 = between requests, 1 = inline, 2 = multibulk. */
  reqType = 0;
  /** Arguments still to read in the current multibulk. */
  mbLeft = 0;
  /** Length of the bulk being read, -1 when its header is not read yet. */
  bulkLen = -1;
  argv: string[] = [];
  /** Largest buffer size seen since the last resize check (Redis's querybuf_peak). */
  peak = 0;
  private nodeBuf: Buffer;

  constructor(size = 16 * 1024) {
    this.buf = new Uint8Array(size);
    this.nodeBuf = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Room to read into; grows or compacts as needed, making space for `want` bytes at least. */
  space(want: number): Uint8Array {
    if (this.pos > 0 && (this.pos === this.len || this.buf.length - this.len < want)) {
      this.compact();
    }
    if (this.buf.length - this.len < want) {
      let size = this.buf.length * 2;
      while (size - this.len < want) size *= 2;
      this.resize(size);
    }
    return this.buf.subarray(this.len);
  }

  compact(): void {
    if (this.pos === 0) return;
    if (this.pos < this.len) this.buf.copyWithin(0, this.pos, this.len);
    this.len -= this.pos;
    this.pos = 0;
  }

  resize(size: number): void {
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
    this.nodeBuf = Buffer.from(nb.buffer, nb.byteOffset, nb.byteLength);
  }

  /** Bytes waiting to be parsed. */
  pending(): number {
    return this.len - this.pos;
  }

  str(start: number, end: number): string {
    const n = end - start;
    if (n === 0) return "";
    if (n <= INTERN_MAX) return intern(this.buf, start, n);
    if (n <= SMALL_ARG) {
      // One reused array per length: fromCharCode.apply over a plain array builds a flat
      // sequential string in one step (measured faster than += or latin1Slice for short args).
      const a = SCRATCH[n];
      const b = this.buf;
      for (let i = 0; i < n; i++) a[i] = b[start + i];
      return String.fromCharCode.apply(null, a);
    }
    return (this.nodeBuf as unknown as Latin1).latin1Slice(start, end);
  }
}

interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

const SMALL_ARG = 64;
const SCRATCH: number[][] = Array.from(
  { length: SMALL_ARG + 1 },
  (_, n) => new Array<number>(n).fill(0),
);

/**
 * Short arguments are interned through a direct-mapped cache (FNV-1a of the bytes → the string made
 * last time): a hit returns the same string object, whose hash V8 has already computed, so the
 * Map lookups of keys, fields and command names skip hashing a fresh string (measured: a fresh
 * 16-byte key costs ~350 ns more per Map.get than one whose hash is cached), and no string is
 * allocated. A miss costs the byte hash and compare (~20 ns) and replaces the slot.
 */
const INTERN_MAX = 32;
const INTERN_BITS = 17;
const INTERN_MASK = (1 << INTERN_BITS) - 1;
const internCache: string[] = new Array<string>(1 << INTERN_BITS).fill("");

function intern(b: Uint8Array, start: number, n: number): string {
  let h = 0x811c9dc5 ^ n;
  const end = start + n;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 16)) & INTERN_MASK;
  const s = internCache[slot];
  if (s.length === n) {
    let i = 0;
    while (i < n && s.charCodeAt(i) === b[start + i]) i++;
    if (i === n) return s;
  }
  const a = SCRATCH[n];
  for (let i = 0; i < n; i++) a[i] = b[start + i];
  const ns: string = String.fromCharCode.apply(null, a);
  internCache[slot] = ns;
  return ns;
}

export class ProtocolError extends Error {}

export interface ParseLimits {
  maxBulkLen: number;
  /** When true, Redis's unauthenticated limits apply (multibulk > 10, bulk > 16384). */
  authRequired: boolean;
}

/**
 * Try to parse one request. Returns the argument vector (possibly empty, which callers skip),
 * or null when more bytes are needed. Throws ProtocolError with Redis's reply text.
 */
export function parseRequest(q: QueryBuffer, lim: ParseLimits): string[] | null {
  if (q.reqType === 0) {
    if (q.pos >= q.len) return null;
    q.reqType = q.buf[q.pos] === 42 ? 2 : 1;
  }
  return q.reqType === 2 ? parseMultibulk(q, lim) : parseInline(q);
}

function indexOfByte(b: Uint8Array, byte: number, from: number, to: number): number {
  const i = b.indexOf(byte, from);
  return i < 0 || i >= to ? -1 : i;
}

/** Redis's string2ll: strict decimal integer, no spaces, no leading '+', no leading zeros. */
export function parseStrictInt(b: Uint8Array, start: number, end: number): number | null {
  const n = end - start;
  if (n <= 0 || n > 20) return null;
  let i = start;
  let neg = false;
  if (n === 1 && b[i] === 48) return 0;
  if (b[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (b[i] < 49 || b[i] > 57) return null;
  let v = 0;
  for (; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

function parseMultibulk(q: QueryBuffer, lim: ParseLimits): string[] | null {
  const b = q.buf;
  if (q.mbLeft === 0) {
    // Fast path: "*<n>\r\n" with 1-9 arguments, the usual request header.
    const p = q.pos;
    if (p + 3 < q.len && b[p + 2] === 13) {
      const d = b[p + 1] - 48;
      if (d >= 1 && d <= 9) {
        q.pos = p + 4;
        q.mbLeft = d;
        q.argv = [];
        q.bulkLen = -1;
      }
    }
  }
  if (q.mbLeft === 0) {
    const nl = indexOfByte(b, 13, q.pos, q.len);
    if (nl < 0) {
      if (q.len - q.pos > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError("Protocol error: too big mbulk count string");
      }
      return null;
    }
    if (nl + 1 >= q.len) return null; // wait for the \n
    const ll = parseStrictInt(b, q.pos + 1, nl);
    if (ll === null || ll > INT_MAX) {
      throw new ProtocolError("Protocol error: invalid multibulk length");
    }
    if (ll > 10 && lim.authRequired) {
      throw new ProtocolError("Protocol error: unauthenticated multibulk length");
    }
    q.pos = nl + 2;
    if (ll <= 0) {
      q.reqType = 0;
      return [];
    }
    q.mbLeft = ll;
    q.argv = [];
    q.bulkLen = -1;
  }
  while (q.mbLeft > 0) {
    if (q.bulkLen === -1) {
      // Fast path: "$<len>\r\n" with 1-4 digits and no leading zero, scanned and parsed in one
      // pass (Uint8Array#indexOf is a builtin call); anything else takes the checked path below.
      const p = q.pos;
      const len = q.len;
      if (p + 3 < len && b[p] === 36) {
        let i = p + 1;
        let v = b[i] - 48;
        if (v >= 1 && v <= 9) {
          const end = Math.min(len - 1, p + 6);
          let c = b[++i];
          while (i < end && c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            c = b[++i];
          }
          if (i < end && c === 13 && v <= lim.maxBulkLen && !(v > 16384 && lim.authRequired)) {
            q.pos = i + 2;
            q.bulkLen = v;
          }
        } else if (v === 0 && b[p + 2] === 13) {
          q.pos = p + 4;
          q.bulkLen = 0;
        }
      }
    }
    if (q.bulkLen === -1) {
      const nl = indexOfByte(b, 13, q.pos, q.len);
      if (nl < 0) {
        if (q.len - q.pos > PROTO_INLINE_MAX_SIZE) {
          throw new ProtocolError("Protocol error: too big bulk count string");
        }
        return null;
      }
      if (nl + 1 >= q.len) return null;
      if (b[q.pos] !== 36) {
        throw new ProtocolError(
          "Protocol error: expected '$', got '" + String.fromCharCode(b[q.pos]) + "'",
        );
      }
      const ll = parseStrictInt(b, q.pos + 1, nl);
      if (ll === null || ll < 0 || ll > lim.maxBulkLen) {
        throw new ProtocolError("Protocol error: invalid bulk length");
      }
      if (ll > 16384 && lim.authRequired) {
        throw new ProtocolError("Protocol error: unauthenticated bulk length");
      }
      q.pos = nl + 2;
      q.bulkLen = ll;
    }
    if (q.len - q.pos < q.bulkLen + 2) return null;
    q.argv.push(q.str(q.pos, q.pos + q.bulkLen));
    q.pos += q.bulkLen + 2;
    q.bulkLen = -1;
    q.mbLeft--;
  }
  const argv = q.argv;
  q.argv = [];
  q.reqType = 0;
  return argv;
}

function parseInline(q: QueryBuffer): string[] | null {
  const b = q.buf;
  const nl = indexOfByte(b, 10, q.pos, q.len);
  if (nl < 0) {
    if (q.len - q.pos > PROTO_INLINE_MAX_SIZE) {
      throw new ProtocolError("Protocol error: too big inline request");
    }
    return null;
  }
  let end = nl;
  if (end > q.pos && b[end - 1] === 13) end--;
  const line = q.str(q.pos, end);
  q.pos = nl + 1;
  q.reqType = 0;
  const argv = splitArgs(line);
  if (argv === null) throw new ProtocolError("Protocol error: unbalanced quotes in request");
  return argv;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/**
 * Redis's sdssplitargs: whitespace-separated arguments, "double quotes" with \n \r \t \b \a \\ \"
 * and \xHH escapes, 'single quotes' with \' only. A closing quote must be followed by a space or
 * the end. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (ch: string) =>
    ch === " " || ch === "\n" || ch === "\r" || ch === "\t" || ch === "\v" || ch === "\f";
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let cur = "";
    while (!done) {
      if (inq) {
        if (i >= n) return null;
        const ch = line[i];
        if (
          ch === "\\" && line[i + 1] === "x" && i + 3 < n + 0 && isHex(line[i + 2]) &&
          isHex(line[i + 3])
        ) {
          cur += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (ch === "\\" && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === "n"
            ? "\n"
            : e === "r"
            ? "\r"
            : e === "t"
            ? "\t"
            : e === "b"
            ? "\b"
            : e === "a"
            ? "\x07"
            : e;
        } else if (ch === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          done = true;
        } else cur += ch;
      } else if (insq) {
        if (i >= n) return null;
        const ch = line[i];
        if (ch === "\\" && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          done = true;
        } else cur += ch;
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const ch = line[i];
        if (isSpace(ch)) done = true;
        else if (ch === '"') inq = true;
        else if (ch === "'") insq = true;
        else cur += ch;
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}
