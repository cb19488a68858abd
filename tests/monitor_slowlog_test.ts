/**
 * End-to-end tests of MONITOR, SLOWLOG, LATENCY and multi-directive CONFIG SET through real clients
 * (node-redis 5, ioredis) and raw RESP.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { freePort, RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

async function withServer(
  args: string[],
  fn: (s: RunningServer) => Promise<void>,
): Promise<void> {
  const s = await startServer(args);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** Wait until `cond()` holds (or fail after `ms`). */
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("e2e: MONITOR through raw RESP: exact line format, redaction, MULTI/EXEC, RESET", async () => {
  await withServer([], async (s) => {
    const mon = await RespConn.connect(s.port);
    const c = await RespConn.connect(s.port);
    try {
      assertEquals(await mon.send("MONITOR"), "OK");
      await c.send("SET", 'k\x01"', "v\n");
      await c.send("MULTI");
      await c.send("INCR", "n");
      await c.send("EXEC");
      await c.send("AUTH", "secret");
      await c.send("CONFIG", "SET", "hz", "10"); // admin: never shown
      await c.send("PING");
      const lines: string[] = [];
      for (let i = 0; i < 6; i++) lines.push(await mon.read() as string);
      const re = /^(\d+)\.(\d{6}) \[0 127\.0\.0\.1:(\d+)\] (.*)$/;
      for (const l of lines) assertMatch(l, re);
      const sec = Number(re.exec(lines[0])![1]);
      assert(Math.abs(sec - Date.now() / 1000) < 10);
      assertEquals(lines.map((l) => re.exec(l)![4]), [
        '"SET" "k\\x01\\"" "v\\n"',
        '"MULTI"',
        '"INCR" "n"',
        '"EXEC"',
        '"AUTH" "(redacted)"',
        '"PING"',
      ]);
      const list = await c.send("CLIENT", "LIST") as string;
      assertMatch(list, /flags=O /);
      assertEquals(await mon.send("RESET"), "RESET");
      await c.send("PING");
      assertEquals(await mon.send("PING"), "PONG"); // no monitor line before it
      assert(!(await c.send("CLIENT", "LIST") as string).includes("flags=O"));
    } finally {
      mon.close();
      c.close();
    }
  });
});

Deno.test("e2e: MONITOR with ioredis and node-redis", async () => {
  await withServer([], async (s) => {
    const io = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    await io.connect();
    const monitor = await io.monitor();
    const seen: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => seen.push(args));
    const nr = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    nr.on("error", () => {});
    await nr.connect();
    const nrMon = nr.duplicate();
    nrMon.on("error", () => {});
    await nrMon.connect();
    const nrSeen: string[] = [];
    await nrMon.monitor((reply) => nrSeen.push(String(reply)));
    const writer = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    await writer.connect();
    try {
      await writer.set("greeting", "hello world");
      await writer.get("greeting");
      await until(() => seen.length >= 2 && nrSeen.length >= 2);
      assertEquals(seen.slice(-2), [["set", "greeting", "hello world"], ["get", "greeting"]]);
      assertMatch(nrSeen.at(-1)!, /^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "get" "greeting"$/);
    } finally {
      monitor.disconnect();
      io.disconnect();
      writer.disconnect();
      await nrMon.destroy();
      await nr.destroy();
    }
  });
});

Deno.test("e2e: SLOWLOG with node-redis: entries, trimming, blocked commands, CONFIG SET", async () => {
  await withServer([], async (s) => {
    const c = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    c.on("error", () => {});
    await c.connect();
    const blocker = c.duplicate();
    blocker.on("error", () => {});
    await blocker.connect();
    try {
      assertEquals(
        await c.configSet({ "slowlog-log-slower-than": "0", "slowlog-max-len": "5" }),
        "OK",
      );
      assertEquals({ ...await c.configGet("slowlog-*") }, {
        "slowlog-log-slower-than": "0",
        "slowlog-max-len": "5",
      });
      await c.sendCommand(["SLOWLOG", "RESET"]);
      await c.clientSetName("tester");
      await c.set("big", "x".repeat(200));
      const pop = blocker.blPop("queue", 0);
      await new Promise((r) => setTimeout(r, 50)); // let BLPOP block first
      await c.lPush("queue", "item");
      assertEquals({ ...await pop }, { key: "queue", element: "item" });
      const log = await c.sendCommand(["SLOWLOG", "GET", "-1"]) as unknown[][];
      const args = log.map((e) => e[3] as string[]);
      // The blocked BLPOP is logged when it is served, after the LPUSH that served it.
      assertEquals(args[0], ["BLPOP", "queue", "0"]);
      assertEquals(args[1], ["LPUSH", "queue", "item"]);
      assertEquals(args[2], ["SET", "big", "x".repeat(128) + "... (72 more bytes)"]);
      assertEquals(log[1][5], "tester");
      assertMatch(log[1][4] as string, /^127\.0\.0\.1:\d+$/);
      assertEquals(await c.sendCommand(["SLOWLOG", "LEN"]) as unknown, 5);
      const bad = await c.sendCommand(["SLOWLOG", "GET", "-5"]).catch((e) => e);
      assertEquals((bad as Error).message, "ERR count should be greater than or equal to -1");
    } finally {
      await blocker.destroy();
      await c.destroy();
    }
  });
});

Deno.test("e2e: LATENCY and CONFIG SET of several directives through raw RESP and ioredis", async () => {
  await withServer(["--enable-debug-command", "yes"], async (s) => {
    const c = await RespConn.connect(s.port);
    const io = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    await io.connect();
    try {
      // All or nothing: a bad value anywhere leaves every directive as it was.
      assertEquals(
        await c.send("CONFIG", "SET", "latency-monitor-threshold", "5", "slowlog-max-len", "-1"),
        new RespError(
          "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive",
        ),
      );
      assertEquals(await c.send("CONFIG", "GET", "latency-monitor-threshold"), [
        "latency-monitor-threshold",
        "0",
      ]);
      assertEquals(
        await c.send("CONFIG", "SET", "latency-monitor-threshold", "5", "hz", "10", "hz", "11"),
        new RespError(
          "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter",
        ),
      );
      assertEquals(
        await c.send("CONFIG", "SET", "latency-monitor-threshold", "5", "slowlog-max-len", "7"),
        "OK",
      );
      assertEquals(await io.config("GET", "slowlog-max-len"), ["slowlog-max-len", "7"]);
      await c.send("DEBUG", "SLEEP", "0.02");
      const latest = await io.call("LATENCY", "LATEST") as [string, number, number, number][];
      assertEquals(latest.length, 1);
      assertEquals(latest[0][0], "command");
      assert(latest[0][2] >= 20 && latest[0][3] >= 20);
      const graph = await io.call("LATENCY", "GRAPH", "command") as string;
      assertMatch(graph, /^command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
      const hist = await io.call("LATENCY", "HISTOGRAM", "debug") as unknown[];
      assertEquals(hist[0], "debug");
      assertEquals((hist[1] as unknown[]).slice(0, 3), ["calls", 1, "histogram_usec"]);
      assertEquals(await c.send("LATENCY", "RESET"), 1);
      assertEquals(await c.send("LATENCY", "LATEST"), []);
    } finally {
      c.close();
      io.disconnect();
    }
  });
});

Deno.test("e2e: CONFIG SET rolls every directive back when one fails to apply (port in use)", async () => {
  await withServer([], async (s) => {
    const busy = Deno.listen({ hostname: "127.0.0.1", port: freePort() });
    const c = await RespConn.connect(s.port);
    try {
      const port = (busy.addr as Deno.NetAddr).port;
      assertEquals(
        await c.send("CONFIG", "SET", "hz", "11", "port", port, "client-query-buffer-limit", "10m"),
        new RespError(
          "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
        ),
      );
      assertEquals(await c.send("CONFIG", "GET", "hz", "port", "client-query-buffer-limit"), [
        "hz",
        "10",
        "port",
        String(s.port),
        "client-query-buffer-limit",
        "1073741824",
      ]);
      const again = await RespConn.connect(s.port); // still listening on the old port
      assertEquals(await again.send("PING"), "PONG");
      again.close();
    } finally {
      c.close();
      busy.close();
    }
  });
});
