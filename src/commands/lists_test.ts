import { testServer } from "../testing/harness.ts";
import { assertEquals } from "../testing/assert.ts";
import { RespError } from "../protocol/decode.ts";

const err = (s: string) => new RespError(s);
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");

Deno.test("lists: push, pop, range, index", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "RPUSH", "k", "a", "b", "c"), 3);
  assertEquals(t.exec(c, "LPUSH", "k", "z"), 4);
  assertEquals(t.exec(c, "LRANGE", "k", 0, -1), ["z", "a", "b", "c"]);
  assertEquals(t.exec(c, "LRANGE", "k", -100, 1), ["z", "a"]);
  assertEquals(t.exec(c, "LRANGE", "k", 5, 10), []);
  assertEquals(t.exec(c, "LINDEX", "k", -1), "c");
  assertEquals(t.exec(c, "LINDEX", "k", 4), null);
  assertEquals(t.exec(c, "LINDEX", "k", "x"), err("ERR value is not an integer or out of range"));
  assertEquals(t.exec(c, "LPOP", "k"), "z");
  assertEquals(t.exec(c, "RPOP", "k", 2), ["c", "b"]);
  assertEquals(t.exec(c, "RPOP", "k", 0), []);
  assertEquals(t.exec(c, "RPOP", "k", -1), err("ERR value is out of range, must be positive"));
  assertEquals(
    t.exec(c, "LPOP", "k", 1, 2),
    err("ERR wrong number of arguments for 'lpop' command"),
  );
  assertEquals(t.exec(c, "LPOP", "k", 5), ["a"]);
  assertEquals(t.exec(c, "EXISTS", "k"), 0);
  assertEquals(t.exec(c, "LPOP", "k"), null);
  assertEquals(t.exec(c, "LPOP", "k", 1), null);
  assertEquals(t.exec(c, "LPUSHX", "k", "a"), 0);
  assertEquals(t.exec(c, "RPUSH", "k", "a"), 1);
  assertEquals(t.exec(c, "RPUSHX", "k", "b", "c"), 3);
  assertEquals(t.exec(c, "LLEN", "k"), 3);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "k"), "quicklist");
  t.exec(c, "SET", "s", "v");
  assertEquals(t.exec(c, "LPUSH", "s", "a"), WRONGTYPE);
  assertEquals(t.exec(c, "LLEN", "s"), WRONGTYPE);
});

Deno.test("lists: LSET, LINSERT, LREM, LTRIM", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "RPUSH", "k", "a", "b", "a", "c", "a");
  assertEquals(t.exec(c, "LSET", "k", -1, "z"), "OK");
  assertEquals(t.exec(c, "LSET", "k", 9, "z"), err("ERR index out of range"));
  assertEquals(t.exec(c, "LSET", "nokey", 0, "z"), err("ERR no such key"));
  assertEquals(t.exec(c, "LINSERT", "k", "BEFORE", "b", "x"), 6);
  assertEquals(t.exec(c, "LINSERT", "k", "after", "z", "y"), 7);
  assertEquals(t.exec(c, "LINSERT", "k", "after", "nope", "y"), -1);
  assertEquals(t.exec(c, "LINSERT", "k", "middle", "a", "y"), err("ERR syntax error"));
  assertEquals(t.exec(c, "LRANGE", "k", 0, -1), ["a", "x", "b", "a", "c", "z", "y"]);
  assertEquals(t.exec(c, "LREM", "k", -1, "a"), 1);
  assertEquals(t.exec(c, "LRANGE", "k", 0, -1), ["a", "x", "b", "c", "z", "y"]);
  assertEquals(t.exec(c, "LTRIM", "k", 1, -2), "OK");
  assertEquals(t.exec(c, "LRANGE", "k", 0, -1), ["x", "b", "c", "z"]);
  assertEquals(t.exec(c, "LTRIM", "k", 5, 1), "OK");
  assertEquals(t.exec(c, "EXISTS", "k"), 0);
});

Deno.test("lists: LPOS", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "RPUSH", "k", "a", "b", "c", "1", "2", "3", "c", "c");
  assertEquals(t.exec(c, "LPOS", "k", "c"), 2);
  assertEquals(t.exec(c, "LPOS", "k", "c", "RANK", -1), 7);
  assertEquals(t.exec(c, "LPOS", "k", "c", "COUNT", 0), [2, 6, 7]);
  assertEquals(t.exec(c, "LPOS", "k", "c", "RANK", 2, "COUNT", 1), [6]);
  assertEquals(t.exec(c, "LPOS", "k", "c", "MAXLEN", 2), null);
  assertEquals(t.exec(c, "LPOS", "k", "c", "RANK", -1, "COUNT", 2), [7, 6]);
  assertEquals(t.exec(c, "LPOS", "k", "c", "COUNT", -1), err("ERR COUNT can't be negative"));
  assertEquals(
    t.exec(c, "LPOS", "k", "c", "RANK", 0),
    err(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    ),
  );
  assertEquals(t.exec(c, "LPOS", "nokey", "c", "COUNT", 0), []);
});

Deno.test("lists: LMOVE, RPOPLPUSH, LMPOP", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "RPUSH", "a", "1", "2", "3");
  assertEquals(t.exec(c, "LMOVE", "a", "b", "LEFT", "RIGHT"), "1");
  assertEquals(t.exec(c, "RPOPLPUSH", "a", "b"), "3");
  assertEquals(t.exec(c, "LRANGE", "b", 0, -1), ["3", "1"]);
  assertEquals(t.exec(c, "LMOVE", "a", "a", "LEFT", "RIGHT"), "2");
  assertEquals(t.exec(c, "LMOVE", "nokey", "b", "LEFT", "UP"), err("ERR syntax error"));
  assertEquals(t.exec(c, "LMOVE", "nokey", "b", "LEFT", "LEFT"), null);
  t.exec(c, "SET", "s", "v");
  assertEquals(t.exec(c, "LMOVE", "b", "s", "LEFT", "LEFT"), WRONGTYPE);
  assertEquals(t.exec(c, "LMPOP", 2, "x", "b", "LEFT", "COUNT", 5), ["b", ["3", "1"]]);
  assertEquals(t.exec(c, "LMPOP", 2, "x", "b", "LEFT"), null);
  assertEquals(t.exec(c, "LMPOP", 0, "x", "LEFT"), err("ERR numkeys should be greater than 0"));
  assertEquals(
    t.exec(c, "LMPOP", 1, "x", "LEFT", "COUNT", 0),
    err("ERR count should be greater than 0"),
  );
  assertEquals(t.exec(c, "LMPOP", 2, "x", "LEFT"), err("ERR syntax error"));
});

Deno.test("lists: blocking pops are served in FIFO order by a push", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  assertEquals(t.exec(a, "BLPOP", "k1", "k2", 0), undefined);
  assertEquals(t.exec(b, "BRPOP", "k2", 0), undefined);
  assertEquals(String(t.exec(w, "INFO", "clients")).includes("blocked_clients:2"), true);
  assertEquals(t.exec(w, "RPUSH", "k2", "x", "y", "z"), 3);
  assertEquals(t.feed(a, ""), [["k2", "x"]]);
  assertEquals(t.feed(b, ""), [["k2", "z"]]);
  assertEquals(t.exec(w, "LRANGE", "k2", 0, -1), ["y"]);
  // A key of another type leaves the client blocked; the list that replaces it serves it.
  t.exec(a, "BLMPOP", 0, 1, "k3", "RIGHT", "COUNT", 2);
  t.exec(w, "SET", "k3", "str");
  assertEquals(a.blocked, true);
  t.exec(w, "DEL", "k3");
  t.exec(w, "RPUSH", "k3", "1", "2", "3");
  assertEquals(t.feed(a, ""), [["k3", ["3", "2"]]]);
});

Deno.test("lists: BLMOVE chains and errors", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  t.exec(a, "BLMOVE", "src", "mid", "LEFT", "RIGHT", 0);
  t.exec(b, "BRPOPLPUSH", "mid", "dst", 0);
  t.exec(w, "LPUSH", "src", "v");
  assertEquals(t.feed(a, ""), ["v"]);
  assertEquals(t.feed(b, ""), ["v"]);
  assertEquals(t.exec(w, "LRANGE", "dst", 0, -1), ["v"]);
  assertEquals(t.exec(w, "EXISTS", "src", "mid"), 0);
  // Destination of another type when served: WRONGTYPE, the client is unblocked.
  t.exec(a, "BLMOVE", "src", "str", "LEFT", "RIGHT", 0);
  t.exec(w, "SET", "str", "x");
  t.exec(w, "LPUSH", "src", "v");
  assertEquals(t.feed(a, ""), [WRONGTYPE]);
  assertEquals(t.exec(w, "LRANGE", "src", 0, -1), ["v"]);
  assertEquals(t.exec(w, "BLPOP", "k", "-1"), err("ERR timeout is negative"));
  assertEquals(t.exec(w, "BLPOP", "k", "x"), err("ERR timeout is not a float or out of range"));
});

Deno.test("lists: blocking commands inside MULTI do not block", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "MULTI");
  t.exec(c, "BLPOP", "k", 0);
  t.exec(c, "BLMOVE", "k", "d", "LEFT", "LEFT", 0);
  t.exec(c, "BLMPOP", 0, 1, "k", "LEFT");
  assertEquals(t.exec(c, "EXEC"), [null, null, null]);
});

Deno.test("lists: CLIENT UNBLOCK", () => {
  const t = testServer();
  const [a, w] = [t.client(), t.client()];
  t.exec(a, "BLPOP", "k", 0);
  assertEquals(t.exec(w, "CLIENT", "UNBLOCK", a.id, "ERROR"), 1);
  assertEquals(t.exec(w, "CLIENT", "UNBLOCK", a.id), 0);
  assertEquals(t.feed(a, ""), [err("UNBLOCKED client unblocked via CLIENT UNBLOCK")]);
  t.exec(a, "BRPOPLPUSH", "k", "d", 0);
  assertEquals(t.exec(w, "CLIENT", "UNBLOCK", a.id, "TIMEOUT"), 1);
  assertEquals(
    t.exec(w, "CLIENT", "UNBLOCK", a.id, "x"),
    err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
  );
  return new Promise<void>((r) =>
    setTimeout(() => {
      assertEquals(t.feed(a, ""), [null]);
      r();
    }, 5)
  );
});

Deno.test("lists: a large list keeps O(1) ends", () => {
  const t = testServer();
  const c = t.client();
  const n = 200000;
  for (let i = 0; i < n; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < i + 1000; j++) args.push(String(j));
    t.exec(c, "RPUSH", "big", ...args);
  }
  assertEquals(t.exec(c, "LINDEX", "big", n / 2), String(n / 2));
  for (let i = 0; i < n - 1; i++) t.exec(c, "LPOP", "big");
  assertEquals(t.exec(c, "LRANGE", "big", 0, -1), [String(n - 1)]);
});

Deno.test("lists: keyspace events and dirty as t_list.c", () => {
  const t = testServer();
  const c = t.client();
  const events: string[] = [];
  t.server.notify = (_type, event, key) => {
    events.push(`${event}:${key}`);
  };
  const dirty0 = t.server.dirty;
  t.exec(c, "RPUSH", "a", "1", "2");
  t.exec(c, "LMOVE", "a", "b", "LEFT", "RIGHT");
  t.exec(c, "LMOVE", "a", "b", "LEFT", "RIGHT");
  t.exec(c, "LSET", "b", 0, "x");
  t.exec(c, "LINSERT", "b", "AFTER", "x", "y");
  t.exec(c, "LREM", "b", 0, "y");
  t.exec(c, "LTRIM", "b", 0, 0);
  t.exec(c, "RPOP", "b");
  assertEquals(events, [
    "new:a",
    "rpush:a",
    "new:b",
    "rpush:b",
    "lpop:a",
    "rpush:b",
    "lpop:a",
    "del:a",
    "lset:b",
    "linsert:b",
    "lrem:b",
    "ltrim:b",
    "rpop:b",
    "del:b",
  ]);
  assertEquals(t.server.dirty - dirty0, 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
  events.length = 0;
  t.exec(c, "LLEN", "nokey");
  assertEquals(events, ["keymiss:nokey"]);
});

Deno.test("lists: keys created by RENAME, COPY and SWAPDB wake blocked clients", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  t.exec(a, "BLPOP", "dst", 0);
  t.exec(w, "RPUSH", "src", "1", "2");
  t.exec(w, "RENAME", "src", "dst");
  assertEquals(t.feed(a, ""), [["dst", "1"]]);
  t.exec(a, "BRPOP", "copy", 0);
  t.exec(w, "COPY", "dst", "copy");
  assertEquals(t.feed(a, ""), [["copy", "2"]]);
  t.exec(b, "SELECT", 1);
  t.exec(b, "BLPOP", "k", 0);
  t.exec(w, "RPUSH", "k", "v");
  t.exec(w, "SWAPDB", 0, 1);
  assertEquals(t.feed(b, ""), [["k", "v"]]);
});

Deno.test("lists: CLIENT REPLY OFF/SKIP also silence a later served reply", () => {
  const t = testServer();
  const [a, w] = [t.client(), t.client()];
  t.exec(a, "CLIENT", "REPLY", "OFF");
  t.exec(a, "BLPOP", "q", 0);
  t.exec(w, "RPUSH", "q", "1");
  assertEquals(t.feed(a, ""), []);
  assertEquals(t.exec(a, "CLIENT", "REPLY", "ON"), "OK");
  t.exec(a, "CLIENT", "REPLY", "SKIP");
  t.exec(a, "BLPOP", "q", 0);
  t.exec(w, "RPUSH", "q", "2");
  assertEquals(t.feed(a, "PING\r\n"), ["PONG"]);
});
