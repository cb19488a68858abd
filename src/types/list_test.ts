import { ListValue } from "./list.ts";
import { assertEquals } from "../testing/assert.ts";

function contents(l: ListValue): string[] {
  return l.length === 0 ? [] : l.range(0, l.length - 1);
}

Deno.test("ListValue: random operations match an array model", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const l = new ListValue();
  let m: string[] = [];
  for (let step = 0; step < 20000; step++) {
    const op = rnd(9);
    const v = String(rnd(20));
    if (op === 0) (l.pushHead(v), m.unshift(v));
    else if (op === 1) (l.pushTail(v), m.push(v));
    else if (op === 2) assertEquals(l.popHead(), m.shift());
    else if (op === 3) assertEquals(l.popTail(), m.pop());
    else if (op === 4) {
      const i = rnd(m.length + 1);
      l.insertAt(i, v);
      m.splice(i, 0, v);
    } else if (op === 5 && m.length) {
      const i = rnd(m.length);
      l.set(i, v);
      m[i] = v;
    } else if (op === 6 && rnd(10) === 0) {
      const count = rnd(3);
      const tail = rnd(2) === 1;
      let removed = 0;
      const idx = m.map((_, i) => i);
      if (tail) idx.reverse();
      const drop = new Set<number>();
      for (const i of idx) {
        if (m[i] === v && (count === 0 || removed < count)) {
          drop.add(i);
          removed++;
        }
      }
      assertEquals(l.remove(v, count, tail), removed);
      m = m.filter((_, i) => !drop.has(i));
    } else if (op === 7 && rnd(20) === 0 && m.length > 2) {
      const s = rnd(m.length);
      const e = s + rnd(m.length - s);
      l.trim(s, e);
      m = m.slice(s, e + 1);
    } else if (op === 8 && m.length) {
      const i = rnd(m.length);
      assertEquals(l.get(i), m[i]);
    }
    assertEquals(l.length, m.length);
  }
  assertEquals(contents(l), m);
  assertEquals(contents(l.dup()), m);
  assertEquals(l.encoding(), "quicklist");
});

Deno.test("ListValue: grows and shrinks across a million elements", () => {
  const l = new ListValue();
  for (let i = 0; i < 1_000_000; i++) l.pushTail(String(i & 1023));
  assertEquals(l.get(999_999), String(999_999 & 1023));
  for (let i = 0; i < 999_999; i++) l.popHead();
  assertEquals(contents(l), [String(999_999 & 1023)]);
});
