/**
 * Family tests for src/commands/sort.ts, in memory. Expected replies and error texts were checked
 * against redis-server 7.0.15.
 */
import { assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { ListValue } from "../types/list.ts";

const err = (m: string) => new RespError(m);
const SYNTAX = err("ERR syntax error");
const NOT_INT = err("ERR value is not an integer or out of range");
const CONVERSION = err("ERR One or more scores can't be converted into double");

function setup() {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SADD", "s", "3", "1", "2", "10", "5");
  t.exec(c, "MSET", "w_1", "50", "w_2", "40", "w_3", "30", "w_5", "20", "w_10", "10");
  for (const [k, v] of [["1", "5"], ["2", "4"], ["3", "3"], ["5", "1"]]) {
    t.exec(c, "HSET", `h_${k}`, "f", v);
  }
  return { t, c };
}

Deno.test("sort: numeric, ALPHA, DESC, LIMIT on a set", () => {
  const { t, c } = setup();
  assertEquals(t.exec(c, "SORT", "s"), ["1", "2", "3", "5", "10"]);
  assertEquals(t.exec(c, "SORT", "s", "DESC"), ["10", "5", "3", "2", "1"]);
  assertEquals(t.exec(c, "SORT", "s", "ALPHA"), ["1", "10", "2", "3", "5"]);
  assertEquals(t.exec(c, "SORT", "s", "ALPHA", "DESC"), ["5", "3", "2", "10", "1"]);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "1", "2"), ["2", "3"]);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "-5", "2"), ["1", "2"]);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "2", "-1"), ["3", "5", "10"]);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "0", "0"), []);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "10", "5"), []);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "a", "1"), NOT_INT);
  assertEquals(t.exec(c, "SORT", "s", "LIMIT", "1"), SYNTAX);
  assertEquals(t.exec(c, "SORT", "s", "foo"), SYNTAX);
  assertEquals(t.exec(c, "SORT", "s", "STORE"), SYNTAX);
  assertEquals(t.exec(c, "SORT_RO", "s", "STORE", "d"), SYNTAX);
  assertEquals(t.exec(c, "SORT", "nokey"), []);
  t.exec(c, "SET", "str", "x");
  assertEquals(
    t.exec(c, "SORT", "str"),
    err("WRONGTYPE Operation against a key holding the wrong kind of value"),
  );
  // Option errors come before the key is looked at.
  assertEquals(t.exec(c, "SORT", "str", "foo"), SYNTAX);
});

Deno.test("sort: BY and GET patterns, hash fields, conversion errors", () => {
  const { t, c } = setup();
  assertEquals(t.exec(c, "SORT", "s", "BY", "w_*"), ["10", "5", "3", "2", "1"]);
  assertEquals(t.exec(c, "SORT", "s", "BY", "w_*", "DESC"), ["1", "2", "3", "5", "10"]);
  assertEquals(t.exec(c, "SORT", "s", "BY", "w_*", "GET", "#", "GET", "w_*", "LIMIT", "0", "2"), [
    "10",
    "10",
    "5",
    "20",
  ]);
  assertEquals(t.exec(c, "SORT", "s", "BY", "h_*->f", "GET", "h_*->f", "GET", "#"), [
    null,
    "10",
    "1",
    "5",
    "3",
    "3",
    "4",
    "2",
    "5",
    "1",
  ]);
  assertEquals(t.exec(c, "SORT", "s", "GET", "nokey_*", "LIMIT", "0", "1"), [null]);
  assertEquals(t.exec(c, "SORT", "s", "GET", "h_*->", "LIMIT", "0", "1"), [null]);
  assertEquals(t.exec(c, "SORT", "s", "GET", "const", "LIMIT", "0", "1"), [null]);
  // A constant BY pattern: no sorting, the set's own order.
  assertEquals((t.exec(c, "SORT", "s", "BY", "nosort") as string[]).length, 5);
  t.exec(c, "SADD", "sb", "a", "b", "c");
  assertEquals(t.exec(c, "SORT", "sb"), CONVERSION);
  assertEquals(t.exec(c, "SORT", "sb", "ALPHA"), ["a", "b", "c"]);
  t.exec(c, "MSET", "w_a", "1", "w_b", " 2", "w_c", "");
  assertEquals(t.exec(c, "SORT", "sb", "BY", "w_*"), ["c", "a", "b"]);
  for (const bad of ["1e400", "nan", "2 ", "x", "1e-320"]) {
    t.exec(c, "SET", "w_b", bad);
    assertEquals(t.exec(c, "SORT", "sb", "BY", "w_*"), CONVERSION, bad);
  }
  // ALPHA BY: a missing weight sorts first.
  t.exec(c, "MSET", "w_a", "zz", "w_b", "yy");
  t.exec(c, "DEL", "w_c");
  assertEquals(t.exec(c, "SORT", "sb", "BY", "w_*", "ALPHA"), ["c", "b", "a"]);
});

Deno.test("sort: COMMAND GETKEYS and SORT_RO", () => {
  const { t, c } = setup();
  assertEquals(t.exec(c, "COMMAND", "GETKEYS", "SORT", "s", "STORE", "d1", "STORE", "d2"), [
    "s",
    "d2",
  ]);
  assertEquals(
    t.exec(c, "COMMAND", "GETKEYS", "SORT", "s", "LIMIT", "0", "1", "BY", "store", "GET", "x"),
    ["s"],
  );
  assertEquals(t.exec(c, "COMMAND", "GETKEYS", "SORT_RO", "s"), ["s"]);
  assertEquals(t.exec(c, "COMMAND", "GETKEYSANDFLAGS", "SORT", "s", "STORE", "d"), [
    ["s", ["RO", "access"]],
    ["d", ["OW", "update"]],
  ]);
  assertEquals(t.exec(c, "SORT_RO", "s", "BY", "w_*", "LIMIT", "0", "1"), ["10"]);
});

Deno.test("sort: lists (native order with BY nosort, LIMIT, DESC) and STORE", () => {
  const { t, c } = setup();
  const db = t.server.dbs[0];
  db.set("l", ListValue.from(["3", "1", "2", "10", "5"]));
  assertEquals(t.exec(c, "SORT", "l"), ["1", "2", "3", "5", "10"]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort"), ["3", "1", "2", "10", "5"]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort", "DESC"), ["5", "10", "2", "1", "3"]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort", "LIMIT", "1", "2"), ["1", "2"]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"), ["10", "2"]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort", "LIMIT", "-10", "100"), [
    "3",
    "1",
    "2",
    "10",
    "5",
  ]);
  assertEquals(t.exec(c, "SORT", "l", "BY", "nosort", "LIMIT", "5", "10"), []);
  assertEquals(t.exec(c, "SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*", "STORE", "dst"), 10);
  const dst = db.getRaw("dst") as ListValue;
  assertEquals(dst.range(0, dst.length - 1), [
    "10",
    "10",
    "5",
    "20",
    "3",
    "30",
    "2",
    "40",
    "1",
    "50",
  ]);
  assertEquals(t.exec(c, "TYPE", "dst"), "list");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "dst"), "quicklist");
  // GET of a missing key stores an empty string.
  assertEquals(t.exec(c, "SORT", "l", "GET", "nokey_*", "LIMIT", "0", "1", "STORE", "dst"), 1);
  assertEquals((db.getRaw("dst") as ListValue).get(0), "");
  // An empty result deletes the destination.
  assertEquals(t.exec(c, "SORT", "nokey", "STORE", "dst"), 0);
  assertEquals(t.exec(c, "EXISTS", "dst"), 0);
  // A set sorted with BY <constant> and STORE is still ordered (ALPHA).
  assertEquals(t.exec(c, "SORT", "s", "BY", "nosort", "STORE", "dst"), 5);
  assertEquals((db.getRaw("dst") as ListValue).range(0, 4), ["1", "10", "2", "3", "5"]);
  // The destination's TTL goes.
  t.exec(c, "EXPIRE", "dst", "100");
  t.exec(c, "SORT", "l", "STORE", "dst");
  assertEquals(t.exec(c, "TTL", "dst"), -1);
});

Deno.test("sort: STORE events", () => {
  const { t, c } = setup();
  const ev: string[] = [];
  t.server.notify = (type, event, key) => void ev.push(`${type}:${event}:${key}`);
  t.server.signalModifiedKey = (_db, key) => void ev.push(`touch:${key}`);
  t.exec(c, "SORT", "s", "LIMIT", "0", "1", "STORE", "d");
  t.exec(c, "SORT", "s", "LIMIT", "0", "1", "STORE", "d");
  t.exec(c, "SORT", "s", "LIMIT", "0", "0", "STORE", "d");
  assertEquals(ev, [
    "n:new:d",
    "touch:d",
    "l:sortstore:d",
    "touch:d",
    "l:sortstore:d",
    "touch:d",
    "g:del:d",
  ]);
});

Deno.test("sort: sorted sets (score order with BY nosort) become skiplists", () => {
  const { t, c } = setup();
  t.exec(c, "ZADD", "z", "1", "a", "5", "b", "2", "c", "10", "d", "3", "e");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "z"), "listpack");
  assertEquals(t.exec(c, "SORT", "z", "BY", "nosort"), ["a", "c", "e", "b", "d"]);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "z"), "skiplist");
  assertEquals(t.exec(c, "SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"), ["d", "b"]);
  assertEquals(t.exec(c, "SORT", "z", "BY", "nosort", "LIMIT", "5", "10"), []);
  assertEquals(t.exec(c, "SORT", "z", "BY", "nosort", "LIMIT", "-10", "100"), [
    "a",
    "c",
    "e",
    "b",
    "d",
  ]);
  assertEquals(t.exec(c, "SORT", "z", "ALPHA", "DESC"), ["e", "d", "c", "b", "a"]);
});
