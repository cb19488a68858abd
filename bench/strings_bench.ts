/**
 * In-process benchmarks of the in-place string modifiers (no socket: commands go through dispatch
 * on the in-memory harness): SETBIT, SETRANGE and APPEND on a 1 MB value must cost the same as on a
 * small one (O(1), src/types/rawstring.ts), and GET of an ordinary string must not pay for the
 * second representation.
 *
 *   deno bench -A bench/strings_bench.ts
 */
import { testServer } from "../src/testing/harness.ts";
import { processCommand } from "../src/server/dispatch.ts";

const t = testServer();
const c = t.client();
const MB = "Rexis bitmap 1MB ".repeat(65536);
t.exec(c, "SET", "big", MB);
t.exec(c, "SET", "app", MB);
t.exec(c, "SET", "rng", MB);
t.exec(c, "SET", "plain", "hello world, a value of forty bytes .....");
t.exec(c, "SETBIT", "small", "77", "1");

let i = 0;
const run = (argv: string[]) => {
  processCommand(c, argv);
  c.outLen = 0;
};
const offsets = Array.from(
  { length: 4096 },
  () => String(Math.floor(Math.random() * MB.length * 8)),
);

Deno.bench("SETBIT random offset of a 1 MB bitmap", () => {
  run(["SETBIT", "big", offsets[i++ & 4095], String(i & 1)]);
});
Deno.bench("SETBIT on a 10-byte bitmap", () => {
  run(["SETBIT", "small", "77", String(i++ & 1)]);
});
Deno.bench("SETRANGE 5 bytes into a 1 MB value", () => {
  run(["SETRANGE", "rng", String((i++ * 4099) % 1000000), "hello"]);
});
Deno.bench("APPEND 10 bytes to a 1 MB value (reset every 10,000)", () => {
  if (++i % 10000 === 0) t.exec(c, "SET", "app", MB);
  run(["APPEND", "app", "0123456789"]);
});
Deno.bench("GET of a 40-byte ordinary string", () => {
  run(["GET", "plain"]);
});
Deno.bench("BITCOUNT of the 1 MB bitmap after one SETBIT", () => {
  run(["SETBIT", "big", offsets[i++ & 4095], String(i & 1)]);
  run(["BITCOUNT", "big"]);
});
