import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";

const err = (m: string) => new RespError(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ABORT = err("EXECABORT Transaction discarded because of previous errors.");

Deno.test("MULTI/EXEC queues and runs in order, errors in place", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "s", "abc");
  assertEquals(t.exec(c, "MULTI"), "OK");
  assertEquals(t.exec(c, "SET", "x", "1"), "QUEUED");
  assertEquals(t.exec(c, "INCR", "s"), "QUEUED");
  assertEquals(t.exec(c, "INCR", "x"), "QUEUED");
  assertEquals(c.multiQueued, 3);
  assertEquals(t.exec(c, "EXEC"), ["OK", err("ERR value is not an integer or out of range"), 2]);
  assertEquals(c.multiQueued, -1);
  assertEquals(t.exec(c, "GET", "x"), "2");
});

Deno.test("MULTI errors: nested, EXEC/DISCARD without MULTI, WATCH inside MULTI", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "EXEC"), err("ERR EXEC without MULTI"));
  assertEquals(t.exec(c, "DISCARD"), err("ERR DISCARD without MULTI"));
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "MULTI"), err("ERR MULTI calls can not be nested"));
  assertEquals(t.exec(c, "WATCH", "x"), err("ERR WATCH inside MULTI is not allowed"));
  // Neither flags the transaction.
  assertEquals(t.exec(c, "PING"), "QUEUED");
  assertEquals(t.exec(c, "EXEC"), ["PONG"]);
});

Deno.test("queue-time rejections abort EXEC; DISCARD clears", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "SET", "a"), err("ERR wrong number of arguments for 'set' command"));
  assertEquals(t.exec(c, "SET", "a", "1"), "QUEUED");
  assertEquals(t.exec(c, "EXEC"), ABORT);
  assertEquals(t.exec(c, "GET", "a"), null);
  t.exec(c, "MULTI");
  assert(t.exec(c, "NOSUCH") instanceof RespError);
  assertEquals(t.exec(c, "EXEC"), ABORT);
  t.exec(c, "MULTI");
  t.exec(c, "SET", "a", "1");
  assertEquals(t.exec(c, "DISCARD"), "OK");
  assertEquals(t.exec(c, "EXEC"), err("ERR EXEC without MULTI"));
  assertEquals(t.exec(c, "GET", "a"), null);
});

Deno.test("a refused EXEC replies EXECABORT with the reason", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "MULTI");
  assertEquals(
    t.exec(c, "EXEC", "x"),
    err("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"),
  );
  assertEquals(c.multiQueued, -1);
  assertEquals(
    t.exec(c, "EXEC", "x"),
    err("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"),
  );
});

Deno.test("no_multi commands are refused inside MULTI", () => {
  const t = testServer();
  const c = t.client();
  const noMulti = t.server.commands.get("shutdown");
  if (!noMulti?.flags.includes("no_multi")) return;
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "SHUTDOWN"), err("ERR Command not allowed inside a transaction"));
  assertEquals(t.exec(c, "EXEC"), ABORT);
});

Deno.test("WATCH: touched key makes EXEC reply a null array, any db", () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  t.exec(c, "WATCH", "k");
  t.exec(o, "SET", "k", "v");
  assert(c.dirtyCas);
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), null);
  assert(!c.dirtyCas);
  // Untouched key: EXEC runs.
  t.exec(c, "WATCH", "k");
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), ["PONG"]);
  // The db a key was watched in is remembered.
  t.exec(c, "SELECT", "3");
  t.exec(c, "WATCH", "k");
  t.exec(c, "SELECT", "0");
  t.exec(o, "SET", "k", "w"); // db 0: not watched
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), ["PONG"]);
  t.exec(c, "WATCH", "k");
  t.exec(o, "SELECT", "0");
  t.exec(o, "MOVE", "k", "5");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "EXEC"), null);
});

Deno.test("WATCH: UNWATCH and DISCARD forget watched keys and the dirty flag", () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  t.exec(c, "WATCH", "a", "b");
  assertEquals(t.server.watchedKeys[0].size, 2);
  t.exec(c, "UNWATCH");
  assertEquals(t.server.watchedKeys[0].size, 0);
  t.exec(c, "WATCH", "a");
  t.exec(o, "SET", "a", "1");
  assertEquals(t.exec(c, "UNWATCH"), "OK");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "EXEC"), []);
  t.exec(c, "WATCH", "a");
  t.exec(c, "MULTI");
  t.exec(c, "DISCARD");
  assertEquals(t.server.watchedKeys[0].size, 0);
  t.exec(c, "WATCH", "a");
  t.exec(c, "RESET");
  assertEquals(t.server.watchedKeys[0].size, 0);
});

Deno.test("WATCH: FLUSHDB/FLUSHALL touch only existing keys; SWAPDB by existence", () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  t.exec(o, "SET", "x", "1");
  t.exec(c, "WATCH", "x");
  t.exec(o, "FLUSHALL");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "EXEC"), null);
  // A watched missing key is not touched by a flush.
  t.exec(c, "WATCH", "nokey");
  t.exec(o, "SET", "other", "1");
  t.exec(o, "FLUSHDB");
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), ["PONG"]);
  // SWAPDB: a missing watched key that appears.
  t.exec(o, "SELECT", "1");
  t.exec(o, "SET", "y", "1");
  t.exec(c, "WATCH", "y");
  t.exec(o, "SWAPDB", "0", "1");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "EXEC"), null);
  // SWAPDB of two dbs without the key: no change.
  t.exec(o, "FLUSHALL");
  t.exec(c, "WATCH", "y");
  t.exec(o, "SWAPDB", "0", "1");
  t.exec(c, "MULTI");
  assertEquals(t.exec(c, "EXEC"), []);
});

Deno.test("WATCH: a key that expires before EXEC fails it; already-expired keys do not", async () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  t.server.activeExpireEnabled = false;
  t.exec(o, "SET", "x", "1", "PX", "20");
  t.exec(c, "WATCH", "x");
  await sleep(40);
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), null);
  // Watched while already expired, then lazily deleted: no logical change.
  t.exec(o, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
  t.exec(o, "SET", "y", "1", "PX", "5");
  await sleep(20);
  t.exec(c, "WATCH", "y");
  assertEquals(t.exec(o, "EXISTS", "y"), 0); // deletes it
  t.exec(c, "MULTI");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "EXEC"), ["PONG"]);
});

Deno.test("EXEC: inExec set while running, stats per command, command time fixed", () => {
  const t = testServer();
  const c = t.client();
  const seen: boolean[] = [];
  const times: number[] = [];
  const echo = t.server.commands.get("echo")!;
  const orig = echo.handler!;
  echo.handler = (cl, argv) => {
    seen.push(t.server.inExec);
    times.push(t.server.cmdTime);
    orig(cl, argv);
  };
  t.exec(c, "MULTI");
  t.exec(c, "ECHO", "a");
  t.exec(c, "ECHO", "b");
  t.exec(c, "INCR", "nope", "x"); // arity: refused at queue time
  t.exec(c, "DISCARD");
  t.exec(c, "SET", "s", "x");
  t.exec(c, "MULTI");
  t.exec(c, "ECHO", "a");
  t.exec(c, "INCR", "s");
  t.exec(c, "ECHO", "b");
  t.exec(c, "EXEC");
  assertEquals(seen, [true, true]);
  assertEquals(times[0], times[1]);
  assert(!t.server.inExec);
  assertEquals(echo.stats!.calls, 2);
  const exec = t.server.commands.get("exec")!;
  assertEquals(exec.stats!.calls, 1);
  assertEquals(exec.stats!.failedCalls, 0);
  assertEquals(t.server.commands.get("incr")!.stats!.failedCalls, 1);
  assertEquals(t.server.commands.get("incr")!.stats!.rejectedCalls, 1);
  assertEquals(c.lastCmd, exec);
  echo.handler = orig;
});

Deno.test("CLIENT LIST: multi=, multi-mem=, flags x and d", () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  const info = () => t.exec(o, "CLIENT", "LIST", "ID", String(c.id)) as string;
  t.exec(c, "MULTI");
  t.exec(c, "SET", "foo", "barbaz");
  assert(/ flags=x /.test(info()));
  assert(/ multi=1 /.test(info()));
  assert(/ multi-mem=36 /.test(info()));
  t.exec(c, "DISCARD");
  assert(/ flags=N .* multi=-1 .* multi-mem=0 /.test(info()));
  t.exec(c, "WATCH", "k");
  t.exec(o, "SET", "k", "1");
  assert(/ flags=d /.test(info()));
});

Deno.test("MULTI: queued commands do not run until EXEC (pipelined bytes)", () => {
  const t = testServer();
  const c = t.client();
  const r = t.feed(c, "MULTI\r\nSET a 1\r\nGET a\r\nEXEC\r\nGET a\r\n");
  assertEquals(r, ["OK", "QUEUED", "QUEUED", ["OK", "1"], "1"]);
});

Deno.test("CLIENT PAUSE WRITE postpones an EXEC with queued writes, not a read-only one", async () => {
  const t = testServer();
  const c = t.client();
  const admin = t.client();
  t.exec(c, "MULTI");
  t.exec(c, "GET", "a");
  t.exec(admin, "CLIENT", "PAUSE", "100000", "WRITE");
  assertEquals(t.exec(c, "EXEC"), [null]);
  t.exec(c, "MULTI");
  t.exec(admin, "CLIENT", "UNPAUSE");
  t.exec(c, "SET", "a", "1");
  t.exec(admin, "CLIENT", "PAUSE", "100000", "WRITE");
  assertEquals(t.exec(c, "EXEC"), undefined); // postponed
  assert(c.postponedArgv !== null);
  t.exec(admin, "CLIENT", "UNPAUSE");
  await Promise.resolve();
  await Promise.resolve();
  assertEquals(t.feed(c, ""), [["OK"]]);
  t.server.stopCron();
});

Deno.test("WATCH stale keys: SWAPDB and FLUSHDB follow existence, not staleness", async () => {
  const t = testServer();
  const c = t.client();
  const o = t.client();
  t.server.activeExpireEnabled = false;
  const runs = (): boolean => {
    t.exec(c, "MULTI");
    t.exec(c, "PING");
    return Array.isArray(t.exec(c, "EXEC"));
  };
  // A stale key watched, then FLUSHDB: no logical change.
  t.exec(o, "SET", "x", "1", "PX", "1");
  await sleep(5);
  t.exec(c, "WATCH", "x");
  t.exec(o, "FLUSHDB");
  assert(runs());
  // A stale key swapped with a missing one: no logical change.
  t.exec(o, "SET", "x", "1", "PX", "1");
  await sleep(5);
  t.exec(c, "WATCH", "x");
  t.exec(o, "SWAPDB", "0", "1");
  assert(runs());
  t.exec(o, "FLUSHALL");
  // A missing key replaced by a stale one: no logical change either.
  t.exec(o, "SELECT", "1");
  t.exec(o, "SET", "x", "1", "PX", "1");
  await sleep(5);
  t.exec(c, "WATCH", "x");
  t.exec(o, "SWAPDB", "0", "1");
  assert(runs());
  // A stale key replaced by another stale key.
  t.exec(o, "FLUSHALL");
  t.exec(o, "SELECT", "0");
  t.exec(o, "SET", "x", "1", "PX", "1");
  t.exec(o, "SELECT", "1");
  t.exec(o, "SET", "x", "2", "PX", "1");
  await sleep(5);
  t.exec(c, "WATCH", "x");
  t.exec(o, "SWAPDB", "0", "1");
  assert(runs());
  // A live key replaced by a stale one is a change.
  t.exec(o, "FLUSHALL");
  t.exec(o, "SELECT", "1");
  t.exec(o, "SET", "x", "1", "PX", "1");
  await sleep(5);
  t.exec(o, "SELECT", "0");
  t.exec(o, "SET", "x", "live");
  t.exec(c, "WATCH", "x");
  t.exec(o, "SWAPDB", "0", "1");
  assert(!runs());
});

Deno.test("RESET discards the transaction and unwatches; a closed client stops watching", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "WATCH", "k");
  t.exec(c, "MULTI");
  t.exec(c, "SET", "k", "1");
  assertEquals(t.exec(c, "RESET"), "RESET");
  assertEquals(c.multiQueued, -1);
  assertEquals(t.server.watchedKeys[0].size, 0);
  assertEquals(t.exec(c, "EXEC"), err("ERR EXEC without MULTI"));
  assertEquals(t.exec(c, "GET", "k"), null);
  t.exec(c, "WATCH", "a", "b");
  t.server.closeClient(c);
  assertEquals(t.server.watchedKeys[0].size, 0);
});
