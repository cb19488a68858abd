/**
 * HyperLogLog kernel tests: one case list run against the WASM module and the TypeScript
 * reference (src/types/hll.ts), then randomized comparisons of the two on thousands of inputs,
 * byte for byte. Known vectors come from redis-server 7.0.15.
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { HLL_DENSE_SIZE, HLL_EMPTY, type HllEngine, hllReference, hllWasm } from "./hll.ts";
import { hllCachedCard, hllIsValid } from "../types/hll.ts";

const wasm = await hllWasm();
const ref = hllReference();
const ENGINES: [string, HllEngine][] = [["wasm", wasm], ["ref", ref]];

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomString(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function addAll(e: HllEngine, v: string, els: string[], max = 3000): string {
  for (let i = 0; i < els.length; i += 50) {
    const res = e.add(v, els.slice(i, i + 50), max);
    assert(res !== null);
    v = res.value;
  }
  return v;
}

/** redis-server 7.0.15: PFADD h a b c, then GET h. */
const REDIS_ABC = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80" +
  "\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a";

for (const [name, e] of ENGINES) {
  Deno.test(`hll ${name}: PFADD a b c is Redis's value byte for byte`, () => {
    const r = e.add(HLL_EMPTY, ["a", "b", "c"], 3000)!;
    assertEquals(r.updated, 3);
    assertEquals(r.value, REDIS_ABC);
    assertEquals(e.count(r.value), 3);
    const again = e.add(r.value, ["a", "b"], 3000)!;
    assertEquals(again.updated, 0);
    assertEquals(again.value, r.value);
  });

  Deno.test(`hll ${name}: empty value, counts, union and merge`, () => {
    assert(hllIsValid(HLL_EMPTY));
    assertEquals(hllCachedCard(HLL_EMPTY), 0);
    assertEquals(e.count(HLL_EMPTY), 0);
    const els = Array.from({ length: 1000 }, (_, i) => `el:${i}`);
    const v = addAll(e, HLL_EMPTY, els);
    const c = e.count(v);
    assert(Math.abs(c - 1000) < 30, `count ${c}`);
    assertEquals(e.union([v, v]), c);
    const w = addAll(e, HLL_EMPTY, els.map((x) => x + "!"));
    const u = e.union([v, w]);
    assert(Math.abs(u - 2000) < 60, `union ${u}`);
    const m = e.merge(HLL_EMPTY, [v, w], 3000)!;
    assertEquals(e.count(m), u);
    assertEquals(hllCachedCard(m), -1);
    assertEquals(e.withCard(m, u).length, m.length);
    assertEquals(hllCachedCard(e.withCard(m, u)), u);
  });

  Deno.test(`hll ${name}: promotion to dense at hll-sparse-max-bytes`, () => {
    let v = HLL_EMPTY;
    let i = 0;
    while (v.charCodeAt(4) === 1) v = e.add(v, [`x${i++}`], 3000)!.value;
    assertEquals(v.length, HLL_DENSE_SIZE);
    assert(i > 100 && i < 3000, `promoted after ${i}`);
    // With 0 any growth promotes.
    assertEquals(e.add(HLL_EMPTY, ["a"], 0)!.value.length, HLL_DENSE_SIZE);
    const d = e.toDense(addAll(e, HLL_EMPTY, ["a", "b", "c"]))!;
    assertEquals(d.length, HLL_DENSE_SIZE);
    assertEquals(e.count(d), 3);
    const regs = e.registers(d);
    assertEquals(regs.reduce((a, b) => a + (b ? 1 : 0), 0), 3);
  });

  Deno.test(`hll ${name}: corrupt sparse values are detected, never thrown`, () => {
    const v = REDIS_ABC;
    // Additional opcode at the tail: registers overflow.
    assertEquals(e.count(v + "\x3f"), -1);
    assertEquals(e.union([v + "\x3f"]), -1);
    assertEquals(e.toDense(v + "\x3f"), null);
    // PFADD only walks up to the register it sets (as Redis): the tail goes unnoticed.
    assertEquals(e.add(v + "\x3f", ["a"], 3000)!.updated, 0);
    // Truncated: registers missing.
    assertEquals(e.count(v.slice(0, -1)), -1);
    assertEquals(e.merge(HLL_EMPTY, [v.slice(0, -2)], 3000), null);
  });

  Deno.test(`hll ${name}: PFSELFTEST passes`, () => {
    if (name === "ref") return; // 20M BigInt hashes: minutes in the reference
    assertEquals(e.selftest(3000), null);
  });
}

Deno.test("hll wasm vs ref: random element sets give identical values and counts", () => {
  const r = rng(1);
  for (let t = 0; t < 300; t++) {
    const n = Math.floor(r() * (t % 10 === 0 ? 5000 : 300));
    const max = [0, 100, 3000, 12000][t % 4];
    const els: string[] = [];
    for (let i = 0; i < n; i++) els.push(randomString(r, 80));
    let a = HLL_EMPTY, b = HLL_EMPTY;
    for (let i = 0; i < els.length; i += 37) {
      const ra = wasm.add(a, els.slice(i, i + 37), max)!;
      const rb = ref.add(b, els.slice(i, i + 37), max)!;
      assertEquals(ra.updated, rb.updated);
      a = ra.value;
      b = rb.value;
    }
    assertEquals(a, b, `case ${t}`);
    assertEquals(wasm.count(a), ref.count(b));
  }
});

Deno.test("hll wasm vs ref: unions, merges and corrupted values agree", () => {
  const r = rng(2);
  const pool: string[] = [];
  for (let t = 0; t < 30; t++) {
    const els = Array.from({ length: Math.floor(r() * 4000) }, () => randomString(r, 20));
    pool.push(addAll(ref, HLL_EMPTY, els));
  }
  for (let t = 0; t < 300; t++) {
    const k = 1 + Math.floor(r() * 4);
    const vs = Array.from({ length: k }, () => pool[Math.floor(r() * pool.length)]);
    assertEquals(wasm.union(vs), ref.union(vs));
    const dest = r() < 0.5 ? HLL_EMPTY : vs[0];
    assertEquals(wasm.merge(dest, vs, 3000), ref.merge(dest, vs, 3000));
    // Corrupt a value in random places: both report the same, neither throws.
    let bad = vs[0];
    for (let i = 0; i < 1 + Math.floor(r() * 4); i++) {
      const pos = 16 + Math.floor(r() * (bad.length - 16));
      bad = bad.slice(0, pos) + String.fromCharCode(Math.floor(r() * 256)) + bad.slice(pos + 1);
    }
    if (r() < 0.3) bad += String.fromCharCode(Math.floor(r() * 256));
    if (!hllIsValid(bad)) continue;
    assertEquals(wasm.count(bad), ref.count(bad), `count ${t}`);
    assertEquals(wasm.toDense(bad), ref.toDense(bad), `todense ${t}`);
    assertEquals(wasm.add(bad, ["p", "q", "r"], 3000), ref.add(bad, ["p", "q", "r"], 3000));
  }
});

Deno.test("hll wasm vs ref: a large hll-sparse-max-bytes lets sparse values grow in one call", () => {
  const els = Array.from({ length: 30000 }, (_, i) => `g${i}`);
  const a = wasm.add(HLL_EMPTY, els, 1_000_000)!;
  const b = ref.add(HLL_EMPTY, els, 1_000_000)!;
  assertEquals(a.value.charCodeAt(4), 1);
  assert(a.value.length > HLL_DENSE_SIZE, `sparse length ${a.value.length}`);
  assertEquals(a, b);
  // The same elements 50 at a time (little growth per call) give the same value.
  assertEquals(addAll(wasm, HLL_EMPTY, els, 1_000_000), a.value);
  assertEquals(wasm.count(a.value), ref.count(b.value));
  const m = wasm.merge(HLL_EMPTY, [a.value, wasm.add(HLL_EMPTY, ["zz"], 3000)!.value], 1_000_000);
  assertEquals(m, ref.merge(HLL_EMPTY, [b.value, ref.add(HLL_EMPTY, ["zz"], 3000)!.value], 1e6));
});
