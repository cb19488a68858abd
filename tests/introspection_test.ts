/**
 * End-to-end tests of the introspection and administration commands (CLIENT, COMMAND, INFO, TIME,
 * DEBUG, SHUTDOWN) through real clients (node-redis 5, ioredis) and raw RESP.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer, waitForOutput } from "./helpers.ts";

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

async function nodeRedis(port: number) {
  const c = createClient({ socket: { host: "127.0.0.1", port } });
  c.on("error", () => {});
  await c.connect();
  return c;
}

type NodeRedis = Awaited<ReturnType<typeof nodeRedis>>;

/** A raw command through node-redis, reply untyped. */
async function send(c: NodeRedis, argv: string[]): Promise<unknown> {
  return await c.sendCommand(argv) as unknown;
}

function ioredis(port: number): Redis {
  return new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
}

/** CLIENT LIST text -> one record per client. */
function parseClientList(text: string): Record<string, string>[] {
  return text.split("\n").filter((l) => l !== "").map((l) =>
    Object.fromEntries(
      l.split(" ").map((kv) => {
        const i = kv.indexOf("=");
        return [kv.slice(0, i), kv.slice(i + 1)];
      }),
    )
  );
}

const CLIENT_FIELDS =
  "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp";

Deno.test("e2e: CLIENT LIST / INFO / SETNAME / KILL with node-redis and ioredis", async () => {
  await withServer([], async (s) => {
    const nr = await nodeRedis(s.port);
    const io = ioredis(s.port);
    await io.connect();
    try {
      await io.call("CLIENT", "SETNAME", "io-conn");
      await io.select(5);
      const list = parseClientList(String(await send(nr, ["CLIENT", "LIST"])));
      assertEquals(list.length, 2);
      for (const e of list) assertEquals(Object.keys(e).join(" "), CLIENT_FIELDS);
      const io1 = list.find((e) => e.name === "io-conn")!;
      assertEquals(io1.db, "5");
      assertEquals(io1.cmd, "select");
      assertEquals(io1.flags, "N");
      assertMatch(io1.addr, /^127\.0\.0\.1:\d+$/);
      assertEquals(io1.laddr, `127.0.0.1:${s.port}`);
      const me = parseClientList(String(await send(nr, ["CLIENT", "INFO"])))[0];
      assertEquals(me.cmd, "client|info");
      assertEquals(Number(me.id), Number(await send(nr, ["CLIENT", "ID"])));
      assertEquals(me.events, "r");
      // TYPE / ID filters.
      const byId = String(await io.call("CLIENT", "LIST", "ID", io1.id, "99999"));
      assertEquals(parseClientList(byId).map((e) => e.name), ["io-conn"]);
      assertEquals(await io.call("CLIENT", "LIST", "TYPE", "pubsub"), "");
      // Kill the ioredis connection by address (old form), then by ID (nothing left).
      const closed = new Promise<void>((r) => io.once("end", () => r()));
      io.options.retryStrategy = () => null;
      assertEquals(await send(nr, ["CLIENT", "KILL", io1.addr]), "OK");
      await closed;
      assertEquals(await send(nr, ["CLIENT", "KILL", "ID", io1.id]), 0);
      const left = parseClientList(String(await send(nr, ["CLIENT", "LIST"])));
      assertEquals(left.length, 1);
    } finally {
      io.disconnect();
      await nr.close();
    }
  });
});

Deno.test("e2e: CLIENT PAUSE WRITE holds writes until it ends, reads go through", async () => {
  await withServer([], async (s) => {
    const admin = await nodeRedis(s.port);
    const worker = await nodeRedis(s.port);
    try {
      await worker.set("k", "before");
      assertEquals(await send(admin, ["CLIENT", "PAUSE", "400", "WRITE"]), "OK");
      const t0 = performance.now();
      assertEquals(await worker.get("k"), "before");
      assert(performance.now() - t0 < 200, "a read must not wait");
      const t1 = performance.now();
      const write = worker.set("k", "after").then(() => performance.now() - t1);
      // While the write waits, the client shows as blocked.
      await new Promise((r) => setTimeout(r, 100));
      const info = String(await admin.info("clients"));
      assertMatch(info, /blocked_clients:1\r\n/);
      const waited = await write;
      assert(waited >= 250, `SET returned after ${waited.toFixed(0)} ms`);
      assertEquals(await admin.get("k"), "after");
      // UNPAUSE ends a pause early.
      await send(admin, ["CLIENT", "PAUSE", "100000", "WRITE"]);
      const t2 = performance.now();
      const write2 = worker.set("k", "again").then(() => performance.now() - t2);
      await new Promise((r) => setTimeout(r, 150));
      assertEquals(await send(admin, ["CLIENT", "UNPAUSE"]), "OK");
      const waited2 = await write2;
      assert(waited2 >= 100 && waited2 < 2000, `SET returned after ${waited2.toFixed(0)} ms`);
    } finally {
      await admin.close();
      await worker.close();
    }
  });
});

Deno.test("e2e: COMMAND INFO / DOCS / COUNT / GETKEYS through clients", async () => {
  await withServer([], async (s) => {
    const nr = await nodeRedis(s.port);
    const io = ioredis(s.port);
    await io.connect();
    try {
      const [get] = await io.call("COMMAND", "INFO", "get") as unknown[][];
      assertEquals(get.slice(0, 7), ["get", 2, ["readonly", "fast"], 1, 1, 1, [
        "@read",
        "@string",
        "@fast",
      ]]);
      const [time] = await send(nr, ["COMMAND", "INFO", "time"]) as unknown[][];
      assertEquals(time, [
        "time",
        1,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        ["@fast"],
        [
          "nondeterministic_output",
        ],
        [],
        [],
      ]);
      const docs = await io.call("COMMAND", "DOCS", "client|pause") as unknown[];
      assertEquals(docs[0], "client|pause");
      assertEquals((docs[1] as unknown[]).slice(0, 8), [
        "summary",
        "Stop processing commands from clients for some time",
        "since",
        "2.9.50",
        "group",
        "connection",
        "complexity",
        "O(1)",
      ]);
      const count = await io.call("COMMAND", "COUNT") as number;
      const all = await send(nr, ["COMMAND"]) as unknown[];
      assertEquals(all.length, count);
      assertEquals(await io.call("COMMAND", "GETKEYS", "GET", "somekey"), ["somekey"]);
      const list = await send(nr, ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"]);
      assert((list as string[]).includes("client|setname"));
    } finally {
      io.disconnect();
      await nr.close();
    }
  });
});

Deno.test("e2e: INFO sections and fields, TIME", async () => {
  await withServer([], async (s) => {
    const io = ioredis(s.port);
    await io.connect();
    try {
      await io.set("a", "1");
      await io.call("EXPIRE", "a", "100");
      const info = await io.info();
      for (
        const h of ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU"]
      ) assert(info.includes(`# ${h}\r\n`), h);
      assert(!info.includes("# Commandstats"));
      assertMatch(info, new RegExp(`\r\ntcp_port:${s.port}\r\n`));
      assertMatch(info, /\r\ndb0:keys=1,expires=1,avg_ttl=\d+\r\n/);
      assertMatch(info, /\r\nconnected_clients:1\r\n/);
      const everything = await io.info("everything");
      assertMatch(
        everything,
        /\r\ncmdstat_set:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r\n/,
      );
      assertMatch(
        everything,
        /\r\nlatency_percentiles_usec_set:p50=[\d.]+,p99=[\d.]+,p99\.9=[\d.]+\r\n/,
      );
      const [sec, usec] = await io.time();
      assert(Math.abs(Number(sec) - Date.now() / 1000) < 5 && Number(usec) < 1e6);
    } finally {
      io.disconnect();
    }
  });
});

Deno.test("e2e: DEBUG is refused by default and blocks the server when enabled", async () => {
  await withServer([], async (s) => {
    const c = await RespConn.connect(s.port);
    try {
      const r = await c.send("DEBUG", "LOG", "hello");
      assert(r instanceof RespError);
      assertMatch(r.message, /^ERR DEBUG command not allowed/);
    } finally {
      c.close();
    }
  });
  await withServer(["--enable-debug-command", "local"], async (s) => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    try {
      assertEquals(await a.send("DEBUG", "LOG", "### Starting test"), "OK");
      await a.write("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.3\r\n");
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      assertEquals(await b.send("PING"), "PONG");
      assert(performance.now() - t0 >= 150, "PING must wait for DEBUG SLEEP");
      assertEquals(await a.read(), "OK");
      assert((await waitForOutput(s, "DEBUG LOG: ### Starting test")).includes("DEBUG LOG"));
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("e2e: SHUTDOWN SAVE is refused when the save fails, SHUTDOWN NOSAVE exits", async () => {
  // The save fails: its directory is gone.
  const dir = Deno.makeTempDirSync();
  const s = await startServer(["--dir", dir]);
  Deno.removeSync(dir);
  const c = await RespConn.connect(s.port);
  try {
    assertEquals(
      await c.send("SHUTDOWN", "SAVE"),
      new RespError("ERR Errors trying to SHUTDOWN. Check logs."),
    );
    assertEquals(await c.send("PING"), "PONG");
    assertEquals(await c.send("SHUTDOWN", "ABORT"), new RespError("ERR No shutdown in progress."));
    await c.write("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
    assert(await c.closedByServer(10_000));
    const status = await s.process.status;
    assertEquals(status.code, 0);
    const log = s.output();
    assert(log.includes("Error trying to save the DB, can't exit."), log);
    assert(log.includes("is now ready to exit, bye bye..."), log);
  } finally {
    c.close();
    await s.stop();
  }
});
