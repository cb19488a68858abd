/**
 * Lua 5.1 behaviours over the Lua 5.4 engine, compared with a real redis-server 7.0.15 when one
 * is installed (same scripts, same replies): cjson/cmsgpack map key order (Lua 5.4 seeds its
 * string hashes per state, so pairs() order differs between runs), 5.1 wording of VM errors, and
 * the Lua heap INFO reports (lazily compiled libraries, SCRIPT FLUSH).
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { freeRefPort, RespConn, RespError, startServer } from "./helpers.ts";

/**
 * Replies that must equal redis-server's: map key order of cjson/cmsgpack and of pairs() itself
 * (the string hash seed is 0, so tables lay string keys out as Lua 5.1 does, collisions included),
 * and the 5.1 wording of VM errors.
 */
const SCRIPTS = [
  `return cjson.encode({hello=1, world=2, key=3, value=4, name=5})`,
  `local a = {x=nil,y=5} local b = {x=a} a['x'] = b return cmsgpack.pack(a)`,
  `return cjson.encode({ok=1, err=2})`,
  `local t = {} t.f = t.nonexist() return 1`,
  `return missing_global_fn()`,
  `local t = {} return t.a.b`,
  `local x return x + 1`,
  `local s return "a" .. s`,
  `local t = {zz=1, aa=2, mm=3, kk=4, hello="x", world="y", foo=1, bar=2, baz=3} return cjson.encode(t)`,
  `return cmsgpack.pack({name="n", type="t", id=1, data={k="v"}})`,
  `local t = {zz=1, aa=2, mm=3, kk=4, hello=1, world=2, foo=3} local r = {} for k in pairs(t) do r[#r+1]=k end return r`,
];

/** Same bytes on every run and in every process. */
const STABLE = [
  `local t = {} for i = 1, 40 do t["key:" .. i] = i end local r = {} for k in pairs(t) do r[#r+1]=k end return r`,
  `local t = {} for i = 40, 1, -1 do t["f" .. i] = i end t.f7 = nil t.f9 = nil t.extra = 1 return cjson.encode(t)`,
  `return cjson.encode({a=1,b=2,c=3,foo="x",bar={1,2},[5]=1})`,
];

async function replies(c: RespConn, scripts = SCRIPTS): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of scripts) {
    // Several runs: the order must not depend on the run (nor on the process, below).
    for (let i = 0; i < 3; i++) out.push(await c.send("EVAL", s, "0"));
  }
  return out;
}

Deno.test("Lua 5.1 map key order and error texts, like redis-server", async () => {
  const s = await startServer();
  const c = await RespConn.connect(s.port);
  let ours: unknown[];
  try {
    ours = await replies(c);
    // Known bytes from Redis 7.0.15 (tests/unit/scripting.tcl and redis-server).
    assertEquals(ours[0], '{"hello":1,"key":3,"value":4,"name":5,"world":2}');
    assertEquals(
      ours[3 * 3],
      new RespError(
        "ERR user_script:1: attempt to call field 'nonexist' (a nil value) script: " +
          "d122849d902e70c59d030425ce4bc6b8203218df, on @user_script:1.",
      ),
    );
    const stable = await replies(c, STABLE);
    for (const list of [ours, stable]) {
      for (let i = 0; i < list.length; i += 3) {
        assertEquals(list[i + 1], list[i]);
        assertEquals(list[i + 2], list[i]);
      }
    }
    // Another process gives the same bytes.
    const s2 = await startServer();
    const c2 = await RespConn.connect(s2.port);
    try {
      assertEquals(await replies(c2, STABLE), stable);
    } finally {
      c2.close();
      await s2.stop();
    }
  } finally {
    c.close();
    await s.stop();
  }
  const port = freeRefPort(7700);
  let p: Deno.ChildProcess;
  const dir = Deno.makeTempDirSync();
  try {
    p = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    console.log("redis-server not installed: comparison skipped");
    return;
  }
  try {
    let r: RespConn | null = null;
    for (let i = 0; i < 100 && r === null; i++) {
      try {
        r = await RespConn.connect(port);
      } catch {
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    assert(r !== null, "redis-server did not start");
    const theirs = await replies(r);
    r.close();
    assertEquals(ours, theirs);
  } finally {
    p.kill("SIGKILL");
    await p.status;
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("used_memory_lua: the Lua heap, libraries compiled on first use, SCRIPT FLUSH", async () => {
  const s = await startServer();
  const c = await RespConn.connect(s.port);
  const luaMem = async () => {
    const info = await c.send("INFO", "memory") as string;
    return Number(/used_memory_lua:(\d+)/.exec(info)![1]);
  };
  try {
    await c.send("EVAL", "return 1", "0");
    const base = await luaMem();
    // Redis 7.0.15 reports ~32 KB here (its libraries are C); ours are Lua, compiled on first use.
    assert(base > 10_000 && base < 64_000, `base ${base}`);
    await c.send(
      "EVAL",
      "return {cjson.encode({1}), cmsgpack.pack(1), struct.pack('b', 1), bit.band(1, 3)}",
      "0",
    );
    const withLibs = await luaMem();
    assert(withLibs > base + 15_000, `libs ${base} -> ${withLibs}`);
    await c.send("SET", "x", "0");
    for (let i = 0; i < 2000; i++) {
      await c.write(
        `*4\r\n$4\r\nEVAL\r\n$33\r\nreturn redis.call('incr',KEYS[1])\r\n$1\r\n1\r\n$1\r\nx\r\n`,
      );
    }
    for (let i = 0; i < 2000; i++) await c.read();
    assertEquals(await c.send("SCRIPT", "FLUSH"), "OK");
    const flushed = await luaMem();
    assert(flushed < withLibs - 15_000, `after SCRIPT FLUSH ${flushed}`);
    assert(flushed < 100 * 1024, `after SCRIPT FLUSH ${flushed}`);
    // The libraries come back on use.
    assertEquals(await c.send("EVAL", "return cjson.encode({1, 2})", "0"), "[1,2]");
  } finally {
    c.close();
    await s.stop();
  }
});
