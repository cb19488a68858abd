// The load path built for speed (elements added as read, keys through Db.loadSet) still refuses
// duplicates and empty collections, and picks the encodings as before.
import { assert, assertEquals } from "../testing/assert.ts";
import {
  DEFAULT_LIMITS,
  RDB_TYPE_HASH,
  RDB_TYPE_SET,
  RDB_TYPE_ZSET_2,
  rdbLoadObject,
  RdbReader,
  RdbWriter,
} from "./rdb.ts";
import { FormatError } from "./bytes.ts";
import type { HashObject } from "../types/hash.ts";
import type { SetObject } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { Db } from "../store/db.ts";

function load(t: number, fill: (w: RdbWriter) => void) {
  const w = new RdbWriter({ compress: false, limits: DEFAULT_LIMITS });
  fill(w);
  const b = w.view().slice();
  return rdbLoadObject(new RdbReader(b, DEFAULT_LIMITS), t);
}

function throwsWith(fn: () => unknown, text: string) {
  try {
    fn();
  } catch (e) {
    assert(e instanceof FormatError, String(e));
    assertEquals(e.message, text);
    return;
  }
  throw new Error(`no error, expected ${text}`);
}

function strings(w: RdbWriter, xs: string[]) {
  w.len(xs.length);
  for (const x of xs) w.string(x);
}

Deno.test("rdb load: sets, hashes, zsets built as read; duplicates and empties refused", () => {
  const s = load(RDB_TYPE_SET, (w) => strings(w, ["1", "2", "3"])) as SetObject;
  assertEquals(s.encoding(), "intset");
  assertEquals(s.size, 3);
  const s2 = load(RDB_TYPE_SET, (w) => strings(w, ["1", "a"])) as SetObject;
  assertEquals(s2.encoding(), "hashtable");
  throwsWith(
    () => load(RDB_TYPE_SET, (w) => strings(w, ["a", "b", "a"])),
    "Duplicate set members detected",
  );
  throwsWith(() => load(RDB_TYPE_SET, (w) => w.len(0)), "Empty set");

  const h = load(RDB_TYPE_HASH, (w) => {
    w.len(2);
    for (const x of ["f1", "v1", "f2", "v2"]) w.string(x);
  }) as HashObject;
  assertEquals(h.encoding(), "listpack");
  const hBig = load(RDB_TYPE_HASH, (w) => {
    w.len(1);
    w.string("f");
    w.string("x".repeat(65));
  }) as HashObject;
  assertEquals(hBig.encoding(), "hashtable");
  throwsWith(
    () =>
      load(RDB_TYPE_HASH, (w) => {
        w.len(2);
        for (const x of ["f", "1", "f", "2"]) w.string(x);
      }),
    "Duplicate hash fields detected",
  );
  throwsWith(() => load(RDB_TYPE_HASH, (w) => w.len(0)), "Empty hash");

  const zpairs = (w: RdbWriter, ps: [string, number][]) => {
    w.len(ps.length);
    for (const [m, sc] of ps) {
      w.string(m);
      w.f64le(sc);
    }
  };
  const z = load(RDB_TYPE_ZSET_2, (w) => zpairs(w, [["b", 2], ["a", 1], ["c", -0]])) as ZSet;
  assertEquals(z.encoding(), "listpack");
  assertEquals(z.size, 3);
  assert(Object.is(z.score("c"), 0), "a listpack zset stores -0 as 0");
  assertEquals(z.rank("a"), 1);
  throwsWith(
    () => load(RDB_TYPE_ZSET_2, (w) => zpairs(w, [["a", 1], ["a", 2]])),
    "Duplicate zset fields detected",
  );
  throwsWith(
    () => load(RDB_TYPE_ZSET_2, (w) => zpairs(w, [["a", NaN]])),
    "Zset with NAN score detected",
  );
});

Deno.test("Db.loadSet: new keys with expire and clock; a duplicate changes nothing", () => {
  const db = new Db(0, { expired() {}, now: () => 5_000_000, lruClock: () => 77 });
  assert(db.loadSet("a", "1", -1, -1));
  assert(db.loadSet("b", "2", 9_000_000, 1234));
  assertEquals(db.getLru("a"), 77);
  assertEquals(db.getLru("b"), 1234);
  assertEquals(db.getExpire("a"), undefined);
  assertEquals(db.getExpire("b"), 9_000_000);
  assertEquals(db.volatileSize, 1);
  db.set("c", "3");
  db.removeKey("a"); // a free slot below
  assert(!db.loadSet("b", "other", -1, -1));
  assert(!db.loadSet("c", "other", 1, 5));
  assertEquals(db.peek("c"), "3");
  assertEquals(db.getExpire("c"), undefined);
  assert(db.loadSet("a", "again", -1, -1));
  assertEquals(db.peek("a"), "again");
  assertEquals(db.size, 3);
  db.removeKey("a");
  assertEquals(db.size, 2);
  assertEquals(db.peek("b"), "2");
  assertEquals(db.getExpire("b"), 9_000_000);
  assertEquals(db.getLru("b"), 1234);
});

Deno.test("ZSet.fromLoad: trees built bottom up (either order) or by insertion stay consistent", () => {
  for (const n of [1, 5, 96, 97, 200, 5000, 20_000]) {
    for (const order of ["desc", "asc", "shuffled"]) {
      const idx = [...Array(n).keys()];
      if (order === "desc") idx.reverse();
      if (order === "shuffled") idx.sort((a, b) => ((a * 7919) % 1009) - ((b * 7919) % 1009));
      // Scores with ties (broken by member) to exercise the (score, member) order.
      const members = idx.map((i) => `m${String(i).padStart(6, "0")}`);
      const scores = idx.map((i) => Math.floor(i / 3));
      const z = ZSet.fromLoad(members, scores)!;
      assertEquals(z.size, n);
      for (let i = 0; i < n; i += Math.max(1, n >> 6)) {
        assertEquals(z.rank(`m${String(i).padStart(6, "0")}`), i, `${n} ${order} rank ${i}`);
      }
      // Then ordinary updates: removals and inserts keep ranks right.
      for (let i = 0; i < n; i += 2) z.remove(`m${String(i).padStart(6, "0")}`);
      z.insert("zzz", -1);
      assertEquals(z.rank("zzz"), 0);
      if (n > 1) assertEquals(z.rank("m000001"), 1);
      const seen: string[] = [];
      z.forEach((m) => {
        seen.push(m);
      });
      assertEquals(seen.length, z.size);
    }
  }
  assertEquals(ZSet.fromLoad(["a", "b", "a"], [1, 2, 3]), null);
});
