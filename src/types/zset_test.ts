import { assert, assertEquals } from "../testing/assert.ts";
import { ZSet } from "./zset.ts";

function cmp(a: [string, number], b: [string, number]): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

Deno.test("zset tree: random inserts, updates, deletes against a sorted array", () => {
  const z = new ZSet(false);
  const ref = new Map<string, number>();
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let step = 0; step < 40000; step++) {
    const m = "m" + rnd(3000);
    const s = rnd(50);
    const op = rnd(3);
    if (op < 2) {
      if (ref.has(m)) z.update(m, s);
      else z.insert(m, s);
      ref.set(m, s);
    } else {
      assertEquals(z.remove(m), ref.delete(m));
    }
    if (step % 4000 === 0 || step === 39999) {
      const sorted = [...ref.entries()].sort(cmp);
      const got: [string, number][] = [];
      z.forEach((mm, ss) => got.push([mm, ss]));
      assertEquals(got, sorted);
      for (let i = 0; i < sorted.length; i += 37) {
        assertEquals(z.rank(sorted[i][0]), i);
        const c = z.seek(i);
        assertEquals(c.leaf.m[c.i], sorted[i][0]);
      }
      const back: string[] = [];
      z.walk(sorted.length - 1, true, (mm) => (back.push(mm), true));
      assertEquals(back, sorted.map((e) => e[0]).reverse());
      assertEquals(z.countBelow((sc) => sc < 25), sorted.filter((e) => e[1] < 25).length);
    }
  }
  for (const m of [...ref.keys()]) z.remove(m);
  assertEquals(z.size, 0);
  assert(z.first() === undefined);
});

Deno.test("zset tree: sequential bulk insert and drain", () => {
  const z = new ZSet(false);
  for (let i = 0; i < 100000; i++) z.insert("k" + i, i);
  assertEquals(z.rank("k77777"), 77777);
  assertEquals(z.last(), ["k99999", 99999]);
  for (let i = 0; i < 100000; i += 2) z.remove("k" + i);
  assertEquals(z.rank("k77777"), 38888);
  assertEquals(z.members(0, 2), ["k1", "k3", "k5"]);
  const d = z.dup();
  assertEquals(d.size, 50000);
});

Deno.test("zset tree: deep tree shrinks through leaf and inner merges", () => {
  const z = new ZSet(false);
  const n = 300000;
  for (let i = 0; i < n; i++) z.insert("m" + i, (i * 7919) % 1000);
  // Remove 99% in a scattered order, checking ranks on the way.
  const keep: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) keep.push("m" + i);
    else z.remove("m" + i);
    if (i % 50000 === 0) {
      const first = z.first()!;
      assertEquals(z.rank(first[0]), 0);
    }
  }
  assertEquals(z.size, keep.length);
  const got: [string, number][] = [];
  z.forEach((m, s) => got.push([m, s]));
  const want = keep.map((m) => [m, z.score(m)!] as [string, number]).sort(cmp);
  assertEquals(got, want);
  for (let i = 0; i < want.length; i += 97) assertEquals(z.rank(want[i][0]), i);
  for (const m of keep) z.remove(m);
  assertEquals(z.size, 0);
  z.insert("x", 1);
  assertEquals(z.members(0, 0), ["x"]);
});
