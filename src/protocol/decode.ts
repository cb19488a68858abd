/**
 * RESP reply decoder (RESP2 and RESP3), used by tests and by anything that reads replies from a
 * Redis peer. Strings decode as binary strings (one char per byte). Errors decode to RespError.
 */

export class RespError {
  constructor(public readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

/** A RESP3 verbatim string, map, set, push or double keeps its kind for assertions. */
export class RespPush {
  constructor(public readonly items: RespValue[]) {}
}
export class RespVerbatim {
  constructor(public readonly format: string, public readonly text: string) {}
}
export class RespDouble {
  constructor(public readonly raw: string) {}
  get value(): number {
    return this.raw === "inf" ? Infinity : this.raw === "-inf" ? -Infinity : Number(this.raw);
  }
}
export class RespBigNumber {
  constructor(public readonly raw: string) {}
}
export class RespSet {
  constructor(public readonly items: RespValue[]) {}
}

export type RespValue =
  | string
  | number
  | boolean
  | null
  | RespError
  | RespValue[]
  | Map<RespValue, RespValue>
  | RespPush
  | RespVerbatim
  | RespDouble
  | RespBigNumber
  | RespSet;

/** Decode one reply starting at `pos`; returns [value, nextPos] or null when incomplete. */
export function decodeReply(
  b: Uint8Array,
  pos: number,
  end = b.length,
): [RespValue, number] | null {
  if (pos >= end) return null;
  const nl = b.indexOf(10, pos);
  if (nl < 0 || nl >= end) return null;
  const type = b[pos];
  const line = latin1(b, pos + 1, nl - 1);
  let p = nl + 1;
  const aggregate = (n: number): [RespValue[], number] | null => {
    const items: RespValue[] = [];
    for (let i = 0; i < n; i++) {
      const r = decodeReply(b, p, end);
      if (r === null) return null;
      items.push(r[0]);
      p = r[1];
    }
    return [items, p];
  };
  switch (type) {
    case 43: // +
      return [line, p];
    case 45: // -
      return [new RespError(line), p];
    case 58: // :
      return [Number(line), p];
    case 95: // _
      return [null, p];
    case 35: // #
      return [line === "t", p];
    case 44: // ,
      return [new RespDouble(line), p];
    case 40: // (
      return [new RespBigNumber(line), p];
    case 36: // $
    case 61: // =
    case 33: { // !
      const n = Number(line);
      if (n < 0) return [null, p];
      if (p + n + 2 > end) return null;
      const s = latin1(b, p, p + n);
      p += n + 2;
      if (type === 61) return [new RespVerbatim(s.slice(0, 3), s.slice(4)), p];
      if (type === 33) return [new RespError(s), p];
      return [s, p];
    }
    case 42: // *
    case 126: // ~
    case 62: { // >
      const n = Number(line);
      if (n < 0) return [null, p];
      const r = aggregate(n);
      if (r === null) return null;
      if (type === 126) return [new RespSet(r[0]), r[1]];
      if (type === 62) return [new RespPush(r[0]), r[1]];
      return r;
    }
    case 37: // %
    case 124: { // | attribute: decoded and skipped, then the real reply follows
      const n = Number(line);
      const r = aggregate(n * 2);
      if (r === null) return null;
      const m = new Map<RespValue, RespValue>();
      for (let i = 0; i < r[0].length; i += 2) m.set(r[0][i], r[0][i + 1]);
      if (type === 124) return decodeReply(b, r[1], end);
      return [m, r[1]];
    }
    default:
      throw new Error(`bad RESP type byte ${type} at ${pos}`);
  }
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      b.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return s;
}

/** Encode a command as a RESP multibulk (binary strings). */
export function encodeCommand(argv: (string | number)[]): Uint8Array {
  let total = 0;
  const parts = argv.map((a) => String(a));
  for (const a of parts) total += a.length + 16;
  const out = new Uint8Array(total + 16);
  let p = 0;
  const put = (s: string) => {
    for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  };
  put(`*${parts.length}\r\n`);
  for (const a of parts) {
    put(`$${a.length}\r\n`);
    put(a);
    put("\r\n");
  }
  return out.subarray(0, p);
}
