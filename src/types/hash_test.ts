import { assert, assertEquals } from "../testing/assert.ts";
import { HashObject } from "./hash.ts";

Deno.test("HashObject: set/update/delete, listpack limits, one-way conversion", () => {
  const h = new HashObject();
  assertEquals(h.encoding(), "listpack");
  assertEquals(h.set("a", "1", 2, 8), false);
  assertEquals(h.set("a", "2", 2, 8), true);
  assertEquals(h.set("b", "1", 2, 8), false);
  assertEquals([...h.map.keys()], ["a", "b"]);
  assertEquals(h.encoding(), "listpack");
  h.set("c", "1", 2, 8);
  assertEquals(h.encoding(), "hashtable");
  assert(h.delete("c") && h.delete("b") && !h.delete("zz"));
  assertEquals(h.encoding(), "hashtable");
  const g = new HashObject();
  g.set("a", "123456789", 128, 8);
  assertEquals(g.encoding(), "hashtable");
  const k = new HashObject();
  k.tryConversion(["HSET", "k", "f", "123456789"], 2, 3, 8);
  assertEquals(k.encoding(), "hashtable");
  const d = g.dup();
  d.set("x", "y", 128, 8);
  assertEquals(g.size, 1);
  assertEquals(d.encoding(), "hashtable");
});

Deno.test("HashObject: random fields and scans see every field", () => {
  const h = new HashObject();
  for (let i = 0; i < 100; i++) h.set(`f${i}`, `v${i}`, 10, 64);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(h.randomField());
  assertEquals(seen.size, 100);
  h.delete("f0");
  for (let i = 0; i < 200; i++) assert(h.randomField() !== "f0");
  const scanned = new Set<string>();
  let cursor = 0n;
  do {
    const step = h.scanStep(cursor, 7);
    for (const f of step.keys) scanned.add(f);
    h.set(`new${cursor}`, "x", 10, 64); // insertions during the scan
    cursor = BigInt(step.cursor);
  } while (cursor !== 0n);
  for (let i = 1; i < 100; i++) assert(scanned.has(`f${i}`));
});
