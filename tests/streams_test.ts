/**
 * End-to-end tests of the stream family through real clients (node-redis 5, ioredis) against a
 * started server: typed helpers, blocking reads woken by another connection, and a consumer-group
 * worker loop in which a consumer dies and another claims its pending entries.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** node-redis builds null-prototype objects: compare as plain JSON. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** The promise must reject with an error whose message contains `text`. */
async function rejectsWith(fn: () => Promise<unknown>, text: string): Promise<void> {
  let err: unknown = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error, `expected an error containing ${text}`);
  assert(err.message.includes(text), `"${err.message}" does not contain "${text}"`);
}

Deno.test("e2e node-redis: stream commands and replies", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.xAdd("s", "1-1", { a: "1", b: "2" }), "1-1");
      assertEquals(await client.xAdd("s", "1-*", { a: "3" }), "1-2");
      assertEquals(await client.xAdd("s", "5", { c: "4" }), "5-0");
      const auto = await client.xAdd("s", "*", { d: "5" });
      assertMatch(auto, /^\d{13}-0$/);
      assertEquals(await client.xLen("s"), 4);
      assertEquals(plain(await client.xRange("s", "-", "+", { COUNT: 2 })), [
        { id: "1-1", message: { a: "1", b: "2" } },
        { id: "1-2", message: { a: "3" } },
      ]);
      assertEquals((await client.xRevRange("s", "+", "(1-2")).map((m) => m.id), [auto, "5-0"]);
      await rejectsWith(
        () => client.xAdd("s", "3-0", { x: "y" }),
        "ERR The ID specified in XADD is equal or smaller than the target stream top item",
      );
      // The largest ID, then nothing more can be added.
      assertEquals(
        await client.xAdd("big", "18446744073709551615-18446744073709551614", { f: "v" }),
        "18446744073709551615-18446744073709551614",
      );
      assertEquals(
        await client.xAdd("big", "*", { f: "v" }),
        "18446744073709551615-18446744073709551615",
      );
      await rejectsWith(() => client.xAdd("big", "*", { f: "v" }), "exhausted");
      assertEquals(await client.xDel("s", ["1-2", "9-9"]), 1);
      assertEquals(await client.xTrim("s", "MAXLEN", 2), 1);
      assertEquals(await client.type("s"), "stream");
      assertEquals(await client.objectEncoding("s"), "stream");
      const info = await client.sendCommand(["XINFO", "STREAM", "s"]) as unknown[];
      assertEquals(info.slice(0, 2), ["length", 2]);
      assertEquals(info[info.indexOf("max-deleted-entry-id") + 1], "1-2");
      assertEquals(info[info.indexOf("entries-added") + 1], 4);
      assert((await client.memoryUsage("s"))! > 0);
      // COPY keeps groups and PELs independent.
      await client.xGroupCreate("s", "g", "0");
      await client.xReadGroup("g", "c", { key: "s", id: ">" });
      assertEquals(await client.copy("s", "s2"), 1);
      assertEquals(await client.xAck("s", "g", "5-0"), 1);
      assertEquals((await client.xPending("s2", "g")).pending, 2);
      assertEquals((await client.xPending("s", "g")).pending, 1);
      await rejectsWith(() => client.sort("s"), "WRONGTYPE");
    } finally {
      await client.close();
    }
  });
});

Deno.test("e2e node-redis: blocking XREAD and XREADGROUP woken by other clients", async () => {
  await withServer(async (s) => {
    const opts = { socket: { host: "127.0.0.1", port: s.port } };
    const a = createClient(opts), b = createClient(opts);
    a.on("error", () => {});
    b.on("error", () => {});
    await a.connect();
    await b.connect();
    try {
      await a.xAdd("q", "1-0", { old: "x" });
      // `$` is resolved when the command blocks: only the new entry comes back.
      const pending = b.xRead({ key: "q", id: "$" }, { BLOCK: 0 });
      await sleep(100);
      await a.xAdd("q", "2-0", { new: "y" });
      assertEquals(plain(await pending), [{
        name: "q",
        messages: [{ id: "2-0", message: { new: "y" } }],
      }]);
      // Timeout: a null reply after about BLOCK ms.
      const t0 = Date.now();
      assertEquals(await b.xRead({ key: "q", id: "$" }, { BLOCK: 150 }), null);
      assert(Date.now() - t0 >= 140, "waited for the timeout");
      // A blocked XREADGROUP is woken with -NOGROUP when its group is destroyed.
      await a.xGroupCreate("q", "g", "$");
      const grp = b.xReadGroup("g", "c", { key: "q", id: ">" }, { BLOCK: 0 }).catch((e) => e);
      await sleep(100);
      assertEquals(await a.xGroupDestroy("q", "g"), 1);
      assertMatch(String((await grp).message), /^NOGROUP the consumer group this client was/);
      // ... and with -UNBLOCKED when its key is deleted.
      await a.xGroupCreate("q", "g", "$");
      const grp2 = b.xReadGroup("g", "c", { key: "q", id: ">" }, { BLOCK: 0 }).catch((e) => e);
      await sleep(100);
      await a.del("q");
      assertEquals(String((await grp2).message), "UNBLOCKED the stream key no longer exists");
    } finally {
      await a.close();
      await b.close();
    }
  });
});

Deno.test("e2e ioredis: consumer-group worker loop, a dead consumer's entries are claimed", async () => {
  await withServer(async (s) => {
    const admin = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const workerA = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const workerB = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await admin.connect();
    await workerA.connect();
    await workerB.connect();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push((await admin.xadd("jobs", "*", "n", String(i)))!);
      assertEquals(await admin.xgroup("CREATE", "jobs", "workers", "0"), "OK");
      const done = new Map<string, string>();

      // Worker A takes 10 jobs, finishes 5 of them, then dies without acknowledging the rest.
      const gotA = await workerA.xreadgroup(
        "GROUP",
        "workers",
        "A",
        "COUNT",
        10,
        "STREAMS",
        "jobs",
        ">",
      ) as [string, [string, string[]][]][];
      const entriesA = gotA[0][1];
      assertEquals(entriesA.length, 10);
      for (const [id, f] of entriesA.slice(0, 5)) {
        done.set(id, f[1]);
        assertEquals(await workerA.xack("jobs", "workers", id), 1);
      }
      workerA.disconnect();
      // One of A's unfinished jobs is deleted meanwhile: XAUTOCLAIM reports it.
      const gone = entriesA[7][0];
      assertEquals(await admin.xdel("jobs", gone), 1);

      // Worker B drains the new entries.
      for (;;) {
        const r = await workerB.xreadgroup(
          "GROUP",
          "workers",
          "B",
          "COUNT",
          4,
          "STREAMS",
          "jobs",
          ">",
        ) as [string, [string, string[]][]][] | null;
        if (r === null) break;
        for (const [id, f] of r[0][1]) {
          assert(!done.has(id));
          done.set(id, f[1]);
          await workerB.xack("jobs", "workers", id);
        }
      }
      assertEquals(done.size, 25);

      // A's pending entries are idle: B claims the first with XCLAIM, the rest with XAUTOCLAIM.
      await sleep(60);
      const summary = await admin.xpending("jobs", "workers") as [number, string, string, unknown];
      assertEquals(summary[0], 5);
      assertEquals(summary[3], [["A", "5"]]);
      const first = entriesA[5][0];
      const claimed = await workerB.xclaim("jobs", "workers", "B", 50, first) as [
        string,
        string[],
      ][];
      assertEquals(claimed.map((e) => e[0]), [first]);
      const ext = await admin.xpending("jobs", "workers", "-", "+", 10, "B") as unknown[][];
      assertEquals(ext.map((e) => [e[0], e[1], e[3]]), [[first, "B", 2]]);
      done.set(first, claimed[0][1][1]);
      await workerB.xack("jobs", "workers", first);

      let cursor = "0-0";
      const deleted: string[] = [];
      do {
        const [next, msgs, del] = await workerB.xautoclaim(
          "jobs",
          "workers",
          "B",
          50,
          cursor,
          "COUNT",
          2,
        ) as [string, [string, string[]][], string[]];
        deleted.push(...del);
        for (const [id, f] of msgs) {
          assert(!done.has(id));
          done.set(id, f[1]);
          assertEquals(await workerB.xack("jobs", "workers", id), 1);
        }
        cursor = next;
      } while (cursor !== "0-0");
      assertEquals(deleted, [gone]);
      assertEquals(done.size, 29);
      assertEquals(
        [...done.values()].map(Number).sort((x, y) => x - y),
        [...Array(30).keys()].filter((i) => i !== 7),
      );
      assertEquals((await admin.xpending("jobs", "workers"))[0], 0);
      const groups = await admin.xinfo("GROUPS", "jobs") as unknown[][];
      const g = groups[0];
      assertEquals(g[g.indexOf("entries-read") + 1], 30);
      assertEquals(g[g.indexOf("lag") + 1], 0);
      const consumers = await admin.xinfo("CONSUMERS", "jobs", "workers") as unknown[][];
      assertEquals(consumers.map((c) => [c[1], c[3]]), [["A", 0], ["B", 0]]);
    } finally {
      admin.disconnect();
      workerA.disconnect();
      workerB.disconnect();
    }
  });
});

Deno.test("e2e ioredis: XREAD inside MULTI does not block; RESP2 shapes of XINFO HELP and errors", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      const res = await r.multi().xread("BLOCK", 0, "STREAMS", "nothing", "$").exec();
      assertEquals(res, [[null, null]]);
      const help = await r.xinfo("HELP") as string[];
      assertEquals(help[0], "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      await rejectsWith(
        () => r.xreadgroup("GROUP", "g", "c", "STREAMS", "nokey", ">"),
        "NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option",
      );
      await rejectsWith(() => r.xadd("s", "abc", "f", "v"), "Invalid stream ID");
      await r.set("str", "x");
      await rejectsWith(() => r.xadd("str", "*", "f", "v"), "WRONGTYPE");
    } finally {
      r.disconnect();
    }
  });
});
