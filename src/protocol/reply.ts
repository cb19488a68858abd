/**
 * RESP reply writer.
 *
 * Replies are encoded straight into a growable per-client byte buffer and flushed once per read
 * batch by the connection. Every string handed to this writer is a "binary string": one char per
 * byte, char codes 0–255 (see src/store/bytes.ts). RESP3-only types degrade to their RESP2 forms
 * exactly as Redis does (maps become flat arrays, doubles become bulk strings, booleans integers,
 * nulls `$-1`/`*-1`).
 */

const CRLF0 = 13;
const CRLF1 = 10;
const asciiEncoder = new TextEncoder();
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

export class ReplyWriter {
  out: Uint8Array = new Uint8Array(16 * 1024);
  outLen = 0;
  /** 2 or 3: the protocol chosen with HELLO. */
  resp = 2;

  /** Called after each append; connections use it for output buffer limits. */
  protected ensure(extra: number): void {
    const need = this.outLen + extra;
    if (need <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < need) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.out.subarray(0, this.outLen));
    this.out = nb;
  }

  /** Raw ASCII (header lines, statuses): no length checks beyond the buffer. */
  writeAscii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const o = this.out;
    let p = this.outLen;
    for (let i = 0; i < n; i++) o[p++] = s.charCodeAt(i);
    this.outLen = p;
  }

  /** Binary string bytes. */
  writeBinary(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n > 256 && !NON_ASCII.test(s)) {
      asciiEncoder.encodeInto(s, this.out.subarray(this.outLen));
      this.outLen += n;
      return;
    }
    const o = this.out;
    let p = this.outLen;
    for (let i = 0; i < n; i++) o[p++] = s.charCodeAt(i);
    this.outLen = p;
  }

  writeBytes(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    if (n <= 32) {
      // TypedArray#set costs more than a short loop for shared replies (+OK, :1, $-1).
      const o = this.out;
      let p = this.outLen;
      for (let i = 0; i < n; i++) o[p++] = b[i];
      this.outLen = p;
      return;
    }
    this.out.set(b, this.outLen);
    this.outLen += n;
  }

  private header(prefix: number, n: number): void {
    this.ensure(24);
    const o = this.out;
    let p = this.outLen;
    o[p++] = prefix;
    if (n < 0) {
      o[p++] = 45;
      n = -n;
    }
    if (n < 10) o[p++] = 48 + n;
    else {
      const s = String(n);
      for (let i = 0; i < s.length; i++) o[p++] = s.charCodeAt(i);
    }
    o[p++] = CRLF0;
    o[p++] = CRLF1;
    this.outLen = p;
  }

  // ---- simple types -------------------------------------------------------------------------

  addOk(): void {
    this.writeBytes(RESP_OK);
  }

  addStatus(s: string): void {
    this.ensure(s.length + 3);
    this.out[this.outLen++] = 43; // +
    this.writeBinary(s);
    this.out[this.outLen++] = CRLF0;
    this.out[this.outLen++] = CRLF1;
  }

  /** `msg` is the whole error line, prefix included ("ERR ...", "WRONGTYPE ..."). */
  addErrorRaw(msg: string): void {
    // Redis never lets CR/LF into an error line.
    if (msg.indexOf("\r") >= 0 || msg.indexOf("\n") >= 0) msg = msg.replace(/[\r\n]/g, " ");
    this.ensure(msg.length + 3);
    this.out[this.outLen++] = 45; // -
    this.writeBinary(msg);
    this.out[this.outLen++] = CRLF0;
    this.out[this.outLen++] = CRLF1;
  }

  addInt(n: number | bigint): void {
    if (typeof n === "number" && n >= 0 && n < 10) {
      this.ensure(4);
      const o = this.out;
      o[this.outLen++] = 58;
      o[this.outLen++] = 48 + n;
      o[this.outLen++] = CRLF0;
      o[this.outLen++] = CRLF1;
      return;
    }
    if (typeof n === "number" && Number.isSafeInteger(n)) {
      // Digits written straight into the buffer (INCR, LPUSH, SADD... replies), no string built.
      this.ensure(20);
      const o = this.out;
      let p = this.outLen;
      o[p++] = 58;
      let v = n;
      if (v < 0) {
        o[p++] = 45;
        v = -v;
      }
      let digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      p += digits;
      for (let i = p - 1; i >= p - digits; i--) {
        o[i] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      o[p++] = CRLF0;
      o[p++] = CRLF1;
      this.outLen = p;
      return;
    }
    this.writeAscii(":" + String(n) + "\r\n");
  }

  addBulk(s: string): void {
    const n = s.length;
    if (n > 256) {
      this.header(36, n);
      this.writeBinary(s);
      this.ensure(2);
      this.out[this.outLen++] = CRLF0;
      this.out[this.outLen++] = CRLF1;
      return;
    }
    // Short bulk (the common reply): one capacity check, header and bytes in one pass.
    this.ensure(n + 8);
    const o = this.out;
    let p = this.outLen;
    o[p++] = 36;
    if (n < 10) o[p++] = 48 + n;
    else if (n < 100) {
      o[p++] = 48 + ((n / 10) | 0);
      o[p++] = 48 + (n % 10);
    } else {
      o[p++] = 48 + ((n / 100) | 0);
      o[p++] = 48 + (((n / 10) | 0) % 10);
      o[p++] = 48 + (n % 10);
    }
    o[p++] = CRLF0;
    o[p++] = CRLF1;
    for (let i = 0; i < n; i++) o[p++] = s.charCodeAt(i);
    o[p++] = CRLF0;
    o[p++] = CRLF1;
    this.outLen = p;
  }

  addBulkBytes(b: Uint8Array): void {
    this.header(36, b.length);
    this.writeBytes(b);
    this.ensure(2);
    this.out[this.outLen++] = CRLF0;
    this.out[this.outLen++] = CRLF1;
  }

  /** Bulk string or null bulk when undefined/null. */
  addBulkOrNull(s: string | undefined | null): void {
    if (s === undefined || s === null) this.addNull();
    else this.addBulk(s);
  }

  /** Null bulk string (`$-1` in RESP2, `_` in RESP3). */
  addNull(): void {
    this.writeBytes(this.resp === 3 ? RESP3_NULL : RESP_NULL_BULK);
  }

  /** Null array (`*-1` in RESP2, `_` in RESP3). */
  addNullArray(): void {
    this.writeBytes(this.resp === 3 ? RESP3_NULL : RESP_NULL_ARRAY);
  }

  addArrayLen(n: number): void {
    this.header(42, n);
  }

  /** A map of n pairs: `%n` in RESP3, an array of 2n in RESP2. */
  addMapLen(n: number): void {
    if (this.resp === 3) this.header(37, n);
    else this.header(42, n * 2);
  }

  addSetLen(n: number): void {
    this.header(this.resp === 3 ? 126 : 42, n);
  }

  addPushLen(n: number): void {
    this.header(this.resp === 3 ? 62 : 42, n);
  }

  addAttributeLen(n: number): void {
    this.header(124, n);
  }

  addBool(b: boolean): void {
    if (this.resp === 3) this.writeAscii(b ? "#t\r\n" : "#f\r\n");
    else this.addInt(b ? 1 : 0);
  }

  addDouble(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.writeAscii("," + s + "\r\n");
    else this.addBulk(s);
  }

  addBigNumber(s: string): void {
    if (this.resp === 3) this.writeAscii("(" + s + "\r\n");
    else this.addBulk(s);
  }

  /** Verbatim string: `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
  addVerbatim(s: string, format = "txt"): void {
    if (this.resp === 3) {
      this.header(61, s.length + 4);
      this.writeAscii(format + ":");
      this.writeBinary(s);
      this.writeAscii("\r\n");
    } else this.addBulk(s);
  }

  addBulkArray(items: readonly string[]): void {
    this.header(42, items.length);
    for (let i = 0; i < items.length; i++) this.addBulk(items[i]);
  }

  addEmptyArray(): void {
    this.writeBytes(RESP_EMPTY_ARRAY);
  }

  // ---- deferred aggregate lengths -----------------------------------------------------------

  /** Reserve the place of an aggregate header whose length is known only later. */
  deferLen(): number {
    return this.outLen;
  }

  private setDeferred(at: number, prefix: number, n: number): void {
    const h = String.fromCharCode(prefix) + String(n) + "\r\n";
    const tail = this.outLen - at;
    this.ensure(h.length);
    this.out.copyWithin(at + h.length, at, at + tail);
    for (let i = 0; i < h.length; i++) this.out[at + i] = h.charCodeAt(i);
    this.outLen += h.length;
  }

  /** Set the length of an array reserved with deferLen(). */
  setDeferredArray(at: number, n: number): void {
    this.setDeferred(at, 42, n);
  }

  setDeferredMap(at: number, n: number): void {
    if (this.resp === 3) this.setDeferred(at, 37, n);
    else this.setDeferred(at, 42, n * 2);
  }

  setDeferredSet(at: number, n: number): void {
    this.setDeferred(at, this.resp === 3 ? 126 : 42, n);
  }
}

function ascii(s: string): Uint8Array {
  return asciiEncoder.encode(s);
}

export const RESP_OK = ascii("+OK\r\n");
export const RESP_NULL_BULK = ascii("$-1\r\n");
export const RESP_NULL_ARRAY = ascii("*-1\r\n");
export const RESP3_NULL = ascii("_\r\n");
export const RESP_EMPTY_ARRAY = ascii("*0\r\n");

/**
 * Format a double as Redis 7.0 replies do (`%.17g`, with `inf`/`-inf`/`nan`).
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  return formatG(d, 17);
}

/** C's `%.<prec>g`. */
export function formatG(d: number, prec: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const e = d.toExponential(prec - 1); // "d.ddde+x"
  const ei = e.indexOf("e");
  const exp = parseInt(e.slice(ei + 1), 10);
  if (exp < -4 || exp >= prec) {
    let mant = e.slice(0, ei);
    if (mant.indexOf(".") >= 0) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    const sign = exp < 0 ? "-" : "+";
    const a = Math.abs(exp);
    return mant + "e" + sign + (a < 10 ? "0" + a : String(a));
  }
  let f = d.toFixed(Math.max(0, prec - 1 - exp));
  if (f.indexOf(".") >= 0) f = f.replace(/0+$/, "").replace(/\.$/, "");
  return f;
}
