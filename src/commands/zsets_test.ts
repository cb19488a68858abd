/**
 * Family tests for src/commands/zsets.ts, in memory. Expected replies and error texts were
 * checked against redis-server 7.0.15.
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespDouble, RespError } from "../protocol/decode.ts";
import { processCommand } from "../server/dispatch.ts";
import type { Client } from "../server/client.ts";

const err = (m: string) => new RespError(m);
const SYNTAX = err("ERR syntax error");
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const NOT_FLOAT = err("ERR value is not a valid float");
const NOT_INT = err("ERR value is not an integer or out of range");
const RANGE_FLOAT = err("ERR min or max is not a float");
const RANGE_LEX = err("ERR min or max not valid string range item");

function raw(c: Client, ...argv: string[]): string {
  if (argv.length) processCommand(c, argv);
  let s = "";
  for (let i = 0; i < c.outLen; i++) s += String.fromCharCode(c.out[i]);
  c.outLen = 0;
  return s;
}

/** A server whose keyspace events are recorded as "event:key". */
function recording() {
  const t = testServer();
  const events: string[] = [];
  t.server.notify = (_cls: string, ev: string, key: string) => {
    if (ev !== "keymiss") events.push(`${ev}:${key}`);
  };
  return { t, c: t.client(), events };
}

Deno.test("ZADD: options, conflicts, errors and replies", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c"), 3);
  assertEquals(
    t.exec(c, "ZADD", "z", "NX", "XX", 1, "a"),
    err("ERR XX and NX options at the same time are not compatible"),
  );
  assertEquals(
    t.exec(c, "ZADD", "z", "GT", "LT", 1, "a"),
    err("ERR GT, LT, and/or NX options at the same time are not compatible"),
  );
  assertEquals(
    t.exec(c, "ZADD", "z", "INCR", 1, "a", 2, "b"),
    err("ERR INCR option supports a single increment-element pair"),
  );
  assertEquals(t.exec(c, "ZADD", "z", "NX", 1), SYNTAX);
  assertEquals(t.exec(c, "ZADD", "z", "nan", "a"), NOT_FLOAT);
  assertEquals(t.exec(c, "ZADD", "z", "CH", 5, "a", 2, "b", 9, "d"), 2);
  assertEquals(t.exec(c, "ZADD", "z", "XX", 100, "nope"), 0);
  assertEquals(t.exec(c, "ZADD", "z", "GT", 1, "a"), 0);
  assertEquals(t.exec(c, "ZADD", "z", "GT", "CH", 6, "a"), 1);
  assertEquals(t.exec(c, "ZADD", "z", "LT", "CH", 7, "a"), 0);
  assertEquals(raw(c, "ZADD", "z", "INCR", "10", "a"), "$2\r\n16\r\n");
  assertEquals(raw(c, "ZADD", "z", "INCR", "NX", "10", "a"), "$-1\r\n");
  assertEquals(raw(c, "ZADD", "z", "INCR", "GT", "-1", "a"), "$-1\r\n");
  assertEquals(raw(c, "ZADD", "z", "INCR", "XX", "1", "zz"), "$-1\r\n");
  assertEquals(t.exec(c, "ZADD", "z", "INCR", "inf", "x"), "inf");
  assertEquals(
    t.exec(c, "ZADD", "z", "INCR", "-inf", "x"),
    err("ERR resulting score is not a number (NaN)"),
  );
  assertEquals(t.exec(c, "ZADD", "nokey", "XX", 1, "a"), 0);
  assertEquals(t.exec(c, "EXISTS", "nokey"), 0);
  assertEquals(t.exec(c, "ZINCRBY", "z", "1.5", "b"), "3.5");
  assertEquals(t.exec(c, "ZINCRBY", "z", "x", "b"), NOT_FLOAT);
  t.exec(c, "SET", "s", "v");
  assertEquals(t.exec(c, "ZADD", "s", 1, "a"), WRONGTYPE);
});

Deno.test("ZRANGE family: rank, score, lex, REV, LIMIT, WITHSCORES, errors", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d");
  assertEquals(t.exec(c, "ZRANGE", "z", 0, -1), ["a", "b", "c", "d"]);
  assertEquals(t.exec(c, "ZRANGE", "z", 0, 1, "REV", "WITHSCORES"), ["d", "4", "c", "3"]);
  assertEquals(t.exec(c, "ZRANGE", "z", "(1", "+inf", "BYSCORE", "LIMIT", 1, 2), ["c", "d"]);
  assertEquals(t.exec(c, "ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", 0, -1), [
    "d",
    "c",
    "b",
  ]);
  assertEquals(
    t.exec(c, "ZRANGE", "z", 0, -1, "LIMIT", 0, 1),
    err(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    ),
  );
  assertEquals(
    t.exec(c, "ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"),
    err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
  );
  assertEquals(t.exec(c, "ZRANGE", "z", 0, -1, "BYSCORE", "BYLEX"), SYNTAX);
  assertEquals(t.exec(c, "ZRANGE", "z", "a", "b"), NOT_INT);
  assertEquals(t.exec(c, "ZRANGEBYSCORE", "z", "x", 1), RANGE_FLOAT);
  assertEquals(t.exec(c, "ZRANGEBYSCORE", "z", "", ""), []);
  assertEquals(t.exec(c, "ZRANGEBYSCORE", "z", " 1", 2), ["a", "b"]);
  assertEquals(t.exec(c, "ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", -1, 5), []);
  assertEquals(t.exec(c, "ZREVRANGEBYSCORE", "z", 3, "(1", "WITHSCORES"), ["c", "3", "b", "2"]);
  assertEquals(t.exec(c, "ZREVRANGE", "z", 0, 0), ["d"]);
  assertEquals(t.exec(c, "ZCOUNT", "z", "(1", 3), 2);
  assertEquals(t.exec(c, "ZRANGE", "nokey", 0, -1), []);
  t.exec(c, "ZADD", "lex", 0, "a", 0, "b", 0, "c", 0, "d", 0, "e");
  assertEquals(t.exec(c, "ZRANGEBYLEX", "lex", "[b", "(e"), ["b", "c", "d"]);
  assertEquals(t.exec(c, "ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", 1, 2), ["d", "c"]);
  assertEquals(t.exec(c, "ZRANGEBYLEX", "lex", "b", "e"), RANGE_LEX);
  assertEquals(t.exec(c, "ZLEXCOUNT", "lex", "[c", "+"), 3);
  assertEquals(t.exec(c, "ZLEXCOUNT", "lex", "(c", "(c"), 0);
});

Deno.test("ZRANGE WITHSCORES and ZSCORE in RESP3 use doubles and pairs", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "HELLO", 3);
  t.exec(c, "ZADD", "z", 1, "a", 2.5, "b");
  assertEquals(
    raw(c, "ZRANGE", "z", "0", "-1", "WITHSCORES"),
    "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n",
  );
  assertEquals(raw(c, "ZSCORE", "z", "q"), "_\r\n");
  assertEquals(raw(c, "ZPOPMIN", "z", "1"), "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
  assertEquals(raw(c, "ZPOPMIN", "z"), "*2\r\n$1\r\nb\r\n,2.5\r\n");
  const d = t.exec(c, "ZINCRBY", "y", "0.1", "m");
  assert(d instanceof RespDouble && d.raw === "0.10000000000000001");
});

Deno.test("scores print as %.17g; -0 becomes 0 in a listpack, stays -0 in a skiplist", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", "-0", "d", "0.1", "c");
  assertEquals(t.exec(c, "ZRANGE", "z", 0, -1, "WITHSCORES"), [
    "d",
    "0",
    "c",
    "0.10000000000000001",
  ]);
  t.exec(c, "CONFIG", "SET", "zset-max-listpack-entries", "0");
  t.exec(c, "ZADD", "s", "-0", "d");
  assertEquals(t.exec(c, "ZSCORE", "s", "d"), "-0");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "s"), "skiplist");
});

Deno.test("encoding: listpack under the limits, skiplist after, one-way", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "CONFIG", "SET", "zset-max-listpack-entries", "4");
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "z"), "listpack");
  t.exec(c, "ZADD", "z", 5, "e");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "z"), "skiplist");
  t.exec(c, "ZREM", "z", "a", "b", "c");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "z"), "skiplist");
  t.exec(c, "ZADD", "long", 1, "x".repeat(65));
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "long"), "skiplist");
  // STORE results convert back when small (zsetConvertToListpackIfNeeded).
  t.exec(c, "ZUNIONSTORE", "u", 1, "z");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "u"), "listpack");
  t.exec(c, "ZRANGESTORE", "r", "z", 0, -1);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "r"), "listpack");
});

Deno.test("ZREM / ZREMRANGEBY*: counts, empty keys deleted, events", () => {
  const { t, c, events } = recording();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c");
  assertEquals(events, ["new:z", "zadd:z"]);
  events.length = 0;
  assertEquals(t.exec(c, "ZREM", "z", "a", "zz"), 1);
  assertEquals(t.exec(c, "ZREMRANGEBYRANK", "z", 10, 20), 0);
  assertEquals(t.exec(c, "ZREMRANGEBYSCORE", "z", "a", "b"), RANGE_FLOAT);
  assertEquals(t.exec(c, "ZREMRANGEBYLEX", "z", "a", "b"), RANGE_LEX);
  assertEquals(t.exec(c, "ZREMRANGEBYSCORE", "z", "(2", "+inf"), 1);
  assertEquals(t.exec(c, "ZREMRANGEBYRANK", "z", 0, -1), 1);
  assertEquals(t.exec(c, "EXISTS", "z"), 0);
  assertEquals(events, ["zrem:z", "zremrangebyscore:z", "zremrangebyrank:z", "del:z"]);
  events.length = 0;
  t.exec(c, "ZADD", "z", 1, "a");
  t.exec(c, "ZINCRBY", "z", 1, "a");
  t.exec(c, "ZPOPMAX", "z");
  assertEquals(events, ["new:z", "zadd:z", "zincr:z", "zpopmax:z", "del:z"]);
});

Deno.test("ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCARD", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c");
  assertEquals(t.exec(c, "ZSCORE", "z", "b"), "2");
  assertEquals(t.exec(c, "ZSCORE", "z", "q"), null);
  assertEquals(t.exec(c, "ZMSCORE", "z", "a", "q", "c"), ["1", null, "3"]);
  assertEquals(t.exec(c, "ZMSCORE", "nokey", "a"), [null]);
  assertEquals(t.exec(c, "ZRANK", "z", "c"), 2);
  assertEquals(t.exec(c, "ZREVRANK", "z", "c"), 0);
  assertEquals(t.exec(c, "ZRANK", "z", "q"), null);
  assertEquals(t.exec(c, "ZCARD", "z"), 3);
  assertEquals(t.exec(c, "ZCARD", "nokey"), 0);
});

Deno.test("ZUNION / ZINTER / ZDIFF with weights, aggregates, set sources and STORE", () => {
  const { t, c, events } = recording();
  t.exec(c, "ZADD", "z1", 1, "a", 2, "b", 3, "c");
  t.exec(c, "ZADD", "z2", 4, "b", 5, "c", 6, "d");
  t.exec(c, "SADD", "s", "a", "d", "x");
  assertEquals(t.exec(c, "ZUNION", 2, "z1", "z2", "WITHSCORES"), [
    "a",
    "1",
    "b",
    "6",
    "d",
    "6",
    "c",
    "8",
  ]);
  assertEquals(t.exec(c, "ZUNION", 2, "z1", "z2", "WEIGHTS", 2, 3, "AGGREGATE", "MAX"), [
    "a",
    "b",
    "c",
    "d",
  ]);
  assertEquals(t.exec(c, "ZINTER", 2, "z1", "z2", "AGGREGATE", "min", "WITHSCORES"), [
    "b",
    "2",
    "c",
    "3",
  ]);
  assertEquals(t.exec(c, "ZINTER", 2, "z1", "s", "WITHSCORES"), ["a", "2"]);
  assertEquals(t.exec(c, "ZDIFF", 2, "z1", "z2", "WITHSCORES"), ["a", "1"]);
  assertEquals(t.exec(c, "ZINTERCARD", 2, "z1", "z2", "LIMIT", 1), 1);
  assertEquals(
    t.exec(c, "ZINTERCARD", 2, "z1", "z2", "LIMIT", -1),
    err("ERR LIMIT can't be negative"),
  );
  assertEquals(
    t.exec(c, "ZINTER", 0, "z1"),
    err("ERR at least 1 input key is needed for 'zinter' command"),
  );
  assertEquals(t.exec(c, "ZINTER", 3, "z1"), SYNTAX);
  assertEquals(
    t.exec(c, "ZUNION", 1, "z1", "WEIGHTS", "x"),
    err("ERR weight value is not a float"),
  );
  assertEquals(t.exec(c, "ZDIFF", 2, "z1", "z2", "WEIGHTS", 1, 2), SYNTAX);
  t.exec(c, "SET", "str", "v");
  assertEquals(t.exec(c, "ZUNION", 2, "z1", "str"), WRONGTYPE);
  events.length = 0;
  assertEquals(t.exec(c, "ZUNIONSTORE", "out", 2, "z1", "z2", "WEIGHTS", 1, "inf"), 4);
  assertEquals(t.exec(c, "ZINTERSTORE", "out", 2, "z1", "nokey"), 0);
  assertEquals(t.exec(c, "EXISTS", "out"), 0);
  assertEquals(events, ["new:out", "zunionstore:out", "del:out"]);
  // inf * 0-weight style NaN is 0, SUM of inf and -inf is 0.
  t.exec(c, "ZUNIONSTORE", "out", 2, "z1", "z2", "WEIGHTS", "inf", "-inf");
  assertEquals(t.exec(c, "ZSCORE", "out", "b"), "0");
});

Deno.test("ZRANGESTORE: destination replaced, empty result deletes it", () => {
  const { t, c, events } = recording();
  t.exec(c, "ZADD", "src", 1, "a", 2, "b", 3, "c");
  t.exec(c, "SET", "dst", "x");
  events.length = 0;
  assertEquals(t.exec(c, "ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE"), 2);
  assertEquals(t.exec(c, "ZRANGE", "dst", 0, -1, "WITHSCORES"), ["b", "2", "c", "3"]);
  assertEquals(t.exec(c, "ZRANGESTORE", "dst", "nokey", 0, -1), 0);
  assertEquals(t.exec(c, "EXISTS", "dst"), 0);
  assertEquals(events, ["zrangestore:dst", "del:dst"]);
  assertEquals(t.exec(c, "ZRANGESTORE", "dst", "src", 0, -1, "WITHSCORES"), SYNTAX);
});

Deno.test("ZPOPMIN/ZPOPMAX/ZMPOP: counts, errors, key emitted", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "c");
  assertEquals(t.exec(c, "ZPOPMIN", "z"), ["a", "1"]);
  assertEquals(t.exec(c, "ZPOPMAX", "z", 5), ["c", "3", "b", "2"]);
  assertEquals(t.exec(c, "EXISTS", "z"), 0);
  assertEquals(t.exec(c, "ZPOPMIN", "z", -1), err("ERR value is out of range, must be positive"));
  assertEquals(t.exec(c, "ZPOPMIN", "z", 1, 2), SYNTAX);
  assertEquals(t.exec(c, "ZPOPMIN", "nokey"), []);
  t.exec(c, "ZADD", "z2", 1, "a", 2, "b");
  assertEquals(t.exec(c, "ZMPOP", 2, "nokey", "z2", "MAX", "COUNT", 10), [
    "z2",
    [["b", "2"], ["a", "1"]],
  ]);
  assertEquals(t.exec(c, "ZMPOP", 1, "z2", "MIN"), null);
  assertEquals(t.exec(c, "ZMPOP", 0, "z2", "MIN"), err("ERR numkeys should be greater than 0"));
  assertEquals(
    t.exec(c, "ZMPOP", 1, "z2", "MIN", "COUNT", 0),
    err("ERR count should be greater than 0"),
  );
  assertEquals(t.exec(c, "ZMPOP", 1, "z2", "FOO"), SYNTAX);
  assertEquals(t.exec(c, "ZMPOP", 5, "z2", "MIN"), SYNTAX);
});

Deno.test("ZRANDMEMBER: counts, uniqueness, errors", () => {
  const t = testServer();
  const c = t.client();
  for (let i = 0; i < 50; i++) t.exec(c, "ZADD", "z", i, "m" + i);
  const one = t.exec(c, "ZRANDMEMBER", "z") as string;
  assert(one.startsWith("m"));
  const uniq = t.exec(c, "ZRANDMEMBER", "z", 20) as string[];
  assertEquals(new Set(uniq).size, 20);
  const uniq2 = t.exec(c, "ZRANDMEMBER", "z", 45) as string[];
  assertEquals(new Set(uniq2).size, 45);
  assertEquals((t.exec(c, "ZRANDMEMBER", "z", -100) as string[]).length, 100);
  const all = t.exec(c, "ZRANDMEMBER", "z", 100, "WITHSCORES") as string[];
  assertEquals(all.length, 100);
  assertEquals(all[0], "m49");
  assertEquals(t.exec(c, "ZRANDMEMBER", "z", 0), []);
  assertEquals(t.exec(c, "ZRANDMEMBER", "nokey"), null);
  assertEquals(t.exec(c, "ZRANDMEMBER", "nokey", 5), []);
  assertEquals(t.exec(c, "ZRANDMEMBER", "z", 1, "FOO"), SYNTAX);
  assertEquals(
    t.exec(c, "ZRANDMEMBER", "z", "-9223372036854775808"),
    err(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ),
  );
  assertEquals(
    t.exec(c, "ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"),
    err("ERR value is out of range"),
  );
});

Deno.test("ZSCAN: listpack whole, skiplist by cursor, MATCH, errors", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b", 3, "nb");
  assertEquals(t.exec(c, "ZSCAN", "z", 0), ["0", ["a", "1", "b", "2", "nb", "3"]]);
  assertEquals(t.exec(c, "ZSCAN", "z", 0, "MATCH", "n*"), ["0", ["nb", "3"]]);
  assertEquals(t.exec(c, "ZSCAN", "z", 0, "COUNT", 0), SYNTAX);
  assertEquals(t.exec(c, "ZSCAN", "z", 0, "TYPE", "zset"), SYNTAX);
  assertEquals(t.exec(c, "ZSCAN", "z", "x"), err("ERR invalid cursor"));
  assertEquals(t.exec(c, "ZSCAN", "nokey", 0), ["0", []]);
  for (let i = 0; i < 500; i++) t.exec(c, "ZADD", "big", i, "m" + i);
  const seen = new Set<string>();
  let cursor = "0";
  let calls = 0;
  do {
    const r = t.exec(c, "ZSCAN", "big", cursor, "COUNT", 50) as [string, string[]];
    cursor = r[0];
    for (let i = 0; i < r[1].length; i += 2) seen.add(r[1][i]);
    calls++;
  } while (cursor !== "0");
  assertEquals(seen.size, 500);
  assert(calls > 5);
});

Deno.test("BZPOPMIN/BZMPOP: served at once, or null inside MULTI", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "ZADD", "z", 1, "a", 2, "b");
  assertEquals(t.exec(c, "BZPOPMIN", "nokey", "z", 0), ["z", "a", "1"]);
  assertEquals(t.exec(c, "BZMPOP", 0, 1, "z", "MAX", "COUNT", 5), ["z", [["b", "2"]]]);
  assertEquals(t.exec(c, "BZPOPMIN", "z", -1), err("ERR timeout is negative"));
  assertEquals(t.exec(c, "BZPOPMIN", "z", "x"), err("ERR timeout is not a float or out of range"));
  t.exec(c, "MULTI");
  t.exec(c, "BZPOPMAX", "z", 0);
  assertEquals(t.exec(c, "EXEC"), [null]);
});

Deno.test("BZPOPMAX blocks and is served by a later ZADD", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  assertEquals(t.exec(a, "BZPOPMAX", "z", 0), undefined);
  assertEquals(t.exec(b, "ZADD", "z", 1, "x", 2, "y"), 2);
  const out = a.outLen;
  assert(out > 0);
  assertEquals(raw(a), "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\n2\r\n");
  assertEquals(t.exec(b, "ZRANGE", "z", 0, -1), ["x"]);
});
