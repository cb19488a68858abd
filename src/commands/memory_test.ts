import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";

Deno.test("MEMORY USAGE: estimates grow with the value, nil for missing keys, Redis's errors", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "small", "x");
  t.exec(c, "SET", "big", "x".repeat(10_000));
  const small = t.exec(c, "MEMORY", "USAGE", "small") as number;
  const big = t.exec(c, "MEMORY", "USAGE", "big") as number;
  assert(small > 0 && big > small + 9_000, `${small} ${big}`);
  for (let i = 0; i < 100; i++) t.exec(c, "HSET", "h", `f${i}`, "v".repeat(i));
  const sampled = t.exec(c, "MEMORY", "USAGE", "h") as number;
  const all = t.exec(c, "MEMORY", "USAGE", "h", "SAMPLES", 0) as number;
  assert(all > sampled, "the first fields are the smallest, so sampling them underestimates");
  for (const [cmd, ...a] of [["RPUSH", "l", "a", "b"], ["SADD", "s", "a"], ["ZADD", "z", 1, "a"]]) {
    t.exec(c, cmd as string, ...a);
    assert((t.exec(c, "MEMORY", "USAGE", a[0]) as number) > 0);
  }
  assertEquals(t.exec(c, "MEMORY", "USAGE", "nokey"), null);
  assertEquals(
    t.exec(c, "MEMORY", "USAGE", "small", "SAMPLES", -1),
    new RespError("ERR syntax error"),
  );
  assertEquals(t.exec(c, "MEMORY", "USAGE", "small", "FOO"), new RespError("ERR syntax error"));
  assertEquals(
    t.exec(c, "MEMORY", "USAGE", "small", "SAMPLES", "x"),
    new RespError("ERR value is not an integer or out of range"),
  );
  assertEquals(t.exec(c, "MEMORY", "PURGE"), "OK");
});
