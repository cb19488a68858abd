/**
 * End-to-end tests of transactions (MULTI/EXEC/DISCARD/WATCH/UNWATCH) through real clients
 * (node-redis 5, ioredis) and a raw RESP connection, against a started server.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

Deno.test("e2e node-redis: multi/exec, errors in place, watch", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    const other = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    other.on("error", () => {});
    await client.connect();
    await other.connect();
    try {
      const res: unknown = await client.multi().set("a", "1").incr("a").get("a").exec();
      assertEquals(res, ["OK", 2, "2"]);
      // A run-time error comes back in place; the other commands ran.
      await client.set("s", "abc");
      let failed: unknown;
      try {
        await client.multi().incr("s").set("b", "x").exec();
      } catch (e) {
        failed = e;
      }
      assert(failed !== undefined, "EXEC with a failing command");
      const replies = (failed as { replies: unknown[] }).replies;
      assertMatch(String(replies[0]), /value is not an integer/);
      assertEquals(replies[1], "OK");
      assertEquals(await client.get("b"), "x");
      // WATCH: untouched key.
      await client.watch("w");
      assertEquals(await client.multi().set("w", "1").exec() as unknown, ["OK"]);
      // WATCH: touched by another client -> the transaction is not run.
      await client.watch("w");
      await other.set("w", "2");
      let watchErr: unknown;
      try {
        await client.multi().set("w", "3").exec();
      } catch (e) {
        watchErr = e;
      }
      assert(watchErr !== undefined, "EXEC after a touched WATCH rejects");
      assertEquals(await client.get("w"), "2");
      // unwatch clears the dirty state.
      await client.watch("w");
      await other.del("w");
      await client.unwatch();
      assertEquals(await client.multi().get("w").exec() as unknown, [null]);
    } finally {
      await client.close();
      await other.close();
    }
  });
});

Deno.test("e2e ioredis: multi/exec, EXECABORT, watch null, pipelined", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const o = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    await o.connect();
    try {
      assertEquals(await r.multi().set("a", "1").get("a").exec(), [[null, "OK"], [null, "1"]]);
      await r.set("s", "abc");
      const res = await r.multi().incr("s").get("s").exec();
      assert(res !== null);
      assertMatch(String(res[0][0]), /value is not an integer/);
      assertEquals(res[1], [null, "abc"]);
      // A queue-time error aborts the whole transaction.
      let abort: unknown;
      try {
        await r.multi().set("x", "1").call("nosuchcommand").exec();
      } catch (e) {
        abort = e;
      }
      assertMatch(String((abort as Error)?.message), /EXECABORT/);
      assertEquals(await r.get("x"), null);
      // WATCH touched -> null.
      await r.watch("k");
      await o.set("k", "v");
      assertEquals(await r.multi().set("k", "mine").exec(), null);
      assertEquals(await r.get("k"), "v");
      // WATCH touched by FLUSHALL, SWAPDB, expiry.
      await r.watch("k");
      await o.flushall();
      assertEquals(await r.multi().ping().exec(), null);
      await o.select(1);
      await o.set("k", "1");
      await r.watch("k");
      await o.swapdb(0, 1);
      assertEquals(await r.multi().ping().exec(), null);
      await r.set("t", "1", "PX", 30);
      await r.watch("t");
      await new Promise((res) => setTimeout(res, 60));
      assertEquals(await r.multi().ping().exec(), null);
      // discard
      await r.multi().set("d", "1").discard();
      assertEquals(await r.get("d"), null);
      // Pipelined (no waiting for QUEUED).
      const p = await r.pipeline().call("MULTI").set("p", "1").incr("p").call("EXEC").get("p")
        .exec();
      assertEquals(p?.[p.length - 1], [null, "2"]);
    } finally {
      r.disconnect();
      o.disconnect();
    }
  });
});

Deno.test("e2e raw: texts, CLIENT LIST flags, RESET, close unwatches", async () => {
  await withServer(async (s) => {
    const c = await RespConn.connect(s.port);
    const o = await RespConn.connect(s.port);
    try {
      assertEquals(await c.send("EXEC"), new RespError("ERR EXEC without MULTI"));
      assertEquals(await c.send("DISCARD"), new RespError("ERR DISCARD without MULTI"));
      assertEquals(await c.send("MULTI"), "OK");
      assertEquals(await c.send("MULTI"), new RespError("ERR MULTI calls can not be nested"));
      assertEquals(
        await c.send("WATCH", "x"),
        new RespError("ERR WATCH inside MULTI is not allowed"),
      );
      assertEquals(await c.send("SET", "a", "1"), "QUEUED");
      assertMatch(await o.send("CLIENT", "LIST") as string, / flags=x .* multi=1 /);
      assertEquals(
        await c.send("SET", "a"),
        new RespError(
          "ERR wrong number of arguments for 'set' command",
        ),
      );
      assertEquals(
        await c.send("EXEC"),
        new RespError("EXECABORT Transaction discarded because of previous errors."),
      );
      assertEquals(await c.send("WATCH", "k"), "OK");
      await o.send("SET", "k", "1");
      assertMatch(await o.send("CLIENT", "LIST") as string, / flags=d /);
      assertEquals(await c.send("RESET"), "RESET");
      assertMatch(await o.send("CLIENT", "LIST") as string, /^(?!.* flags=d ).*$/s);
      // RESP3 null for an aborted (WATCH) EXEC.
      await c.send("HELLO", "3");
      await c.send("WATCH", "k");
      await o.send("SET", "k", "2");
      await c.send("MULTI");
      assertEquals(await c.send("EXEC"), null);
      // A closed client stops watching.
      await c.send("WATCH", "k", "z");
      c.close();
      await new Promise((r) => setTimeout(r, 50));
      assertEquals(await o.send("SET", "k", "3"), "OK");
    } finally {
      c.close();
      o.close();
    }
  });
});
