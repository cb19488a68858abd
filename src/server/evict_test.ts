import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { EvictionPool, evictionTimeLimitUs, EVPOOL_SIZE, OOM_ERROR } from "./evict.ts";

Deno.test("eviction pool: keeps the 16 best sorted ascending, pops the best first", () => {
  const p = new EvictionPool();
  // Insert 40 candidates in scrambled order.
  for (let i = 0; i < 40; i++) {
    const idle = (i * 17) % 40;
    p.insert(`k${idle}`, idle, 0);
  }
  const idles = p.idle.slice(0, EVPOOL_SIZE);
  for (let i = 1; i < EVPOOL_SIZE; i++) assert(idles[i - 1] <= idles[i], `sorted: ${idles}`);
  const out: string[] = [];
  for (let b = p.popBest(); b !== null; b = p.popBest()) out.push(b.key);
  // The 16 highest of 0..39, best first.
  assertEquals(out, Array.from({ length: 16 }, (_, i) => `k${39 - i}`));
});

Deno.test("eviction pool: a worse candidate is dropped when full; empty slots fill in order", () => {
  const p = new EvictionPool();
  p.insert("b", 5, 1);
  p.insert("a", 1, 0);
  p.insert("c", 9, 2);
  assertEquals(p.keys.slice(0, 3), ["a", "b", "c"]);
  assertEquals(p.dbid.slice(0, 3), [0, 1, 2]);
  for (let i = 0; i < 13; i++) p.insert(`x${i}`, 100 + i, 0);
  p.insert("worst", 0, 0); // full, worse than everything: ignored
  assert(!p.keys.includes("worst"));
  p.insert("mid", 6, 0); // full: the worst ("a") goes
  assert(!p.keys.includes("a") && p.keys.includes("mid"));
  assertEquals(p.popBest()?.key, "x12");
});

Deno.test("eviction time limit follows maxmemory-eviction-tenacity", () => {
  assertEquals(evictionTimeLimitUs(0), 0);
  assertEquals(evictionTimeLimitUs(10), 500);
  assertEquals(evictionTimeLimitUs(11), 575);
  assertEquals(evictionTimeLimitUs(100), Infinity);
});

Deno.test("accounting: every type's bytes come back to zero when its keys go", () => {
  const t = testServer(["--maxmemory", "1gb"]);
  const c = t.client();
  const db = t.server.dbs[0];
  assertEquals(db.bytes, 0);
  t.exec(c, "SET", "s", "x".repeat(100));
  const one = db.bytes;
  assert(one > 100 + 16 && one < 400, `one string key: ${one}`);
  t.exec(c, "SET", "s", "x".repeat(1000));
  assertEquals(db.bytes - one, 1000 - 104);
  t.exec(c, "APPEND", "s", "yy");
  t.exec(c, "EXPIRE", "s", "100");
  for (let i = 0; i < 200; i++) {
    t.exec(c, "RPUSH", "l", `item${i}`);
    t.exec(c, "HSET", "h", `f${i}`, `v${i}`);
    t.exec(c, "SADD", "set", `m${i}`);
    t.exec(c, "ZADD", "z", i, `m${i}`);
  }
  const big = db.bytes;
  assert(big > 200 * 4 * 40, `collections counted as they grow: ${big}`);
  t.exec(c, "RENAME", "l", "l2");
  t.exec(c, "COPY", "h", "h2");
  t.exec(c, "MOVE", "set", "3");
  t.exec(c, "SELECT", "3");
  t.exec(c, "SREM", "set", "m1");
  t.exec(c, "SELECT", "0");
  t.exec(c, "DEL", "s", "l2", "h", "h2", "z");
  assertEquals(db.bytes, 0);
  t.exec(c, "FLUSHALL");
  for (const d of t.server.dbs) assertEquals(d.bytes, 0);
});

Deno.test("eviction: allkeys-lru evicts the idlest keys, signals and notifies 'evicted'", () => {
  const t = testServer([
    "--maxmemory-policy",
    "allkeys-lru",
    "--maxmemory-eviction-tenacity",
    "100",
    "--maxmemory",
    "1gb",
  ]);
  const c = t.client();
  const s = t.server;
  const events: string[] = [];
  const modified: string[] = [];
  s.notify = (type, event, key) => {
    if (event === "evicted") events.push(`${type}:${event}:${key}`);
  };
  s.signalModifiedKey = (_db, key) => void modified.push(key);
  const before = modified.length;
  const db = s.dbs[0];
  for (let i = 0; i < 100; i++) t.exec(c, "SET", `old${i}`, "v".repeat(200));
  // Make the old keys idle: their clock is 100 s behind.
  for (const k of db.keys()) db.setLru(k, (db.getLru(k)! - 100) & 0xffffff);
  for (let i = 0; i < 10; i++) t.exec(c, "SET", `new${i}`, "v".repeat(200));
  const used = s.usedMemory();
  const perKey = db.bytes / 110;
  t.exec(c, "CONFIG", "SET", "maxmemory", String(Math.floor(used - 30 * perKey)));
  assertEquals(t.exec(c, "PING"), "PONG"); // evicts before running
  const evicted = s.stats.evictedKeys;
  assert(evicted >= 30 && evicted < 40, `evicted ${evicted}`);
  for (let i = 0; i < 10; i++) assertEquals(t.exec(c, "EXISTS", `new${i}`), 1);
  assertEquals(events.length, evicted);
  assert(events.every((e) => /^e:evicted:old\d+$/.test(e)), events[0]);
  assert(modified.length - before >= evicted);
  assert(s.usedMemory() <= s.evictor.maxmemory);
});

Deno.test("eviction: noeviction and volatile-* without volatile keys refuse denyoom commands", () => {
  for (const policy of ["noeviction", "volatile-lru", "volatile-lfu", "volatile-ttl"]) {
    const t = testServer(["--maxmemory-policy", policy]);
    const c = t.client();
    for (let i = 0; i < 20; i++) t.exec(c, "SET", `k${i}`, "v");
    t.exec(c, "CONFIG", "SET", "maxmemory", "1");
    assertEquals(t.exec(c, "SET", "x", "1"), new RespError(OOM_ERROR));
    assertEquals(t.exec(c, "GET", "k1"), "v"); // not denyoom
    assertEquals(t.exec(c, "DEL", "k1"), 1); // DEL frees memory: allowed
    assertEquals(t.exec(c, "DBSIZE"), 19);
    assertEquals(t.server.stats.evictedKeys, 0);
  }
});

Deno.test("OOM and MULTI: queued commands flag the transaction; reads-only EXEC runs; DISCARD ok", () => {
  const t = testServer();
  const c = t.client();
  const admin = t.client();
  t.exec(c, "SET", "x", "value");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "SET", "y", "1"), "QUEUED");
  t.exec(admin, "CONFIG", "SET", "maxmemory", "1");
  assertEquals(
    t.exec(c, "EXEC"),
    new RespError(
      "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.",
    ),
  );
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "GET", "x"), new RespError(OOM_ERROR)); // anything queued under OOM
  assertEquals(t.exec(c, "DISCARD"), "OK");
  t.exec(admin, "CONFIG", "SET", "maxmemory", "0");
  t.exec(c, "MULTI");
  t.exec(c, "GET", "x");
  t.exec(c, "PING");
  t.exec(admin, "CONFIG", "SET", "maxmemory", "1");
  assertEquals(t.exec(c, "EXEC"), ["value", "PONG"]);
  t.exec(admin, "CONFIG", "SET", "maxmemory", "0");
});

Deno.test("OBJECT FREQ follows the LFU counter; IDLETIME refused under LFU", () => {
  const t = testServer(["--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0"]);
  const c = t.client();
  t.exec(c, "SET", "k", "v");
  assertEquals(t.exec(c, "OBJECT", "FREQ", "k"), 5);
  for (let i = 0; i < 10; i++) t.exec(c, "GET", "k");
  assertEquals(t.exec(c, "OBJECT", "FREQ", "k"), 15);
  const e = t.exec(c, "OBJECT", "IDLETIME", "k") as RespError;
  assert(e instanceof RespError && e.message.startsWith("ERR An LFU maxmemory policy is selected"));
  t.exec(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
});

Deno.test("accounting: setting maxmemory later counts what incremental accounting counts", () => {
  const ops = (t: ReturnType<typeof testServer>) => {
    const c = t.client();
    for (let i = 0; i < 50; i++) {
      t.exec(c, "SET", `s${i}`, "x".repeat(i * 7));
      t.exec(c, "RPUSH", "l", `item${i}`);
      t.exec(c, "HSET", "h", `f${i}`, "v".repeat(i));
      t.exec(c, "SETEX", `e${i}`, 100, "y");
    }
    t.exec(c, "DEL", "s3", "e4");
    t.exec(c, "PERSIST", "e5");
    return c;
  };
  const t1 = testServer(["--maxmemory", "1gb"]);
  ops(t1);
  const incremental = t1.server.dbs[0].bytes;
  const t2 = testServer();
  const c2 = ops(t2);
  assertEquals(t2.server.dbs[0].bytes, 0); // nothing accounted without a limit
  t2.exec(c2, "CONFIG", "SET", "maxmemory", "1gb");
  assertEquals(t2.server.dbs[0].bytes, incremental);
  t2.exec(c2, "CONFIG", "SET", "maxmemory", "0");
});
