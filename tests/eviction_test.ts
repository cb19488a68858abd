/**
 * End-to-end tests of maxmemory (src/server/evict.ts) through ioredis, node-redis and a raw RESP
 * connection: each policy is filled past a limit a little above the server's own used_memory
 * (read from INFO first), then the survivors are checked. The behaviour follows the upstream
 * unit/maxmemory.tcl (which only runs against a server it starts itself) and unit/multi.tcl.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = "v".repeat(1000);
/** The limit sits this much above used_memory: about 180 keys of VALUE. */
const ROOM = 200 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, "m").exec(info);
  if (!m) throw new Error(`no ${name} in INFO`);
  return Number(m[1]);
}

async function used(r: Redis): Promise<number> {
  return field(await r.info("memory"), "used_memory");
}

async function evicted(r: Redis): Promise<number> {
  return field(await r.info("stats"), "evicted_keys");
}

/**
 * Empty the server, then set `policy` and a limit ROOM above what it uses now (measured with a
 * limit already set: without one, used_memory is the V8 heap, not the accounted figure).
 */
async function limitAbove(r: Redis, policy: string, room = ROOM): Promise<number> {
  await r.config("SET", "maxmemory", "1gb");
  await r.flushall();
  await r.config("RESETSTAT");
  await r.config("SET", "maxmemory-policy", policy);
  const limit = (await used(r)) + room;
  await r.config("SET", "maxmemory", String(limit));
  return limit;
}

/** SET until the first error (or n keys); returns how many writes succeeded and the error. */
async function fillUntilError(
  r: Redis,
  prefix: string,
  n: number,
  ttl = 0,
): Promise<{ ok: number; err: string | null }> {
  for (let i = 0; i < n; i++) {
    try {
      if (ttl > 0) await r.set(`${prefix}${i}`, VALUE, "EX", ttl);
      else await r.set(`${prefix}${i}`, VALUE);
    } catch (e) {
      return { ok: i, err: (e as Error).message };
    }
  }
  return { ok: n, err: null };
}

async function countExisting(r: Redis, keys: string[]): Promise<number> {
  let n = 0;
  for (const k of keys) n += await r.exists(k);
  return n;
}

Deno.test("e2e ioredis: maxmemory policies decide which keys survive", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      // noeviction: writes are refused with Redis's error, nothing is lost.
      await limitAbove(r, "noeviction");
      const fill = await fillUntilError(r, "k:", 1000);
      assertEquals(fill.err, OOM);
      assert(fill.ok > 50 && fill.ok < 400, `keys before OOM: ${fill.ok}`);
      assertEquals(await r.dbsize(), fill.ok);
      assertEquals(await evicted(r), 0);
      assertEquals(await r.get("k:0"), VALUE); // reads still work
      await assertRejects(() => r.set("more", "x"), OOM);
      assertEquals(await r.del("k:0"), 1); // DEL is not denyoom
      assertEquals(await r.dbsize(), fill.ok - 1);

      // volatile-* with no volatile key behave like noeviction.
      for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
        await limitAbove(r, policy);
        const f = await fillUntilError(r, "p:", 1000);
        assertEquals(f.err, OOM, policy);
        assertEquals(await r.dbsize(), f.ok, policy);
        assertEquals(await evicted(r), 0, policy);
      }

      // volatile-*: only keys with a TTL go; every persistent key survives (maxmemory.tcl).
      for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
        const limit = await limitAbove(r, policy);
        let numkeys = 0;
        for (;;) {
          if (numkeys % 2) await r.set(`key:${numkeys}`, VALUE, "EX", 10000);
          else await r.set(`key:${numkeys}`, VALUE);
          if ((await used(r)) + 4096 > limit) break;
          numkeys++;
        }
        assert(numkeys > 10, `${policy}: ${numkeys}`);
        for (let j = 0; j < numkeys; j++) {
          try {
            await r.set(`foo:${j}`, VALUE, "EX", 10000);
          } catch { /* OOM once only persistent keys are left */ }
        }
        assert((await used(r)) < limit + 4096, `${policy}: used_memory under the limit`);
        assert((await evicted(r)) > 0, `${policy}: evicted`);
        for (let j = 0; j < numkeys; j += 2) {
          assertEquals(await r.exists(`key:${j}`), 1, `${policy}: persistent key:${j}`);
        }
      }

      // allkeys-random and allkeys-lru keep used_memory under the limit and evict.
      for (const policy of ["allkeys-random", "allkeys-lru", "allkeys-lfu"]) {
        const limit = await limitAbove(r, policy);
        const f = await fillUntilError(r, "r:", 600);
        assertEquals(f.err, null, policy);
        assert((await used(r)) <= limit, `${policy}: used_memory ≤ maxmemory`);
        const n = await r.dbsize();
        assert(n < 600 && n > 50, `${policy}: ${n} keys`);
        assertEquals(await evicted(r), 600 - n, policy);
      }

      // volatile-ttl: the keys nearest to expiring go first. The pool is filled by sampling; with
      // 64 samples per fill (instead of 5) the order is close enough to exact for fixed bounds.
      await r.config("SET", "maxmemory-samples", "64");
      await limitAbove(r, "volatile-ttl");
      for (let i = 0; i < 150; i++) await r.set(`t:${i}`, VALUE, "EX", 1000 + i * 10);
      const more = await fillUntilError(r, "late:", 100, 100000);
      assertEquals(more.err, null);
      const low: string[] = [];
      const high: string[] = [];
      for (let i = 0; i < 50; i++) low.push(`t:${i}`);
      for (let i = 100; i < 150; i++) high.push(`t:${i}`);
      const lowLeft = await countExisting(r, low);
      const highLeft = await countExisting(r, high);
      assert(
        lowLeft < 10 && highLeft > 40,
        `shortest TTLs evicted: low ${lowLeft}, high ${highLeft}`,
      );
      assertEquals(await countExisting(r, ["late:99", "late:98"]), 2);
      await r.config("SET", "maxmemory-samples", "5");

      // CONFIG SET maxmemory below the usage evicts at once (allkeys-lru).
      await limitAbove(r, "allkeys-lru", 10 * 1024 * 1024);
      for (let i = 0; i < 300; i++) await r.set(`c:${i}`, VALUE);
      assertEquals(await r.dbsize(), 300);
      const lower = (await used(r)) - 100 * 1024;
      await r.config("SET", "maxmemory", String(lower));
      const left = await r.dbsize();
      assert(left < 300 && left > 100, `after lowering maxmemory: ${left}`);
      assert((await used(r)) <= lower);
      await r.config("SET", "maxmemory", "0");
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("e2e ioredis: allkeys-lru keeps a working set that is read continuously", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      await r.config("SET", "maxmemory-samples", "10");
      const limit = await limitAbove(r, "allkeys-lru");
      const hot: string[] = [];
      for (let i = 0; i < 20; i++) {
        hot.push(`hot:${i}`);
        await r.set(`hot:${i}`, VALUE);
      }
      // The LRU clock has a resolution of one second: each round reads the hot keys one second
      // after the previous round's cold keys were written.
      for (let round = 0; round < 4; round++) {
        await sleep(1050);
        for (const k of hot) assertEquals(await r.get(k), VALUE, `${k} round ${round}`);
        for (let i = 0; i < 80; i++) await r.set(`cold:${round}:${i}`, VALUE);
      }
      assert((await evicted(r)) > 50, "cold keys were evicted");
      assert((await used(r)) <= limit);
      assertEquals(await countExisting(r, hot), 20);
      // OBJECT IDLETIME of a hot key is recent; FREQ is refused without an LFU policy.
      assert((await r.object("IDLETIME", "hot:0") as number) <= 2);
      await assertRejects(
        () => r.object("FREQ", "hot:0"),
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
      );
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("e2e ioredis: allkeys-lfu keeps frequently accessed keys; OBJECT FREQ", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      const limit = await limitAbove(r, "allkeys-lfu");
      const hot: string[] = [];
      for (let i = 0; i < 20; i++) {
        hot.push(`hot:${i}`);
        await r.set(`hot:${i}`, VALUE);
        for (let j = 0; j < 5; j++) await r.get(`hot:${i}`);
      }
      for (let i = 0; i < 400; i++) await r.set(`cold:${i}`, VALUE);
      assert((await evicted(r)) > 200);
      assert((await used(r)) <= limit);
      assertEquals(await countExisting(r, hot), 20);
      assert((await r.object("FREQ", "hot:0") as number) > 5, "hot counter above LFU_INIT_VAL");
      // A surviving cold key was written once: its counter is still LFU_INIT_VAL. (Which cold keys
      // survive is up to the sampling: eviction keeps running before later commands.)
      let survivor = "";
      for (let i = 399; i >= 0 && survivor === ""; i--) {
        if (await r.exists(`cold:${i}`)) survivor = `cold:${i}`;
      }
      assert(survivor !== "", "some cold keys survive");
      assertEquals(await r.object("FREQ", survivor), 5);
      await assertRejects(
        () => r.object("IDLETIME", "hot:0"),
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
      );
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("e2e node-redis: OOM inside MULTI, MEMORY STATS and DOCTOR", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    const admin = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    admin.on("error", () => {});
    await client.connect();
    await admin.connect();
    const raw = await RespConn.connect(s.port);
    try {
      // A denyoom command queued under OOM flags the transaction (EXECABORT).
      await raw.send("SET", "x", "value");
      assertEquals(await raw.send("MULTI"), "OK");
      assertEquals(await raw.send("SET", "y", "1"), "QUEUED");
      await admin.configSet("maxmemory", "1");
      assertEquals(
        await raw.send("EXEC"),
        new RespError(`EXECABORT Transaction discarded because of: ${OOM}`),
      );
      assertEquals(await raw.send("MULTI"), "OK");
      assertEquals(await raw.send("GET", "x"), new RespError(OOM));
      assertEquals(
        await raw.send("EXEC"),
        new RespError("EXECABORT Transaction discarded because of previous errors."),
      );
      // EXEC of reads only is not refused; DISCARD never is.
      await admin.configSet("maxmemory", "0");
      await raw.send("MULTI");
      await raw.send("GET", "x");
      await admin.configSet("maxmemory", "1");
      assertEquals(await raw.send("EXEC"), ["value"]);
      await raw.send("MULTI");
      await raw.send("PING");
      assertEquals(await raw.send("DISCARD"), "OK");
      // node-redis sees the transaction fail.
      let failed: unknown = null;
      try {
        await client.multi().set("a", "1").exec();
      } catch (e) {
        failed = e;
      }
      assert(failed !== null, "MULTI/EXEC under OOM fails");
      assertMatch(String(failed), /OOM|EXECABORT/);
      await admin.configSet("maxmemory", "0");
      assertEquals(await client.exists("a"), 0);

      // MEMORY STATS, RESP2: flat array in Redis 7.0's field order, db.N nested.
      const stats = await client.sendCommand(["MEMORY", "STATS"]) as unknown[];
      const names = stats.filter((_, i) => i % 2 === 0);
      assertEquals(names, [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
        "db.0",
        "overhead.total",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
        "dataset.percentage",
        "peak.percentage",
        "allocator.allocated",
        "allocator.active",
        "allocator.resident",
        "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes",
        "allocator-rss.ratio",
        "allocator-rss.bytes",
        "rss-overhead.ratio",
        "rss-overhead.bytes",
        "fragmentation",
        "fragmentation.bytes",
      ]);
      const db0 = stats[names.indexOf("db.0") * 2 + 1] as unknown[];
      assertEquals(db0.filter((_, i) => i % 2 === 0), [
        "overhead.hashtable.main",
        "overhead.hashtable.expires",
        "overhead.hashtable.slot-to-keys",
      ]);
      assertEquals(stats[names.indexOf("keys.count") * 2 + 1], 1);
      assertEquals(typeof stats[names.indexOf("dataset.percentage") * 2 + 1], "string");
      // RESP3: a map; the percentages are doubles.
      assertEquals((await raw.send("HELLO", "3") as Map<unknown, unknown>).get("proto"), 3);
      const m = await raw.send("MEMORY", "STATS") as Map<unknown, unknown>;
      assert(m instanceof Map);
      assertEquals(m.size, 28);
      assert(m.get("db.0") instanceof Map);
      assertEquals(m.get("keys.count"), 1);
      const doctor = await client.sendCommand(["MEMORY", "DOCTOR"]) as string;
      assertMatch(doctor, /^(Hi Sam|Sam, I detected)/);
      assertEquals(
        String(await client.sendCommand(["MEMORY", "MALLOC-STATS"])),
        "Stats not supported for the current allocator",
      );
    } finally {
      raw.close();
      await client.quit();
      await admin.quit();
    }
  });
});

async function assertRejects(fn: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assertEquals((e as Error).message, message);
    return;
  }
  throw new Error(`expected an error: ${message}`);
}
