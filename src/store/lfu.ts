/**
 * LFU counters, as Redis's evict.c keeps them in the 24-bit `lru` field of an object: the high 16
 * bits are the time of the last decrement in minutes (wrapping at 65535), the low 8 bits a
 * logarithmic access counter. A new key starts at LFU_INIT_VAL so that it is not evicted before it
 * had a chance to be accessed; each access increments the counter with probability
 * 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1), and the counter loses one point per
 * `lfu-decay-time` minutes elapsed since the field was last written.
 *
 * Rexis stores this field where it stores the LRU clock: in the key's `lru` slot (src/store/db.ts), so
 * switching policy at run time reinterprets the values, as it does in Redis.
 */

export const LFU_INIT_VAL = 5;

/** Minutes since the epoch, 16 bits (Redis's LFUGetTimeInMinutes). */
export function lfuTimeInMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 65535;
}

/** Minutes elapsed since `ldt`, wrapping once (LFUTimeElapsed). */
export function lfuTimeElapsed(ldt: number, nowMs: number): number {
  const now = lfuTimeInMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** Logarithmic increment saturating at 255 (LFULogIncr); `r` is a uniform draw in [0, 1). */
export function lfuLogIncr(counter: number, logFactor: number, r = Math.random()): number {
  if (counter === 255) return 255;
  const baseval = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1.0 / (baseval * logFactor + 1);
  return r < p ? counter + 1 : counter;
}

/** The counter after decay, without writing it back (LFUDecrAndReturn; OBJECT FREQ). */
export function lfuDecrAndReturn(field: number, decayTime: number, nowMs: number): number {
  const ldt = field >>> 8;
  const counter = field & 255;
  const periods = decayTime ? Math.floor(lfuTimeElapsed(ldt, nowMs) / decayTime) : 0;
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** The field of a new object (createObject under an LFU policy). */
export function lfuInit(nowMs: number): number {
  return (lfuTimeInMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/** An access (updateLFU): decay, then a logarithmic increment, stamped with the current minute. */
export function lfuTouch(
  field: number,
  logFactor: number,
  decayTime: number,
  nowMs: number,
): number {
  const counter = lfuLogIncr(lfuDecrAndReturn(field, decayTime, nowMs), logFactor);
  return (lfuTimeInMinutes(nowMs) << 8) | counter;
}
