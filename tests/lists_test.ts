/**
 * End-to-end tests of the list family and blocking commands through real clients (node-redis 5,
 * ioredis) and raw RESP connections, against a started server.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("e2e node-redis: list commands and a BLPOP served by another client", async () => {
  await withServer(async (s) => {
    const opts = { socket: { host: "127.0.0.1", port: s.port } };
    const a = createClient(opts);
    const b = createClient(opts);
    await a.connect();
    await b.connect();
    try {
      assertEquals(await a.rPush("l", ["x", "y", "z"]), 3);
      assertEquals(await a.lRange("l", 0, -1), ["x", "y", "z"]);
      assertEquals(await a.lPos("l", "z"), 2);
      assertEquals(await a.lMove("l", "m", "LEFT", "RIGHT"), "x");
      assertEquals(
        JSON.stringify(await a.lmPop(["none", "l"], "RIGHT", { COUNT: 5 })),
        JSON.stringify(["l", ["z", "y"]]),
      );
      const waiting = b.blPop("q", 0);
      await sleep(50);
      assertEquals(await a.lPush("q", "hello"), 1);
      assertEquals(await waiting, { key: "q", element: "hello" });
      assertEquals(await a.exists("q"), 0);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});

Deno.test("e2e ioredis: FIFO order of blocked clients, timeouts, BLMOVE", async () => {
  await withServer(async (s) => {
    const w = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const c1 = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const c2 = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await Promise.all([w.connect(), c1.connect(), c2.connect()]);
    try {
      const p1 = c1.brpop("k", 0);
      await sleep(30);
      const p2 = c2.brpop("k", 0);
      await sleep(30);
      const info = await w.info("clients");
      assert(info.includes("blocked_clients:2"), info);
      await w.rpush("k", "first", "second");
      assertEquals(await p1, ["k", "second"]);
      assertEquals(await p2, ["k", "first"]);

      // Timeout precision: 0.2 s, replied as a null array.
      const t0 = performance.now();
      assertEquals(await c1.blpop("nothing", 0.2), null);
      const took = performance.now() - t0;
      assert(took >= 195 && took < 600, `took ${took} ms`);

      const pm = c2.blmove("src", "dst", "LEFT", "RIGHT", 0);
      await sleep(30);
      await w.rpush("src", "v");
      assertEquals(await pm, "v");
      assertEquals(await w.lrange("dst", 0, -1), ["v"]);
    } finally {
      w.disconnect();
      c1.disconnect();
      c2.disconnect();
    }
  });
});

Deno.test("e2e raw: disconnect while blocked, pipelining after BLPOP, CLIENT UNBLOCK", async () => {
  await withServer(async (s) => {
    const w = await RespConn.connect(s.port);
    const gone = await RespConn.connect(s.port);
    await gone.write("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n");
    await sleep(30);
    gone.close();
    await sleep(50);
    assert(String(await w.send("INFO", "clients")).includes("blocked_clients:0"));
    // The push is not consumed by the vanished client.
    assertEquals(await w.send("RPUSH", "k", "v"), 1);
    assertEquals(await w.send("LLEN", "k"), 1);

    // A blocked client's pipelined commands run after it is served.
    const p = await RespConn.connect(s.port);
    await p.write(
      "*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nq\r\n",
    );
    await sleep(30);
    assertEquals(await w.send("RPUSH", "q", "a", "b"), 2);
    assertEquals(await p.read(), ["q", "a"]);
    assertEquals(await p.read(), "PONG");
    assertEquals(await p.read(), 1);

    const id = await p.send("CLIENT", "ID");
    await p.write("*3\r\n$5\r\nBLPOP\r\n$4\r\nnone\r\n$1\r\n0\r\n");
    await sleep(30);
    assertEquals(await w.send("CLIENT", "UNBLOCK", String(id), "TIMEOUT"), 1, `id ${id}`);
    assertEquals(await p.read(), null);
    w.close();
    p.close();
  });
});
