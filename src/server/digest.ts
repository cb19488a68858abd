/**
 * DEBUG DIGEST / DIGEST-VALUE: Redis's dataset digest (debug.c), so a digest taken by Rexis equals
 * the one Redis gives for the same data (tests compare digests across a restart or a reload).
 *
 * Two ways of folding SHA1s into a 20-byte digest: xor (order does not matter: keys, set members,
 * hash fields, zset members) and mix = SHA1(digest xor SHA1(data)) (order matters: list elements,
 * stream entries, the parts of one value). A key's digest is mix(key), mix(type as 4 big-endian
 * bytes), then the value, then xor("!!expire!!") when it has a TTL; the dataset digest mixes each
 * non-empty db's id and xors its keys' digests. Values are byte strings (one char per byte).
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import type { Db, RValue } from "../store/db.ts";
import { ListValue } from "../types/list.ts";
import { HashObject } from "../types/hash.ts";
import { SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { ID_MAX, ID_MIN } from "../types/streamid.ts";
import { StreamValue } from "../types/stream.ts";
import { formatG } from "../protocol/reply.ts";

function sha1(data: Uint8Array | string): Uint8Array {
  const h = createHash("sha1");
  h.update(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  return h.digest();
}

function xorDigest(digest: Uint8Array, data: Uint8Array | string): void {
  const h = sha1(data);
  for (let j = 0; j < 20; j++) digest[j] ^= h[j];
}

function mixDigest(digest: Uint8Array, data: Uint8Array | string): void {
  xorDigest(digest, data);
  digest.set(sha1(digest));
}

function u32be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** Redis's OBJ_* type numbers. */
const OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_MODULE = 5;
const OBJ_STREAM = 6;

/** %.17g as Redis's snprintf prints a score. */
function scoreText(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  return formatG(d, 17);
}

/** xorObjectDigest: the value of `key` (type, elements, expire flag) folded into `digest`. */
export function xorObjectDigest(db: Db, key: string, digest: Uint8Array, v: RValue): void {
  if (typeof v === "string") {
    mixDigest(digest, u32be(OBJ_STRING));
    mixDigest(digest, v);
  } else if (v instanceof ListValue) {
    mixDigest(digest, u32be(OBJ_LIST));
    for (let i = 0; i < v.length; i++) mixDigest(digest, v.get(i));
  } else if (v instanceof SetObject) {
    mixDigest(digest, u32be(OBJ_SET));
    for (const m of v.members) xorDigest(digest, m);
  } else if (v instanceof ZSet) {
    mixDigest(digest, u32be(OBJ_ZSET));
    for (const [m, score] of v.dict) {
      const ele = new Uint8Array(20);
      mixDigest(ele, m);
      mixDigest(ele, scoreText(score));
      xorDigest(digest, ele);
    }
  } else if (v instanceof HashObject) {
    mixDigest(digest, u32be(OBJ_HASH));
    for (const [f, val] of v.map) {
      const ele = new Uint8Array(20);
      mixDigest(ele, f);
      mixDigest(ele, val);
      xorDigest(digest, ele);
    }
  } else if (v instanceof StreamValue) {
    mixDigest(digest, u32be(OBJ_STREAM));
    const it = v.iterator(ID_MIN, ID_MAX);
    while (it.next()) {
      mixDigest(digest, it.formatId().replace("-", "."));
      for (const f of it.fields()) mixDigest(digest, f);
    }
  } else {
    // Module types: Redis adds what the type's digest callback computes; ours have none yet.
    mixDigest(digest, u32be(OBJ_MODULE));
  }
  if (db.getExpire(key) !== undefined) xorDigest(digest, "!!expire!!");
}

/** computeDatasetDigest over every db, as 40 hex digits. */
export function datasetDigest(dbs: readonly Db[]): string {
  const final = new Uint8Array(20);
  for (const db of dbs) {
    if (db.size === 0) continue;
    mixDigest(final, u32be(db.id));
    const ks = db.ks;
    for (const [key, slot] of ks.map) {
      const v = ks.vals[slot]!;
      const digest = new Uint8Array(20);
      mixDigest(digest, key);
      xorObjectDigest(db, key, digest, v);
      xorDigest(final, digest);
    }
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE of one key (expired or not, as dictFind): zeros when missing. */
export function keyDigest(db: Db, key: string): string {
  const digest = new Uint8Array(20);
  const v = db.getRaw(key);
  if (v !== undefined) xorObjectDigest(db, key, digest, v);
  return hex(digest);
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
