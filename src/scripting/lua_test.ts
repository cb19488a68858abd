import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { scriptEngine } from "./engine.ts";

Deno.test("Lua states get a string hash seed of 0: pairs() order as Redis's Lua 5.1", () => {
  for (let i = 0; i < 12; i++) {
    const t = testServer();
    const e = scriptEngine(t.server);
    assert(e.lua.seedIsZero(), `state ${i}`);
    const c = t.client();
    // redis-server 7.0.15 lists these keys in this order (collisions included).
    assertEquals(
      t.exec(
        c,
        "EVAL",
        `local t = {zz=1, aa=2, mm=3, kk=4, hello="x", world="y", foo=1, bar=2, baz=3}
         local r = {} for k in pairs(t) do r[#r+1] = k end return r`,
        "0",
      ),
      ["zz", "baz", "mm", "hello", "aa", "kk", "bar", "foo", "world"],
    );
  }
});
