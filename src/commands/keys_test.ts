import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import type { RObject } from "../store/db.ts";
import { activeExpireCycle } from "../store/expire.ts";

const err = (m: string) => new RespError(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Record keyspace events and modified-key signals. */
function spy(t: ReturnType<typeof testServer>) {
  const events: string[] = [];
  const modified: string[] = [];
  t.server.notify = (type, event, key, dbid) => void events.push(`${type}:${event}:${key}@${dbid}`);
  t.server.signalModifiedKey = (db, key) => void modified.push(`${key}@${db.id}`);
  return { events, modified };
}

/** A minimal collection value implementing the RObject contract. */
class Bag implements RObject {
  type = "bag";
  items: string[];
  dups = 0;
  constructor(items: string[]) {
    this.items = items;
  }
  dup(): RObject {
    this.dups++;
    return new Bag([...this.items]);
  }
  encoding(): string {
    return "bagpack";
  }
}

/** Full SCAN iteration; `between` runs after every call. */
function scanAll(
  t: ReturnType<typeof testServer>,
  c: ReturnType<ReturnType<typeof testServer>["client"]>,
  extra: string[] = [],
  between?: (i: number) => void,
): { keys: string[]; calls: number } {
  let cursor = "0";
  const keys: string[] = [];
  let calls = 0;
  do {
    const r = t.exec(c, "SCAN", cursor, ...extra) as [string, string[]];
    cursor = r[0];
    keys.push(...r[1]);
    between?.(calls);
    calls++;
    if (calls > 100000) throw new Error("SCAN did not terminate");
  } while (cursor !== "0");
  return { keys, calls };
}

Deno.test("keys: binary-safe keys and values, every byte round-trips", () => {
  const t = testServer();
  const c = t.client();
  let all = "";
  for (let b = 0; b < 256; b++) all += String.fromCharCode(b);
  assertEquals(t.exec(c, "SET", all, all), "OK");
  assertEquals(t.exec(c, "GET", all), all);
  assertEquals(t.exec(c, "EXISTS", all), 1);
  assertEquals(t.exec(c, "KEYS", "*"), [all]);
  assertEquals(t.exec(c, "KEYS", "\x00*\xff"), [all]);
  assertEquals(t.exec(c, "RENAME", all, "\r\n"), "OK");
  assertEquals(t.exec(c, "SCAN", "0"), ["0", ["\r\n"]]);
  assertEquals(t.exec(c, "TYPE", "\r\n"), "string");
  assertEquals(t.exec(c, "DEL", "\r\n"), 1);
});

Deno.test("keys: DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE", () => {
  const t = testServer();
  const c = t.client();
  const { events } = spy(t);
  t.exec(c, "SET", "a", "1");
  t.exec(c, "SET", "b", "2");
  assertEquals(t.exec(c, "DBSIZE"), 2);
  assertEquals(t.exec(c, "EXISTS", "a", "a", "b", "c"), 3);
  assertEquals(t.exec(c, "TOUCH", "a", "c"), 1);
  assertEquals(t.exec(c, "TYPE", "a"), "string");
  assertEquals(t.exec(c, "TYPE", "c"), "none");
  const dirty = t.server.dirty;
  assertEquals(t.exec(c, "DEL", "a", "c", "a"), 1);
  assertEquals(t.exec(c, "UNLINK", "b"), 1);
  assertEquals(t.server.dirty, dirty + 2);
  assertEquals(t.exec(c, "DBSIZE"), 0);
  assert(events.includes("g:del:a@0") && events.includes("g:del:b@0"));
  assert(events.includes("m:keymiss:c@0"));
  assertEquals(t.exec(c, "DEL"), err("ERR wrong number of arguments for 'del' command"));
});

Deno.test("keys: RENAME / RENAMENX", () => {
  const t = testServer();
  const c = t.client();
  const { events } = spy(t);
  assertEquals(t.exec(c, "RENAME", "nokey", "x"), err("ERR no such key"));
  assertEquals(t.exec(c, "RENAME", "nokey", "nokey"), err("ERR no such key"));
  assertEquals(t.exec(c, "RENAMENX", "nokey", "x"), err("ERR no such key"));
  t.exec(c, "SET", "k", "v");
  assertEquals(t.exec(c, "RENAME", "k", "k"), "OK");
  assertEquals(t.exec(c, "RENAMENX", "k", "k"), 0);
  t.exec(c, "EXPIRE", "k", "100");
  t.exec(c, "SET", "d", "old");
  t.exec(c, "EXPIRE", "d", "1000");
  events.length = 0;
  assertEquals(t.exec(c, "RENAME", "k", "d"), "OK");
  assertEquals(events, ["n:new:d@0", "g:rename_from:k@0", "g:rename_to:d@0"]);
  assertEquals(t.exec(c, "GET", "d"), "v");
  const ttl = t.exec(c, "TTL", "d") as number;
  assert(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
  assertEquals(t.exec(c, "EXISTS", "k"), 0);
  // Without a TTL on the source the destination ends without one.
  t.exec(c, "SET", "s", "1");
  assertEquals(t.exec(c, "RENAME", "s", "d"), "OK");
  assertEquals(t.exec(c, "TTL", "d"), -1);
  t.exec(c, "SET", "s", "2");
  assertEquals(t.exec(c, "RENAMENX", "s", "d"), 0);
  assertEquals(t.exec(c, "RENAMENX", "s", "n"), 1);
  assertEquals(t.exec(c, "GET", "n"), "2");
});

Deno.test("keys: MOVE", () => {
  const t = testServer();
  const c = t.client();
  const { events } = spy(t);
  t.exec(c, "SET", "k", "v");
  assertEquals(t.exec(c, "MOVE", "k", "0"), err("ERR source and destination objects are the same"));
  assertEquals(t.exec(c, "MOVE", "k", "x"), err("ERR value is not an integer or out of range"));
  assertEquals(t.exec(c, "MOVE", "k", "16"), err("ERR DB index is out of range"));
  assertEquals(t.exec(c, "MOVE", "k", "-1"), err("ERR DB index is out of range"));
  assertEquals(
    t.exec(c, "MOVE", "k", "3000000000"),
    err("ERR value is out of range, value must between -2147483648 and 2147483647"),
  );
  assertEquals(t.exec(c, "MOVE", "nokey", "1"), 0);
  t.exec(c, "PEXPIRE", "k", "100000");
  events.length = 0;
  assertEquals(t.exec(c, "MOVE", "k", "1"), 1);
  assertEquals(events, ["n:new:k@1", "g:move_from:k@0", "g:move_to:k@1"]);
  assertEquals(t.exec(c, "TTL", "k"), -2);
  t.exec(c, "SET", "k", "again");
  assertEquals(t.exec(c, "MOVE", "k", "1"), 0); // exists in the target
  t.exec(c, "SELECT", "1");
  assertEquals(t.exec(c, "GET", "k"), "v");
  const ttl = t.exec(c, "TTL", "k") as number;
  assert(ttl > 95 && ttl <= 100);
});

Deno.test("keys: COPY with DB, REPLACE, TTL and the dup() contract", () => {
  const t = testServer();
  const c = t.client();
  const { events } = spy(t);
  assertEquals(t.exec(c, "COPY", "nokey", "x"), 0);
  t.exec(c, "SET", "k", "v");
  assertEquals(t.exec(c, "COPY", "k", "k"), err("ERR source and destination objects are the same"));
  assertEquals(
    t.exec(c, "COPY", "k", "k", "DB", "0"),
    err("ERR source and destination objects are the same"),
  );
  assertEquals(t.exec(c, "COPY", "k", "x", "DB"), err("ERR syntax error"));
  assertEquals(t.exec(c, "COPY", "k", "x", "FOO"), err("ERR syntax error"));
  assertEquals(
    t.exec(c, "COPY", "k", "x", "DB", "no"),
    err("ERR value is not an integer or out of range"),
  );
  assertEquals(t.exec(c, "COPY", "k", "x", "DB", "99"), err("ERR DB index is out of range"));
  t.exec(c, "EXPIRE", "k", "100");
  events.length = 0;
  assertEquals(t.exec(c, "COPY", "k", "x"), 1);
  assertEquals(events, ["n:new:x@0", "g:copy_to:x@0"]);
  assert((t.exec(c, "TTL", "x") as number) > 95);
  t.exec(c, "SET", "y", "other");
  assertEquals(t.exec(c, "COPY", "k", "y"), 0);
  assertEquals(t.exec(c, "COPY", "k", "y", "replace"), 1);
  assertEquals(t.exec(c, "GET", "y"), "v");
  assertEquals(t.exec(c, "COPY", "k", "k", "DB", "2", "REPLACE"), 1);
  t.exec(c, "SELECT", "2");
  assertEquals(t.exec(c, "GET", "k"), "v");
  t.exec(c, "SELECT", "0");
  // Collections copy deeply through dup().
  const bag = new Bag(["a"]);
  t.server.dbs[0].set("bag", bag);
  assertEquals(t.exec(c, "TYPE", "bag"), "bag");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "bag"), "bagpack");
  assertEquals(t.exec(c, "OBJECT", "REFCOUNT", "bag"), 1);
  assertEquals(t.exec(c, "COPY", "bag", "bag2"), 1);
  assertEquals(bag.dups, 1);
  const copy = t.server.dbs[0].getRaw("bag2") as Bag;
  assert(copy !== bag);
  copy.items.push("b");
  assertEquals(bag.items, ["a"]);
  // RENAME and MOVE move the object itself.
  t.exec(c, "RENAME", "bag", "bag3");
  assert(t.server.dbs[0].getRaw("bag3") === bag);
  assertEquals(bag.dups, 1);
});

Deno.test("keys: SWAPDB", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SWAPDB", "a", "1"), err("ERR invalid first DB index"));
  assertEquals(t.exec(c, "SWAPDB", "0", "b"), err("ERR invalid second DB index"));
  assertEquals(t.exec(c, "SWAPDB", "3000000000", "1"), err("ERR invalid first DB index"));
  assertEquals(t.exec(c, "SWAPDB", "0", "16"), err("ERR DB index is out of range"));
  assertEquals(t.exec(c, "SWAPDB", "-1", "0"), err("ERR DB index is out of range"));
  t.exec(c, "SET", "in0", "x");
  t.exec(c, "EXPIRE", "in0", "100");
  assertEquals(t.exec(c, "SWAPDB", "0", "0"), "OK");
  assertEquals(t.exec(c, "SWAPDB", "0", "1"), "OK");
  assertEquals(t.exec(c, "DBSIZE"), 0);
  t.exec(c, "SELECT", "1");
  assertEquals(t.exec(c, "GET", "in0"), "x");
  assert((t.exec(c, "TTL", "in0") as number) > 0);
});

Deno.test("keys: FLUSHDB / FLUSHALL", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "a", "1");
  t.exec(c, "SELECT", "3");
  t.exec(c, "SET", "b", "1");
  t.exec(c, "SET", "c", "1");
  assertEquals(t.exec(c, "FLUSHDB", "x"), err("ERR syntax error"));
  assertEquals(t.exec(c, "FLUSHDB", "ASYNC", "SYNC"), err("ERR syntax error"));
  assertEquals(t.exec(c, "FLUSHALL", "lazy"), err("ERR syntax error"));
  const dirty = t.server.dirty;
  assertEquals(t.exec(c, "FLUSHDB", "sync"), "OK");
  assertEquals(t.server.dirty, dirty + 2);
  assertEquals(t.exec(c, "DBSIZE"), 0);
  t.exec(c, "SELECT", "0");
  assertEquals(t.exec(c, "DBSIZE"), 1);
  assertEquals(t.exec(c, "FLUSHALL", "ASYNC"), "OK");
  assertEquals(t.exec(c, "DBSIZE"), 0);
  assertEquals(t.exec(c, "FLUSHALL"), "OK");
});

Deno.test("keys: KEYS patterns; expired keys are skipped, not deleted", async () => {
  const t = testServer();
  const c = t.client();
  for (const k of ["key_x", "key_y", "foo_a", "foo_b", "f*o", "[x]"]) t.exec(c, "SET", k, "1");
  assertEquals((t.exec(c, "KEYS", "foo*") as string[]).sort(), ["foo_a", "foo_b"]);
  assertEquals((t.exec(c, "KEYS", "key_[^x]") as string[]).sort(), ["key_y"]);
  assertEquals(t.exec(c, "KEYS", "f\\*o"), ["f*o"]);
  assertEquals(t.exec(c, "KEYS", "\\[x\\]"), ["[x]"]);
  assertEquals((t.exec(c, "KEYS", "*") as string[]).length, 6);
  t.exec(c, "PEXPIRE", "key_x", "1");
  await sleep(5);
  assertEquals((t.exec(c, "KEYS", "*") as string[]).includes("key_x"), false);
  assertEquals(t.exec(c, "KEYS", "key*") as string[], ["key_y"]);
  assertEquals(t.exec(c, "DBSIZE"), 6); // still there until touched
  assertEquals(t.exec(c, "EXISTS", "key_x"), 0);
  assertEquals(t.exec(c, "DBSIZE"), 5);
  // Long nested patterns stay fast (Redis's regression tests).
  t.exec(c, "FLUSHDB");
  t.exec(c, "SET", "a".repeat(50000), "1");
  const start = performance.now();
  assertEquals(t.exec(c, "KEYS", "*?".repeat(50000)), []);
  assertEquals(t.exec(c, "KEYS", "a*".repeat(20) + "b"), []);
  assert(performance.now() - start < 2000);
});

Deno.test("keys: SCAN arguments and errors", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "k", "v");
  assertEquals(t.exec(c, "SCAN", "x"), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "SCAN", " 1"), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "SCAN", "1 "), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "SCAN", "18446744073709551616"), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "SCAN", "0", "COUNT", "0"), err("ERR syntax error"));
  assertEquals(
    t.exec(c, "SCAN", "0", "COUNT", "x"),
    err("ERR value is not an integer or out of range"),
  );
  assertEquals(t.exec(c, "SCAN", "0", "COUNT"), err("ERR syntax error"));
  assertEquals(t.exec(c, "SCAN", "0", "FOO", "bar"), err("ERR syntax error"));
  // Any u64 (and strtoul's forms) is a cursor; unknown ones start over.
  for (const cur of ["18446744073709551615", "-1", "+5", "", "00", "123"]) {
    assertEquals(t.exec(c, "SCAN", cur), ["0", ["k"]], cur);
  }
  assertEquals(t.exec(c, "SCAN", "0", "TYPE", "STRING", "MATCH", "k", "COUNT", "5"), ["0", ["k"]]);
  assertEquals(t.exec(c, "SCAN", "0", "TYPE", "list"), ["0", []]);
  assertEquals(t.exec(c, "SCAN", "0", "MATCH", "z*"), ["0", []]);
});

Deno.test("keys: SCAN visits about COUNT entries per call, filters afterwards", () => {
  const t = testServer();
  const c = t.client();
  for (let i = 0; i < 100; i++) t.exec(c, "SET", `key:${i}`, "v");
  const r = t.exec(c, "SCAN", "0", "COUNT", "7") as [string, string[]];
  assert(r[0] !== "0");
  assertEquals(r[1].length, 7);
  // MATCH filters after the visit: calls may return nothing while the cursor is not 0.
  let empty = 0;
  const { keys, calls } = scanAll(t, c, ["MATCH", "key:9?", "COUNT", "5"]);
  assertEquals(keys.sort(), Array.from({ length: 10 }, (_, i) => `key:9${i}`).sort());
  assertEquals(calls, 20);
  let cursor = "0";
  do {
    const s = t.exec(c, "SCAN", cursor, "MATCH", "nomatch", "COUNT", "10") as [string, string[]];
    cursor = s[0];
    if (s[1].length === 0 && cursor !== "0") empty++;
  } while (cursor !== "0");
  assert(empty > 0);
  // Default COUNT is 10; a small db comes back whole from SCAN 0, with cursor 0.
  assertEquals(scanAll(t, c).calls, 10);
  t.exec(c, "FLUSHDB");
  for (let i = 0; i < 10; i++) t.exec(c, "SET", `s${i}`, "v");
  const one = t.exec(c, "SCAN", "0") as [string, string[]];
  assertEquals(one[0], "0");
  assertEquals(one[1].length, 10);
});

Deno.test("keys: a full SCAN returns every key present throughout, under writes", () => {
  const t = testServer();
  const c = t.client();
  const w = t.client();
  for (let i = 0; i < 1000; i++) t.exec(c, "SET", `stable:${i}`, "v");
  for (let i = 0; i < 500; i++) t.exec(c, "SET", `doomed:${i}`, "v");
  let added = 0;
  const { keys } = scanAll(t, c, ["COUNT", "13"], (i) => {
    // Grow (forcing rehashes), shrink, and re-add while the iteration runs.
    for (let j = 0; j < 20; j++) t.exec(w, "SET", `added:${added++}`, "v");
    for (let j = 0; j < 10; j++) t.exec(w, "DEL", `doomed:${(i * 10 + j) % 500}`);
    if (i % 7 === 0) t.exec(w, "DEL", `added:${added - 5}`);
  });
  const seen = new Set(keys);
  for (let i = 0; i < 1000; i++) assert(seen.has(`stable:${i}`), `missing stable:${i}`);
});

Deno.test("keys: SCAN terminates under constant insert/delete churn", () => {
  const t = testServer();
  const c = t.client();
  for (let i = 0; i < 200; i++) t.exec(c, "SET", `k:${i}`, "v");
  let n = 200;
  let oldest = 0;
  // Every call adds 50 keys and deletes 50: the size stays bounded, the scan must still end.
  const { keys, calls } = scanAll(t, c, ["COUNT", "10"], () => {
    for (let j = 0; j < 50; j++) {
      t.exec(c, "SET", `k:${n++}`, "v");
      t.exec(c, "DEL", `k:${oldest++}`);
    }
  });
  assert(calls <= 21, `calls ${calls}`);
  assert(keys.length > 0);
});

Deno.test("keys: SCAN cursor retry, restart, FLUSHDB and SWAPDB mid-iteration", () => {
  const t = testServer();
  const c = t.client();
  for (let i = 0; i < 50; i++) t.exec(c, "SET", `k:${i}`, "v");
  const a = t.exec(c, "SCAN", "0") as [string, string[]];
  const b = t.exec(c, "SCAN", a[0]) as [string, string[]];
  // A retry of the same cursor replays the same step.
  assertEquals(t.exec(c, "SCAN", a[0]), b);
  t.exec(c, "DEL", b[1][0]);
  assertEquals(t.exec(c, "SCAN", a[0]), [b[0], b[1].slice(1)]);
  // Continue to the end: every key exactly once despite the retries.
  const rest: string[] = [];
  let cur = b[0];
  while (cur !== "0") {
    const r = t.exec(c, "SCAN", cur) as [string, string[]];
    cur = r[0];
    rest.push(...r[1]);
  }
  assertEquals(new Set([...a[1], ...b[1], ...rest]).size, 50);
  assertEquals(a[1].length + b[1].length + rest.length, 50);
  // Cursors issued before FLUSHDB start over on the new contents.
  const x = t.exec(c, "SCAN", "0", "COUNT", "5") as [string, string[]];
  t.exec(c, "FLUSHDB");
  t.exec(c, "SET", "fresh", "1");
  assertEquals(t.exec(c, "SCAN", x[0]), ["0", ["fresh"]]);
  // ... and before SWAPDB too: the cursor never yields the other db's keys.
  for (let i = 0; i < 30; i++) t.exec(c, "SET", `z:${i}`, "v");
  const y = t.exec(c, "SCAN", "0", "COUNT", "5") as [string, string[]];
  t.exec(c, "SELECT", "1");
  t.exec(c, "SET", "other", "1");
  t.exec(c, "SWAPDB", "0", "1");
  t.exec(c, "SELECT", "0");
  assertEquals(t.exec(c, "SCAN", y[0]), ["0", ["other"]]);
});

Deno.test("keys: SCAN skips and deletes expired keys; TYPE filter", async () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "live", "1");
  t.exec(c, "SET", "dead", "1");
  t.exec(c, "PEXPIRE", "dead", "1");
  t.server.dbs[0].set("bag", new Bag([]));
  await sleep(5);
  assertEquals(t.exec(c, "DBSIZE"), 3);
  assertEquals(scanAll(t, c).keys.sort(), ["bag", "live"]);
  assertEquals(t.exec(c, "DBSIZE"), 2);
  assertEquals(scanAll(t, c, ["TYPE", "bag"]).keys, ["bag"]);
  assertEquals(scanAll(t, c, ["TYPE", "String"]).keys, ["live"]);
  assertEquals(scanAll(t, c, ["TYPE", "none"]).keys, []);
});

Deno.test("keys: RANDOMKEY", async () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "RANDOMKEY"), null);
  t.exec(c, "SET", "foo", "x");
  t.exec(c, "SET", "bar", "y");
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) seen.add(t.exec(c, "RANDOMKEY") as string);
  assertEquals([...seen].sort(), ["bar", "foo"]);
  // Large db: picks stay in the db and cover it over time.
  t.exec(c, "FLUSHDB");
  for (let i = 0; i < 500; i++) t.exec(c, "SET", `k${i}`, "v");
  seen.clear();
  for (let i = 0; i < 3000; i++) seen.add(t.exec(c, "RANDOMKEY") as string);
  assert(seen.size > 400, `seen ${seen.size}`);
  // Expired keys are never returned; they are deleted on the way.
  t.exec(c, "FLUSHDB");
  for (let i = 0; i < 50; i++) t.exec(c, "SET", `e${i}`, "v", "PX", "1");
  await sleep(5);
  assertEquals(t.exec(c, "RANDOMKEY"), null);
  assertEquals(t.exec(c, "DBSIZE"), 0);
  // While expiry is paused nothing can be deleted: bounded tries, no expired key shown.
  for (let i = 0; i < 50; i++) t.exec(c, "SET", `p${i}`, "v", "PX", "1");
  await sleep(5);
  const paused = t.server.dbHooks.expirePaused;
  t.server.dbHooks.expirePaused = () => true;
  assertEquals(t.exec(c, "RANDOMKEY"), null);
  assertEquals(t.exec(c, "DBSIZE"), 50);
  assertEquals(t.exec(c, "GET", "p1"), null);
  t.server.dbHooks.expirePaused = paused;
});

Deno.test("keys: OBJECT", () => {
  const t = testServer();
  const c = t.client();
  const help = t.exec(c, "OBJECT", "HELP") as string[];
  assertEquals(help[0], "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assertEquals(help.length, 15);
  assertEquals(help[14], "    Prints this help.");
  assertEquals(t.exec(c, "OBJECT", "foo"), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  assertEquals(
    t.exec(c, "OBJECT", "encoding"),
    err("ERR wrong number of arguments for 'object|encoding' command"),
  );
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "nokey"), null);
  assertEquals(t.exec(c, "OBJECT", "REFCOUNT", "nokey"), null);
  const cases: [string, string, number][] = [
    ["123", "int", 2147483647],
    ["9999", "int", 2147483647],
    ["10000", "int", 1],
    ["-1", "int", 1],
    ["-9223372036854775808", "int", 1],
    ["9223372036854775808", "embstr", 1],
    ["01", "embstr", 1],
    ["x".repeat(44), "embstr", 1],
    ["x".repeat(45), "raw", 1],
  ];
  for (const [v, enc, ref] of cases) {
    t.exec(c, "SET", "k", v);
    assertEquals(t.exec(c, "OBJECT", "ENCODING", "k"), enc, v);
    assertEquals(t.exec(c, "OBJECT", "REFCOUNT", "k"), ref, v);
  }
  assertEquals(
    t.exec(c, "OBJECT", "FREQ", "k"),
    err(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ),
  );
  assertEquals(t.exec(c, "OBJECT", "IDLETIME", "k"), 0);
  // IDLETIME follows the LRU clock; OBJECT itself does not touch the key.
  const db = t.server.dbs[0];
  db.setLru("k", (db.hooks.lruClock() - 42) & 0xffffff);
  assertEquals(t.exec(c, "OBJECT", "IDLETIME", "k"), 42);
  assertEquals(t.exec(c, "TYPE", "k"), "string");
  assertEquals(t.exec(c, "OBJECT", "IDLETIME", "k"), 42);
  t.exec(c, "TOUCH", "k");
  assertEquals(t.exec(c, "OBJECT", "IDLETIME", "k"), 0);
});

Deno.test("expire: options, errors and overflow", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "foo", "bar");
  const cases: [string[], string][] = [
    [
      ["EXPIRE", "foo", "200", "LT", "GT"],
      "ERR GT and LT options at the same time are not compatible",
    ],
    [
      ["EXPIRE", "foo", "200", "NX", "GT"],
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    ],
    [
      ["EXPIRE", "foo", "200", "NX", "LT"],
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    ],
    [
      ["EXPIRE", "foo", "200", "NX", "XX"],
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    ],
    [["EXPIRE", "foo", "200", "AB"], "ERR Unsupported option AB"],
    [["EXPIRE", "foo", "abc", "XX", "AB"], "ERR Unsupported option AB"],
    [["EXPIRE", "foo", ""], "ERR value is not an integer or out of range"],
    [["EXPIRE", "foo", "9223370399119966"], "ERR invalid expire time in 'expire' command"],
    [["EXPIRE", "foo", "9223372036854776"], "ERR invalid expire time in 'expire' command"],
    [["EXPIRE", "foo", "18446744073709561"], "ERR invalid expire time in 'expire' command"],
    [["EXPIRE", "foo", "-9223372036854776"], "ERR invalid expire time in 'expire' command"],
    [["PEXPIRE", "foo", "9223372036854770000"], "ERR invalid expire time in 'pexpire' command"],
    [["EXPIREAT", "foo", "9223372036854776"], "ERR invalid expire time in 'expireat' command"],
  ];
  for (const [argv, e] of cases) assertEquals(t.exec(c, ...argv), err(e), argv.join(" "));
  assertEquals(t.exec(c, "TTL", "foo"), -1);
  assertEquals(t.exec(c, "PEXPIREAT", "foo", "9223372036854770000"), 1);
  assertEquals(t.exec(c, "TTL", "foo") as number > 1e15, true);
  assertEquals(t.exec(c, "PEXPIREAT", "foo", "-9223372036854770000"), 1);
  assertEquals(t.exec(c, "TTL", "foo"), -2);
  for (const o of ["NX", "XX", "GT", "LT"]) assertEquals(t.exec(c, "EXPIRE", "none", "100", o), 0);
});

Deno.test("expire: NX / XX / GT / LT semantics (no TTL = infinite)", () => {
  const t = testServer();
  const c = t.client();
  const ttl = () => t.exec(c, "TTL", "foo") as number;
  t.exec(c, "SET", "foo", "bar", "EX", "100");
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "NX"), 0);
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "XX"), 1);
  assertEquals(ttl(), 200);
  assertEquals(t.exec(c, "EXPIRE", "foo", "100", "GT"), 0);
  assertEquals(t.exec(c, "EXPIRE", "foo", "300", "GT"), 1);
  assertEquals(t.exec(c, "EXPIRE", "foo", "400", "LT"), 0);
  assertEquals(t.exec(c, "EXPIRE", "foo", "50", "LT", "XX"), 1);
  assertEquals(ttl(), 50);
  t.exec(c, "SET", "foo", "bar");
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "XX"), 0);
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "GT"), 0);
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "LT", "XX"), 0);
  assertEquals(ttl(), -1);
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "LT"), 1);
  assertEquals(ttl(), 200);
  t.exec(c, "PERSIST", "foo");
  assertEquals(t.exec(c, "EXPIRE", "foo", "200", "NX"), 1);
});

Deno.test("expire: a time in the past deletes (event del), TTL family, PERSIST", () => {
  const t = testServer();
  const c = t.client();
  const { events } = spy(t);
  t.exec(c, "SET", "foo", "bar", "EX", "100");
  events.length = 0;
  const dirty = t.server.dirty;
  assertEquals(t.exec(c, "EXPIRE", "foo", "-10", "LT"), 1);
  assertEquals(events, ["g:del:foo@0"]);
  assertEquals(t.server.dirty, dirty + 1);
  assertEquals(t.exec(c, "EXISTS", "foo"), 0);
  t.exec(c, "SET", "x", "1");
  assertEquals(t.exec(c, "EXPIREAT", "x", "1"), 1);
  assertEquals(t.exec(c, "EXISTS", "x"), 0);
  // -2 missing, -1 no TTL.
  for (const cmd of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) {
    assertEquals(t.exec(c, cmd, "nokey"), -2);
    t.exec(c, "SET", "p", "v");
    assertEquals(t.exec(c, cmd, "p"), -1);
  }
  const at = Math.floor(Date.now() / 1000) + 100;
  events.length = 0;
  assertEquals(t.exec(c, "EXPIREAT", "p", String(at)), 1);
  assertEquals(events, ["g:expire:p@0"]);
  assertEquals(t.exec(c, "EXPIRETIME", "p"), at);
  assertEquals(t.exec(c, "PEXPIRETIME", "p"), at * 1000);
  const pttl = t.exec(c, "PTTL", "p") as number;
  assert(pttl > 90000 && pttl <= 100000);
  // Rounded as Redis: (ttl + 500) / 1000; 1700 leaves 200 ms of slack on a loaded machine.
  t.exec(c, "PEXPIRE", "p", "1700");
  assertEquals(t.exec(c, "TTL", "p"), 2);
  events.length = 0;
  assertEquals(t.exec(c, "PERSIST", "p"), 1);
  assertEquals(t.exec(c, "PERSIST", "p"), 0);
  assertEquals(t.exec(c, "PERSIST", "nokey"), 0);
  assertEquals(events, ["g:persist:p@0"]);
  assertEquals(t.exec(c, "TTL", "p"), -1);
});

Deno.test("expire: an expired key is invisible to every command", async () => {
  const t = testServer();
  const c = t.client();
  t.server.dbs[0].set("bag", new Bag(["x"]));
  t.exec(c, "PEXPIRE", "bag", "1");
  t.exec(c, "SET", "k", "v", "PX", "1");
  await sleep(5);
  for (const key of ["k", "bag"]) {
    assertEquals(t.exec(c, "EXISTS", key), 0);
    assertEquals(t.exec(c, "TYPE", key), "none");
    assertEquals(t.exec(c, "TTL", key), -2);
    assertEquals(t.exec(c, "OBJECT", "ENCODING", key), null);
    assertEquals(t.exec(c, "RENAME", key, "z"), err("ERR no such key"));
    assertEquals(t.exec(c, "COPY", key, "z"), 0);
    assertEquals(t.exec(c, "MOVE", key, "1"), 0);
    assertEquals(t.exec(c, "EXPIRE", key, "100"), 0);
    assertEquals(t.exec(c, "PERSIST", key), 0);
    assertEquals(t.exec(c, "DEL", key), 0);
  }
  assertEquals(t.exec(c, "KEYS", "*"), []);
  // EXPIRE does not resurrect a key expired while active expiry was off.
  t.exec(c, "SET", "foo", "bar");
  t.exec(c, "PEXPIRE", "foo", "1");
  await sleep(5);
  assertEquals(t.exec(c, "EXPIRE", "foo", "10"), 0);
  assertEquals(t.exec(c, "EXISTS", "foo"), 0);
});

Deno.test("expire: lazy expiry raises 'expired', counts expired_keys, no dirty", async () => {
  const t = testServer();
  const c = t.client();
  const { events, modified } = spy(t);
  t.exec(c, "SET", "k", "v", "PX", "1");
  await sleep(5);
  const dirty = t.server.dirty;
  const before = t.server.stats.expiredKeys;
  events.length = 0;
  modified.length = 0;
  assertEquals(t.exec(c, "GET", "k"), null);
  assertEquals(t.server.stats.expiredKeys, before + 1);
  assertEquals(events[0], "x:expired:k@0");
  assertEquals(modified, ["k@0"]);
  assertEquals(t.server.dirty, dirty);
});

Deno.test("expire: the active cycle removes expired keys and keeps its stats", async () => {
  const t = testServer();
  const c = t.client();
  for (let i = 0; i < 300; i++) t.exec(c, "SET", `e${i}`, "v", "PX", "1");
  for (let i = 0; i < 100; i++) t.exec(c, "SET", `l${i}`, "v", "EX", "100");
  t.exec(c, "SELECT", "5");
  for (let i = 0; i < 50; i++) t.exec(c, "SET", `e${i}`, "v", "PX", "1");
  await sleep(5);
  const before = t.server.stats.expiredKeys;
  t.server.cmdTime = Date.now();
  activeExpireCycle(t.server, 100);
  // Repeats on a db while > 10% of a sample is stale: a single cycle clears most of them.
  const db0 = t.server.dbs[0];
  assert(db0.size < 150, `db0 ${db0.size}`);
  for (let i = 0; i < 50 && (db0.size > 100 || t.server.dbs[5].size > 0); i++) {
    t.server.cmdTime = Date.now();
    activeExpireCycle(t.server, 100);
  }
  assertEquals(db0.size, 100);
  assertEquals(t.server.dbs[5].size, 0);
  assertEquals(t.server.stats.expiredKeys - before, 350);
  assert(t.server.stats.expiredStalePerc > 0);
  assert(db0.avgTtl > 90000 && db0.avgTtl <= 100000, `avg ${db0.avgTtl}`);
  assertEquals(t.server.dbs[5].avgTtl, 0);
  // Paused: nothing is removed.
  t.exec(c, "SET", "p", "v", "PX", "1");
  await sleep(5);
  const paused = t.server.dbHooks.expirePaused;
  t.server.dbHooks.expirePaused = () => true;
  activeExpireCycle(t.server, 100);
  assertEquals(t.server.dbs[5].size, 1);
  t.server.dbHooks.expirePaused = paused;
  activeExpireCycle(t.server, 100);
  assertEquals(t.server.dbs[5].size, 0);
});

Deno.test("keys: command table rows match Redis 7.0 COMMAND INFO", () => {
  const t = testServer();
  const row = (name: string) => {
    const d = t.server.commands.lookup(name.split("|"))!;
    return [
      d.fullName,
      d.arity,
      d.flags.join(" "),
      d.firstKey,
      d.lastKey,
      d.step,
      d.categories!.join(" "),
    ];
  };
  assertEquals(row("del"), ["del", -2, "write", 1, -1, 1, "keyspace write slow"]);
  assertEquals(row("unlink"), ["unlink", -2, "write fast", 1, -1, 1, "keyspace write fast"]);
  assertEquals(row("keys"), ["keys", 2, "readonly", 0, 0, 0, "keyspace read slow dangerous"]);
  assertEquals(row("swapdb"), [
    "swapdb",
    3,
    "write fast",
    0,
    0,
    0,
    "keyspace write fast dangerous",
  ]);
  assertEquals(row("copy"), ["copy", -3, "write denyoom", 1, 2, 1, "keyspace write slow"]);
  assertEquals(row("object"), ["object", -2, "", 0, 0, 0, "slow"]);
  assertEquals(row("object|help"), ["object|help", 2, "loading stale", 0, 0, 0, "keyspace slow"]);
  assertEquals(row("object|encoding"), [
    "object|encoding",
    3,
    "readonly",
    2,
    2,
    1,
    "keyspace read slow",
  ]);
  assertEquals(row("expire"), ["expire", -3, "write fast", 1, 1, 1, "keyspace write fast"]);
  assertEquals(row("ttl"), ["ttl", 2, "readonly fast", 1, 1, 1, "keyspace read fast"]);
  assertEquals(row("flushall"), [
    "flushall",
    -1,
    "write",
    0,
    0,
    0,
    "keyspace write slow dangerous",
  ]);
  assertEquals(row("scan"), ["scan", -2, "readonly", 0, 0, 0, "keyspace read slow"]);
});

Deno.test("expire: during CLIENT PAUSE expired keys are hidden but not deleted", async () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "k", "v", "PX", "1");
  await sleep(5);
  t.server.pauseUntil = Date.now() + 60_000;
  t.server.pauseWrites = true;
  try {
    assertEquals(t.exec(c, "EXISTS", "k"), 0);
    assertEquals(t.exec(c, "KEYS", "*"), []);
    assertEquals(t.exec(c, "SCAN", "0"), ["0", []]);
    assertEquals(t.exec(c, "RANDOMKEY"), null);
    activeExpireCycle(t.server, 100);
    assertEquals(t.exec(c, "DBSIZE"), 1);
  } finally {
    t.server.pauseUntil = 0;
    t.server.pauseWrites = false;
  }
  assertEquals(t.exec(c, "EXISTS", "k"), 0);
  assertEquals(t.exec(c, "DBSIZE"), 0);
});
