/**
 * Family tests for src/commands/strings.ts, in memory. Expected replies and error texts were
 * checked against redis-server 7.0.15.
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { processCommand } from "../server/dispatch.ts";
import type { Client } from "../server/client.ts";
import type { RObject } from "../store/db.ts";

const err = (m: string) => new RespError(m);
const NOT_INT = err("ERR value is not an integer or out of range");
const SYNTAX = err("ERR syntax error");
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");
const NOT_FLOAT = err("ERR value is not a valid float");
const TOO_BIG = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

/** Run one command and return the raw reply bytes (exact integers, RESP framing). */
function raw(c: Client, ...argv: string[]): string {
  processCommand(c, argv);
  let s = "";
  for (let i = 0; i < c.outLen; i++) s += String.fromCharCode(c.out[i]);
  c.outLen = 0;
  return s;
}

/** A non-string value, standing in for a list until the list family exists. */
function putList(t: ReturnType<typeof testServer>, key: string, db = 0): void {
  const v: RObject = { type: "list", dup: () => v, encoding: () => "listpack" };
  t.server.dbs[db].set(key, v);
}

/** Record keyspace events and modified-key signals. */
function recordEvents(t: ReturnType<typeof testServer>): string[] {
  const ev: string[] = [];
  t.server.notify = (type, event, key) => void ev.push(`${type}:${event}:${key}`);
  t.server.signalModifiedKey = (_db, key) => void ev.push(`touch:${key}`);
  return ev;
}

Deno.test("GET/SET basics, empty and binary values", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "GET", "x"), null);
  assertEquals(t.exec(c, "SET", "x", "foobar"), "OK");
  assertEquals(t.exec(c, "GET", "x"), "foobar");
  assertEquals(t.exec(c, "SET", "x", ""), "OK");
  assertEquals(t.exec(c, "GET", "x"), "");
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  assertEquals(t.exec(c, "SET", all, all), "OK");
  assertEquals(t.exec(c, "GET", all), all);
  putList(t, "l");
  assertEquals(t.exec(c, "GET", "l"), WRONGTYPE);
  assertEquals(t.exec(c, "SET", "l", "v"), "OK"); // SET overwrites any type
  assertEquals(t.exec(c, "GET", "l"), "v");
  assertEquals(t.exec(c, "GET"), err("ERR wrong number of arguments for 'get' command"));
  assertEquals(t.exec(c, "SET", "k"), err("ERR wrong number of arguments for 'set' command"));
});

Deno.test("SET options: NX XX GET and their combinations", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SET", "foo", "1", "nx"), "OK");
  assertEquals(t.exec(c, "SET", "foo", "2", "NX"), null);
  assertEquals(t.exec(c, "GET", "foo"), "1");
  assertEquals(t.exec(c, "SET", "bar", "1", "xx"), null);
  assertEquals(t.exec(c, "GET", "bar"), null);
  assertEquals(t.exec(c, "SET", "foo", "2", "xx"), "OK");
  assertEquals(t.exec(c, "GET", "foo"), "2");
  // GET returns the old value.
  assertEquals(t.exec(c, "SET", "foo", "bar2", "GET"), "2");
  assertEquals(t.exec(c, "SET", "new", "bar", "GET"), null);
  assertEquals(t.exec(c, "GET", "new"), "bar");
  assertEquals(t.exec(c, "SET", "foo", "baz", "GET", "XX"), "bar2");
  assertEquals(t.exec(c, "SET", "nope", "bar", "GET", "XX"), null);
  assertEquals(t.exec(c, "GET", "nope"), null);
  assertEquals(t.exec(c, "SET", "nx1", "bar", "GET", "NX"), null);
  assertEquals(t.exec(c, "GET", "nx1"), "bar");
  assertEquals(t.exec(c, "SET", "nx1", "baz", "GET", "NX"), "bar");
  assertEquals(t.exec(c, "GET", "nx1"), "bar");
  // Repeats are allowed.
  assertEquals(t.exec(c, "SET", "nx1", "v", "get", "get", "nx"), "bar");
  assertEquals(t.exec(c, "SET", "z", "v", "nx", "nx"), "OK");
  // Conflicts and unknown options.
  assertEquals(t.exec(c, "SET", "k", "v", "nx", "xx"), SYNTAX);
  assertEquals(t.exec(c, "SET", "k", "v", "xx", "nx"), SYNTAX);
  assertEquals(t.exec(c, "SET", "k", "v", "non-existing-option"), SYNTAX);
  assertEquals(t.exec(c, "SET", "k", "v", "nxx"), SYNTAX);
  assertEquals(t.exec(c, "SET", "k", "v", "ex"), SYNTAX);
  assertEquals(t.exec(c, "GET", "k"), null);
});

Deno.test("SET GET on a non-string key: WRONGTYPE and no write", () => {
  const t = testServer();
  const c = t.client();
  putList(t, "foo");
  assertEquals(t.exec(c, "SET", "foo", "bar", "GET"), WRONGTYPE);
  assertEquals(typeof t.server.dbs[0].getRaw("foo"), "object");
  assertEquals(t.exec(c, "SET", "foo", "bar", "GET", "EX", "10"), WRONGTYPE);
  assertEquals(t.server.dbs[0].getExpire("foo"), undefined);
});

Deno.test("SET expire options: EX PX EXAT PXAT KEEPTTL and their errors", () => {
  const t = testServer();
  const c = t.client();
  const db = t.server.dbs[0];
  const before = Date.now();
  assertEquals(t.exec(c, "SET", "foo", "bar", "ex", "10"), "OK");
  const w = db.getExpire("foo")!;
  assert(w >= before + 10000 && w <= Date.now() + 10000);
  assertEquals(t.exec(c, "SET", "foo", "bar", "px", "10000"), "OK");
  assert(db.getExpire("foo")! >= before + 10000);
  assertEquals(t.exec(c, "SET", "foo", "bar", "exat", "4102444800"), "OK");
  assertEquals(db.getExpire("foo"), 4102444800000);
  assertEquals(t.exec(c, "SET", "foo", "bar", "pxat", "4102444800123"), "OK");
  assertEquals(db.getExpire("foo"), 4102444800123);
  // The last of repeated EX wins; KEEPTTL keeps it; plain SET clears it.
  assertEquals(t.exec(c, "SET", "foo", "bar", "ex", "10", "ex", "20"), "OK");
  assert(db.getExpire("foo")! >= before + 20000);
  assertEquals(t.exec(c, "SET", "foo", "v2", "keepttl"), "OK");
  assert(db.getExpire("foo")! >= before + 20000);
  assertEquals(t.exec(c, "GET", "foo"), "v2");
  assertEquals(t.exec(c, "SET", "foo", "v3"), "OK");
  assertEquals(db.getExpire("foo"), undefined);
  // XX and PX together.
  assertEquals(t.exec(c, "SET", "foo", "bar", "xx", "px", "10000"), "OK");
  assert(db.getExpire("foo")! > 0);
  // Conflicts.
  for (
    const opts of [
      ["keepttl", "ex", "1"],
      ["ex", "1", "keepttl"],
      ["ex", "1", "px", "1"],
      ["px", "1", "ex", "1"],
      ["exat", "1", "pxat", "1"],
      ["ex", "1", "exat", "1"],
      ["persist"],
      ["px"],
    ]
  ) assertEquals(t.exec(c, "SET", "k", "v", ...opts), SYNTAX, opts.join(" "));
  // Values.
  const bad = err("ERR invalid expire time in 'set' command");
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "abc"), NOT_INT);
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "0"), bad);
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "-1"), bad);
  assertEquals(t.exec(c, "SET", "k", "v", "px", "-1"), bad);
  assertEquals(t.exec(c, "SET", "k", "v", "pxat", "0"), bad);
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "9223372036854775"), bad); // overflows with now
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "9223372036854776"), bad); // *1000 overflows
  assertEquals(t.exec(c, "SET", "k", "v", "px", "9223372036854775807"), bad);
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "9223372036854775808"), NOT_INT);
  assertEquals(t.exec(c, "GET", "k"), null);
  assertEquals(t.exec(c, "SET", "k", "v", "exat", "9223372036854775"), "OK");
  assertEquals(t.exec(c, "SET", "k", "v", "pxat", "9223372036854775807"), "OK");
  assertEquals(t.exec(c, "GET", "k"), "v");
  // Syntax errors come before value errors.
  assertEquals(t.exec(c, "SET", "k", "v", "ex", "abc", "foo"), SYNTAX);
});

Deno.test("SET EXAT in the past: set, then gone on the next access", () => {
  const t = testServer();
  const c = t.client();
  const ev = recordEvents(t);
  assertEquals(t.exec(c, "SET", "k", "v", "EXAT", "1"), "OK");
  assertEquals(ev, ["n:new:k", "touch:k", "$:set:k", "g:expire:k"]);
  assertEquals(t.exec(c, "GET", "k"), null);
  assertEquals(t.server.stats.expiredKeys, 1);
  assertEquals(t.exec(c, "SET", "k", "v", "PXAT", "1", "GET"), null);
  assertEquals(t.exec(c, "SET", "k", "v", "PXAT", "1", "GET"), null);
});

Deno.test("SETNX, SETEX, PSETEX", () => {
  const t = testServer();
  const c = t.client();
  const db = t.server.dbs[0];
  assertEquals(t.exec(c, "SETNX", "novar", "foobared"), 1);
  assertEquals(t.exec(c, "GET", "novar"), "foobared");
  assertEquals(t.exec(c, "SETNX", "novar", "blabla"), 0);
  assertEquals(t.exec(c, "GET", "novar"), "foobared");
  putList(t, "l");
  assertEquals(t.exec(c, "SETNX", "l", "x"), 0);
  // Against an expired volatile key.
  assertEquals(t.exec(c, "SET", "x", "10", "PXAT", String(Date.now() - 1)), "OK");
  assertEquals(t.exec(c, "SETNX", "x", "20"), 1);
  assertEquals(t.exec(c, "GET", "x"), "20");
  assertEquals(db.getExpire("x"), undefined);

  const before = Date.now();
  assertEquals(t.exec(c, "SETEX", "k", "100", "v"), "OK");
  assertEquals(t.exec(c, "GET", "k"), "v");
  assert(db.getExpire("k")! >= before + 100000);
  assertEquals(t.exec(c, "PSETEX", "k", "1500", "w"), "OK");
  assert(db.getExpire("k")! >= before + 1500 && db.getExpire("k")! < before + 100000);
  assertEquals(
    t.exec(c, "SETEX", "k", "0", "v"),
    err("ERR invalid expire time in 'setex' command"),
  );
  assertEquals(
    t.exec(c, "SETEX", "k", "-5", "v"),
    err("ERR invalid expire time in 'setex' command"),
  );
  assertEquals(
    t.exec(c, "PSETEX", "k", "0", "v"),
    err("ERR invalid expire time in 'psetex' command"),
  );
  assertEquals(t.exec(c, "SETEX", "k", "abc", "v"), NOT_INT);
  assertEquals(t.exec(c, "GET", "k"), "w");
  assertEquals(t.exec(c, "SETEX", "l", "10", "v"), "OK"); // overwrites any type
  assertEquals(
    t.exec(c, "SETEX", "k", "10"),
    err("ERR wrong number of arguments for 'setex' command"),
  );
});

Deno.test("GETSET, GETDEL", () => {
  const t = testServer();
  const c = t.client();
  const db = t.server.dbs[0];
  assertEquals(t.exec(c, "GETSET", "foo", "xyz"), null);
  assertEquals(t.exec(c, "GET", "foo"), "xyz");
  assertEquals(t.exec(c, "SET", "foo", "bar", "EX", "100"), "OK");
  assertEquals(t.exec(c, "GETSET", "foo", "xyz"), "bar");
  assertEquals(db.getExpire("foo"), undefined); // GETSET clears the TTL
  putList(t, "l");
  assertEquals(t.exec(c, "GETSET", "l", "x"), WRONGTYPE);
  assertEquals(typeof db.getRaw("l"), "object");

  assertEquals(t.exec(c, "GETDEL", "foo"), "xyz");
  assertEquals(t.exec(c, "GETDEL", "foo"), null);
  assertEquals(db.has("foo"), false);
  assertEquals(t.exec(c, "GETDEL", "l"), WRONGTYPE);
  assertEquals(db.has("l"), true);
});

Deno.test("GETEX: options, errors, PERSIST, past EXAT deletes", () => {
  const t = testServer();
  const c = t.client();
  const db = t.server.dbs[0];
  const before = Date.now();
  assertEquals(t.exec(c, "SET", "foo", "bar"), "OK");
  assertEquals(t.exec(c, "GETEX", "foo"), "bar");
  assertEquals(db.getExpire("foo"), undefined);
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "10"), "bar");
  assert(db.getExpire("foo")! >= before + 10000);
  assertEquals(t.exec(c, "GETEX", "foo", "px", "20000"), "bar");
  assert(db.getExpire("foo")! >= before + 20000);
  assertEquals(t.exec(c, "GETEX", "foo", "exat", "4102444800"), "bar");
  assertEquals(db.getExpire("foo"), 4102444800000);
  assertEquals(t.exec(c, "GETEX", "foo", "pxat", "4102444800001"), "bar");
  assertEquals(db.getExpire("foo"), 4102444800001);
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "10", "ex", "20"), "bar");
  assertEquals(t.exec(c, "GETEX", "foo", "persist"), "bar");
  assertEquals(db.getExpire("foo"), undefined);
  assertEquals(t.exec(c, "GETEX", "foo", "persist", "persist"), "bar");
  // Syntax.
  assertEquals(t.exec(c, "GETEX", "foo", "non-existent-option"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "keepttl"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "nx"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "get"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "persist", "ex", "10"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "10", "persist"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "foo", "ex"), SYNTAX);
  assertEquals(t.exec(c, "GETEX", "missing", "persist", "ex", "10"), SYNTAX);
  assertEquals(t.exec(c, "GETEX"), err("ERR wrong number of arguments for 'getex' command"));
  // Values are checked only for an existing string key.
  assertEquals(t.exec(c, "GETEX", "missing", "ex", "abc"), null);
  assertEquals(t.exec(c, "GETEX", "missing", "ex", "0"), null);
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "abc"), NOT_INT);
  const bad = err("ERR invalid expire time in 'getex' command");
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "0"), bad);
  assertEquals(t.exec(c, "GETEX", "foo", "ex", "9223372036854775"), bad);
  assertEquals(t.exec(c, "GETEX", "foo", "px", "9223372036854775807"), bad);
  putList(t, "l");
  assertEquals(t.exec(c, "GETEX", "l", "ex", "abc"), WRONGTYPE);
  // An absolute time already past deletes the key after replying.
  const ev = recordEvents(t);
  assertEquals(t.exec(c, "GETEX", "foo", "exat", "1"), "bar");
  assertEquals(db.has("foo"), false);
  assertEquals(ev, ["touch:foo", "g:del:foo"]);
});

Deno.test("MGET, MSET, MSETNX", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SET", "foo", "BAR"), "OK");
  assertEquals(t.exec(c, "SET", "bar", "FOO"), "OK");
  assertEquals(t.exec(c, "MGET", "foo", "bar"), ["BAR", "FOO"]);
  assertEquals(t.exec(c, "MGET", "foo", "baazz", "bar"), ["BAR", null, "FOO"]);
  putList(t, "myset");
  assertEquals(t.exec(c, "MGET", "foo", "baazz", "bar", "myset"), ["BAR", null, "FOO", null]);

  assertEquals(t.exec(c, "MSET", "x", "10", "y", "foo bar", "z", "x x x\n\n\r\n"), "OK");
  assertEquals(t.exec(c, "MGET", "x", "y", "z"), ["10", "foo bar", "x x x\n\n\r\n"]);
  assertEquals(
    t.exec(c, "MSET", "x", "10", "y", "foo bar", "z"),
    err("ERR wrong number of arguments for 'mset' command"),
  );
  assertEquals(
    t.exec(c, "MSETNX", "x", "20", "y", "foo bar", "z"),
    err("ERR wrong number of arguments for 'msetnx' command"),
  );
  assertEquals(t.exec(c, "MSET", "x"), err("ERR wrong number of arguments for 'mset' command"));
  assertEquals(t.exec(c, "MSETNX", "x1", "xxx", "y2", "yyy", "x", "20"), 0);
  assertEquals(t.exec(c, "MGET", "x1", "y2", "x"), [null, null, "10"]);
  assertEquals(t.exec(c, "MSETNX", "x1", "xxx", "y2", "yyy"), 1);
  assertEquals(t.exec(c, "MGET", "x1", "y2"), ["xxx", "yyy"]);
  assertEquals(t.exec(c, "MSET", "dup", "a", "dup", "b"), "OK");
  assertEquals(t.exec(c, "GET", "dup"), "b");
  t.server.dbs[0].removeKey("x1");
  assertEquals(t.exec(c, "MSETNX", "x1", "xxx", "x1", "yyy"), 1);
  assertEquals(t.exec(c, "GET", "x1"), "yyy");
  assertEquals(t.exec(c, "MSETNX", "x1", "xxx", "x1", "zzz"), 0);
  assertEquals(t.exec(c, "GET", "x1"), "yyy");
  assertEquals(t.exec(c, "MSETNX", "myset", "v"), 0); // any type counts as existing
  // MSET clears TTLs.
  assertEquals(t.exec(c, "SET", "ttl", "v", "EX", "100"), "OK");
  assertEquals(t.exec(c, "MSET", "ttl", "w"), "OK");
  assertEquals(t.server.dbs[0].getExpire("ttl"), undefined);
});

Deno.test("INCR, DECR, INCRBY, DECRBY: exact int64 and Redis's errors", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "INCR", "novar"), 1);
  assertEquals(t.exec(c, "GET", "novar"), "1");
  assertEquals(t.exec(c, "INCR", "novar"), 2);
  assertEquals(t.exec(c, "SET", "novar", "100"), "OK");
  assertEquals(t.exec(c, "INCR", "novar"), 101);
  assertEquals(t.exec(c, "DECR", "novar"), 100);
  assertEquals(t.exec(c, "SET", "novar", "17179869184"), "OK");
  assertEquals(t.exec(c, "INCR", "novar"), 17179869185);
  assertEquals(t.exec(c, "SET", "novar", "17179869184"), "OK");
  assertEquals(t.exec(c, "INCRBY", "novar", "17179869184"), 34359738368);
  assertEquals(t.exec(c, "SET", "novar", "17179869184"), "OK");
  assertEquals(t.exec(c, "DECRBY", "novar", "17179869185"), -1);
  assertEquals(t.exec(c, "DECRBY", "novar", "-3"), 2);
  assertEquals(t.exec(c, "DECRBY", "novar", "0"), 2);
  assertEquals(raw(c, "DECRBY", "novar", "2"), ":0\r\n");
  // Beyond 2^53: exact.
  assertEquals(t.exec(c, "SET", "big", "9007199254740991"), "OK");
  assertEquals(raw(c, "INCR", "big"), ":9007199254740992\r\n");
  assertEquals(raw(c, "INCRBY", "big", "1000000000000000001"), ":1009007199254740993\r\n");
  assertEquals(t.exec(c, "GET", "big"), "1009007199254740993");
  assertEquals(t.exec(c, "SET", "big", "9223372036854775806"), "OK");
  assertEquals(raw(c, "INCR", "big"), ":9223372036854775807\r\n");
  const ovf = err("ERR increment or decrement would overflow");
  assertEquals(t.exec(c, "INCR", "big"), ovf);
  assertEquals(t.exec(c, "GET", "big"), "9223372036854775807");
  assertEquals(raw(c, "DECRBY", "big", "-0"), "-ERR value is not an integer or out of range\r\n");
  assertEquals(t.exec(c, "SET", "big", "-9223372036854775807"), "OK");
  assertEquals(raw(c, "DECR", "big"), ":-9223372036854775808\r\n");
  assertEquals(t.exec(c, "DECR", "big"), ovf);
  assertEquals(t.exec(c, "INCRBY", "big", "-1"), ovf);
  assertEquals(raw(c, "INCRBY", "big", "9223372036854775807"), ":-1\r\n");
  assertEquals(t.exec(c, "SET", "x", "0"), "OK");
  assertEquals(
    t.exec(c, "DECRBY", "x", "-9223372036854775808"),
    err("ERR decrement would overflow"),
  );
  assertEquals(raw(c, "INCRBY", "x", "-9223372036854775808"), ":-9223372036854775808\r\n");
  // Not integers: spaces, leading zeroes, '+', "-0", floats, too long.
  for (const v of ["    11", "11    ", "  11  ", "011", "+1", "-0", "1.0", "1e3", "", "abc"]) {
    assertEquals(t.exec(c, "SET", "novar", v), "OK");
    assertEquals(t.exec(c, "INCR", "novar"), NOT_INT, JSON.stringify(v));
  }
  assertEquals(t.exec(c, "SET", "novar", "9223372036854775808"), "OK");
  assertEquals(t.exec(c, "INCR", "novar"), NOT_INT);
  assertEquals(t.exec(c, "SET", "novar", "5"), "OK");
  for (const v of ["", " 1", "1 ", "01", "+1", "-0", "1.5", "9223372036854775808"]) {
    assertEquals(t.exec(c, "INCRBY", "novar", v), NOT_INT, JSON.stringify(v));
    assertEquals(t.exec(c, "DECRBY", "novar", v), NOT_INT, JSON.stringify(v));
  }
  putList(t, "mylist");
  assertEquals(t.exec(c, "INCR", "mylist"), WRONGTYPE);
  assertEquals(t.exec(c, "INCRBY", "mylist", "x"), NOT_INT); // the argument is parsed first
  assertEquals(t.exec(c, "DECRBY", "mylist", "1"), WRONGTYPE);
  // TTL is kept.
  assertEquals(t.exec(c, "SET", "ttl", "1", "EX", "100"), "OK");
  assertEquals(t.exec(c, "INCR", "ttl"), 2);
  assert(t.server.dbs[0].getExpire("ttl")! > Date.now());
});

Deno.test("INCRBYFLOAT: long double arithmetic and Redis's formatting", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "1"), "1");
  assertEquals(t.exec(c, "GET", "novar"), "1");
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "0.25"), "1.25");
  assertEquals(t.exec(c, "GET", "novar"), "1.25");
  assertEquals(t.exec(c, "SET", "novar", "1.5"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "1.5"), "3");
  assertEquals(t.exec(c, "SET", "novar", "17179869184"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "1.5"), "17179869185.5");
  assertEquals(t.exec(c, "SET", "novar", "17179869184"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "17179869184"), "34359738368");
  assertEquals(t.exec(c, "SET", "k", "10.5"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "0.1"), "10.6");
  assertEquals(t.exec(c, "SET", "k", "0.1"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "0.2"), "0.3");
  assertEquals(t.exec(c, "SET", "k", "5.0e3"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "2.0e2"), "5200");
  assertEquals(t.exec(c, "SET", "k", "1"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "-1.1"), "-0.1");
  const seq: string[] = [];
  t.server.dbs[0].removeKey("k");
  for (let i = 0; i < 10; i++) seq.push(t.exec(c, "INCRBYFLOAT", "k", "1.1") as string);
  assertEquals(seq, ["1.1", "2.2", "3.3", "4.4", "5.5", "6.6", "7.7", "8.8", "9.9", "11"]);
  // No negative zero.
  t.server.dbs[0].removeKey("foo");
  t.exec(c, "INCRBYFLOAT", "foo", String(1 / 41));
  t.exec(c, "INCRBYFLOAT", "foo", String(-1 / 41));
  assertEquals(t.exec(c, "GET", "foo"), "0");
  // Hex, inf, errors.
  assertEquals(t.exec(c, "SET", "k", "0"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "0x10"), "16");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "0x1.8p1"), "19");
  const nan = err("ERR increment would produce NaN or Infinity");
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "+inf"), nan);
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "-Infinity"), nan);
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "1e4933"), NOT_FLOAT);
  assertEquals(t.exec(c, "INCRBYFLOAT", "k", "1e-5000"), NOT_FLOAT);
  for (const v of ["nan", " 1", "1 ", "", ".", "1e", "0x", "abc", "1,5", "--1"]) {
    assertEquals(t.exec(c, "INCRBYFLOAT", "k", v), NOT_FLOAT, JSON.stringify(v));
  }
  assertEquals(t.exec(c, "GET", "k"), "19");
  for (const v of ["    11", "11    ", " 11 ", "inf2"]) {
    assertEquals(t.exec(c, "SET", "novar", v), "OK");
    assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "1.0"), NOT_FLOAT, JSON.stringify(v));
  }
  // A stored "inf" parses, and the sum is infinite.
  assertEquals(t.exec(c, "SET", "novar", "inf"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "novar", "1"), nan);
  // String with a NUL inside.
  assertEquals(t.exec(c, "SET", "foo", "1"), "OK");
  assertEquals(t.exec(c, "SETRANGE", "foo", "2", "2"), 3);
  assertEquals(t.exec(c, "INCRBYFLOAT", "foo", "1"), NOT_FLOAT);
  // Big values print in full with %.17Lf.
  assertEquals(t.exec(c, "SET", "k", "1.5e308"), "OK");
  assertEquals(
    t.exec(c, "INCRBYFLOAT", "k", "0"),
    "149999999999999999999901476489468468031016840965060944967133685421180106066691046036756664728216022031902928370522024964340854582506645209487860806577896175175227643677561112877760303256738896516844124921428435196017215141331511736789270744288327321353040504243421434090049846615188904452633296864511849922560",
  );
  putList(t, "mylist");
  assertEquals(t.exec(c, "INCRBYFLOAT", "mylist", "1.0"), WRONGTYPE);
  assertEquals(t.exec(c, "INCRBYFLOAT", "mylist", "x"), WRONGTYPE); // type checked first
  // TTL is kept.
  assertEquals(t.exec(c, "SET", "ttl", "1", "EX", "100"), "OK");
  assertEquals(t.exec(c, "INCRBYFLOAT", "ttl", "0.5"), "1.5");
  assert(t.server.dbs[0].getExpire("ttl")! > Date.now());
});

Deno.test("APPEND and STRLEN", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "APPEND", "k", "foo"), 3);
  assertEquals(t.exec(c, "APPEND", "k", "bar"), 6);
  assertEquals(t.exec(c, "GET", "k"), "foobar");
  assertEquals(t.exec(c, "APPEND", "e", ""), 0);
  assertEquals(t.exec(c, "GET", "e"), ""); // created, empty
  assertEquals(t.exec(c, "STRLEN", "k"), 6);
  assertEquals(t.exec(c, "STRLEN", "notakey"), 0);
  assertEquals(t.exec(c, "SET", "myinteger", "-555"), "OK");
  assertEquals(t.exec(c, "STRLEN", "myinteger"), 4);
  assertEquals(t.exec(c, "SET", "mystring", "foozzz0123456789 baz"), "OK");
  assertEquals(t.exec(c, "STRLEN", "mystring"), 20);
  assertEquals(t.exec(c, "STRLEN", "\x00\xff"), 0);
  assertEquals(t.exec(c, "SET", "bin", "\x00\xff\x80"), "OK");
  assertEquals(t.exec(c, "STRLEN", "bin"), 3);
  putList(t, "l");
  assertEquals(t.exec(c, "APPEND", "l", "x"), WRONGTYPE);
  assertEquals(t.exec(c, "STRLEN", "l"), WRONGTYPE);
  // proto-max-bulk-len
  t.server.maxBulkLen = 8;
  assertEquals(t.exec(c, "APPEND", "k", "12"), 8);
  assertEquals(t.exec(c, "APPEND", "k", "1"), TOO_BIG);
  assertEquals(t.exec(c, "APPEND", "new", "0123456789"), 10); // a new key is not checked
  // TTL is kept.
  t.server.maxBulkLen = 512 * 1024 * 1024;
  assertEquals(t.exec(c, "SET", "ttl", "1", "EX", "100"), "OK");
  assertEquals(t.exec(c, "APPEND", "ttl", "2"), 2);
  assert(t.server.dbs[0].getExpire("ttl")! > Date.now());
});

Deno.test("GETRANGE and SUBSTR: Redis 7.0 index rules", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "GETRANGE", "mykey", "0", "-1"), "");
  assertEquals(raw(c, "GETRANGE", "mykey", "0", "-1"), "$0\r\n\r\n");
  assertEquals(t.exec(c, "SET", "mykey", "Hello World"), "OK");
  const cases: [string, string, string][] = [
    ["0", "3", "Hell"],
    ["0", "-1", "Hello World"],
    ["-4", "-1", "orld"],
    ["5", "3", ""],
    ["5", "5000", " World"],
    ["-5000", "10000", "Hello World"],
    ["-1", "-5", ""],
    ["-5", "-1", "World"],
    ["-100", "-50", "H"], // Redis 7.0 clamps both ends to 0
    ["-100", "-12", "H"],
    ["0", "0", "H"],
    ["10", "10", "d"],
    ["11", "20", ""],
    ["0", "4294967297", "Hello World"],
    ["-9223372036854775808", "9223372036854775807", "Hello World"],
  ];
  for (const [s, e, want] of cases) {
    assertEquals(t.exec(c, "GETRANGE", "mykey", s, e), want, `${s} ${e}`);
    assertEquals(t.exec(c, "SUBSTR", "mykey", s, e), want, `${s} ${e}`);
  }
  assertEquals(t.exec(c, "SET", "mykey", "1234"), "OK");
  assertEquals(t.exec(c, "GETRANGE", "mykey", "0", "2"), "123");
  assertEquals(t.exec(c, "GETRANGE", "mykey", "-3", "-1"), "234");
  assertEquals(t.exec(c, "GETRANGE", "mykey", "3", "5000"), "4");
  assertEquals(t.exec(c, "SET", "empty", ""), "OK");
  assertEquals(t.exec(c, "GETRANGE", "empty", "0", "-1"), "");
  assertEquals(t.exec(c, "GETRANGE", "mykey", "a", "1"), NOT_INT);
  assertEquals(t.exec(c, "GETRANGE", "mykey", "0", "9223372036854775808"), NOT_INT);
  putList(t, "l");
  assertEquals(t.exec(c, "GETRANGE", "l", "0", "1"), WRONGTYPE);
  assertEquals(t.exec(c, "GETRANGE", "l", "x", "1"), NOT_INT); // indexes are parsed first
});

Deno.test("SETRANGE", () => {
  const t = testServer();
  const c = t.client();
  const db = t.server.dbs[0];
  assertEquals(t.exec(c, "SETRANGE", "mykey", "0", "foo"), 3);
  assertEquals(t.exec(c, "GET", "mykey"), "foo");
  db.removeKey("mykey");
  assertEquals(t.exec(c, "SETRANGE", "mykey", "0", ""), 0);
  assertEquals(db.has("mykey"), false);
  assertEquals(t.exec(c, "SETRANGE", "mykey", "1", "foo"), 4);
  assertEquals(t.exec(c, "GET", "mykey"), "\x00foo");
  const cases: [string, string, string, number, string][] = [
    ["foo", "0", "b", 3, "boo"],
    ["foo", "0", "", 3, "foo"],
    ["foo", "1", "b", 3, "fbo"],
    ["foo", "4", "bar", 7, "foo\x00bar"],
    ["foo", "3", "bar", 6, "foobar"],
    ["foo", "2", "bar", 5, "fobar"],
    ["1234", "0", "2", 4, "2234"],
    ["1234", "1", "3", 4, "1334"],
    ["1234", "5", "2", 6, "1234\x002"],
  ];
  for (const [init, off, val, len, after] of cases) {
    assertEquals(t.exec(c, "SET", "mykey", init), "OK");
    assertEquals(t.exec(c, "SETRANGE", "mykey", off, val), len);
    assertEquals(t.exec(c, "GET", "mykey"), after);
  }
  putList(t, "l");
  assertEquals(t.exec(c, "SETRANGE", "l", "0", "bar"), WRONGTYPE);
  assertEquals(t.exec(c, "SETRANGE", "l", "0", ""), WRONGTYPE);
  assertEquals(t.exec(c, "SETRANGE", "l", "-1", "x"), err("ERR offset is out of range"));
  db.removeKey("mykey");
  assertEquals(t.exec(c, "SETRANGE", "mykey", String(512 * 1024 * 1024 - 4), "world"), TOO_BIG);
  assertEquals(t.exec(c, "SET", "mykey", "hello"), "OK");
  assertEquals(t.exec(c, "SETRANGE", "mykey", "-1", "world"), err("ERR offset is out of range"));
  assertEquals(t.exec(c, "SETRANGE", "mykey", String(512 * 1024 * 1024 - 4), "world"), TOO_BIG);
  assertEquals(t.exec(c, "SETRANGE", "mykey", "9223372036854775807", "A"), TOO_BIG);
  assertEquals(t.exec(c, "SETRANGE", "mykey", "9223372036854775808", "A"), NOT_INT);
  assertEquals(t.exec(c, "SETRANGE", "mykey", "x", "A"), NOT_INT);
  // Nothing to set: no length check, length of the existing value.
  assertEquals(t.exec(c, "SETRANGE", "mykey", "9223372036854775807", ""), 5);
  assertEquals(t.exec(c, "SETRANGE", "nokey", "9223372036854775807", ""), 0);
  // TTL is kept.
  assertEquals(t.exec(c, "SET", "ttl", "abc", "EX", "100"), "OK");
  assertEquals(t.exec(c, "SETRANGE", "ttl", "1", "X"), 3);
  assert(db.getExpire("ttl")! > Date.now());
});

Deno.test("LCS: string, LEN, IDX, MINMATCHLEN, WITHMATCHLEN, errors, RESP3 map", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "MSET", "a", "ohmytext", "b", "mynewtext"), "OK");
  assertEquals(t.exec(c, "LCS", "a", "b"), "mytext");
  assertEquals(t.exec(c, "LCS", "a", "b", "LEN"), 6);
  assertEquals(t.exec(c, "LCS", "a", "b", "idx"), [
    "matches",
    [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
    "len",
    6,
  ]);
  assertEquals(t.exec(c, "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"), [
    "matches",
    [[[4, 7], [5, 8], 4]],
    "len",
    6,
  ]);
  assertEquals(t.exec(c, "LCS", "a", "b", "IDX", "MINMATCHLEN", "100"), ["matches", [], "len", 6]);
  assertEquals(t.exec(c, "LCS", "a", "b", "LEN", "MINMATCHLEN", "-5"), 6);
  assertEquals(t.exec(c, "LCS", "a", "nokey"), "");
  assertEquals(t.exec(c, "LCS", "nokey", "nokey2", "IDX"), ["matches", [], "len", 0]);
  const both = err("ERR If you want both the length and indexes, please just use IDX.");
  assertEquals(t.exec(c, "LCS", "a", "b", "IDX", "LEN"), both);
  assertEquals(t.exec(c, "LCS", "a", "b", "LEN", "IDX"), both);
  assertEquals(t.exec(c, "LCS", "a", "b", "MINMATCHLEN"), SYNTAX);
  assertEquals(t.exec(c, "LCS", "a", "b", "MINMATCHLEN", "x"), NOT_INT);
  assertEquals(t.exec(c, "LCS", "a", "b", "foo"), SYNTAX);
  putList(t, "l");
  const notStr = err("ERR The specified keys must contain string values");
  assertEquals(t.exec(c, "LCS", "a", "l"), notStr);
  assertEquals(t.exec(c, "LCS", "l", "a"), notStr);
  assertEquals(t.exec(c, "LCS", "a", "l", "foo"), notStr);
  // The upstream test's RNA strings.
  const rna1 =
    "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG";
  const rna2 =
    "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";
  const rnalcs =
    "ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";
  assertEquals(t.exec(c, "MSET", "virus1", rna1, "virus2", rna2), "OK");
  assertEquals(t.exec(c, "LCS", "virus1", "virus2"), rnalcs);
  assertEquals(t.exec(c, "LCS", "virus1", "virus2", "LEN"), rnalcs.length);
  assertEquals((t.exec(c, "LCS", "virus1", "virus2", "IDX", "WITHMATCHLEN") as unknown[])[1], [
    [[238, 238], [239, 239], 1],
    [[236, 236], [238, 238], 1],
    [[229, 230], [236, 237], 2],
    [[224, 224], [235, 235], 1],
    [[1, 222], [13, 234], 222],
  ]);
  // Transient memory limit.
  t.server.maxBulkLen = 100;
  assertEquals(
    t.exec(c, "LCS", "virus1", "virus2"),
    err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"),
  );
  t.server.maxBulkLen = 512 * 1024 * 1024;
  // RESP3: a map.
  t.exec(c, "HELLO", "3");
  assertEquals(
    t.exec(c, "LCS", "a", "b", "IDX", "WITHMATCHLEN"),
    new Map<unknown, unknown>([
      ["matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]]],
      ["len", 6],
    ]) as never,
  );
  assertEquals(raw(c, "GET", "nokey"), "_\r\n");
});

Deno.test("keyspace hits/misses as Redis counts them", () => {
  const t = testServer();
  const c = t.client();
  const st = t.server.stats;
  const count = () => [st.keyspaceHits, st.keyspaceMisses];
  t.exec(c, "SET", "a", "1");
  assertEquals(count(), [0, 0]);
  t.exec(c, "GET", "a");
  t.exec(c, "GET", "b");
  assertEquals(count(), [1, 1]);
  t.exec(c, "MGET", "a", "b", "c");
  assertEquals(count(), [2, 3]);
  t.exec(c, "INCR", "a"); // write lookups are not counted
  t.exec(c, "APPEND", "a", "x");
  t.exec(c, "SETRANGE", "a", "0", "x");
  t.exec(c, "INCRBYFLOAT", "f", "1");
  t.exec(c, "SET", "a", "v", "NX");
  assertEquals(count(), [2, 3]);
  t.exec(c, "SET", "a", "v", "GET");
  t.exec(c, "GETSET", "a", "w");
  t.exec(c, "STRLEN", "a");
  t.exec(c, "GETRANGE", "a", "0", "1");
  t.exec(c, "GETEX", "a");
  t.exec(c, "LCS", "a", "zz");
  assertEquals(count(), [8, 4]);
  t.exec(c, "GETDEL", "a");
  t.exec(c, "GETDEL", "a");
  assertEquals(count(), [9, 5]);
});

Deno.test("keyspace events, modified-key signals and dirty, in Redis's order", () => {
  const t = testServer();
  const c = t.client();
  const ev = recordEvents(t);
  const run = (...argv: string[]) => {
    ev.length = 0;
    const d = t.server.dirty;
    t.exec(c, ...argv);
    return [t.server.dirty - d, ...ev];
  };
  assertEquals(run("SET", "k", "v"), [1, "n:new:k", "touch:k", "$:set:k"]);
  assertEquals(run("SET", "k", "v"), [1, "touch:k", "$:set:k"]);
  assertEquals(run("SET", "k", "v", "EX", "10"), [1, "touch:k", "$:set:k", "g:expire:k"]);
  assertEquals(run("SET", "k", "v", "NX"), [0]);
  assertEquals(run("GET", "nokey"), [0, "m:keymiss:nokey"]);
  assertEquals(run("SETNX", "k2", "v"), [1, "n:new:k2", "touch:k2", "$:set:k2"]);
  assertEquals(run("MSET", "k", "1", "k3", "2"), [
    2,
    "touch:k",
    "$:set:k",
    "n:new:k3",
    "touch:k3",
    "$:set:k3",
  ]);
  assertEquals(run("MSETNX", "k", "1", "k4", "2"), [0]);
  assertEquals(run("INCR", "k"), [1, "touch:k", "$:incrby:k"]);
  assertEquals(run("DECRBY", "n", "2"), [1, "n:new:n", "touch:n", "$:incrby:n"]);
  assertEquals(run("INCRBYFLOAT", "k", "1.5"), [1, "touch:k", "$:incrbyfloat:k"]);
  assertEquals(run("APPEND", "k", "x"), [1, "touch:k", "$:append:k"]);
  assertEquals(run("APPEND", "a", "x"), [1, "n:new:a", "touch:a", "$:append:a"]);
  assertEquals(run("SETRANGE", "k", "0", "y"), [1, "touch:k", "$:setrange:k"]);
  assertEquals(run("SETRANGE", "k", "0", ""), [0]);
  assertEquals(run("SETRANGE", "r", "1", "y"), [1, "n:new:r", "touch:r", "$:setrange:r"]);
  assertEquals(run("GETSET", "k", "z"), [1, "touch:k", "$:set:k"]);
  assertEquals(run("GETEX", "k", "EX", "100"), [1, "touch:k", "g:expire:k"]);
  assertEquals(run("GETEX", "k", "PERSIST"), [1, "touch:k", "g:persist:k"]);
  assertEquals(run("GETEX", "k", "PERSIST"), [0]);
  assertEquals(run("GETEX", "k"), [0]);
  assertEquals(run("GETDEL", "k"), [1, "touch:k", "g:del:k"]);
  assertEquals(run("GETDEL", "k"), [0, "m:keymiss:k"]);
  assertEquals(run("INCR", "k2"), [0]); // not an integer: nothing happens
});

Deno.test("commands work per selected db", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "k", "db0");
  t.exec(c, "SELECT", "9");
  assertEquals(t.exec(c, "GET", "k"), null);
  assertEquals(t.exec(c, "INCR", "k"), 1);
  assertEquals(t.server.dbs[9].getRaw("k"), "1");
  assertEquals(t.server.dbs[0].getRaw("k"), "db0");
});

Deno.test("command rows: arity, flags, keys and docs as Redis 7.0 declares them", () => {
  const t = testServer();
  const get = (n: string) => t.server.commands.get(n)!;
  const info = (n: string) => {
    const d = get(n);
    return [d.arity, d.flags.join(" "), d.firstKey, d.lastKey, d.step, d.categories!.join(" ")];
  };
  assertEquals(info("set"), [-3, "write denyoom", 1, 1, 1, "write string slow"]);
  assertEquals(info("get"), [2, "readonly fast", 1, 1, 1, "read string fast"]);
  assertEquals(info("mset"), [-3, "write denyoom", 1, -1, 2, "write string slow"]);
  assertEquals(info("mget"), [-2, "readonly fast", 1, -1, 1, "read string fast"]);
  assertEquals(info("getdel"), [2, "write fast", 1, 1, 1, "write string fast"]);
  assertEquals(info("lcs"), [-3, "readonly", 1, 2, 1, "read string slow"]);
  assertEquals(info("incrbyfloat"), [3, "write denyoom fast", 1, 1, 1, "write string fast"]);
  assertEquals(info("getrange"), [4, "readonly", 1, 1, 1, "read string slow"]);
  assertEquals(get("getset").deprecatedSince, "6.2.0");
  assertEquals(get("set").keySpecs![0].flags, ["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"]);
  const names = [
    "get",
    "set",
    "setnx",
    "setex",
    "psetex",
    "getset",
    "getdel",
    "getex",
    "mget",
    "mset",
    "msetnx",
    "incr",
    "decr",
    "incrby",
    "decrby",
    "incrbyfloat",
    "append",
    "strlen",
    "getrange",
    "substr",
    "setrange",
    "lcs",
  ];
  for (const n of names) {
    const d = get(n);
    assert(d.handler && d.group === "string" && d.summary && d.keySpecs?.length, n);
  }
});

Deno.test("strings: in-place modifiers leave a RawString (raw), readers and COPY see its value", () => {
  const t = testServer();
  const c = t.client();
  const big = "x".repeat(1000);
  t.exec(c, "SET", "k", "12");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "k"), "int");
  assertEquals(t.exec(c, "APPEND", "k", "3"), 3);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "k"), "raw");
  assertEquals(t.exec(c, "INCR", "k"), 124);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "k"), "int");
  // Past 256 bytes the value is bytes: SETRANGE/SETBIT change it in place.
  t.exec(c, "SET", "b", big);
  assertEquals(t.exec(c, "SETRANGE", "b", "998", "yz!"), 1001);
  assertEquals(t.exec(c, "SETBIT", "b", String(8 * 1001 + 7), "1"), 0);
  assertEquals(t.exec(c, "STRLEN", "b"), 1002);
  const want = "x".repeat(998) + "yz!\x01";
  assertEquals(t.exec(c, "GET", "b"), want);
  assertEquals(t.exec(c, "GETRANGE", "b", "-4", "-1"), "yz!\x01");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "b"), "raw");
  assertEquals(t.exec(c, "TYPE", "b"), "string");
  // COPY duplicates: changing the copy leaves the original alone.
  assertEquals(t.exec(c, "COPY", "b", "b2"), 1);
  t.exec(c, "APPEND", "b2", "more");
  assertEquals(t.exec(c, "GET", "b"), want);
  assertEquals(t.exec(c, "GET", "b2"), want + "more");
  // Other families see a string: WRONGTYPE.
  assertEquals(t.exec(c, "LPUSH", "b", "x"), WRONGTYPE);
  assertEquals(t.exec(c, "HGET", "b", "f"), WRONGTYPE);
  // DUMP/RESTORE gives back the same value, as an ordinary string.
  const payload = t.exec(c, "DUMP", "b") as string;
  assertEquals(t.exec(c, "RESTORE", "r", "0", payload), "OK");
  assertEquals(t.exec(c, "GET", "r"), want);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "r"), "raw");
  // SET replaces it with an ordinary string again.
  t.exec(c, "SET", "b", "short");
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "b"), "embstr");
});

Deno.test("strings: maxmemory accounting follows a RawString growing in place", () => {
  const t = testServer(["--maxmemory", "1gb"]);
  const c = t.client();
  t.exec(c, "SETBIT", "bm", "8", "1");
  const before = t.server.dbs[0].bytes;
  t.exec(c, "SETBIT", "bm", String(8 * 100000), "1");
  const grown = t.server.dbs[0].bytes - before;
  assert(grown >= 100000, `accounted growth ${grown}`);
  t.exec(c, "DEL", "bm");
  assertEquals(t.server.dbs[0].bytes, 0);
});
