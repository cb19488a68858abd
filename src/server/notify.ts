/**
 * notify-keyspace-events classes as flag bits (Redis's NOTIFY_* in server.h), and the text forms
 * CONFIG uses. Delivery lives in src/server/pubsub.ts (keyspaceEvent) behind Server.notify().
 */
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_MODULE = 1 << 12; // d
export const NOTIFY_NEW = 1 << 13; // n
/** 'A': every class but key-miss and new. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET |
  NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const LETTERS: [string, number][] = [
  ["g", NOTIFY_GENERIC],
  ["$", NOTIFY_STRING],
  ["l", NOTIFY_LIST],
  ["s", NOTIFY_SET],
  ["h", NOTIFY_HASH],
  ["z", NOTIFY_ZSET],
  ["x", NOTIFY_EXPIRED],
  ["e", NOTIFY_EVICTED],
  ["t", NOTIFY_STREAM],
  ["d", NOTIFY_MODULE],
  ["n", NOTIFY_NEW],
  ["K", NOTIFY_KEYSPACE],
  ["E", NOTIFY_KEYEVENT],
  ["m", NOTIFY_KEY_MISS],
];

/** Class letter (as passed to server.notify) → bit, indexed by char code. */
export const NOTIFY_BIT_BY_CODE: Int32Array = (() => {
  const t = new Int32Array(128);
  for (const [l, b] of LETTERS) t[l.charCodeAt(0)] = b;
  t["A".charCodeAt(0)] = NOTIFY_ALL;
  return t;
})();

/** notify-keyspace-events text → flags, or -1 for an unknown letter. */
export function keyspaceEventsStringToFlags(s: string): number {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const bit = code < 128 ? NOTIFY_BIT_BY_CODE[code] : 0;
    if (bit === 0) return -1;
    flags |= bit;
  }
  return flags;
}

/** Flags → the canonical text CONFIG GET shows. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let s = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) s = "A";
  else {
    for (const [l, b] of LETTERS.slice(0, 11)) if (flags & b) s += l;
  }
  if (flags & NOTIFY_KEYSPACE) s += "K";
  if (flags & NOTIFY_KEYEVENT) s += "E";
  if (flags & NOTIFY_KEY_MISS) s += "m";
  return s;
}
