/**
 * MIGRATE between two Rexis servers, and between Rexis and a real redis-server (7850–7899) both
 * ways: every core type with TTLs, COPY, REPLACE, KEYS, AUTH/AUTH2, NOKEY, BUSYKEY from the target,
 * a target that accepts but never replies (IOERR after the timeout, other clients served
 * meanwhile). Streams are left out: this branch has no RDB codec registered for them (DUMP fails).
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { freeRefPort, RespConn, RespError, startServer } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

async function startRedis(args: string[] = []): Promise<{ port: number; stop(): Promise<void> }> {
  const port = freeRefPort(7850);
  const dir = Deno.makeTempDirSync();
  const p = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, ...args],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 100; i++) {
    try {
      (await RespConn.connect(port)).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async stop() {
      p.kill("SIGKILL");
      await p.status;
    },
  };
}

function err(v: unknown): string {
  assert(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return (v as RespError).message;
}

/** Fill every core type under a prefix; returns the keys. */
async function fill(c: RespConn, p: string): Promise<string[]> {
  await c.send("SET", `${p}str`, "v\x00\xff");
  await c.send("RPUSH", `${p}list`, "a", "b", "c");
  await c.send("SADD", `${p}set`, "x", "y");
  await c.send("HSET", `${p}hash`, "f", "1", "g", "2");
  await c.send("ZADD", `${p}zset`, "1.5", "m", "2", "n");
  await c.send("PEXPIRE", `${p}str`, 100000);
  return ["str", "list", "set", "hash", "zset"].map((t) => p + t);
}

/** The contents of each key, read back in an order-independent way. */
async function snapshot(c: RespConn, keys: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const k of keys) {
    const t = await c.send("TYPE", k);
    if (t === "string") out.push(await c.send("GET", k));
    else if (t === "list") out.push(await c.send("LRANGE", k, 0, -1));
    else if (t === "set") out.push((await c.send("SMEMBERS", k) as string[]).sort());
    else if (t === "hash") out.push(await c.send("HMGET", k, "f", "g"));
    else out.push(await c.send("ZRANGE", k, 0, -1, "WITHSCORES"));
  }
  return out;
}

async function transferAll(srcPort: number, dstPort: number) {
  const src = await RespConn.connect(srcPort);
  const dst = await RespConn.connect(dstPort);
  await src.send("FLUSHALL");
  await dst.send("FLUSHALL");
  const keys = await fill(src, "k:");
  const before = await snapshot(src, keys);
  // One key, then the rest with KEYS into db 2.
  assertEquals(await src.send("MIGRATE", "127.0.0.1", dstPort, keys[0], 0, 2000), "OK");
  assertEquals(await src.send("EXISTS", keys[0]), 0);
  const ttl = await dst.send("PTTL", keys[0]) as number;
  assert(ttl > 90000 && ttl <= 100000, `ttl ${ttl}`);
  assertEquals(await dst.send("GET", keys[0]), "v\x00\xff");
  assertEquals(
    await src.send("MIGRATE", "127.0.0.1", dstPort, "", 2, 2000, "KEYS", ...keys.slice(1), "nokey"),
    "OK",
  );
  assertEquals(await src.send("DBSIZE"), 0);
  await dst.send("SELECT", 2);
  assertEquals(await dst.send("DBSIZE"), 4);
  assertEquals(await snapshot(dst, keys.slice(1)), before.slice(1));
  for (let i = 1; i < keys.length; i++) {
    assertEquals(await dst.send("PTTL", keys[i]), -1);
  }
  // NOKEY when nothing exists.
  assertEquals(await src.send("MIGRATE", "127.0.0.1", dstPort, "missing", 0, 1000), "NOKEY");
  // COPY keeps the source; a second COPY gets BUSYKEY from the target; REPLACE overwrites.
  await src.send("SET", "c", "1");
  assertEquals(await src.send("MIGRATE", "127.0.0.1", dstPort, "c", 2, 1000, "COPY"), "OK");
  assertEquals(await src.send("GET", "c"), "1");
  assertEquals(
    err(await src.send("MIGRATE", "127.0.0.1", dstPort, "c", 2, 1000, "COPY")),
    "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
  );
  assertEquals(await src.send("GET", "c"), "1");
  await src.send("SET", "c", "2");
  assertEquals(await src.send("MIGRATE", "127.0.0.1", dstPort, "c", 2, 1000, "REPLACE"), "OK");
  assertEquals(await src.send("EXISTS", "c"), 0);
  assertEquals(await dst.send("GET", "c"), "2");
  src.close();
  dst.close();
}

Deno.test(
  "MIGRATE: Rexis to Rexis, core types, TTL, KEYS, COPY, REPLACE, NOKEY",
  opts,
  async () => {
    const a = await startServer();
    const b = await startServer();
    try {
      await transferAll(a.port, b.port);
    } finally {
      await a.stop();
      await b.stop();
    }
  },
);

Deno.test("MIGRATE: Rexis to redis-server and back", opts, async () => {
  const a = await startServer();
  const r = await startRedis();
  try {
    await transferAll(a.port, r.port);
    await transferAll(r.port, a.port);
  } finally {
    await a.stop();
    await r.stop();
  }
});

Deno.test(
  "MIGRATE: AUTH and AUTH2 are sent first; the target's error is passed on",
  opts,
  async () => {
    const a = await startServer();
    const b = await startServer(["--requirepass", "pw"]);
    try {
      const src = await RespConn.connect(a.port);
      await src.send("SET", "k", "v");
      assertEquals(
        err(await src.send("MIGRATE", "127.0.0.1", b.port, "k", 0, 1000)),
        "ERR Target instance replied with error: NOAUTH Authentication required.",
      );
      assertEquals(
        err(await src.send("MIGRATE", "127.0.0.1", b.port, "k", 0, 1000, "AUTH", "bad")),
        "ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.",
      );
      assertEquals(await src.send("EXISTS", "k"), 1);
      assertEquals(
        await src.send("MIGRATE", "127.0.0.1", b.port, "k", 0, 1000, "AUTH", "pw"),
        "OK",
      );
      await src.send("SET", "k2", "v");
      assertEquals(
        await src.send("MIGRATE", "127.0.0.1", b.port, "k2", 0, 1000, "AUTH2", "default", "pw"),
        "OK",
      );
      const dst = await RespConn.connect(b.port);
      await dst.send("AUTH", "pw");
      assertEquals(await dst.send("MGET", "k", "k2"), ["v", "v"]);
      dst.close();
      src.close();
    } finally {
      await a.stop();
      await b.stop();
    }
  },
);

Deno.test("MIGRATE: argument errors as Redis", opts, async () => {
  const a = await startServer();
  try {
    const c = await RespConn.connect(a.port);
    await c.send("SET", "k", "v");
    assertEquals(
      err(await c.send("MIGRATE", "127.0.0.1", 1, "k", 0, 100, "KEYS", "k")),
      "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
    );
    assertEquals(
      err(await c.send("MIGRATE", "127.0.0.1", 1, "k", 0, 100, "FOO")),
      "ERR syntax error",
    );
    assertEquals(
      err(await c.send("MIGRATE", "127.0.0.1", 1, "k", 0, 100, "AUTH")),
      "ERR syntax error",
    );
    assertEquals(
      err(await c.send("MIGRATE", "127.0.0.1", 1, "k", "x", 100)),
      "ERR value is not an integer or out of range",
    );
    assertEquals(
      await c.send(
        "COMMAND",
        "GETKEYS",
        "MIGRATE",
        "h",
        "1",
        "",
        "0",
        "5",
        "AUTH",
        "x",
        "KEYS",
        "a",
        "b",
      ),
      ["a", "b"],
    );
    c.close();
  } finally {
    await a.stop();
  }
});

Deno.test(
  "MIGRATE: a target that never replies gives IOERR; other clients are served",
  opts,
  async () => {
    const a = await startServer();
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of l) held.push(conn);
    })();
    try {
      const c = await RespConn.connect(a.port);
      const other = await RespConn.connect(a.port);
      await c.send("SET", "k", "v");
      const port = (l.addr as Deno.NetAddr).port;
      await c.write(
        `*6\r\n$7\r\nMIGRATE\r\n$9\r\n127.0.0.1\r\n$${
          String(port).length
        }\r\n${port}\r\n$1\r\nk\r\n$1\r\n0\r\n$3\r\n500\r\n`,
      );
      // Meanwhile another client is served.
      assertEquals(await other.send("PING"), "PONG");
      assertEquals(err(await c.read()), "IOERR error or timeout reading to target instance");
      assertEquals(await c.send("GET", "k"), "v");
      c.close();
      other.close();
    } finally {
      l.close();
      for (const h of held) h.close();
      await accepting.catch(() => {});
      await a.stop();
    }
  },
);

Deno.test("MIGRATE: refused inside MULTI/EXEC (a transaction cannot wait)", opts, async () => {
  const a = await startServer();
  try {
    const c = await RespConn.connect(a.port);
    await c.send("SET", "k", "v");
    await c.send("MULTI");
    assertEquals(await c.send("MIGRATE", "127.0.0.1", 1, "k", 0, 100), "QUEUED");
    const r = await c.send("EXEC") as unknown[];
    assertEquals(err(r[0]), "ERR MIGRATE inside MULTI/EXEC or a script is not supported");
    assertEquals(await c.send("GET", "k"), "v");
    c.close();
  } finally {
    await a.stop();
  }
});
