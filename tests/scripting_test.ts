/**
 * Scripting end to end: EVAL/EVALSHA/SCRIPT/FUNCTION/FCALL through node-redis and ioredis, and
 * exact reply bytes over a raw connection.
 */
import { createClient, defineScript } from "redis";
import { Redis } from "ioredis";
import { assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";
import { encodeCommand } from "../src/protocol/decode.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

Deno.test("e2e node-redis: EVAL, EVALSHA, defineScript, FUNCTION LOAD + FCALL", async () => {
  await withServer(async (s) => {
    const client = createClient({
      socket: { host: "127.0.0.1", port: s.port },
      scripts: {
        incrBy2: defineScript({
          NUMBER_OF_KEYS: 1,
          SCRIPT: "return redis.call('INCRBY', KEYS[1], 2)",
          // deno-lint-ignore no-explicit-any
          parseCommand(parser: any, key: string) {
            parser.pushKey(key);
          },
          transformReply: undefined as unknown as () => number,
        }),
      },
    });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(
        await client.eval("return {KEYS[1], ARGV[1], 3.99, true, false}", {
          keys: ["k"],
          arguments: ["a"],
        }),
        ["k", "a", 3, 1, null],
      );
      // defineScript runs EVALSHA and falls back to EVAL on NOSCRIPT.
      assertEquals(await client.incrBy2("n"), 2);
      assertEquals(await client.incrBy2("n"), 4);
      const sha = await client.scriptLoad("return redis.call('GET', KEYS[1])");
      assertEquals(await client.evalSha(sha, { keys: ["n"] }), "4");
      assertEquals(await client.scriptExists([sha, "0".repeat(40)]), [1, 0]);
      assertEquals(
        await client.functionLoad(
          "#!lua name=lib\nredis.register_function('hi', function(k, a) return 'hi ' .. a[1] end)",
        ),
        "lib",
      );
      assertEquals(await client.fCall("hi", { arguments: ["you"] }), "hi you");
      let err = "";
      try {
        await client.eval("return redis.call('INCR', KEYS[1])", { keys: ["k2"], arguments: [] });
        await client.set("k2", "x");
        await client.eval("return redis.call('INCR', KEYS[1])", { keys: ["k2"] });
      } catch (e) {
        err = (e as Error).message;
      }
      assertMatch(
        err,
        /^ERR value is not an integer or out of range script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
    } finally {
      await client.quit();
    }
  });
});

Deno.test("e2e ioredis: defineCommand with evalsha fallback, pcall errors", async () => {
  await withServer(async (s) => {
    const r = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    try {
      r.defineCommand("tenHset", {
        numberOfKeys: 1,
        lua:
          "for i = 1, 10 do redis.call('HSET', KEYS[1], 'f' .. i, i) end return redis.call('HLEN', KEYS[1])",
      });
      // deno-lint-ignore no-explicit-any
      assertEquals(await (r as any).tenHset("h"), 10);
      await r.script("FLUSH");
      // deno-lint-ignore no-explicit-any
      assertEquals(await (r as any).tenHset("h"), 10); // NOSCRIPT → EVAL
      assertEquals(
        await r.eval("return redis.pcall('nosuchcmd')", 0).catch((e) => e.message),
        "ERR Unknown Redis command called from script",
      );
      assertEquals(
        await r.eval("return cjson.encode(cjson.decode('[1,{\"a\":null}]'))", 0),
        '[1,{"a":null}]',
      );
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("e2e raw: binary-safe strings, RESP3 conversion, globals protection", async () => {
  await withServer(async (s) => {
    const c = await RespConn.connect(s.port);
    try {
      const bin = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
      assertEquals(await c.send("EVAL", "return ARGV[1]", "0", bin), bin);
      assertEquals(
        await c.send(
          "EVAL",
          "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])",
          "1",
          "b",
          bin,
        ),
        bin,
      );
      assertMatch(
        String(await c.send("EVAL", "return x", "0")),
        /^ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      const r = await c.send("EVAL", "x = 1", "0");
      assertMatch(String(r), /Attempt to modify a readonly table/);
      assertMatch(
        String(await c.send("EVAL", "return redis.call('BLPOP', 'l', 0)", "0")),
        /^ERR This Redis command is not allowed from script script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      assertEquals(await c.send("EVAL", "return {1, 2, {3, 'x'}, redis.status_reply('OK')}", "0"), [
        1,
        2,
        [3, "x"],
        "OK",
      ]);
      assertEquals(
        await c.send("EVAL", "return redis.error_reply('MY err')", "0"),
        new RespError("MY err"),
      );
      assertEquals(
        await c.send("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"),
        new RespError("NOSCRIPT No matching script. Please use EVAL."),
      );
      assertMatch(
        String(await c.send("EVAL_RO", "return redis.call('DEL', 'a')", "0")),
        /^ERR Write commands are not allowed from read-only scripts\. script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      assertEquals(await c.send("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"), [
        "a",
        "b",
      ]);
      assertEquals(
        await c.send(
          "EVAL",
          "local e = cmsgpack.pack({1, 'a', 0.1, -1099511627776}) local d = cmsgpack.unpack(e) return {#e, d[2], tostring(d[3]), tostring(d[4])}",
          "0",
        ),
        [22, "a", "0.1", "-1099511627776"],
      );
      await c.send("HELLO", "3");
      assertEquals(
        await c.send("EVAL", "redis.setresp(3) return redis.call('HGETALL', 'nokey')", "0"),
        new Map(),
      );
    } finally {
      c.close();
    }
  });
});

Deno.test("e2e raw: a script past busy-reply-threshold yields: -BUSY, SCRIPT KILL, UNKILLABLE", async () => {
  await withServer(async (s) => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    try {
      assertEquals(await b.send("CONFIG", "SET", "busy-reply-threshold", "50"), "OK");
      assertEquals(
        await b.send("SCRIPT", "KILL"),
        new RespError("NOTBUSY No scripts in execution right now."),
      );
      await a.write(encodeCommand(["EVAL", "local i = 0 while true do i = i + 1 end", "0"]));
      let r: unknown = null;
      for (let i = 0; i < 100; i++) {
        r = await b.send("PING");
        if (r instanceof RespError) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      assertEquals(
        r,
        new RespError(
          "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        ),
      );
      assertEquals(
        await b.send("FUNCTION", "KILL"),
        new RespError(
          "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        ),
      );
      assertEquals(await b.send("SCRIPT", "KILL"), "OK");
      assertMatch(
        String(await a.read()),
        /^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/,
      );
      assertEquals(await a.send("PING"), "PONG");
      // A script that wrote cannot be killed.
      await a.write(encodeCommand(["EVAL", "redis.call('SET', 'w', 1) while true do end", "0"]));
      for (let i = 0; i < 100; i++) {
        r = await b.send("SCRIPT", "KILL");
        if (String(r).startsWith("UNKILLABLE")) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      assertMatch(String(r), /^UNKILLABLE Sorry the script already executed write commands/);
    } finally {
      a.close();
      b.close();
    }
  });
});
