/**
 * Family tests for src/commands/sets.ts, in memory. Expected replies and error texts were checked
 * against redis-server 7.0.15.
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { processCommand } from "../server/dispatch.ts";
import type { Client } from "../server/client.ts";
import type { RObject } from "../store/db.ts";

const err = (m: string) => new RespError(m);
const SYNTAX = err("ERR syntax error");
const NOT_INT = err("ERR value is not an integer or out of range");
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");

function raw(c: Client, ...argv: string[]): string {
  processCommand(c, argv);
  let s = "";
  for (let i = 0; i < c.outLen; i++) s += String.fromCharCode(c.out[i]);
  c.outLen = 0;
  return s;
}

/** A non-set value standing in for a list. */
function putList(t: ReturnType<typeof testServer>, key: string): void {
  const v: RObject = { type: "list", dup: () => v, encoding: () => "listpack" };
  t.server.dbs[0].set(key, v);
}

function recordEvents(t: ReturnType<typeof testServer>): string[] {
  const ev: string[] = [];
  t.server.notify = (type, event, key) => void ev.push(`${type}:${event}:${key}`);
  t.server.signalModifiedKey = (_db, key) => void ev.push(`touch:${key}`);
  return ev;
}

const sorted = (v: unknown) => [...(v as string[])].sort();

Deno.test("SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, encodings", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SADD", "s", "3", "1", "2", "-5", "1"), 4);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "intset");
  assertEquals(t.exec(c, "SMEMBERS", "s"), ["-5", "1", "2", "3"]);
  assertEquals(t.exec(c, "SCARD", "s"), 4);
  assertEquals(t.exec(c, "SISMEMBER", "s", "2"), 1);
  assertEquals(t.exec(c, "SISMEMBER", "s", "9"), 0);
  assertEquals(t.exec(c, "SMISMEMBER", "s", "2", "9", "3"), [1, 0, 1]);
  assertEquals(t.exec(c, "SMISMEMBER", "nokey", "2", "9"), [0, 0]);
  assertEquals(t.exec(c, "SISMEMBER", "nokey", "2"), 0);
  assertEquals(t.exec(c, "SCARD", "nokey"), 0);
  assertEquals(t.exec(c, "SMEMBERS", "nokey"), []);
  assertEquals(t.exec(c, "SADD", "s", "a"), 1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "hashtable");
  assertEquals(t.exec(c, "SREM", "s", "a"), 1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "hashtable");
  // Not canonical integers: hashtable from the start.
  for (const m of ["-0", "01", "+1", "9223372036854775808", "1.5"]) {
    t.exec(c, "DEL", "x");
    t.exec(c, "SADD", "x", m);
    assertEquals(t.exec(c, "OBJECT", "ENCODING", "x"), "hashtable", m);
  }
  t.exec(c, "DEL", "x");
  t.exec(c, "SADD", "x", "9223372036854775807", "-9223372036854775808");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "x"), "intset");
  assertEquals(t.exec(c, "SMEMBERS", "x"), ["-9223372036854775808", "9223372036854775807"]);
  assertEquals(
    t.exec(c, "SMISMEMBER", "s"),
    err("ERR wrong number of arguments for 'smismember' command"),
  );
});

Deno.test("set-max-intset-entries converts past the limit, one way", () => {
  const t = testServer(["--set-max-intset-entries", "3"]);
  const c = t.client();
  t.exec(c, "SADD", "s", "1", "2", "3");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "intset");
  t.exec(c, "SADD", "s", "4");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "hashtable");
  t.exec(c, "SREM", "s", "4", "3");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "hashtable");
});

Deno.test("wrong type errors", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "str", "v");
  t.exec(c, "SADD", "s", "a");
  for (
    const argv of [
      ["SADD", "str", "a"],
      ["SREM", "str", "a"],
      ["SMEMBERS", "str"],
      ["SISMEMBER", "str", "a"],
      ["SMISMEMBER", "str", "a"],
      ["SCARD", "str"],
      ["SPOP", "str"],
      ["SPOP", "str", "1"],
      ["SRANDMEMBER", "str"],
      ["SRANDMEMBER", "str", "2"],
      ["SMOVE", "str", "s", "a"],
      ["SMOVE", "s", "str", "a"],
      ["SINTER", "nokey", "str"],
      ["SINTERCARD", "2", "nokey", "str"],
      ["SINTERSTORE", "d", "s", "str"],
      ["SUNION", "s", "str"],
      ["SUNIONSTORE", "d", "s", "str"],
      ["SDIFF", "s", "str"],
      ["SDIFFSTORE", "d", "nokey", "str"],
      ["SSCAN", "str", "0"],
    ]
  ) assertEquals(t.exec(c, ...argv), WRONGTYPE, argv.join(" "));
  putList(t, "l");
  assertEquals(t.exec(c, "SADD", "l", "a"), WRONGTYPE);
  // SMOVE from a missing source answers 0 before looking at the destination's type.
  assertEquals(t.exec(c, "SMOVE", "nokey", "str", "a"), 0);
  assertEquals(t.exec(c, "SREM", "nokey", "a"), 0);
});

Deno.test("SPOP and SRANDMEMBER: counts, errors, empty replies", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(raw(c, "SPOP", "nokey"), "$-1\r\n");
  assertEquals(raw(c, "SPOP", "nokey", "3"), "*0\r\n");
  assertEquals(raw(c, "SRANDMEMBER", "nokey"), "$-1\r\n");
  assertEquals(raw(c, "SRANDMEMBER", "nokey", "5"), "*0\r\n");
  t.exec(c, "SADD", "s", "a", "b", "c");
  const positive = err("ERR value is out of range, must be positive");
  assertEquals(t.exec(c, "SPOP", "s", "-1"), positive);
  assertEquals(t.exec(c, "SPOP", "s", "abc"), positive);
  assertEquals(t.exec(c, "SPOP", "s", "1", "2"), SYNTAX);
  assertEquals(t.exec(c, "SRANDMEMBER", "s", "1", "2"), SYNTAX);
  assertEquals(t.exec(c, "SRANDMEMBER", "s", "abc"), NOT_INT);
  assertEquals(
    t.exec(c, "SRANDMEMBER", "s", "-9223372036854775808"),
    err(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ),
  );
  assertEquals(raw(c, "SPOP", "s", "0"), "*0\r\n");
  assertEquals(raw(c, "SRANDMEMBER", "s", "0"), "*0\r\n");
  assertEquals(sorted(t.exec(c, "SRANDMEMBER", "s", "10")), ["a", "b", "c"]);
  assertEquals(sorted(t.exec(c, "SRANDMEMBER", "s", "3")), ["a", "b", "c"]);
  const two = t.exec(c, "SRANDMEMBER", "s", "2") as string[];
  assertEquals(two.length, 2);
  assert(two[0] !== two[1]);
  const neg = t.exec(c, "SRANDMEMBER", "s", "-20") as string[];
  assertEquals(neg.length, 20);
  assert(neg.every((m) => ["a", "b", "c"].includes(m)));
  assert(["a", "b", "c"].includes(t.exec(c, "SRANDMEMBER", "s") as string));
  assertEquals(t.exec(c, "SCARD", "s"), 3);
  // SPOP with count: code paths 2 (few), 3 (most), 1 (all).
  t.exec(c, "DEL", "s");
  const members = Array.from({ length: 100 }, (_, i) => "m" + i);
  t.exec(c, "SADD", "s", ...members);
  const a = t.exec(c, "SPOP", "s", "5") as string[];
  const b = t.exec(c, "SPOP", "s", "90") as string[];
  const rest = t.exec(c, "SPOP", "s", "100") as string[];
  assertEquals([a.length, b.length, rest.length], [5, 90, 5]);
  assertEquals(sorted([...a, ...b, ...rest]), sorted(members));
  assertEquals(t.exec(c, "EXISTS", "s"), 0);
  // Code path 3 builds a new set: integers left over make it an intset again.
  t.exec(c, "SADD", "h", "x", ...Array.from({ length: 20 }, (_, i) => String(i)));
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "h"), "hashtable");
  t.exec(c, "SREM", "h", "x");
  t.exec(c, "SPOP", "h", "19");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "h"), "intset");
  // SPOP without count until empty.
  t.exec(c, "SADD", "p", "1", "2");
  const got = [t.exec(c, "SPOP", "p"), t.exec(c, "SPOP", "p")];
  assertEquals(sorted(got), ["1", "2"]);
  assertEquals(t.exec(c, "EXISTS", "p"), 0);
});

Deno.test("RESP3: set replies", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "HELLO", "3");
  t.exec(c, "SADD", "s", "2", "1");
  assertEquals(raw(c, "SMEMBERS", "s"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  assertEquals(raw(c, "SMEMBERS", "nokey"), "~0\r\n");
  assertEquals(raw(c, "SPOP", "nokey", "2"), "~0\r\n");
  assertEquals(raw(c, "SPOP", "nokey"), "_\r\n");
  assertEquals(raw(c, "SRANDMEMBER", "nokey", "2"), "*0\r\n");
  assertEquals(raw(c, "SUNION", "s", "nokey"), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  assertEquals(raw(c, "SRANDMEMBER", "s", "5"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
});

Deno.test("SINTER, SINTERCARD, SUNION, SDIFF and STORE variants", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SADD", "a", "1", "2", "3", "4");
  t.exec(c, "SADD", "b", "3", "4", "5");
  t.exec(c, "SADD", "h", "x", "3", "y");
  assertEquals(t.exec(c, "SINTER", "a", "b"), ["3", "4"]);
  assertEquals(t.exec(c, "SINTER", "a", "b", "h"), ["3"]);
  assertEquals(t.exec(c, "SINTER", "a", "nokey"), []);
  assertEquals(t.exec(c, "SUNION", "a", "b", "nokey"), ["1", "2", "3", "4", "5"]);
  assertEquals(t.exec(c, "SDIFF", "a", "b"), ["1", "2"]);
  assertEquals(t.exec(c, "SDIFF", "a", "a"), []);
  assertEquals(t.exec(c, "SDIFF", "nokey", "a"), []);
  assertEquals(t.exec(c, "SDIFF", "a", "nokey"), ["1", "2", "3", "4"]);
  assertEquals(sorted(t.exec(c, "SDIFF", "h", "a")), ["x", "y"]);
  assertEquals(t.exec(c, "SINTERCARD", "2", "a", "b"), 2);
  assertEquals(t.exec(c, "SINTERCARD", "2", "a", "b", "LIMIT", "1"), 1);
  assertEquals(t.exec(c, "SINTERCARD", "2", "a", "b", "limit", "0"), 2);
  assertEquals(t.exec(c, "SINTERCARD", "2", "a", "nokey"), 0);
  const numkeys = err("ERR numkeys should be greater than 0");
  assertEquals(t.exec(c, "SINTERCARD", "0", "a"), numkeys);
  assertEquals(t.exec(c, "SINTERCARD", "-1", "a"), numkeys);
  assertEquals(t.exec(c, "SINTERCARD", "x", "a"), numkeys);
  assertEquals(
    t.exec(c, "SINTERCARD", "2", "a"),
    err("ERR Number of keys can't be greater than number of args"),
  );
  assertEquals(t.exec(c, "SINTERCARD", "1", "a", "LIMIT"), SYNTAX);
  assertEquals(t.exec(c, "SINTERCARD", "1", "a", "FOO", "1"), SYNTAX);
  assertEquals(
    t.exec(c, "SINTERCARD", "1", "a", "LIMIT", "-1"),
    err("ERR LIMIT can't be negative"),
  );
  assertEquals(t.exec(c, "SINTERCARD", "1", "a", "LIMIT", "x"), err("ERR LIMIT can't be negative"));

  assertEquals(t.exec(c, "SINTERSTORE", "d", "a", "b"), 2);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "d"), "intset");
  assertEquals(t.exec(c, "SMEMBERS", "d"), ["3", "4"]);
  assertEquals(t.exec(c, "SUNIONSTORE", "d", "a", "h"), 6);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "d"), "hashtable");
  // Integer-only results of hashtable sources are stored as intsets.
  assertEquals(t.exec(c, "SDIFFSTORE", "d", "h", "a"), 2);
  assertEquals(t.exec(c, "SINTERSTORE", "d2", "h", "a"), 1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "d2"), "intset");
  // Empty results delete the destination.
  t.exec(c, "EXPIRE", "d", "100");
  assertEquals(t.exec(c, "SINTERSTORE", "d", "a", "nokey"), 0);
  assertEquals(t.exec(c, "EXISTS", "d"), 0);
  t.exec(c, "SET", "d", "string");
  assertEquals(t.exec(c, "SUNIONSTORE", "d", "nokey"), 0);
  assertEquals(t.exec(c, "EXISTS", "d"), 0);
  t.exec(c, "SET", "d", "string");
  assertEquals(t.exec(c, "SDIFFSTORE", "d", "a", "a"), 0);
  assertEquals(t.exec(c, "EXISTS", "d"), 0);
  // The destination is replaced whatever its type; the TTL goes.
  t.exec(c, "SET", "d", "string", "EX", "100");
  assertEquals(t.exec(c, "SUNIONSTORE", "d", "a"), 4);
  assertEquals(t.exec(c, "TTL", "d"), -1);
  assertEquals(t.exec(c, "TYPE", "d"), "set");
});

Deno.test("SMOVE", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SADD", "src", "a", "b");
  t.exec(c, "SADD", "dst", "1");
  assertEquals(t.exec(c, "SMOVE", "src", "dst", "a"), 1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "dst"), "hashtable");
  assertEquals(t.exec(c, "SMOVE", "src", "dst", "zz"), 0);
  assertEquals(t.exec(c, "SMOVE", "src", "src", "b"), 1);
  assertEquals(t.exec(c, "SMOVE", "src", "src", "zz"), 0);
  assertEquals(t.exec(c, "SMOVE", "src", "new", "b"), 1);
  assertEquals(t.exec(c, "EXISTS", "src"), 0);
  assertEquals(t.exec(c, "SMEMBERS", "new"), ["b"]);
  t.exec(c, "SADD", "h", "x", "5");
  assertEquals(t.exec(c, "SMOVE", "h", "n2", "5"), 1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "n2"), "intset");
});

Deno.test("SSCAN: intsets whole with cursor 0, hashtables by cursor, options", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SSCAN", "nokey", "0"), ["0", []]);
  assertEquals(t.exec(c, "SSCAN", "nokey", "x"), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "SSCAN", "nokey", "0", "COUNT", "0"), ["0", []]);
  const ints = Array.from({ length: 300 }, (_, i) => String(299 - i));
  t.exec(c, "SADD", "i", ...ints);
  const r = t.exec(c, "SSCAN", "i", "0") as [string, string[]];
  assertEquals(r[0], "0");
  assertEquals(r[1], Array.from({ length: 300 }, (_, i) => String(i)));
  assertEquals(t.exec(c, "SSCAN", "i", "0", "MATCH", "29?"), [
    "0",
    ["290", "291", "292", "293", "294", "295", "296", "297", "298", "299"],
  ]);
  assertEquals(t.exec(c, "SSCAN", "i", "0", "COUNT", "0"), SYNTAX);
  assertEquals(t.exec(c, "SSCAN", "i", "0", "COUNT", "x"), NOT_INT);
  assertEquals(t.exec(c, "SSCAN", "i", "0", "TYPE", "set"), SYNTAX);
  assertEquals(t.exec(c, "SSCAN", "i", "0", "MATCH"), SYNTAX);
  const members = Array.from({ length: 1000 }, (_, i) => "m" + i);
  t.exec(c, "SADD", "h", ...members);
  const seen = new Set<string>();
  let cur = "0";
  let calls = 0;
  do {
    const [next, keys] = t.exec(c, "SSCAN", "h", cur, "COUNT", "100") as [string, string[]];
    for (const k of keys) seen.add(k);
    cur = next;
    calls++;
    if (calls === 3) t.exec(c, "SREM", "h", "m999"); // removal mid-iteration
  } while (cur !== "0");
  assert(calls >= 10);
  for (let i = 0; i < 999; i++) assert(seen.has("m" + i));
});

Deno.test("keyspace events, modified-key signals and dirty, in Redis's order", () => {
  const t = testServer();
  const c = t.client();
  const ev = recordEvents(t);
  const dirty = () => t.server.dirty;
  let d0 = dirty();
  t.exec(c, "SADD", "s", "a", "b", "a");
  assertEquals(ev.splice(0), ["n:new:s", "touch:s", "s:sadd:s"]);
  assertEquals(dirty() - d0, 2);
  t.exec(c, "SADD", "s", "a");
  assertEquals(ev.splice(0), []);
  d0 = dirty();
  t.exec(c, "SREM", "s", "a", "b", "c");
  assertEquals(ev.splice(0), ["touch:s", "s:srem:s", "g:del:s"]);
  assertEquals(dirty() - d0, 2);
  t.exec(c, "SADD", "s", "a", "b");
  ev.splice(0);
  t.exec(c, "SMOVE", "s", "t", "a");
  assertEquals(ev.splice(0), ["s:srem:s", "n:new:t", "touch:s", "touch:t", "s:sadd:t"]);
  t.exec(c, "SADD", "t", "b");
  ev.splice(0);
  t.exec(c, "SMOVE", "s", "t", "b");
  assertEquals(ev.splice(0), ["s:srem:s", "g:del:s", "touch:s"]);
  t.exec(c, "SPOP", "t");
  assertEquals(ev.splice(0), ["s:spop:t", "touch:t"]);
  t.exec(c, "SPOP", "t", "5");
  assertEquals(ev.splice(0), ["s:spop:t", "g:del:t", "touch:t"]);
  t.exec(c, "SADD", "a", "1");
  ev.splice(0);
  t.exec(c, "SUNIONSTORE", "u", "a");
  assertEquals(ev.splice(0), ["n:new:u", "touch:u", "s:sunionstore:u"]);
  t.exec(c, "SINTERSTORE", "u", "a");
  assertEquals(ev.splice(0), ["touch:u", "s:sinterstore:u"]);
  t.exec(c, "SDIFFSTORE", "u", "a", "a");
  assertEquals(ev.splice(0), ["touch:u", "g:del:u"]);
  t.exec(c, "SISMEMBER", "nokey", "x");
  assertEquals(ev.splice(0), ["m:keymiss:nokey"]);
});

Deno.test("binary members round-trip", () => {
  const t = testServer();
  const c = t.client();
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(t.exec(c, "SADD", "b", all, "\x00", "\xff"), 3);
  assertEquals(t.exec(c, "SISMEMBER", "b", all), 1);
  assertEquals(sorted(t.exec(c, "SMEMBERS", "b")), sorted([all, "\x00", "\xff"]));
});

Deno.test("COPY keeps the encoding and copies deeply", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SADD", "s", "1", "2");
  assertEquals(t.exec(c, "COPY", "s", "s2"), 1);
  t.exec(c, "SADD", "s2", "x");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "intset");
  assertEquals(t.exec(c, "SMEMBERS", "s"), ["1", "2"]);
  assertEquals(t.exec(c, "SCARD", "s2"), 3);
});
