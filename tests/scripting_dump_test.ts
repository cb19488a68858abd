/**
 * FUNCTION DUMP / FUNCTION RESTORE end to end: payload bytes, restore policies and their errors,
 * and payloads crossing between Rexis and a real redis-server 7.0.15 in both directions (when one
 * is installed).
 */
import { assertEquals } from "../src/testing/assert.ts";
import { freeRefPort, RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

const LIB_A = "#!lua name=liba\nredis.register_function('fa', function(k, a) return 'A' end)\n" +
  "redis.register_function{function_name='fa_ro', callback=function() return 'ro' end, " +
  "flags={'no-writes'}, description='read only'}";
const LIB_A2 = "#!lua name=liba\nredis.register_function('fa', function(k, a) return 'A2' end)";
const LIB_B = "#!lua name=libb\nredis.register_function('fb', function(k, a) return 'B' end)";
const LIB_C = "#!lua name=libc\nredis.register_function('fa', function(k, a) return 'C' end)";

async function withRexis(fn: (c: RespConn, s: RunningServer) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const s = await startServer(["--enable-debug-command", "yes", "--dir", dir]);
  const c = await RespConn.connect(s.port);
  try {
    await fn(c, s);
  } finally {
    c.close();
    await s.stop();
    Deno.removeSync(dir, { recursive: true });
  }
}

/** A reference redis-server on a port of 7700–7799, or null when none is installed. */
async function startRedis(): Promise<{ c: RespConn; stop: () => Promise<void> } | null> {
  try {
    const ok = (await new Deno.Command("redis-server", { args: ["--version"], stdout: "null" })
      .output()).success;
    if (!ok) return null;
  } catch {
    return null;
  }
  const dir = Deno.makeTempDirSync();
  const port = freeRefPort(7700);
  const p = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    p.kill("SIGKILL");
    await p.status;
    Deno.removeSync(dir, { recursive: true });
  };
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RespConn.connect(port);
      if ((await c.send("PING")) === "PONG") return { c, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stop();
  return null;
}

Deno.test("FUNCTION DUMP / RESTORE: payload, policies, errors", async () => {
  await withRexis(async (c) => {
    assertEquals(await c.send("FUNCTION", "DUMP"), "\x0a\x00" + crcOf("\x0a\x00"));
    assertEquals(await c.send("FUNCTION", "LOAD", LIB_A), "liba");
    assertEquals(await c.send("FUNCTION", "LOAD", LIB_B), "libb");
    const dump = await c.send("FUNCTION", "DUMP") as string;
    // Two FUNCTION2 records (opcode 245, LZF-compressed code), version 10, CRC64.
    assertEquals(dump.charCodeAt(0), 245);
    assertEquals(dump.slice(-10, -8), "\x0a\x00");
    const list = await c.send("FUNCTION", "LIST", "WITHCODE");

    // APPEND (default) refuses an existing library, and changes nothing.
    assertEquals(
      await c.send("FUNCTION", "RESTORE", dump),
      new RespError("ERR Library liba already exists"),
    );
    assertEquals(await c.send("FUNCTION", "LIST", "WITHCODE"), list);
    // FLUSH replaces everything.
    assertEquals(await c.send("FUNCTION", "LOAD", LIB_C.replace("'fa'", "'fc'")), "libc");
    assertEquals(await c.send("FUNCTION", "RESTORE", dump, "FLUSH"), "OK");
    assertEquals(await c.send("FUNCTION", "LIST", "WITHCODE"), list);
    assertEquals(await c.send("FCALL", "fa", "0"), "A");
    assertEquals(await c.send("FCALL_RO", "fa_ro", "0"), "ro");

    // REPLACE swaps a library of the same name.
    assertEquals(await c.send("FUNCTION", "DELETE", "libb"), "OK");
    assertEquals(await c.send("FUNCTION", "LOAD", "REPLACE", LIB_A2), "liba");
    assertEquals(await c.send("FCALL", "fa", "0"), "A2");
    assertEquals(await c.send("FUNCTION", "RESTORE", dump, "replace"), "OK");
    assertEquals(await c.send("FCALL", "fa", "0"), "A");
    assertEquals(await c.send("FCALL", "fb", "0"), "B");

    // A function name owned by a library that stays refuses the whole restore.
    assertEquals(await c.send("FUNCTION", "FLUSH"), "OK");
    assertEquals(await c.send("FUNCTION", "LOAD", LIB_C), "libc");
    assertEquals(
      await c.send("FUNCTION", "RESTORE", dump, "REPLACE"),
      new RespError("ERR Function fa already exists"),
    );
    assertEquals(
      await c.send("FCALL", "fb", "0"),
      new RespError("ERR Function not found"),
    );
    assertEquals(await c.send("FCALL", "fa", "0"), "C");

    // Payload errors.
    assertEquals(
      await c.send("FUNCTION", "RESTORE", "bad_payload"),
      new RespError("ERR DUMP payload version or checksum are wrong"),
    );
    const keyDump = await (async () => {
      await c.send("SET", "k", "v");
      return await c.send("DUMP", "k") as string;
    })();
    assertEquals(
      await c.send("FUNCTION", "RESTORE", keyDump),
      new RespError("ERR given type is not a function"),
    );
    assertEquals(
      await c.send("FUNCTION", "RESTORE", dump, "MERGE"),
      new RespError(
        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
      ),
    );
    // A payload whose library does not compile changes nothing.
    const code =
      "#!lua name=bad\nredis.register_function('x', function() return 1 end)\nerror('no')";
    const broken = "\xf5" + rdbString(code) + "\x0a\x00";
    const withCrc = broken + crcOf(broken);
    const r = await c.send("FUNCTION", "RESTORE", withCrc, "FLUSH");
    assertEquals(r instanceof RespError && r.message.startsWith("ERR Error registering"), true);
    assertEquals(await c.send("FCALL", "fa", "0"), "C");

    // Libraries saved in an RDB file are compiled again when it loads.
    assertEquals(await c.send("DEBUG", "RELOAD"), "OK");
    assertEquals(await c.send("FCALL", "fa", "0"), "C");
  });
});

Deno.test("FUNCTION DUMP payloads cross between Rexis and redis-server 7.0.15", async () => {
  const redis = await startRedis();
  if (redis === null) {
    console.log("redis-server not installed: cross-restore skipped");
    return;
  }
  try {
    await withRexis(async (c) => {
      const r = redis.c;
      for (const conn of [c, r]) {
        assertEquals(await conn.send("FUNCTION", "LOAD", LIB_A), "liba");
      }
      // One library: the payloads are the same bytes.
      const ours = await c.send("FUNCTION", "DUMP") as string;
      const theirs = await r.send("FUNCTION", "DUMP") as string;
      assertEquals(ours, theirs);
      // Redis → Rexis and Rexis → Redis with two libraries.
      assertEquals(await r.send("FUNCTION", "LOAD", LIB_B), "libb");
      const fromRedis = await r.send("FUNCTION", "DUMP") as string;
      assertEquals(await c.send("FUNCTION", "RESTORE", fromRedis, "FLUSH"), "OK");
      assertEquals(await c.send("FCALL", "fb", "0"), "B");
      assertEquals(await c.send("FCALL", "fa", "0"), "A");
      assertEquals(await c.send("FUNCTION", "LOAD", LIB_C.replace(/fa/, "fc")), "libc");
      const fromRexis = await c.send("FUNCTION", "DUMP") as string;
      assertEquals(await r.send("FUNCTION", "RESTORE", fromRexis, "REPLACE"), "OK");
      assertEquals(await r.send("FCALL", "fc", "0"), "C");
      assertEquals(await r.send("FCALL", "fb", "0"), "B");

      // Broken payloads: the same errors.
      const lib = (name: string, fn: string, extra = "") =>
        `#!lua name=${name}\nredis.register_function('${fn}', function() return 1 end)\n${extra}`;
      const str = (s: string) => String.fromCharCode(0x40 | (s.length >> 8), s.length & 0xff) + s;
      const sealed = (b: string) => b + "\x0a\x00" + crcOf(b + "\x0a\x00");
      const pay = (...codes: string[]) => sealed(codes.map((c) => "\xf5" + str(c)).join(""));
      const payloads = [
        pay(lib("a", "f", "error('boom')")),
        pay(lib("a", "f"), lib("a", "g")),
        pay(lib("a", "f"), lib("b", "f")),
        pay("no shebang here, long enough"),
        sealed("\xf5\x05ab"), // runs into the trailer, as Redis reads it
        sealed("\xf6" + str("nm")), // 7.0-rc record cut after its name
        sealed("\x00" + str("k") + str("v")),
      ];
      for (const p of payloads) {
        await c.send("FUNCTION", "FLUSH");
        await r.send("FUNCTION", "FLUSH");
        assertEquals(
          await c.send("FUNCTION", "RESTORE", p),
          await r.send("FUNCTION", "RESTORE", p),
        );
      }
    });
  } finally {
    redis.c.close();
    await redis.stop();
  }
});

/** rdbSaveRawString without compression for codes under 64 bytes... or a 14-bit length. */
function rdbString(s: string): string {
  if (s.length < 64) return String.fromCharCode(s.length) + s;
  return String.fromCharCode(0x40 | (s.length >> 8), s.length & 0xff) + s;
}

/** CRC-64/Jones of a binary string, 8 bytes little endian (as Redis appends it). */
function crcOf(s: string): string {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (let i = 0; i < s.length; i++) {
    crc ^= BigInt(s.charCodeAt(i));
    for (let b = 0; b < 8; b++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  let out = "";
  for (let i = 0; i < 8; i++) out += String.fromCharCode(Number((crc >> BigInt(8 * i)) & 0xffn));
  return out;
}
