import { testServer } from "../testing/harness.ts";
import { assert, assertEquals } from "../testing/assert.ts";
import { RespError } from "../protocol/decode.ts";

const err = (s: string) => new RespError(s);

Deno.test("streams: XADD IDs, ranges, dirty count, WATCH and keyspace events", () => {
  const t = testServer();
  const c = t.client();
  const dirty0 = t.server.dirty;
  assertEquals(t.exec(c, "XADD", "s", "1-1", "a", "1"), "1-1");
  assertEquals(t.exec(c, "XADD", "s", "1-*", "b", "2"), "1-2");
  assertEquals(t.exec(c, "XADD", "s", "MAXLEN", "=", 1, "2-0", "c", "3"), "2-0");
  assertEquals(t.server.dirty - dirty0, 3, "one per XADD; its trimming adds nothing (as Redis)");
  assertEquals(t.exec(c, "XRANGE", "s", "-", "+"), [["2-0", ["c", "3"]]]);
  assertEquals(
    t.exec(c, "XADD", "s", "2-0", "x", "y"),
    err("ERR The ID specified in XADD is equal or smaller than the target stream top item"),
  );
  assertEquals(
    t.exec(c, "XADD", "s", "MAXLEN", "1", "LIMIT", "1", "*", "x", "y"),
    err(
      "ERR syntax error, LIMIT cannot be used without the special ~ option",
    ),
  );
  // WATCH is invalidated by XADD.
  const w = t.client();
  t.exec(w, "WATCH", "s");
  t.exec(c, "XADD", "s", "3-0", "f", "v");
  t.exec(w, "MULTI");
  t.exec(w, "XLEN", "s");
  assertEquals(t.exec(w, "EXEC"), null);
  // Keyspace events: t class.
  const events: string[] = [];
  t.server.notify = (type: string, event: string) => {
    if (type === "t") events.push(event);
  };
  t.exec(c, "XADD", "s", "MAXLEN", 0, "4-0", "f", "v");
  t.exec(c, "XGROUP", "CREATE", "s", "g", "$");
  t.exec(c, "XGROUP", "CREATECONSUMER", "s", "g", "alice");
  t.exec(c, "XGROUP", "SETID", "s", "g", "0");
  t.exec(c, "XGROUP", "DELCONSUMER", "s", "g", "alice");
  t.exec(c, "XGROUP", "DESTROY", "s", "g");
  t.exec(c, "XSETID", "s", "9-0");
  t.exec(c, "XDEL", "s", "4-0");
  assertEquals(events, [
    "xadd",
    "xtrim",
    "xgroup-create",
    "xgroup-createconsumer",
    "xgroup-setid",
    "xgroup-delconsumer",
    "xgroup-destroy",
    "xsetid",
  ]);
});

Deno.test("streams: blocked XREAD clients are served in blocking order, after EXEC", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  t.exec(w, "XADD", "s", "1-0", "old", "1");
  assertEquals(t.exec(a, "XREAD", "BLOCK", 0, "STREAMS", "s", "$"), undefined);
  assertEquals(
    t.exec(b, "XREAD", "COUNT", 1, "BLOCK", 0, "STREAMS", "other", "s", "0", "$"),
    undefined,
  );
  assert(a.blocked && b.blocked);
  t.exec(w, "MULTI");
  t.exec(w, "XADD", "s", "2-0", "n", "2");
  t.exec(w, "XADD", "s", "3-0", "n", "3");
  assert(a.blocked, "nothing is served before EXEC");
  t.exec(w, "EXEC");
  assertEquals(t.feed(a, ""), [[["s", [["2-0", ["n", "2"]], ["3-0", ["n", "3"]]]]]]);
  assertEquals(t.feed(b, ""), [[["s", [["2-0", ["n", "2"]]]]]]);
  // Inside MULTI a blocking read answers at once.
  t.exec(w, "MULTI");
  t.exec(w, "XREAD", "BLOCK", 0, "STREAMS", "s", "$");
  assertEquals(t.exec(w, "EXEC"), [null]);
});

Deno.test("streams: blocked XREADGROUP woken by data, group destroy, key deletion", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  t.exec(w, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  t.exec(a, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", 0, "STREAMS", "s", ">");
  t.exec(b, "XREADGROUP", "GROUP", "g", "c2", "BLOCK", 0, "STREAMS", "s", ">");
  t.exec(w, "XADD", "s", "1-0", "f", "v");
  // The first reader takes the entry; the group's last ID moved, so the second stays blocked.
  assertEquals(t.feed(a, ""), [[["s", [["1-0", ["f", "v"]]]]]]);
  assert(b.blocked);
  assertEquals(t.exec(w, "XPENDING", "s", "g"), [1, "1-0", "1-0", [["c1", "1"]]]);
  t.exec(w, "XGROUP", "DESTROY", "s", "g");
  assertEquals(t.feed(b, ""), [
    err("NOGROUP the consumer group this client was blocked on no longer exists"),
  ]);
  t.exec(w, "XGROUP", "CREATE", "s", "g", "$");
  t.exec(a, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", 0, "STREAMS", "s", ">");
  t.exec(b, "XREAD", "BLOCK", 0, "STREAMS", "s", "$");
  t.exec(w, "DEL", "s");
  assertEquals(t.feed(a, ""), [err("UNBLOCKED the stream key no longer exists")]);
  assert(b.blocked, "a plain XREAD keeps waiting for the key to come back");
  t.exec(w, "XADD", "s", "5-0", "f", "v");
  assertEquals(t.feed(b, ""), [[["s", [["5-0", ["f", "v"]]]]]]);
});

Deno.test("streams: consumer-group bookkeeping (lag, entries-read, claims, deleted entries)", () => {
  const t = testServer();
  const c = t.client();
  for (let i = 1; i <= 5; i++) t.exec(c, "XADD", "s", `${i}-0`, "n", i);
  t.exec(c, "XGROUP", "CREATE", "s", "g", "0");
  const groupInfo = () => {
    const g = (t.exec(c, "XINFO", "GROUPS", "s") as unknown[][])[0];
    return { read: g[g.indexOf("entries-read") + 1], lag: g[g.indexOf("lag") + 1] };
  };
  assertEquals(groupInfo(), { read: null, lag: 5 });
  t.exec(c, "XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", "s", ">");
  assertEquals(groupInfo(), { read: 2, lag: 3 });
  t.exec(c, "XDEL", "s", "4-0");
  // A tombstone after the group's position: the lag cannot be known.
  assertEquals(groupInfo(), { read: 2, lag: null });
  t.exec(c, "XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
  assertEquals(groupInfo(), { read: 5, lag: 0 });
  // XAUTOCLAIM reports the deleted pending entry and moves the rest to bob.
  t.exec(c, "XDEL", "s", "2-0");
  assertEquals(t.exec(c, "XAUTOCLAIM", "s", "g", "bob", 0, "0", "COUNT", 10, "JUSTID"), [
    "0-0",
    ["1-0", "3-0", "5-0"],
    ["2-0"],
  ]);
  assertEquals(t.exec(c, "XCLAIM", "s", "g", "carol", 0, "3-0", "RETRYCOUNT", 7, "JUSTID"), [
    "3-0",
  ]);
  const [[pid, owner, , count]] = t.exec(
    c,
    "XPENDING",
    "s",
    "g",
    "-",
    "+",
    10,
    "carol",
  ) as unknown[][];
  assertEquals([pid, owner, count], ["3-0", "carol", 7]);
  assertEquals(t.exec(c, "XGROUP", "DELCONSUMER", "s", "g", "bob"), 2);
  assertEquals(t.exec(c, "XPENDING", "s", "g"), [1, "3-0", "3-0", [["carol", "1"]]]);
});

Deno.test("streams: IDs in range replies across the u64 range", () => {
  const t = testServer();
  const c = t.client();
  const ids = [
    "0-1",
    "4294967295-4294967296",
    "4294967296-0",
    "9007199254740993-9007199254740993",
    "18446744073709551615-18446744073709551615",
  ];
  for (const id of ids) assertEquals(t.exec(c, "XADD", "s", id, "f", id), id);
  const got = t.exec(c, "XRANGE", "s", "-", "+") as [string, string[]][];
  assertEquals(got.map((e) => e[0]), ids);
  assertEquals(got.map((e) => e[1][1]), ids);
  assertEquals(
    (t.exec(c, "XREVRANGE", "s", "+", "(4294967296-0") as [string][]).map((e) => e[0]),
    ["18446744073709551615-18446744073709551615", "9007199254740993-9007199254740993"],
  );
  assertEquals(
    (t.exec(c, "XRANGE", "s", "9007199254740992", "9007199254740993-9007199254740992") as [])
      .length,
    0,
  );
});

Deno.test("streams: CLIENT UNBLOCK and timeouts of blocked reads", async () => {
  const t = testServer();
  const [a, w] = [t.client(), t.client()];
  t.exec(w, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
  t.exec(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">");
  assertEquals(t.exec(w, "CLIENT", "UNBLOCK", a.id, "ERROR"), 1);
  assertEquals(t.feed(a, ""), [err("UNBLOCKED client unblocked via CLIENT UNBLOCK")]);
  t.exec(a, "XREAD", "BLOCK", 0, "STREAMS", "s", "$");
  assertEquals(t.exec(w, "CLIENT", "UNBLOCK", a.id, "TIMEOUT"), 1);
  await new Promise((r) => setTimeout(r, 5));
  assertEquals(t.feed(a, ""), [null]);
  // BLOCK n: a null reply once n ms have passed, not before.
  const t0 = Date.now();
  t.exec(a, "XREAD", "BLOCK", 60, "STREAMS", "s", "$");
  await new Promise((r) => setTimeout(r, 20));
  assert(a.blocked);
  await new Promise((r) => setTimeout(r, 80));
  assertEquals(t.feed(a, ""), [null]);
  assert(Date.now() - t0 >= 60);
  assertEquals(
    t.exec(w, "XREAD", "BLOCK", -1, "STREAMS", "s", "$"),
    err("ERR timeout is negative"),
  );
  assertEquals(
    t.exec(w, "XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"),
    err("ERR timeout is not an integer or out of range"),
  );
});
