/**
 * DUMP/RESTORE and RDB files, end to end: payloads compared byte for byte with a real
 * redis-server 7.0 (started by the test; skipped with a message when it is not installed), values
 * moved both ways, and RDB files written by one server loaded by the other.
 */
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis as IORedis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { testServer } from "../src/testing/harness.ts";
import { rdbLoadBytes, rdbSaveSync } from "../src/persist/rdb_file.ts";
import { freePort, RespConn, RespError, startServer, waitForOutput } from "./helpers.ts";
import { redisAvailable, startRedis } from "./rdb_redis.ts";
import type { RespValue } from "../src/protocol/decode.ts";

/** Commands building one key of every encoding (the same on both servers). */
function dataset(): (string | number)[][] {
  const cmds: (string | number)[][] = [];
  cmds.push(["SET", "str:small", "hello"]);
  cmds.push(["SET", "str:int8", "-5"]);
  cmds.push(["SET", "str:int16", "1234"]);
  cmds.push(["SET", "str:int32", "-1234567"]);
  cmds.push(["SET", "str:int64", "1234567890123"]);
  cmds.push(["SET", "str:notint", "007"]);
  cmds.push(["SET", "str:lzf", "abcabcabcabcabcabcabcabcabcabcabcabcabcabc-xyzxyzxyzxyz"]);
  let bin = "";
  for (let i = 0; i < 300; i++) bin += String.fromCharCode((i * 7919 + (i >> 3) * 31) & 255);
  cmds.push(["SET", "str:binary", bin]);
  cmds.push(["SET", "str:big", "x".repeat(100_000) + "y".repeat(1000)]);
  cmds.push(["RPUSH", "list:small", "a", "b", "1", "300", "-70000", "99999999999", "c".repeat(70)]);
  const items: string[] = [];
  for (let i = 0; i < 10_000; i++) items.push(i % 3 === 0 ? String(i) : `item:${i}`);
  cmds.push(["RPUSH", "list:big", ...items]);
  cmds.push(["RPUSH", "list:bigvals", "v".repeat(5000), "w".repeat(9000), "z"]);
  cmds.push(["HSET", "hash:small", "f1", "v1", "f2", "2", "n", "-12345678"]);
  const hf: string[] = [];
  for (let i = 0; i < 10_000; i++) hf.push(`field:${i}`, i % 2 ? String(i) : `value:${i}`);
  cmds.push(["HSET", "hash:big", ...hf]);
  cmds.push(["HSET", "hash:longval", "f", "q".repeat(100)]);
  cmds.push(["SADD", "set:int16", "1", "2", "3", "-5", "100"]);
  cmds.push(["SADD", "set:int32", "1", "100000", "-3"]);
  cmds.push(["SADD", "set:int64", "1", "10000000000"]);
  cmds.push(["SADD", "set:str", "a", "b", "c"]);
  const sm: string[] = [];
  for (let i = 0; i < 10_000; i++) sm.push(String(i * 3));
  cmds.push(["SADD", "set:big", ...sm]);
  cmds.push(["ZADD", "zset:small", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "1e100", "e"]);
  const zm: (string | number)[] = [];
  for (let i = 0; i < 10_000; i++) zm.push(String((i * 37) % 1000 + i / 7), `m:${i}`);
  cmds.push(["ZADD", "zset:big", ...zm]);
  cmds.push(["ZADD", "zset:longmember", "1", "m".repeat(100)]);
  cmds.push(["PFADD", "hll", "a", "b", "c"]);
  return cmds;
}

const KEYS = dataset().map((c) => String(c[1]));

/** Keys whose DUMP must match Redis byte for byte (hash-table orders differ). */
const BYTE_EQUAL = KEYS.filter((k) =>
  !["hash:big", "hash:longval", "set:str", "set:big"].includes(k)
);

async function contents(c: RespConn, key: string): Promise<unknown> {
  const type = await c.send("TYPE", key);
  const enc = await c.send("OBJECT", "ENCODING", key);
  const ttl = await c.send("PTTL", key);
  const hasTtl = typeof ttl === "number" && ttl > 0;
  let v: RespValue;
  if (type === "string") v = await c.send("GET", key);
  else if (type === "list") v = await c.send("LRANGE", key, 0, -1);
  else if (type === "hash") v = (await c.send("HGETALL", key)) as string[];
  else if (type === "set") v = ((await c.send("SMEMBERS", key)) as string[]).sort();
  else if (type === "zset") v = await c.send("ZRANGE", key, 0, -1, "WITHSCORES");
  else v = null;
  if (type === "hash") {
    const a = v as string[];
    const pairs: string[] = [];
    for (let i = 0; i < a.length; i += 2) pairs.push(a[i] + "\0" + a[i + 1]);
    v = pairs.sort();
  }
  // HyperLogLog strings: Redis reports "raw" for PFADD's sds, Rexis derives it from the length.
  return { type, enc: key.startsWith("hll") ? "" : enc, hasTtl, v };
}

Deno.test("DUMP payloads match redis-server and RESTORE both ways", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP DUMP differential: redis-server is not installed");
    return;
  }
  const dir = await Deno.makeTempDir();
  const redis = await startRedis(dir);
  const rexis = await startServer();
  const r = await RespConn.connect(redis.port);
  const x = await RespConn.connect(rexis.port);
  try {
    for (const cmd of dataset()) {
      await r.send(...cmd);
      await x.send(...cmd);
    }
    for (const key of KEYS) {
      const dr = await r.send("DUMP", key) as string;
      const dx = await x.send("DUMP", key) as string;
      if (BYTE_EQUAL.includes(key)) assertEquals(dx === dr, true, `DUMP ${key} differs`);
      // Each payload restores into the other server with the same contents.
      assertEquals(await r.send("RESTORE", key + ":fromx", 0, dx), "OK");
      assertEquals(await x.send("RESTORE", key + ":fromr", 0, dr), "OK");
      const want = await contents(r, key);
      assertEquals(await contents(r, key + ":fromx"), want, key);
      assertEquals(await contents(x, key + ":fromr"), want, key);
      assertEquals(await contents(x, key), want, key);
    }
  } finally {
    r.conn.close();
    x.conn.close();
    await redis.stop();
    await rexis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RESTORE options and errors", async () => {
  const rexis = await startServer();
  const x = await RespConn.connect(rexis.port);
  const err = async (...argv: (string | number)[]) => {
    const v = await x.send(...argv);
    return v instanceof RespError ? v.message : "no error";
  };
  try {
    await x.send("SET", "k", "value");
    const d = await x.send("DUMP", "k") as string;
    assertEquals(await x.send("DUMP", "nokey"), null);
    assertEquals(await err("RESTORE", "k", 0, d), "BUSYKEY Target key name already exists.");
    assertEquals(await x.send("RESTORE", "k", 0, d, "REPLACE"), "OK");
    assertEquals(await err("RESTORE", "k2", -1, d), "ERR Invalid TTL value, must be >= 0");
    assertEquals(
      await err("RESTORE", "k2", 0, "xx"),
      "ERR DUMP payload version or checksum are wrong",
    );
    const bad = d.slice(0, 3) + String.fromCharCode(d.charCodeAt(3) ^ 1) + d.slice(4);
    assertEquals(
      await err("RESTORE", "k2", 0, bad),
      "ERR DUMP payload version or checksum are wrong",
    );
    assertEquals(await err("RESTORE", "k2", 0, d, "FOO"), "ERR syntax error");
    assertEquals(
      await err("RESTORE", "k2", 0, d, "FREQ", 300),
      "ERR Invalid FREQ value, must be >= 0 and <= 255",
    );
    assertEquals(await x.send("RESTORE", "k2", 5000, d), "OK");
    const pttl = await x.send("PTTL", "k2") as number;
    assert(pttl > 4000 && pttl <= 5000, String(pttl));
    assertEquals(await x.send("RESTORE", "k3", Date.now() + 5000, d, "ABSTTL"), "OK");
    assert((await x.send("PTTL", "k3") as number) > 4000);
    assertEquals(await x.send("RESTORE", "k4", 1, d, "ABSTTL", "REPLACE"), "OK");
    assertEquals(await x.send("EXISTS", "k4"), 0);
    assertEquals(await x.send("RESTORE", "k5", 0, d, "IDLETIME", 1000), "OK");
    assert((await x.send("OBJECT", "IDLETIME", "k5") as number) >= 1000);
    assertEquals(await x.send("GET", "k5"), "value");
  } finally {
    x.conn.close();
    await rexis.stop();
  }
});

async function allContents(c: RespConn, keys: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = await contents(c, k);
  return out;
}

/** The dataset plus keys with expiries, in db 0 and db 3. */
async function populate(c: RespConn): Promise<string[]> {
  for (const cmd of dataset()) await c.send(...cmd);
  await c.send("SET", "ttl:str", "v", "EX", 10_000);
  await c.send("RPUSH", "ttl:list", "a", "b");
  await c.send("PEXPIRE", "ttl:list", 5_000_000);
  await c.send("SET", "ttl:gone", "v", "PX", 1);
  await c.send("SELECT", 3);
  await c.send("SET", "db3:key", "in db 3");
  await c.send("SELECT", 0);
  await new Promise((r) => setTimeout(r, 5));
  return [...KEYS, "ttl:str", "ttl:list"];
}

async function db3(c: RespConn): Promise<unknown> {
  await c.send("SELECT", 3);
  const v = await c.send("GET", "db3:key");
  await c.send("SELECT", 0);
  return v;
}

Deno.test("RDB files: redis-server 7.0 → Rexis and Rexis → redis-server", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP RDB interop: redis-server is not installed");
    return;
  }
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  try {
    // Redis writes, Rexis loads.
    let redis = await startRedis(dirA);
    let r = await RespConn.connect(redis.port);
    const keys = await populate(r);
    const want = await allContents(r, keys);
    assertEquals(await r.send("SAVE"), "OK");
    r.conn.close();
    await redis.stop();
    let rexis = await startServer(["--dir", dirA]);
    let x = await RespConn.connect(rexis.port);
    assertEquals(await allContents(x, keys), want);
    assertEquals(await x.send("EXISTS", "ttl:gone"), 0);
    assertEquals(await db3(x), "in db 3");
    assertEquals(await x.send("DBSIZE"), keys.length);
    const ttl = await x.send("PTTL", "ttl:str") as number;
    assert(ttl > 9_000_000 && ttl <= 10_000_000, String(ttl));
    const out = await waitForOutput(rexis, "Done loading RDB, keys loaded: ");
    assert(out.includes("Done loading RDB, keys loaded: "), out);
    x.conn.close();
    await rexis.stop();

    // Rexis writes, Redis loads.
    rexis = await startServer(["--dir", dirB]);
    x = await RespConn.connect(rexis.port);
    await populate(x);
    assertEquals(await x.send("SAVE"), "OK");
    const lastsave = await x.send("LASTSAVE") as number;
    assert(Math.abs(lastsave - Date.now() / 1000) < 5);
    x.conn.close();
    await rexis.stop();
    redis = await startRedis(dirB);
    r = await RespConn.connect(redis.port);
    assertEquals(await allContents(r, keys), want);
    assertEquals(await r.send("DBSIZE"), keys.length);
    assertEquals(await db3(r), "in db 3");
    r.conn.close();
    await redis.stop();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("RDB files: a corrupted file is refused, naming the offset", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let rexis = await startServer(["--dir", dir, "--rdbcompression", "no"]);
    const x = await RespConn.connect(rexis.port);
    await x.send("SET", "a", "x".repeat(1000));
    await x.send("RPUSH", "l", "1", "2", "3");
    assertEquals(await x.send("SAVE"), "OK");
    x.conn.close();
    await rexis.stop();
    const file = `${dir}/dump.rdb`;
    const b = Deno.readFileSync(file);
    // Flip a byte inside the string value: the structure stays valid, the checksum does not.
    b[b.length - 40] ^= 0x55;
    Deno.writeFileSync(file, b);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../src/main.ts", import.meta.url).pathname,
        "--port",
        String(freePort()), // listening comes before loading, as in Redis: port 0 would exit first
        "--dir",
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    assert(
      /Internal error in RDB reading offset \d+, .*Wrong RDB checksum.*RDB CRC error/.test(text),
      text,
    );
    // A truncated file names where the data ran out.
    Deno.writeFileSync(file, b.subarray(0, 60));
    const out2 = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../src/main.ts", import.meta.url).pathname,
        "--port",
        String(freePort()),
        "--dir",
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text2 = new TextDecoder().decode(out2.stdout) + new TextDecoder().decode(out2.stderr);
    assertEquals(out2.code, 1, text2);
    assert(/Internal error in RDB reading offset \d+/.test(text2), text2);
    rexis = await startServer(["--dir", dir, "--dbfilename", "other.rdb"]);
    await rexis.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("BGSAVE: the file holds the keys as they were when it started", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let rexis = await startServer(["--dir", dir]);
    let x = await RespConn.connect(rexis.port);
    for (let i = 0; i < 200; i++) await x.send("SET", `k${i}`, `v${i}`);
    await x.send("RPUSH", "list", "a", "b", "c");
    await x.send("HSET", "h", "f", "1");
    await x.send("EXPIRE", "k3", 100_000);
    await x.send("SELECT", 1);
    await x.send("SET", "db1", "one");
    await x.send("SELECT", 0);
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 2000);
    assertEquals(await x.send("BGSAVE"), "Background saving started");
    assertEquals(String(await x.send("BGSAVE")), "ERR Background save already in progress");
    const info = await x.send("INFO", "persistence") as string;
    assert(info.includes("rdb_bgsave_in_progress:1"), info);
    for (let i = 0; i < 200; i += 2) await x.send("SET", `k${i}`, "changed");
    for (let i = 1; i < 200; i += 10) await x.send("DEL", `k${i}`);
    await x.send("PERSIST", "k3");
    await x.send("RPUSH", "list", "d");
    await x.send("HSET", "h", "f", "2", "g", "3");
    await x.send("SET", "new", "after the snapshot");
    await x.send("RENAME", "k5", "k5renamed");
    await x.send("MOVE", "k9", 1);
    await x.send("SWAPDB", 0, 1);
    await x.send("SET", "db1", "changed in swapped db");
    await x.send("SWAPDB", 0, 1);
    await x.send("FLUSHDB");
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 0);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const i = await x.send("INFO", "persistence") as string;
      if (i.includes("rdb_bgsave_in_progress:0")) {
        assert(i.includes("rdb_last_bgsave_status:ok"), i);
        break;
      }
      assert(Date.now() < deadline, i);
      await new Promise((r) => setTimeout(r, 20));
    }
    x.conn.close();
    await rexis.stop();
    rexis = await startServer(["--dir", dir]);
    x = await RespConn.connect(rexis.port);
    assertEquals(await x.send("DBSIZE"), 202);
    for (let i = 0; i < 200; i++) assertEquals(await x.send("GET", `k${i}`), `v${i}`);
    assert((await x.send("TTL", "k3") as number) > 90_000);
    assertEquals(await x.send("LRANGE", "list", 0, -1), ["a", "b", "c"]);
    assertEquals(await x.send("HGETALL", "h"), ["f", "1"]);
    assertEquals(await x.send("EXISTS", "new", "k5renamed"), 0);
    await x.send("SELECT", 1);
    assertEquals(await x.send("GET", "db1"), "one");
    assertEquals(await x.send("DBSIZE"), 1);
    x.conn.close();
    await rexis.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save rules, a failing save, MISCONF until a save succeeds (ioredis)", async () => {
  const dir = await Deno.makeTempDir();
  const dir2 = await Deno.makeTempDir();
  const rexis = await startServer(["--dir", dir, "--enable-protected-configs", "yes"]);
  const io = new IORedis({ port: rexis.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await io.connect();
  try {
    await Deno.remove(dir, { recursive: true }); // the next save cannot create its file
    assertEquals(await io.config("SET", "save", "1 1"), "OK");
    await io.set("a", "1");
    const deadline = Date.now() + 10_000;
    for (;;) {
      const info = await io.info("persistence");
      if (info.includes("rdb_last_bgsave_status:err")) break;
      assert(Date.now() < deadline, info);
      await new Promise((r) => setTimeout(r, 50));
    }
    let err = "";
    try {
      await io.set("b", "2");
    } catch (e) {
      err = (e as Error).message;
    }
    assert(err.startsWith("MISCONF Redis is configured to save RDB snapshots"), err);
    assertEquals(await io.get("a"), "1"); // reads still work
    await io.config("SET", "dir", dir2);
    assertEquals(await io.bgsave(), "Background saving started");
    for (;;) {
      const info = await io.info("persistence");
      if (info.includes("rdb_last_bgsave_status:ok") && info.includes("rdb_bgsave_in_progress:0")) {
        assert(info.includes("rdb_changes_since_last_save:0"), info);
        break;
      }
      assert(Date.now() < deadline, info);
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(await io.set("b", "2"), "OK");
    assert(Deno.statSync(`${dir2}/dump.rdb`).size > 0);
    // DUMP/RESTORE through a client, as Buffers.
    await io.rpush("l", "x", "y", "z");
    const payload = await io.dumpBuffer("l");
    assertEquals(await io.restore("l2", 0, payload), "OK");
    assertEquals(await io.lrange("l2", 0, -1), ["x", "y", "z"]);
    assert(Math.abs(Number(await io.lastsave()) - Date.now() / 1000) < 10);
  } finally {
    io.disconnect();
    await rexis.stop();
    await Deno.remove(dir2, { recursive: true });
  }
});

Deno.test("node-redis: DUMP/RESTORE of every type through Buffers, SAVE", async () => {
  const dir = await Deno.makeTempDir();
  const rexis = await startServer(["--dir", dir]);
  const client = createClient({ socket: { port: rexis.port } });
  await client.connect();
  try {
    await client.set("s", "hello");
    await client.hSet("h", { a: "1", b: "2" });
    await client.sAdd("set", ["1", "2", "3"]);
    await client.zAdd("z", [{ score: 1.5, value: "m" }]);
    for (const k of ["s", "h", "set", "z"]) {
      const p = await client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).dump(k);
      assertEquals(await client.restore(k + "2", 0, p as unknown as Buffer), "OK");
      assertEquals(await client.type(k + "2"), await client.type(k));
    }
    assertEquals({ ...await client.hGetAll("h2") }, { a: "1", b: "2" });
    assertEquals(await client.zScore("z2", "m"), 1.5);
    assertEquals(String(await client.sendCommand(["SAVE"])), "OK");
  } finally {
    await client.quit();
    await rexis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RDB files: FUNCTION2 library code round-trips through redis-server", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP RDB functions interop: redis-server is not installed");
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    const code = "#!lua name=mylib\nredis.register_function('f', function() return 42 end)";
    let redis = await startRedis(dir);
    let r = await RespConn.connect(redis.port);
    assertEquals(await r.send("FUNCTION", "LOAD", code), "mylib");
    await r.send("SET", "k", "v");
    assertEquals(await r.send("SAVE"), "OK");
    r.conn.close();
    await redis.stop();
    // Rexis reads the library (kept as code until the Lua engine compiles it) ...
    const t = testServer();
    const res = rdbLoadBytes(t.server, Deno.readFileSync(`${dir}/dump.rdb`));
    assertEquals(res.keysLoaded, 1);
    assertEquals(t.server.functions.libraries.get("mylib")?.code, code);
    // ... and writes it back; redis-server loads and runs it.
    const chunks: Uint8Array[] = [];
    rdbSaveSync(t.server, (b) => chunks.push(b));
    const f = await Deno.open(`${dir}/dump.rdb`, { write: true, truncate: true });
    for (const c of chunks) await f.write(c);
    f.close();
    redis = await startRedis(dir);
    r = await RespConn.connect(redis.port);
    assertEquals(await r.send("FCALL", "f", 0), 42);
    assertEquals(await r.send("GET", "k"), "v");
    r.conn.close();
    await redis.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FLUSHALL stops a BGSAVE, and with save rules saves at once (dirty back to 0)", async () => {
  const dir = await Deno.makeTempDir();
  const rexis = await startServer(["--dir", dir]);
  const x = await RespConn.connect(rexis.port);
  try {
    for (let i = 0; i < 50; i++) await x.send("SET", `k${i}`, "v");
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 100_000);
    assertEquals(await x.send("BGSAVE"), "Background saving started");
    // As redis-server 7.0.15: SCHEDULE only waits for an AOF rewrite, not for another BGSAVE.
    assertEquals(
      ((await x.send("BGSAVE", "SCHEDULE")) as Error).message,
      "ERR Background save already in progress",
    );
    await x.send("FLUSHALL");
    let info = await x.send("INFO", "persistence") as string;
    assert(info.includes("rdb_last_bgsave_status:ok"), info);
    assert(info.includes("rdb_saves:0"), info); // killed, not finished
    // A new BGSAVE runs (on the now empty dataset).
    assertEquals(await x.send("BGSAVE"), "Background saving started");
    const deadline = Date.now() + 10_000;
    while (!(info = await x.send("INFO", "persistence") as string).includes("rdb_saves:1")) {
      assert(Date.now() < deadline, info);
      await new Promise((r) => setTimeout(r, 20));
    }
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 0);
    await x.send("CONFIG", "SET", "save", "3600 1");
    await x.send("SET", "key", "value");
    await x.send("FLUSHALL");
    info = await x.send("INFO", "persistence") as string;
    assert(info.includes("rdb_changes_since_last_save:0"), info);
    await x.send("CONFIG", "SET", "save", "");
  } finally {
    x.conn.close();
    await rexis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
