/**
 * End-to-end tests of the keyspace family (SCAN, expiry, RENAME/COPY/MOVE, SWAPDB, FLUSH*, OBJECT)
 * through real clients (node-redis 5, ioredis) against a started server.
 */
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { type RunningServer, startServer } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

async function nodeRedis(port: number) {
  const c = createClient({ socket: { host: "127.0.0.1", port } });
  c.on("error", () => {});
  await c.connect();
  return c;
}

Deno.test("e2e node-redis: scanIterator under concurrent writes returns every stable key", async () => {
  await withServer(async (s) => {
    const reader = await nodeRedis(s.port);
    const writer = await nodeRedis(s.port);
    try {
      const stable = 3000;
      const batch = [];
      for (let i = 0; i < stable; i++) batch.push(`stable:${i}`, "v");
      for (let i = 0; i < 2000; i++) batch.push(`churn:${i}`, "v");
      await reader.mSet(batch);
      let running = true;
      let n = 0;
      // Writer: keeps adding new keys and deleting old churn keys while the scan runs.
      const writes = (async () => {
        while (running) {
          await writer.set(`new:${n}`, "v");
          await writer.del(`churn:${n % 2000}`);
          if (n % 3 === 0) await writer.del(`new:${n - 1}`);
          n++;
        }
      })();
      const seen = new Set<string>();
      let calls = 0;
      for await (const keys of reader.scanIterator({ COUNT: 50 })) {
        for (const k of keys) seen.add(k);
        calls++;
      }
      running = false;
      await writes;
      for (let i = 0; i < stable; i++) assert(seen.has(`stable:${i}`), `missing stable:${i}`);
      assert(calls > 10 && n > 0, `calls ${calls} writes ${n}`);
      // MATCH and TYPE through the iterator.
      const matched: string[] = [];
      for await (const keys of reader.scanIterator({ MATCH: "stable:1??", COUNT: 100 })) {
        matched.push(...keys);
      }
      assertEquals(new Set(matched).size, 100);
      let lists = 0;
      for await (const keys of reader.scanIterator({ TYPE: "list" })) lists += keys.length;
      assertEquals(lists, 0);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

Deno.test("e2e node-redis: expiry, TTL family, RENAME/COPY/MOVE keep TTLs", async () => {
  await withServer(async (s) => {
    const c = await nodeRedis(s.port);
    try {
      await c.set("k", "v");
      assertEquals(await c.ttl("k"), -1);
      assertEquals(await c.expire("k", 100), 1);
      assertEquals(await c.expire("k", 50, "GT"), 0);
      assertEquals(await c.expire("k", 50, "LT"), 1);
      assertEquals(await c.ttl("k"), 50);
      const at = await c.pExpireTime("k");
      assert(at > Date.now() + 45000, `pexpiretime ${at}`);
      assertEquals(await c.expireTime("k"), Math.floor((at + 500) / 1000));
      assertEquals(await c.rename("k", "k2"), "OK");
      assertEquals(await c.ttl("k2"), 50);
      assertEquals(await c.copy("k2", "k3"), 1);
      assertEquals(await c.ttl("k3"), 50);
      assertEquals(await c.copy("k2", "k3", { DB: 2, REPLACE: true }), 1);
      assertEquals(await c.move("k3", 3), 1);
      assertEquals(await c.persist("k2"), 1);
      assertEquals(await c.ttl("k2"), -1);
      assertEquals(await c.ttl("nokey"), -2);
      // A key is invisible once its time has passed, whatever the command.
      await c.set("short", "v", { expiration: { type: "PX", value: 50 } });
      assertEquals(await c.exists("short"), 1);
      await sleep(120);
      assertEquals(await c.get("short"), null);
      assertEquals(await c.exists("short"), 0);
      assertEquals(await c.type("short"), "none");
      assertEquals(await c.pTTL("short"), -2);
      // Expire in the past deletes.
      await c.set("gone", "v");
      assertEquals(await c.expireAt("gone", 1), 1);
      assertEquals(await c.exists("gone"), 0);
      await assertRejects(
        () => c.sendCommand(["EXPIRE", "k2", "10", "NX", "XX"]),
        /ERR NX and XX, GT or LT options at the same time are not compatible/,
      );
      await assertRejects(() => c.rename("nokey", "x"), /ERR no such key/);
    } finally {
      await c.close();
    }
  });
});

/** The promise rejects with an error whose message matches. */
async function assertRejects(fn: () => Promise<unknown>, re: RegExp) {
  try {
    await fn();
  } catch (e) {
    assertMatch((e as Error).message, re);
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

Deno.test("e2e ioredis: active expiry removes keys nobody reads", async () => {
  await withServer(async (s) => {
    const c = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await c.connect();
    try {
      const p = c.pipeline();
      for (let i = 0; i < 200; i++) p.set(`e:${i}`, "v", "PX", 100);
      for (let i = 0; i < 10; i++) p.set(`keep:${i}`, "v", "EX", 100);
      await p.exec();
      assertEquals(await c.dbsize(), 210);
      let size = 210;
      for (let i = 0; i < 40 && size > 10; i++) {
        await sleep(100);
        size = await c.dbsize(); // DBSIZE counts keys present, expired or not: only the cycle can drop them
      }
      assertEquals(size, 10);
      assertEquals((await c.keys("*")).length, 10);
    } finally {
      c.disconnect();
    }
  });
});

Deno.test("e2e ioredis: binary keys, scanStream, SWAPDB, FLUSHALL, OBJECT", async () => {
  await withServer(async (s) => {
    const c = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await c.connect();
    try {
      const key = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) key[i] = 255 - i;
      await c.set(key, key);
      assertEquals(Buffer.compare((await c.getBuffer(key))!, key), 0);
      const found = await c.keysBuffer("*");
      assertEquals(found.length, 1);
      assertEquals(Buffer.compare(found[0], key), 0);
      assertEquals(await c.exists(key), 1);
      for (let i = 0; i < 300; i++) await c.set(`s:${i}`, String(i));
      const streamed = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const st = c.scanStream({ match: "s:*", count: 25 });
        st.on("data", (keys: string[]) => keys.forEach((k) => streamed.add(k)));
        st.on("end", resolve);
        st.on("error", reject);
      });
      assertEquals(streamed.size, 300);
      assertEquals(await c.object("ENCODING", "s:5"), "int");
      assertEquals(await c.object("ENCODING", "nokey"), null);
      assertEquals(await c.call("OBJECT", "REFCOUNT", "s:5"), 2147483647);
      await c.set("long", "x".repeat(100));
      assertEquals(await c.object("ENCODING", "long"), "raw");
      assertEquals(await c.swapdb(0, 1), "OK");
      assertEquals(await c.dbsize(), 0);
      await c.select(1);
      assertEquals(await c.dbsize(), 302);
      assertEquals(await c.flushall("ASYNC"), "OK");
      assertEquals(await c.dbsize(), 0);
      assertEquals(await c.randomkey(), null);
    } finally {
      c.disconnect();
    }
  });
});
