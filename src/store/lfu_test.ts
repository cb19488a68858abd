import { assert, assertEquals } from "../testing/assert.ts";
import {
  LFU_INIT_VAL,
  lfuDecrAndReturn,
  lfuInit,
  lfuLogIncr,
  lfuTimeElapsed,
  lfuTimeInMinutes,
  lfuTouch,
} from "./lfu.ts";

const MIN = 60_000;

Deno.test("lfu: minutes are 16 bits and elapsed time wraps once", () => {
  assertEquals(lfuTimeInMinutes(0), 0);
  assertEquals(lfuTimeInMinutes(59_999), 0);
  assertEquals(lfuTimeInMinutes(MIN * 65536), 0);
  assertEquals(lfuTimeInMinutes(MIN * 65537), 1);
  assertEquals(lfuTimeElapsed(10, MIN * 15), 5);
  // ldt 65530, now 3 (after the wrap): 65535 - 65530 + 3
  assertEquals(lfuTimeElapsed(65530, MIN * (65536 + 3)), 8);
});

Deno.test("lfu: a new key starts at LFU_INIT_VAL stamped with the current minute", () => {
  const now = MIN * 1234 + 5;
  const f = lfuInit(now);
  assertEquals(f & 255, LFU_INIT_VAL);
  assertEquals(f >>> 8, 1234);
  assertEquals(lfuDecrAndReturn(f, 1, now), LFU_INIT_VAL);
});

Deno.test("lfu: logarithmic increment probability and saturation", () => {
  // At or below LFU_INIT_VAL the increment is certain.
  assertEquals(lfuLogIncr(0, 10, 0.999), 1);
  assertEquals(lfuLogIncr(LFU_INIT_VAL, 10, 0.999), LFU_INIT_VAL + 1);
  // counter 15, factor 10: p = 1 / (10 * 10 + 1)
  const p = 1 / 101;
  assertEquals(lfuLogIncr(15, 10, p - 1e-9), 16);
  assertEquals(lfuLogIncr(15, 10, p + 1e-9), 15);
  // factor 0: always increments; 255 saturates.
  assertEquals(lfuLogIncr(200, 0, 0.999), 201);
  assertEquals(lfuLogIncr(255, 0, 0), 255);
  // Statistically: 1000 hits with factor 10 stay far below 1000 but above the start.
  let c = LFU_INIT_VAL;
  for (let i = 0; i < 1000; i++) c = lfuLogIncr(c, 10);
  assert(c > 10 && c < 40, `counter after 1000 hits: ${c}`);
});

Deno.test("lfu: decay one point per lfu-decay-time minutes, not below 0; decay 0 disables", () => {
  const t0 = MIN * 100;
  const f = (100 << 8) | 20;
  assertEquals(lfuDecrAndReturn(f, 1, t0), 20);
  assertEquals(lfuDecrAndReturn(f, 1, t0 + 3 * MIN), 17);
  assertEquals(lfuDecrAndReturn(f, 2, t0 + 3 * MIN), 19);
  assertEquals(lfuDecrAndReturn(f, 1, t0 + 50 * MIN), 0);
  assertEquals(lfuDecrAndReturn(f, 0, t0 + 50 * MIN), 20);
});

Deno.test("lfu: touch decays, increments, and restamps", () => {
  const t0 = MIN * 100;
  const f = (90 << 8) | 6; // 10 minutes old: decays to 0, then +1 for sure
  const g = lfuTouch(f, 10, 1, t0);
  assertEquals(g >>> 8, 100);
  assertEquals(g & 255, 1);
});
