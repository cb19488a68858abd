import { assertEquals } from "../testing/assert.ts";
import { RawString, SMALL, stringOf } from "./rawstring.ts";

/** A model binary string and a RawString changed in step must stay equal. */
Deno.test("RawString: random edits agree with a string model across the small/bytes switch", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(int(256));
    return s;
  };
  for (let round = 0; round < 20; round++) {
    let model = bytes(int(2 * SMALL));
    const r = RawString.from(model);
    for (let t = 0; t < 300; t++) {
      const op = int(5);
      if (op === 0 && model.length > 0) {
        const i = int(model.length), b = int(256);
        r.setByte(i, b);
        model = model.slice(0, i) + String.fromCharCode(b) + model.slice(i + 1);
      } else if (op === 1) {
        const n = model.length + int(100);
        assertEquals(r.growZero(n), n > model.length);
        model += "\0".repeat(n - model.length);
      } else if (op === 2) {
        const off = int(model.length + 50), d = bytes(int(30));
        if (off > model.length) model += "\0".repeat(off - model.length);
        model = model.slice(0, off) + d + model.slice(off + d.length);
        assertEquals(r.write(off, d), model.length);
      } else if (op === 3) {
        const d = bytes(int(40));
        model += d;
        assertEquals(r.append(d), model.length);
      } else if (model.length > 0) {
        const u8 = r.edit();
        const i = int(model.length), b = int(256);
        u8[i] = b;
        r.commit();
        model = model.slice(0, i) + String.fromCharCode(b) + model.slice(i + 1);
      }
      assertEquals(r.length, model.length);
      if (t % 7 === 0) assertEquals(r.toString(), model);
      const i = int(model.length);
      if (model.length) assertEquals(r.byteAt(i), model.charCodeAt(i));
    }
    assertEquals(stringOf(r), model);
    assertEquals(r.b !== null, model.length > SMALL || r.b !== null);
    const d = r.dup();
    r.append("x");
    assertEquals(d.toString(), model);
    assertEquals(d.encoding(), "raw");
  }
});

Deno.test("RawString: zeros, bytes form past SMALL, capacity grows geometrically", () => {
  assertEquals(RawString.zeros(3).toString(), "\0\0\0");
  const r = RawString.zeros(SMALL + 1);
  assertEquals(r.b !== null, true);
  let reallocs = 0;
  let b = r.b;
  for (let n = SMALL + 2; n < 1 << 20; n += 64) {
    r.growZero(n);
    if (r.b !== b) {
      reallocs++;
      b = r.b;
    }
  }
  // Doubling: about log2(1 MB / 512) reallocations for 16,000 growth steps.
  assertEquals(reallocs <= 12, true, `reallocs ${reallocs}`);
});
