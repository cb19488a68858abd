/**
 * LZF compression as Redis 7.0 uses it for RDB strings (lzf_c.c / lzf_d.c of liblzf 3.6, with
 * Redis's settings: HLOG 16, VERY_FAST, no ULTRA_FAST). The output is byte-for-byte what Redis
 * produces, so DUMP payloads of compressed strings match; the hash table starts empty here (Redis
 * leaves it uninitialised on the stack, which can only add matches, never change validity).
 *
 * Format: a literal run is a control byte 000LLLLL (L+1 literal bytes follow); a back reference is
 * LLLooooo [LLLLLLLL when LLL = 7] oooooooo: copy (len + 2) bytes from `offset + 1` bytes back.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Hash table of positions, stamped with a per-call base so it never needs clearing: a slot holds
 * `base + position`; values below the current base are stale (from earlier calls).
 */
let htab = new Int32Array(HSIZE);
let base = 1;

/** Output scratch buffer, reused between calls. */
let scratch = new Uint8Array(1024);

/**
 * lzf_compress: compress `input` into at most `outLen` bytes. Returns the compressed bytes, or
 * null when they do not fit in `outLen` (Redis then stores the string uncompressed). The result is
 * a view of a scratch buffer that the next call overwrites: copy it out at once.
 */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return null;
  if (scratch.length < outLen) scratch = new Uint8Array(Math.max(outLen, scratch.length * 2));
  const out = scratch;
  if (base + inLen + 1 > 0x7fffffff) {
    htab.fill(0);
    base = 1;
  }
  const b0 = base;
  base += inLen + 1;
  const ip0 = input;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  let hval = ((ip0[0] << 8) | ip0[1]) >>> 0;
  while (ip < inLen - 2) {
    hval = ((hval << 8) | ip0[ip + 2]) >>> 0;
    const slot = ((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1);
    const stamped = htab[slot];
    const ref = stamped >= b0 ? stamped - b0 : -1;
    htab[slot] = b0 + ip;
    let off: number;
    if (
      ref > 0 && (off = ip - ref - 1) < MAX_OFF && off >= 0 &&
      ip0[ref + 2] === ip0[ip + 2] && ip0[ref] === ip0[ip] && ip0[ref + 1] === ip0[ip + 1]
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLen && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return null;
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      do len++; while (len < maxlen && ip0[ref + len] === ip0[ip + len]);
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2; // VERY_FAST: rehash the last two positions
      hval = ((ip0[ip] << 8) | ip0[ip + 1]) >>> 0;
      hval = ((hval << 8) | ip0[ip + 2]) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = b0 + ip;
      ip++;
      hval = ((hval << 8) | ip0[ip + 2]) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = b0 + ip;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++;
      out[op++] = ip0[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = ip0[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/** lzf_decompress into exactly `outLen` bytes; null when the data is corrupt or the size differs. */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  return lzfDecompressInto(input, 0, input.length, out, outLen) ? out : null;
}

/**
 * lzf_decompress of input[ip..inEnd) into out[0..outLen) (out may be a larger scratch buffer);
 * false when the data is corrupt or does not decompress to exactly outLen bytes.
 */
export function lzfDecompressInto(
  input: Uint8Array,
  ip: number,
  inEnd: number,
  out: Uint8Array,
  outLen: number,
): boolean {
  let op = 0;
  while (ip < inEnd) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inEnd) return false;
      if (ctrl > 16) {
        out.set(input.subarray(ip, ip + ctrl), op);
        op += ctrl;
        ip += ctrl;
      } else for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inEnd) return false;
      if (len === 7) {
        len += input[ip++];
        if (ip >= inEnd) return false;
      }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return false;
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  return op === outLen;
}

/** Release the 256 KB hash table (tests). */
export function lzfReset(): void {
  htab = new Int32Array(HSIZE);
  base = 1;
}
