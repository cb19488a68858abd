import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import type { Server } from "./server.ts";
import {
  alsoPropagate,
  holdPropagation,
  PROPAGATE_AOF,
  PROPAGATE_REPL,
  propagatePending,
  releasePropagation,
} from "./propagate.ts";
import { call } from "./dispatch.ts";
import type { CommandDef } from "../commands/types.ts";
import { activeExpireCycle } from "../store/expire.ts";

type Entry = [number, string[]];

function withSink(server: Server, target = PROPAGATE_AOF): Entry[] {
  const out: Entry[] = [];
  server.propagation.addSink((db, argv) => out.push([db, argv]), target);
  return out;
}

Deno.test("no sink: nothing is queued, commands still run", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SET", "a", "1", "EX", "100"), "OK");
  assertEquals(t.server.propagation.pendingArgv.length, 0);
  assertEquals(t.server.propagation.depth, 0);
  alsoPropagate(t.server, 0, ["SET", "x", "y"]);
  assertEquals(t.server.propagation.pendingArgv.length, 0);
});

Deno.test("a command is propagated only when it changed the dataset, rewritten when needed", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  t.exec(c, "SET", "a", "1");
  t.exec(c, "GET", "a");
  t.exec(c, "SET", "a", "2", "NX"); // not set
  t.exec(c, "INCRBYFLOAT", "f", "1.5");
  t.exec(c, "INCR", "a", "b"); // arity error
  t.exec(c, "SELECT", "3");
  t.exec(c, "EXPIRE", "nokey", "10");
  t.exec(c, "SET", "k", "v");
  const now = t.server.cmdTime;
  t.exec(c, "EXPIRE", "k", "100");
  assertEquals(out.slice(0, 3), [[0, ["SET", "a", "1"]], [0, ["SET", "f", "1.5", "KEEPTTL"]], [
    3,
    ["SET", "k", "v"],
  ]]);
  assertEquals(out[3][0], 3);
  assertEquals(out[3][1].slice(0, 2), ["PEXPIREAT", "k"]);
  const when = Number(out[3][1][2]);
  assert(Math.abs(when - (now + 100_000)) < 1000, `${when} vs ${now}`);
  assertEquals(out.length, 4);
});

Deno.test("MULTI/EXEC: one write alone, several wrapped; MULTI carries the first db, EXEC the last", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  t.exec(c, "MULTI");
  t.exec(c, "GET", "a");
  t.exec(c, "SET", "a", "1");
  t.exec(c, "EXEC");
  assertEquals(out, [[0, ["SET", "a", "1"]]]);
  out.length = 0;
  t.exec(c, "MULTI");
  t.exec(c, "SET", "a", "2");
  t.exec(c, "SELECT", "5");
  t.exec(c, "SET", "b", "1");
  t.exec(c, "EXEC");
  assertEquals(out, [[0, ["MULTI"]], [0, ["SET", "a", "2"]], [5, ["SET", "b", "1"]], [5, [
    "EXEC",
  ]]]);
  out.length = 0;
  t.exec(c, "MULTI");
  t.exec(c, "GET", "a");
  t.exec(c, "EXEC");
  assertEquals(out, []);
  assertEquals(t.server.propagation.depth, 0);
});

Deno.test("FLUSHALL/FLUSHDB propagate even on empty dbs; SWAPDB and MOVE in the client's db", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  t.exec(c, "FLUSHALL");
  t.exec(c, "SELECT", "2");
  t.exec(c, "FLUSHDB", "ASYNC");
  t.exec(c, "SET", "k", "v");
  t.exec(c, "MOVE", "k", "4");
  t.exec(c, "SWAPDB", "4", "6");
  assertEquals(out, [
    [0, ["FLUSHALL"]],
    [2, ["FLUSHDB", "ASYNC"]],
    [2, ["SET", "k", "v"]],
    [2, ["MOVE", "k", "4"]],
    [2, ["SWAPDB", "4", "6"]],
  ]);
});

Deno.test("lazy expiry: DEL before the command that found the key expired, wrapped with it", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  t.exec(c, "SET", "a", "1");
  t.exec(c, "SET", "b", "1");
  const db = t.server.dbs[0];
  db.setExpire("a", Date.now() - 10);
  db.setExpire("b", Date.now() - 10);
  out.length = 0;
  t.exec(c, "GET", "a");
  t.exec(c, "SET", "b", "2");
  assertEquals(out, [[0, ["DEL", "a"]], [0, ["MULTI"]], [0, ["DEL", "b"]], [0, ["SET", "b", "2"]], [
    0,
    ["EXEC"],
  ]]);
  out.length = 0;
  t.exec(c, "CONFIG", "SET", "lazyfree-lazy-expire", "yes");
  t.exec(c, "SET", "c", "1");
  db.setExpire("c", Date.now() - 10);
  t.exec(c, "EXISTS", "c");
  assertEquals(out, [[0, ["SET", "c", "1"]], [0, ["UNLINK", "c"]]]);
});

Deno.test("active expiry sends one DEL per key, never a transaction", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  for (const k of ["a", "b", "c"]) t.exec(c, "SET", k, "1", "PX", "1");
  out.length = 0;
  const db = t.server.dbs[0];
  for (const k of ["a", "b", "c"]) db.setExpire(k, Date.now() - 10);
  t.server.cmdTime = Date.now();
  activeExpireCycle(t.server, 100);
  assertEquals(out.map((e) => e[1][0]), ["DEL", "DEL", "DEL"]);
  assertEquals(out.map((e) => e[1][1]).sort(), ["a", "b", "c"]);
});

Deno.test("eviction sends DEL (UNLINK under lazyfree-lazy-eviction) per evicted key", () => {
  for (const lazy of ["no", "yes"]) {
    const t = testServer([
      "--maxmemory-policy",
      "allkeys-random",
      "--lazyfree-lazy-eviction",
      lazy,
    ]);
    const c = t.client();
    for (let i = 0; i < 5; i++) t.exec(c, "SET", `k${i}`, "v");
    const out = withSink(t.server);
    t.exec(c, "CONFIG", "SET", "maxmemory", "1");
    t.exec(c, "PING");
    const evicted = t.server.stats.evictedKeys;
    assertEquals(evicted, 5);
    assertEquals(out.length, 5, JSON.stringify(out));
    const verb = lazy === "yes" ? "UNLINK" : "DEL";
    assert(
      out.every(([db, a]) => db === 0 && a.length === 2 && a[0] === verb),
      JSON.stringify(out),
    );
  }
});

Deno.test("a blocked client served later propagates its plain form after the command that woke it", () => {
  const t = testServer();
  const out = withSink(t.server);
  const waiter = t.client();
  const c = t.client();
  t.exec(waiter, "SELECT", "1");
  t.exec(c, "SELECT", "1");
  assertEquals(t.exec(waiter, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"), undefined);
  assert(waiter.blocked);
  t.exec(c, "RPUSH", "src", "a", "b");
  assert(!waiter.blocked);
  assertEquals(out, [[1, ["RPUSH", "src", "a", "b"]], [1, [
    "LMOVE",
    "src",
    "dst",
    "right",
    "left",
  ]]]);
});

Deno.test("a handler that throws leaves the depth at 0 and flushes what it queued", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  const set = t.server.commands.lookup(["set"])!;
  const boom: CommandDef = {
    ...set,
    handler: (cc) => {
      cc.server.dirty++;
      alsoPropagate(cc.server, 0, ["DEL", "queued"]);
      throw new Error("boom");
    },
  };
  let threw = false;
  try {
    call(c, boom, ["SET", "x", "y"]);
  } catch {
    threw = true;
  }
  assert(threw);
  assertEquals(t.server.propagation.depth, 0);
  assertEquals(out, [[0, ["DEL", "queued"]]]);
  // A handler whose dirty count went down (SAVE resets it) propagates nothing.
  const save: CommandDef = { ...set, handler: (cc) => void (cc.server.dirty = 0) };
  t.server.dirty = 10;
  call(c, save, ["SAVE"]);
  assertEquals(out.length, 1);
});

Deno.test("holds keep one unit across calls; targets select sinks; removing the last sink clears", () => {
  const t = testServer();
  const aof = withSink(t.server, PROPAGATE_AOF);
  const repl = withSink(t.server, PROPAGATE_REPL);
  const c = t.client();
  holdPropagation(t.server);
  t.exec(c, "SET", "a", "1");
  alsoPropagate(t.server, 0, ["SET", "r", "1"], PROPAGATE_REPL);
  assertEquals(aof, []);
  releasePropagation(t.server);
  assertEquals(aof, [[0, ["MULTI"]], [0, ["SET", "a", "1"]], [0, ["EXEC"]]]);
  assertEquals(repl, [[0, ["MULTI"]], [0, ["SET", "a", "1"]], [0, ["SET", "r", "1"]], [0, [
    "EXEC",
  ]]]);
  // Not wrapped when asked (SCAN/RANDOMKEY's expired keys).
  aof.length = 0;
  holdPropagation(t.server);
  alsoPropagate(t.server, 0, ["DEL", "x"]);
  alsoPropagate(t.server, 0, ["DEL", "y"]);
  t.server.propagation.depth--;
  propagatePending(t.server, false);
  assertEquals(aof, [[0, ["DEL", "x"]], [0, ["DEL", "y"]]]);
  for (const s of [...t.server.propagation.sinks]) t.server.propagation.removeSink(s);
  assertEquals(t.server.propagation.pendingArgv.length, 0);
});

Deno.test("PUBLISH is forced to replica sinks only, FLUSHALL to both", () => {
  const t = testServer();
  const aof = withSink(t.server, PROPAGATE_AOF);
  const repl = withSink(t.server, PROPAGATE_REPL);
  const c = t.client();
  t.exec(c, "PUBLISH", "ch", "m");
  t.exec(c, "FLUSHALL");
  assertEquals(aof, [[0, ["FLUSHALL"]]]);
  assertEquals(repl, [[0, ["PUBLISH", "ch", "m"]], [0, ["FLUSHALL"]]]);
});

Deno.test("scripts: effects in one MULTI/EXEC, the script itself never; set_repl narrows", () => {
  const t = testServer();
  const out = withSink(t.server);
  const c = t.client();
  t.exec(
    c,
    "EVAL",
    "redis.call('set', KEYS[1], '1'); return redis.call('incr', KEYS[1])",
    "1",
    "a",
  );
  t.exec(c, "EVAL", "return redis.call('get', KEYS[1])", "1", "a");
  t.exec(
    c,
    "EVAL",
    "redis.set_repl(redis.REPL_REPLICA); redis.call('set', 'b', '1'); return 1",
    "0",
  );
  assertEquals(out, [[0, ["MULTI"]], [0, ["set", "a", "1"]], [0, ["incr", "a"]], [0, ["EXEC"]]]);
});
