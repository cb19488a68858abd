/**
 * AOF end to end: the multi-part layout on disk, restarts, BGREWRITEAOF with writes during the
 * rewrite, CONFIG SET appendonly, loading rules (truncated / corrupt files), write errors, and
 * loading an appendonlydir written by redis-server 7.0.15.
 */
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError } from "./helpers.ts";
import {
  haveRedis,
  infoField,
  type Proc,
  resp,
  startRedis,
  startRexis,
  waitFor,
  writeAofFiles,
} from "./aof_helpers.ts";

type Snap = Record<string, unknown>;

/** Every key of db 0 in a comparable form (type, content in a canonical order, has a TTL). */
async function snapshot(c: RespConn): Promise<Snap> {
  const keys = (await c.send("KEYS", "*")) as string[];
  const out: Snap = {};
  for (const k of keys.sort()) {
    const type = await c.send("TYPE", k);
    let v: unknown;
    if (type === "string") v = await c.send("GET", k);
    else if (type === "list") v = await c.send("LRANGE", k, 0, -1);
    else if (type === "set") v = ((await c.send("SMEMBERS", k)) as string[]).sort();
    else if (type === "zset") v = await c.send("ZRANGE", k, 0, -1, "WITHSCORES");
    else if (type === "hash") {
      const a = (await c.send("HGETALL", k)) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < a.length; i += 2) pairs.push(`${a[i]}=${a[i + 1]}`);
      v = pairs.sort();
    } else if (type === "stream") {
      v = [
        await c.send("XRANGE", k, "-", "+"),
        await c.send("XINFO", "STREAM", k),
      ];
    }
    const ttl = (await c.send("PTTL", k)) as number;
    out[k] = [type, v, ttl > 0];
  }
  return out;
}

async function populate(c: RespConn, n: number): Promise<void> {
  await c.send("SET", "str", "hello");
  await c.send("SET", "int", "12345");
  await c.send("SET", "bin", "a\x00b\r\n\xff");
  await c.send("SET", "ttl", "x", "EX", "1000");
  await c.send("INCR", "counter");
  await c.send("INCRBYFLOAT", "float", "1.5");
  await c.send("RPUSH", "list", "a", "b", "c");
  await c.send("SADD", "iset", "1", "2", "3");
  await c.send("SADD", "set", "x", "y", "z");
  await c.send("ZADD", "zset", "1", "a", "2.5", "b", "-3", "c");
  await c.send("HSET", "hash", "f1", "v1", "f2", "v2");
  // No streams yet: their RDB codec (types 15/19) is not registered in src/persist/rdb.ts, so
  // neither an RDB base nor DUMP can hold them.
  await c.send("PFADD", "hll", "a", "b", "c");
  await c.send("SELECT", "3");
  await c.send("SET", "db3key", "v");
  await c.send("SELECT", "0");
  // Big collections (hashtable / skiplist / quicklist encodings).
  const big: string[] = [];
  for (let i = 0; i < n; i++) big.push(`m${i}`);
  await c.send("RPUSH", "biglist", ...big);
  await c.send("SADD", "bigset", ...big);
  const z: string[] = [];
  for (let i = 0; i < n; i++) z.push(String(i / 3), `m${i}`);
  await c.send("ZADD", "bigzset", ...z);
  const h: string[] = [];
  for (let i = 0; i < n; i++) h.push(`f${i}`, `v${i}`);
  await c.send("HSET", "bighash", ...h);
}

function tmpDir(): string {
  return Deno.makeTempDirSync({ prefix: "rexis-aof-" });
}

function manifest(dir: string): string {
  return Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.manifest`);
}

async function info(c: RespConn): Promise<string> {
  return (await c.send("INFO", "persistence")) as string;
}

async function waitRewrite(c: RespConn): Promise<void> {
  await waitFor(async () => {
    const i = await info(c);
    return infoField(i, "aof_rewrite_in_progress") === "0" &&
      infoField(i, "aof_rewrite_scheduled") === "0";
  });
}

/** The text of an error reply. */
function errText(v: unknown): string {
  assert(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return (v as RespError).message;
}

async function withServer<T>(p: Proc, fn: (c: RespConn) => Promise<T>): Promise<T> {
  const c = await RespConn.connect(p.port);
  try {
    // The port accepts while the data loads: the first reply means start-up is over.
    await c.send("PING");
    return await fn(c);
  } finally {
    c.close();
  }
}

Deno.test("AOF: files, restart after SIGKILL, rewrites (RDB and AOF base) keep every type", async () => {
  const dir = tmpDir();
  let p = await startRexis(dir, ["--appendonly", "yes"]);
  let before: Snap = {};
  try {
    before = await withServer(p, async (c) => {
      assertEquals(
        manifest(dir),
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      );
      await populate(c, 1000);
      const i = await info(c);
      assertEquals(infoField(i, "aof_enabled"), "1");
      assertEquals(infoField(i, "aof_last_write_status"), "ok");
      assert(Number(infoField(i, "aof_current_size")) > 10000);
      const incr = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      assert(incr.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"), incr.slice(0, 40));
      return await snapshot(c);
    });
    await p.kill();
    p = await startRexis(dir, ["--appendonly", "yes"]);
    await withServer(p, async (c) => {
      assertEquals(await snapshot(c), before);
      assertEquals(await c.send("SELECT", "3"), "OK");
      assertEquals(await c.send("GET", "db3key"), "v");
      assertEquals(await c.send("SELECT", "0"), "OK");
      // A rewrite with an RDB base, then one with an AOF-format base.
      assertEquals(await c.send("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitRewrite(c);
      assertEquals(
        manifest(dir),
        "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
      );
      await c.send("CONFIG", "SET", "aof-use-rdb-preamble", "no");
      assertEquals(await c.send("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitRewrite(c);
      assertEquals(
        manifest(dir),
        "file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n",
      );
      const files = [...Deno.readDirSync(`${dir}/appendonlydir`)].map((e) => e.name).sort();
      assertEquals(files, [
        "appendonly.aof.3.base.aof",
        "appendonly.aof.3.incr.aof",
        "appendonly.aof.manifest",
      ]);
      const base = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.3.base.aof`);
      assert(base.includes("$5\r\nRPUSH\r\n$7\r\nbiglist\r\n"));
      assert(base.includes("$9\r\nPEXPIREAT\r\n$3\r\nttl\r\n"));
      const i = await info(c);
      assertEquals(infoField(i, "aof_rewrites"), "2");
      assertEquals(infoField(i, "aof_last_bgrewrite_status"), "ok");
    });
    await p.kill();
    p = await startRexis(dir, ["--appendonly", "yes"]);
    await withServer(p, async (c) => assertEquals(await snapshot(c), before));
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: writes during BGREWRITEAOF go to the new incr file and are not lost", async () => {
  const dir = tmpDir();
  let p = await startRexis(dir, ["--appendonly", "yes"]);
  try {
    const before = await withServer(p, async (c) => {
      for (let i = 0; i < 300; i++) await c.send("SET", `k${i}`, `v${i}`);
      await c.send("RPUSH", "l", "a");
      // 300 keys at 1 ms each: the rewrite lasts ~0.3 s.
      await c.send("CONFIG", "SET", "rdb-key-save-delay", "1000");
      assertEquals(await c.send("BGREWRITEAOF"), "Background append only file rewriting started");
      assertEquals(
        errText(await c.send("BGREWRITEAOF")),
        "ERR Background append only file rewriting already in progress",
      );
      assertEquals(
        errText(await c.send("BGSAVE")),
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
      assertEquals(infoField(await info(c), "aof_rewrite_in_progress"), "1");
      for (let i = 0; i < 300; i += 3) {
        await c.send("SET", `k${i}`, `changed${i}`);
        await c.send("DEL", `k${i + 1}`);
        await c.send("SET", `new${i}`, "n");
        await c.send("RPUSH", "l", String(i));
      }
      assertEquals(
        manifest(dir),
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
      );
      await waitRewrite(c);
      await c.send("CONFIG", "SET", "rdb-key-save-delay", "0");
      assertEquals(
        manifest(dir),
        "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
      );
      return await snapshot(c);
    });
    await p.kill();
    p = await startRexis(dir, ["--appendonly", "yes"]);
    await withServer(p, async (c) => assertEquals(await snapshot(c), before));
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: CONFIG SET appendonly yes writes a base by rewrite, no stops appending", async () => {
  const dir = tmpDir();
  let p = await startRexis(dir, ["--appendonly", "no"]);
  try {
    const before = await withServer(p, async (c) => {
      await c.send("SET", "a", "1");
      assertEquals(infoField(await info(c), "aof_enabled"), "0");
      assertEquals(await c.send("CONFIG", "SET", "appendonly", "yes"), "OK");
      await waitRewrite(c);
      await c.send("SET", "b", "2");
      assertEquals(
        manifest(dir),
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      );
      const incr = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      assert(incr.includes("$1\r\nb\r\n$1\r\n2\r\n"), incr);
      assertEquals(await c.send("CONFIG", "SET", "appendonly", "no"), "OK");
      await c.send("SET", "c", "3");
      assertEquals(
        Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`),
        incr,
      );
      return { a: "1", b: "2" };
    });
    await p.kill();
    p = await startRexis(dir, ["--appendonly", "yes"]);
    await withServer(p, async (c) => {
      assertEquals(await c.send("GET", "a"), before.a);
      assertEquals(await c.send("GET", "b"), before.b);
      assertEquals(await c.send("GET", "c"), null);
    });
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

const INCR_MANIFEST = {
  "appendonly.aof.manifest": "file appendonly.aof.1.incr.aof seq 1 type i\n",
};

Deno.test("AOF load: a torn last command is cut with aof-load-truncated yes, refused with no", async () => {
  const dir = tmpDir();
  const torn = resp("incr", "foo").repeat(5) + resp("incr", "foo").slice(0, -1);
  try {
    writeAofFiles(dir, { ...INCR_MANIFEST, "appendonly.aof.1.incr.aof": torn });
    let p = await startRexis(dir, ["--appendonly", "yes", "--aof-load-truncated", "no"]);
    assertEquals(await p.exited, 1);
    assertMatch(
      p.output(),
      /Unexpected end of file reading the append only file appendonly.aof.1.incr.aof/,
    );
    p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      await withServer(p, async (c) => {
        assertEquals(await c.send("GET", "foo"), "5");
        await c.send("INCR", "foo");
      });
      assertMatch(p.output(), /Truncating the AOF appendonly.aof.1.incr.aof at offset 115/);
    } finally {
      await p.kill();
    }
    p = await startRexis(dir, ["--appendonly", "yes", "--aof-load-truncated", "no"]);
    try {
      await withServer(p, async (c) => assertEquals(await c.send("GET", "foo"), "6"));
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF load: an unfinished MULTI is reverted; corruption and unknown commands stop start-up", async () => {
  const dir = tmpDir();
  try {
    writeAofFiles(dir, {
      ...INCR_MANIFEST,
      "appendonly.aof.1.incr.aof": resp("set", "foo", "hello") + resp("multi") +
        resp("set", "bar", "world"),
    });
    let p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      await withServer(p, async (c) => {
        assertEquals(await c.send("GET", "foo"), "hello");
        assertEquals(await c.send("GET", "bar"), null);
      });
      assertMatch(p.output(), /Revert incomplete MULTI\/EXEC transaction in AOF file/);
    } finally {
      await p.kill();
    }
    // A complete transaction is applied.
    writeAofFiles(dir, {
      "appendonly.aof.1.incr.aof": resp("multi") + resp("set", "a", "1") + resp("incr", "a") +
        resp("exec"),
    });
    p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      await withServer(p, async (c) => assertEquals(await c.send("GET", "a"), "2"));
    } finally {
      await p.kill();
    }
    writeAofFiles(dir, {
      "appendonly.aof.1.incr.aof": resp("set", "foo", "hello") + "!!!" + resp("set", "foo", "x"),
    });
    p = await startRexis(dir, ["--appendonly", "yes"]);
    assertEquals(await p.exited, 1);
    assertMatch(p.output(), /AOF format error in appendonly.aof.1.incr.aof at offset 33/);
    assertMatch(
      p.output(),
      /Bad file format reading the append only file appendonly.aof.1.incr.aof/,
    );
    writeAofFiles(dir, { "appendonly.aof.1.incr.aof": resp("bla", "foo") });
    p = await startRexis(dir, ["--appendonly", "yes"]);
    assertEquals(await p.exited, 1);
    assertMatch(
      p.output(),
      /Unknown command 'bla' reading the append only file appendonly.aof.1.incr.aof/,
    );
    writeAofFiles(dir, {
      "appendonly.aof.manifest":
        "file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
    });
    p = await startRexis(dir, ["--appendonly", "yes"]);
    assertEquals(await p.exited, 1);
    assertMatch(p.output(), /Found a non-monotonic sequence number/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF load: an old single-file appendonly.aof is moved into the directory", async () => {
  const dir = tmpDir();
  try {
    Deno.writeTextFileSync(
      `${dir}/appendonly.aof`,
      resp("set", "k1", "v1") + resp("set", "k2", "v2"),
    );
    const p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      await withServer(p, async (c) => {
        assertEquals(await c.send("MGET", "k1", "k2"), ["v1", "v2"]);
      });
      assertEquals(
        manifest(dir),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      );
      Deno.statSync(`${dir}/appendonlydir/appendonly.aof`);
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: timestamps annotate the incr file and the AOF-format base", async () => {
  const dir = tmpDir();
  const p = await startRexis(dir, [
    "--appendonly",
    "yes",
    "--aof-timestamp-enabled",
    "yes",
    "--aof-use-rdb-preamble",
    "no",
  ]);
  try {
    await withServer(p, async (c) => {
      await c.send("SET", "foo", "bar");
      const incr = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      assertMatch(incr, /^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
      await c.send("BGREWRITEAOF");
      await waitRewrite(c);
      const base = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.2.base.aof`);
      assertMatch(base, /^#TS:\d+\r\n/);
      await c.send("DEBUG", "LOADAOF");
      assertEquals(await c.send("GET", "foo"), "bar");
    });
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: a failing write (full disk) is logged, shown in INFO and refuses writes with MISCONF", async () => {
  const dir = tmpDir();
  try {
    writeAofFiles(dir, {
      "appendonly.aof.manifest": "file appendonly.aof.1.base.aof seq 1 type b\n",
      "appendonly.aof.1.base.aof": resp("set", "a", "1"),
    });
    // The incr file the server creates at start is /dev/full: every write fails with ENOSPC.
    Deno.symlinkSync("/dev/full", `${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
    const p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      await withServer(p, async (c) => {
        assertEquals(await c.send("GET", "a"), "1");
        await c.send("SET", "b", "2"); // executed; its write fails
        const i = await info(c);
        assertEquals(infoField(i, "aof_last_write_status"), "err");
        assertEquals(
          errText(await c.send("SET", "c", "3")),
          "MISCONF Errors writing to the AOF file: No space left on device",
        );
        assertEquals(await c.send("GET", "a"), "1");
        // As processCommand: PING is refused too.
        assertEquals(
          errText(await c.send("PING")),
          "MISCONF Errors writing to the AOF file: No space left on device",
        );
      });
      assertMatch(p.output(), /Error writing to the AOF file: No space left on device/);
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "AOF interop: an appendonlydir written by redis-server 7.0.15 loads into Rexis",
  ignore: !haveRedis,
  fn: async () => {
    const dir = tmpDir();
    try {
      const r = await startRedis(dir, ["--appendonly", "yes"]);
      let expected: Snap;
      try {
        expected = await withServer(r, async (c) => {
          await populate(c, 10000);
          // Part of the data in an RDB base written by Redis, the rest in its incr file.
          await c.send("BGREWRITEAOF");
          await waitRewrite(c);
          await c.send("SET", "after", "rewrite");
          await c.send("LPUSH", "biglist", "head");
          await c.send("HDEL", "bighash", "f1");
          await c.send("MULTI");
          await c.send("INCR", "counter");
          await c.send("SADD", "set", "w");
          await c.send("EXEC");
          const snap = await snapshot(c);
          await c.send("SELECT", "3");
          snap["db3"] = await c.send("GET", "db3key");
          return snap;
        });
      } finally {
        await r.kill();
      }
      assertMatch(manifest(dir), /appendonly.aof.2.base.rdb seq 2 type b/);
      const p = await startRexis(dir, ["--appendonly", "yes"]);
      try {
        await withServer(p, async (c) => {
          const got = await snapshot(c);
          await c.send("SELECT", "3");
          got["db3"] = await c.send("GET", "db3key");
          assertEquals(got, expected);
        });
      } finally {
        await p.kill();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("AOF: BGREWRITEAOF during a BGSAVE is scheduled; auto-aof-rewrite-percentage", async () => {
  const dir = tmpDir();
  const p = await startRexis(dir, ["--appendonly", "yes"]);
  try {
    await withServer(p, async (c) => {
      for (let i = 0; i < 100; i++) await c.send("SET", `k${i}`, "v");
      await c.send("CONFIG", "SET", "rdb-key-save-delay", "2000");
      assertEquals(await c.send("BGSAVE"), "Background saving started");
      assertEquals(
        await c.send("BGREWRITEAOF"),
        "Background append only file rewriting scheduled",
      );
      let i = await info(c);
      assertEquals(infoField(i, "aof_rewrite_scheduled"), "1");
      assertEquals(infoField(i, "aof_rewrite_in_progress"), "0");
      await c.send("CONFIG", "SET", "rdb-key-save-delay", "0");
      // The cron starts it once the BGSAVE is over.
      await waitFor(async () => infoField(await info(c), "aof_rewrites") === "1");
      await waitRewrite(c);
      // Automatic rewrite: the AOF grew past min-size and by 100% over the base.
      const base = Number(infoField(await info(c), "aof_base_size"));
      await c.send("CONFIG", "SET", "auto-aof-rewrite-min-size", "1kb");
      for (let j = 0; j < 50; j++) await c.send("SET", `big${j}`, "x".repeat(Math.max(100, base)));
      await waitFor(async () => Number(infoField(await info(c), "aof_rewrites")) >= 2);
      // (Later growth may start more automatic rewrites: stop them before looking.)
      await c.send("CONFIG", "SET", "auto-aof-rewrite-percentage", "0");
      await waitRewrite(c);
      i = await info(c);
      assertEquals(infoField(i, "aof_last_bgrewrite_status"), "ok");
      assert(Number(infoField(i, "aof_base_size")) > base, i);
    });
    assertMatch(p.output(), /Starting automatic rewriting of AOF on \d+% growth/);
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: streams with groups, consumers and pending entries survive an AOF-format rewrite", async () => {
  const dir = tmpDir();
  const args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"];
  let p = await startRexis(dir, args);
  const state = async (c: RespConn) => {
    const info = (await c.send("XINFO", "STREAM", "s")) as unknown[];
    const keep: unknown[] = [];
    for (let i = 0; i < info.length; i += 2) {
      if (!String(info[i]).startsWith("radix-tree")) keep.push(info[i], info[i + 1]);
    }
    return [
      keep,
      await c.send("XRANGE", "s", "-", "+"),
      await c.send("XINFO", "GROUPS", "s"),
      await c.send("XPENDING", "s", "g1"),
      await c.send("XPENDING", "s", "g2"),
      await c.send("XINFO", "STREAM", "empty"),
    ];
  };
  try {
    const before = await withServer(p, async (c) => {
      for (let i = 1; i <= 20; i++) await c.send("XADD", "s", `${i}-1`, "f", `v${i}`, "g", "x");
      await c.send("XDEL", "s", "3-1", "20-1");
      await c.send("XGROUP", "CREATE", "s", "g1", "0");
      await c.send("XGROUP", "CREATE", "s", "g2", "$");
      await c.send("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "4", "STREAMS", "s", ">");
      await c.send("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">");
      await c.send("XACK", "s", "g1", "1-1");
      await c.send("XGROUP", "CREATECONSUMER", "s", "g2", "carol");
      await c.send("XADD", "empty", "1-1", "a", "b");
      await c.send("XDEL", "empty", "1-1");
      assertEquals(await c.send("BGREWRITEAOF"), "Background append only file rewriting started");
      await waitRewrite(c);
      const base = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.2.base.aof`);
      assert(base.includes("$6\r\nXCLAIM\r\n"), base);
      assert(base.includes("$6\r\nXSETID\r\n"), base);
      return await state(c);
    });
    await p.kill();
    p = await startRexis(dir, args);
    await withServer(p, async (c) => assertEquals(await state(c), before));
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: a rewrite that cannot create its files fails with Redis's reply; the server goes on", async () => {
  const dir = tmpDir();
  const p = await startRexis(dir, ["--appendonly", "yes"]);
  try {
    await withServer(p, async (c) => {
      await c.send("SET", "a", "1");
      // The directory is replaced by a plain file: no new incr file can be created in it.
      Deno.removeSync(`${dir}/appendonlydir`, { recursive: true });
      Deno.writeTextFileSync(`${dir}/appendonlydir`, "");
      assertEquals(
        errText(await c.send("BGREWRITEAOF")),
        "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
      );
      const i = await info(c);
      assertEquals(infoField(i, "aof_last_bgrewrite_status"), "err");
      assertEquals(infoField(i, "aof_rewrite_in_progress"), "0");
      // Appending goes on to the open (now unlinked) incr file.
      assertEquals(await c.send("SET", "b", "2"), "OK");
      assertEquals(infoField(await info(c), "aof_last_write_status"), "ok");
    });
    assertMatch(p.output(), /Can't open the append-only file appendonly.aof.2.incr.aof/);
  } finally {
    await p.kill();
    Deno.removeSync(dir, { recursive: true });
  }
});
