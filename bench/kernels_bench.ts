/**
 * Kernel-level benchmark: the WASM kernels against their TypeScript references, through the same
 * host code (src/wasm/hll.ts, src/wasm/bitops.ts), on values already resident in module memory
 * (as they are for repeated commands on a key):
 *
 *   deno bench -A bench/kernels_bench.ts
 *
 * Target: WASM at least 3× the reference on each group.
 */
import { BITOP_AND, bitopsReference, bitopsWasm } from "../src/wasm/bitops.ts";
import { HLL_EMPTY, hllReference, hllWasm } from "../src/wasm/hll.ts";

const MB = 1024 * 1024;

function randomBytes(n: number, seed: number): string {
  let s = "";
  const chunk: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    chunk.push((seed >> 16) & 0xff);
    if (chunk.length === 4096) {
      s += String.fromCharCode(...chunk);
      chunk.length = 0;
    }
  }
  return s + String.fromCharCode(...chunk);
}

const bw = await bitopsWasm();
const br = bitopsReference();
const oneMb = randomBytes(MB, 1);
const four = [1, 2, 3, 4].map((i) => randomBytes(MB, i + 10));

Deno.bench("BITCOUNT 1 MB: wasm", { group: "bitcount", baseline: true }, () => {
  bw.count(oneMb, 0, MB - 1);
});
Deno.bench("BITCOUNT 1 MB: ts reference", { group: "bitcount" }, () => {
  br.count(oneMb, 0, MB - 1);
});

Deno.bench("BITOP AND 4 × 1 MB: wasm", { group: "bitop", baseline: true }, () => {
  bw.op(BITOP_AND, four);
});
Deno.bench("BITOP AND 4 × 1 MB: ts reference", { group: "bitop" }, () => {
  br.op(BITOP_AND, four);
});

const hw = await hllWasm();
const hr = hllReference();
const dense: string[] = [];
for (let k = 0; k < 10; k++) {
  let v = HLL_EMPTY;
  const els = Array.from({ length: 20000 }, (_, i) => `k${k}:${i}`);
  for (let i = 0; i < els.length; i += 1000) v = hw.add(v, els.slice(i, i + 1000), 3000)!.value;
  dense.push(v);
}
Deno.bench("PFCOUNT union of 10 dense HLLs: wasm", { group: "pfcount", baseline: true }, () => {
  hw.union(dense);
});
Deno.bench("PFCOUNT union of 10 dense HLLs: ts reference", { group: "pfcount" }, () => {
  hr.union(dense);
});
