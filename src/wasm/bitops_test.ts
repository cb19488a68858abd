/**
 * Bitmap kernel tests: one case list run against the WASM module and the TypeScript reference
 * (src/wasm/bitops_ref.ts), then randomized comparisons on thousands of inputs.
 */
import { assertEquals } from "../testing/assert.ts";
import {
  BITOP_AND,
  BITOP_NOT,
  BITOP_OR,
  BITOP_XOR,
  type BitopsEngine,
  bitopsReference,
  bitopsWasm,
} from "./bitops.ts";
import { countString, opStrings, posString } from "./bitops_ref.ts";
import { RawString } from "../types/rawstring.ts";

const wasm = await bitopsWasm();
const ref = bitopsReference();
const ENGINES: [string, BitopsEngine][] = [["wasm", wasm], ["ref", ref]];

/** BITOP's result as a binary string ("" for none). */
function opStr(e: BitopsEngine, op: number, srcs: (string | RawString)[]): string {
  return e.op(op, srcs)?.toString() ?? "";
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random binary string; `fill` biases towards runs of 0x00/0xff (BITPOS's word skipping). */
function bits(r: () => number, n: number): string {
  let s = "";
  const mode = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const b = mode === 0
      ? Math.floor(r() * 256)
      : mode === 1
      ? (r() < 0.995 ? 0 : Math.floor(r() * 256))
      : mode === 2
      ? (r() < 0.995 ? 255 : Math.floor(r() * 256))
      : (r() < 0.5 ? 0 : 255);
    s += String.fromCharCode(b);
  }
  return s;
}

for (const [name, e] of ENGINES) {
  Deno.test(`bitops ${name}: popcount, bitpos and bitop cases`, () => {
    assertEquals(e.count("foobar", 0, 5), 26);
    assertEquals(e.count("foobar", 1, 1), 6);
    assertEquals(e.count("\xff".repeat(1000), 0, 999), 8000);
    assertEquals(e.pos("\xff\xf0\x00", 0, 3, 0), 12);
    assertEquals(e.pos("\x00\x0f\x00", 0, 3, 1), 12);
    assertEquals(e.pos("\x00\x00\x00", 0, 3, 1), -1);
    assertEquals(e.pos("\xff\xff\xff", 0, 3, 0), 24);
    assertEquals(e.pos("\0".repeat(100) + "\x01", 0, 101, 1), 807);
    assertEquals(e.pos("\xff".repeat(100) + "\xfe", 0, 101, 0), 807);
    assertEquals(opStr(e, BITOP_AND, ["\xff\x0f", "\x0f"]), "\x0f\x00");
    assertEquals(opStr(e, BITOP_OR, ["\xf0", "\x0f\x01"]), "\xff\x01");
    assertEquals(opStr(e, BITOP_XOR, ["\xff\xff", "\x0f"]), "\xf0\xff");
    assertEquals(opStr(e, BITOP_NOT, ["\x00\xff\x0f"]), "\xff\x00\xf0");
    assertEquals(opStr(e, BITOP_OR, ["", ""]), "");
  });
}

Deno.test("bitops wasm vs ref: random strings and ranges", () => {
  const r = rng(7);
  for (let t = 0; t < 3000; t++) {
    const n = 1 + Math.floor(r() * (t % 50 === 0 ? 20000 : 300));
    const s = bits(r, n);
    const a = Math.floor(r() * n);
    const b = a + Math.floor(r() * (n - a));
    assertEquals(wasm.count(s, a, b), ref.count(s, a, b), `count ${t}`);
    const bit = r() < 0.5 ? 0 : 1;
    assertEquals(wasm.pos(s, a, b - a + 1, bit), ref.pos(s, a, b - a + 1, bit), `pos ${t}`);
  }
});

Deno.test("bitops wasm vs ref: BITOP over random sources", () => {
  const r = rng(8);
  for (let t = 0; t < 1500; t++) {
    const op = Math.floor(r() * 4);
    const k = op === BITOP_NOT ? 1 : 1 + Math.floor(r() * 5);
    const srcs = Array.from({ length: k }, () => bits(r, Math.floor(r() * 200)));
    assertEquals(opStr(wasm, op, srcs), opStr(ref, op, srcs), `op ${op} case ${t}`);
  }
});

Deno.test("bitops wasm: strings with bytes 0x80-0xff round trip through the copy-in", () => {
  let s = "";
  for (let i = 0; i < 5000; i++) s += String.fromCharCode(i % 256);
  assertEquals(opStr(wasm, BITOP_OR, [s]), s);
  assertEquals(wasm.count(s, 0, s.length - 1), ref.count(s, 0, s.length - 1));
});

Deno.test("bitops: the string-level fallbacks agree with the kernels", () => {
  const r = rng(9);
  for (let t = 0; t < 500; t++) {
    const n = 1 + Math.floor(r() * 300);
    const s = bits(r, n);
    const a = Math.floor(r() * n);
    const b = a + Math.floor(r() * (n - a));
    const bit = r() < 0.5 ? 0 : 1;
    assertEquals(countString(s, a, b), wasm.count(s, a, b));
    assertEquals(posString(s, a, b - a + 1, bit), wasm.pos(s, a, b - a + 1, bit));
    const op = Math.floor(r() * 4);
    const srcs = op === BITOP_NOT ? [s] : [s, bits(r, Math.floor(r() * 300))];
    assertEquals(opStrings(op, srcs), opStr(wasm, op, srcs));
  }
});

Deno.test("bitops: RawString values (bytes fed as they are) agree with their strings", () => {
  const r = rng(10);
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(r() * (t % 10 === 0 ? 5000 : 600));
    const s = bits(r, n);
    const v = RawString.from(s);
    const a = Math.floor(r() * n);
    const b = a + Math.floor(r() * (n - a));
    const bit = r() < 0.5 ? 0 : 1;
    for (const e of [wasm, ref]) {
      assertEquals(e.count(v, a, b), countString(s, a, b), `count ${t}`);
      assertEquals(e.pos(v, a, b - a + 1, bit), posString(s, a, b - a + 1, bit), `pos ${t}`);
      const other = bits(r, Math.floor(r() * 700));
      const op = Math.floor(r() * 4);
      const srcs = op === BITOP_NOT ? [v] : [v, RawString.from(other), other];
      assertEquals(opStr(e, op, srcs), opStrings(op, srcs.map(String)), `op ${t}`);
    }
  }
});

Deno.test("bitops: a resident RawString stays current through SETBIT patches and growth", () => {
  const r = rng(11);
  const pop = (x: number) => countString(String.fromCharCode(x), 0, 0);
  const v = RawString.zeros(4000);
  let shadow = new Uint8Array(4000);
  let ones = 0;
  for (let t = 0; t < 2000; t++) {
    // Mostly single-byte changes patched in place; sometimes growth, or an unpatched change.
    const ver = v.ver, len = v.len;
    const i = Math.floor(r() * (r() < 0.05 ? len * 1.5 : len));
    if (i >= len) v.growZero(i + 1);
    const b = Math.floor(r() * 256);
    v.setByte(i, b);
    if (i >= shadow.length) {
      const nb = new Uint8Array(i + 1);
      nb.set(shadow);
      shadow = nb;
    }
    ones += pop(b) - pop(shadow[i]);
    shadow[i] = b;
    if (r() < 0.9) wasm.patch(v, ver, len, i);
    assertEquals(wasm.count(v, 0, v.len - 1), ones, `count after change ${t}`);
  }
});
