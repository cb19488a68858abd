/**
 * Family tests for src/commands/hashes.ts, in memory. Expected replies and error texts were
 * checked against redis-server 7.0.15.
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { HashObject } from "../types/hash.ts";

const err = (m: string) => new RespError(m);
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const SYNTAX = err("ERR syntax error");
const NOT_INT = err("ERR value is not an integer or out of range");

function recordEvents(t: ReturnType<typeof testServer>): string[] {
  const ev: string[] = [];
  t.server.notify = (type, event, key) => void ev.push(`${type}:${event}:${key}`);
  t.server.signalModifiedKey = (_db, key) => void ev.push(`touch:${key}`);
  return ev;
}

Deno.test("hash: HSET/HGET/HMGET/HLEN/HEXISTS/HSTRLEN/HGETALL/HKEYS/HVALS", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "HSET", "h", "a", "1", "b", "2"), 2);
  assertEquals(t.exec(c, "HSET", "h", "a", "x", "c", "3"), 1);
  assertEquals(
    t.exec(c, "HSET", "h", "a", "1", "b"),
    err("ERR wrong number of arguments for 'hset' command"),
  );
  assertEquals(
    t.exec(c, "HMSET", "h", "a", "1", "b"),
    err("ERR wrong number of arguments for 'hmset' command"),
  );
  assertEquals(t.exec(c, "HMSET", "h", "a", "1"), "OK");
  assertEquals(t.exec(c, "HGET", "h", "a"), "1");
  assertEquals(t.exec(c, "HGET", "h", "zz"), null);
  assertEquals(t.exec(c, "HGET", "nokey", "a"), null);
  assertEquals(t.exec(c, "HMGET", "h", "a", "zz", "c"), ["1", null, "3"]);
  assertEquals(t.exec(c, "HMGET", "nokey", "a"), [null]);
  assertEquals(t.exec(c, "HLEN", "h"), 3);
  assertEquals(t.exec(c, "HLEN", "nokey"), 0);
  assertEquals(t.exec(c, "HEXISTS", "h", "b"), 1);
  assertEquals(t.exec(c, "HEXISTS", "h", "q"), 0);
  assertEquals(t.exec(c, "HSTRLEN", "h", "b"), 1);
  assertEquals(t.exec(c, "HSTRLEN", "h", "q"), 0);
  // Listpack order: insertion order, updates keep their place.
  assertEquals(t.exec(c, "HGETALL", "h"), ["a", "1", "b", "2", "c", "3"]);
  assertEquals(t.exec(c, "HKEYS", "h"), ["a", "b", "c"]);
  assertEquals(t.exec(c, "HVALS", "h"), ["1", "2", "3"]);
  assertEquals(t.exec(c, "HGETALL", "nokey"), []);
  assertEquals(t.exec(c, "HSETNX", "h", "a", "9"), 0);
  assertEquals(t.exec(c, "HSETNX", "h", "d", "4"), 1);
  assertEquals(t.exec(c, "HGET", "h", "d"), "4");
  // Binary fields and values.
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(t.exec(c, "HSET", "bin", all, all), 1);
  assertEquals(t.exec(c, "HGET", "bin", all), all);
});

Deno.test("hash: wrong type everywhere", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "s", "x");
  for (
    const argv of [
      ["HSET", "s", "a", "b"],
      ["HSETNX", "s", "a", "b"],
      ["HGET", "s", "a"],
      ["HMGET", "s", "a"],
      ["HGETALL", "s"],
      ["HKEYS", "s"],
      ["HVALS", "s"],
      ["HLEN", "s"],
      ["HDEL", "s", "a"],
      ["HEXISTS", "s", "a"],
      ["HSTRLEN", "s", "a"],
      ["HINCRBY", "s", "a", "1"],
      ["HINCRBYFLOAT", "s", "a", "1"],
      ["HRANDFIELD", "s"],
      ["HRANDFIELD", "s", "2"],
      ["HSCAN", "s", "0"],
    ]
  ) assertEquals(t.exec(c, ...argv), WRONGTYPE, argv.join(" "));
});

Deno.test("hash: HDEL removes the key with the last field, events as t_hash.c", () => {
  const t = testServer();
  const c = t.client();
  const ev = recordEvents(t);
  assertEquals(t.exec(c, "HSET", "h", "a", "1", "b", "2"), 2);
  assertEquals(t.exec(c, "HDEL", "h", "zz"), 0);
  assertEquals(t.exec(c, "HDEL", "h", "a", "a"), 1);
  assertEquals(t.exec(c, "HDEL", "h", "b", "c"), 1);
  assertEquals(t.exec(c, "EXISTS", "h"), 0);
  assertEquals(t.exec(c, "HDEL", "nokey", "a"), 0);
  assertEquals(ev, [
    "n:new:h",
    "touch:h",
    "h:hset:h",
    "touch:h",
    "h:hdel:h",
    "touch:h",
    "h:hdel:h",
    "g:del:h",
    "m:keymiss:h", // EXISTS
  ]);
  ev.length = 0;
  t.exec(c, "HINCRBY", "k", "f", "2");
  t.exec(c, "HINCRBYFLOAT", "k", "f", "2.5");
  t.exec(c, "HSETNX", "k", "f", "2");
  t.exec(c, "HSETNX", "k", "g", "2");
  assertEquals(ev, [
    "n:new:k",
    "touch:k",
    "h:hincrby:k",
    "touch:k",
    "h:hincrbyfloat:k",
    "touch:k",
    "h:hset:k",
  ]);
});

Deno.test("hash: HINCRBY and HINCRBYFLOAT", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "HINCRBY", "h", "n", "5"), 5);
  assertEquals(t.exec(c, "HINCRBY", "h", "n", "-10"), -5);
  assertEquals(t.exec(c, "HINCRBY", "h", "n", "x"), NOT_INT);
  t.exec(c, "HSET", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1");
  assertEquals(t.exec(c, "HINCRBY", "h", "s", "1"), err("ERR hash value is not an integer"));
  assertEquals(t.exec(c, "HINCRBY", "h", "sp", "1"), err("ERR hash value is not an integer"));
  assertEquals(
    t.exec(c, "HINCRBY", "h", "big", "1"),
    err("ERR increment or decrement would overflow"),
  );
  t.exec(c, "HINCRBY", "h", "big", "-1");
  assertEquals(t.exec(c, "HGET", "h", "big"), "9223372036854775806");
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "f", "10.5"), "10.5");
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "f", "0.1"), "10.6");
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "f", "3.0e3"), "3010.60000000000000009");
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "n", "1.5"), "-3.5");
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "s", "1"), err("ERR hash value is not a float"));
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "f", "abc"), err("ERR value is not a valid float"));
  assertEquals(t.exec(c, "HINCRBYFLOAT", "h", "f", "inf"), err("ERR value is NaN or Infinity"));
  assertEquals(
    t.exec(c, "HINCRBYFLOAT", "h", "f", "1e5000"),
    err("ERR value is not a valid float"),
  );
  t.exec(c, "HSET", "h", "m", "1.1e4932");
  assertEquals(
    t.exec(c, "HINCRBYFLOAT", "h", "m", "1.1e4932"),
    err("ERR increment would produce NaN or Infinity"),
  );
});

Deno.test("hash: encodings, conversion thresholds and one-way conversion", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "CONFIG", "SET", "hash-max-listpack-entries", "2");
  t.exec(c, "HSET", "e", "a", "1", "b", "2");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "e"), "listpack");
  t.exec(c, "HSET", "e", "c", "3");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "e"), "hashtable");
  t.exec(c, "HDEL", "e", "c", "b");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "e"), "hashtable");
  t.exec(c, "CONFIG", "SET", "hash-max-listpack-entries", "128");
  t.exec(c, "CONFIG", "SET", "hash-max-listpack-value", "4");
  t.exec(c, "HSET", "v", "a", "12345");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "v"), "hashtable");
  t.exec(c, "HSET", "v2", "abcd", "1");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "v2"), "listpack");
  // HINCRBYFLOAT converts when its result is long.
  t.exec(c, "HINCRBYFLOAT", "v2", "abcd", "0.125");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "v2"), "hashtable");
  // COPY keeps the encoding.
  t.exec(c, "COPY", "v2", "v3");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "v3"), "hashtable");
  assertEquals(t.exec(c, "HGETALL", "v3"), ["abcd", "1.125"]);
  const v3 = t.server.dbs[0].getRaw("v3") as HashObject;
  const v2 = t.server.dbs[0].getRaw("v2") as HashObject;
  assert(v3 !== v2 && v3.map !== v2.map);
});

Deno.test("hash: HRANDFIELD", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "HRANDFIELD", "nokey"), null);
  assertEquals(t.exec(c, "HRANDFIELD", "nokey", "5"), []);
  assertEquals(t.exec(c, "HRANDFIELD", "nokey", "5", "WITHVALUES"), []);
  t.exec(c, "HSET", "h", "a", "1", "b", "2", "c", "3");
  assertEquals(t.exec(c, "HRANDFIELD", "h", "0"), []);
  assertEquals(t.exec(c, "HRANDFIELD", "h", "1", "withvalue"), SYNTAX);
  assertEquals(t.exec(c, "HRANDFIELD", "h", "1", "withvalues", "x"), SYNTAX);
  assertEquals(t.exec(c, "HRANDFIELD", "h", "abc"), NOT_INT);
  assertEquals(
    t.exec(c, "HRANDFIELD", "h", "-9223372036854775808"),
    err(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ),
  );
  assertEquals(
    t.exec(c, "HRANDFIELD", "h", "-9223372036854775807", "withvalues"),
    err("ERR value is out of range"),
  );
  assert(["a", "b", "c"].includes(t.exec(c, "HRANDFIELD", "h") as string));
  assertEquals((t.exec(c, "HRANDFIELD", "h", "10") as string[]).sort(), ["a", "b", "c"]);
  const two = t.exec(c, "HRANDFIELD", "h", "2") as string[];
  assertEquals(two.length, 2);
  assert(two[0] !== two[1]);
  const rep = t.exec(c, "HRANDFIELD", "h", "-7", "WITHVALUES") as string[];
  assertEquals(rep.length, 14);
  for (let i = 0; i < 14; i += 2) assertEquals(rep[i + 1], { a: "1", b: "2", c: "3" }[rep[i]]);
  // RESP3: pairs nested.
  t.exec(c, "HELLO", "3");
  const r3 = t.exec(c, "HRANDFIELD", "h", "-2", "WITHVALUES") as string[][];
  assertEquals(r3.length, 2);
  for (const p of r3) assertEquals(p.length, 2);
  const r4 = t.exec(c, "HRANDFIELD", "h", "2") as string[];
  assertEquals(typeof r4[0], "string");
});

Deno.test("hash: HSCAN of a listpack and of a hashtable", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "HSCAN", "nokey", "0", "COUNT", "abc"), ["0", []]);
  assertEquals(t.exec(c, "HSCAN", "nokey", "x"), err("ERR invalid cursor"));
  t.exec(c, "HSET", "small", "a", "1", "b", "2", "xa", "3");
  assertEquals(t.exec(c, "HSCAN", "small", "0"), ["0", ["a", "1", "b", "2", "xa", "3"]]);
  assertEquals(t.exec(c, "HSCAN", "small", "0", "MATCH", "x*"), ["0", ["xa", "3"]]);
  assertEquals(t.exec(c, "HSCAN", "small", "0", "COUNT", "0"), SYNTAX);
  assertEquals(t.exec(c, "HSCAN", "small", "0", "COUNT", "x"), NOT_INT);
  assertEquals(t.exec(c, "HSCAN", "small", "0", "TYPE", "string"), SYNTAX);
  assertEquals(t.exec(c, "HSCAN", "small", "0", "MATCH"), SYNTAX);
  const argv = ["HSET", "big"];
  for (let i = 0; i < 1000; i++) argv.push(`f${i}`, `v${i}`);
  t.exec(c, ...argv);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "big"), "hashtable");
  const seen = new Map<string, string>();
  let cursor = "0";
  let calls = 0;
  do {
    const [next, items] = t.exec(c, "HSCAN", "big", cursor, "COUNT", "100") as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
    cursor = next;
    calls++;
  } while (cursor !== "0");
  assertEquals(seen.size, 1000);
  assertEquals(seen.get("f999"), "v999");
  assert(calls >= 10);
});
