import { assertEquals } from "../testing/assert.ts";
import { IdleCollector } from "./memory.ts";

Deno.test("idle collector: collects only after a quiet second with heap growth", () => {
  const ic = new IdleCollector();
  let junk: string[] = [];
  for (let i = 0; i < 400_000; i++) junk.push("value:" + i);
  const t0 = Date.now();
  ic.tick(t0, 1); // activity seen
  ic.tick(t0 + 500, 1); // quiet for only 0.5 s
  assertEquals(ic.collections, 0);
  ic.tick(t0 + 600, 2); // busy again
  ic.tick(t0 + 1700, 2); // quiet for 1.1 s, heap grew by the junk
  assertEquals(ic.collections, 1);
  junk = [];
  ic.tick(t0 + 2000, 2); // within the minimum interval
  assertEquals(ic.collections, 1);
  assertEquals(junk.length, 0);
});
