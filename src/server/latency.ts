/**
 * Per-command latency histograms behind INFO latencystats.
 *
 * Redis records every call's duration in an HdrHistogram (1 ns .. 1 s, 2 significant digits) and
 * prints chosen percentiles with `%.3f` microseconds. This is the same log-linear layout, so the
 * numbers come out identical for identical durations:
 *
 * - values are nanoseconds, clamped to [1, 1e9];
 * - 256 sub-buckets per bucket (2 significant digits → 2·10² rounded up to a power of two), the
 *   first bucket holds 0..255 at unit resolution, bucket k ≥ 1 holds 128·2^k .. 256·2^k - 1 with a
 *   resolution of 2^k;
 * - 23 buckets cover 1e9, so 24 × 128 = 3072 counters per histogram, allocated on a command's
 *   first recorded call.
 *
 * A percentile is the highest value equivalent to the first counter whose running total reaches
 * round(p/100 · total), as hdr_value_at_percentile computes it.
 */
import type { Server } from "./server.ts";
import type { CommandDef } from "../commands/types.ts";

const SUB_BUCKET_HALF_MAGNITUDE = 7;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE; // 128
const SUB_BUCKET_COUNT = SUB_BUCKET_HALF * 2; // 256
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF; // 3072
export const LATENCY_MIN_NS = 1;
export const LATENCY_MAX_NS = 1_000_000_000;

/** Redis's default `latency-tracking-info-percentiles`. */
export const DEFAULT_PERCENTILES = [50, 99, 99.9];

function bucketIndex(v: number): number {
  // Values are < 2^31 after clamping, so 32-bit clz is exact.
  const pow2ceiling = 32 - Math.clz32(v | SUB_BUCKET_MASK);
  return pow2ceiling - (SUB_BUCKET_HALF_MAGNITUDE + 1);
}

function lowestEquivalent(v: number): number {
  const b = bucketIndex(v);
  return (v >>> b) * 2 ** b;
}

function highestEquivalent(v: number): number {
  const b = bucketIndex(v);
  const sub = v >>> b;
  const size = 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
  return lowestEquivalent(v) + size - 1;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Record one duration in nanoseconds. */
  record(ns: number): void {
    let v = Math.round(ns);
    if (!(v >= LATENCY_MIN_NS)) v = LATENCY_MIN_NS;
    else if (v > LATENCY_MAX_NS) v = LATENCY_MAX_NS;
    const b = bucketIndex(v);
    const sub = v >>> b;
    this.counts[((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF]++;
    this.total++;
  }

  /** hdr_value_at_percentile: a value in nanoseconds. */
  valueAtPercentile(percentile: number): number {
    const p = percentile < 100 ? percentile : 100;
    let want = Math.trunc((p / 100) * this.total + 0.5);
    if (want < 1) want = 1;
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= want) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(Math.max(value, 1)) : highestEquivalent(value || 1);
  }
}

function valueAtIndex(i: number): number {
  let b = (i >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  let sub = (i & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (b < 0) {
    sub -= SUB_BUCKET_HALF;
    b = 0;
  }
  return sub * 2 ** b;
}

/** Record one call of `cmd` lasting `ms` milliseconds. */
export function recordCommandLatency(cmd: CommandDef, ms: number): void {
  const st = cmd.stats!;
  (st.latency ??= new LatencyHistogram()).record(ms * 1e6);
}

/** C's "%f" followed by Redis's trimDoubleString: 50 → "50", 99.9 → "99.9". */
export function percentileLabel(p: number): string {
  let s = p.toFixed(6);
  if (s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** One INFO line: `latency_percentiles_usec_<name>:p50=1.003,p99=...` (without CRLF). */
export function latencyInfoLine(name: string, h: LatencyHistogram, percentiles: number[]): string {
  let s = `latency_percentiles_usec_${name}:`;
  for (let i = 0; i < percentiles.length; i++) {
    if (i > 0) s += ",";
    s += `p${percentileLabel(percentiles[i])}=${
      (h.valueAtPercentile(percentiles[i]) / 1000).toFixed(3)
    }`;
  }
  return s;
}

/** Whether `latency-tracking` is on (default yes while the config table lacks the directive). */
export function readLatencyTracking(server: Server): boolean {
  try {
    const v = server.config.get("latency-tracking");
    return v === true || v === 1 || v === "yes";
  } catch {
    return true;
  }
}

/** `latency-tracking-info-percentiles`, as numbers (Redis's default when absent or unreadable). */
export function readLatencyPercentiles(server: Server): number[] {
  let v: unknown;
  try {
    v = server.config.get("latency-tracking-info-percentiles");
  } catch {
    return DEFAULT_PERCENTILES;
  }
  if (Array.isArray(v)) return v.map(Number).filter((n) => Number.isFinite(n));
  if (typeof v === "number") return [v];
  if (typeof v !== "string") return DEFAULT_PERCENTILES;
  const out: number[] = [];
  for (const part of v.split(/\s+/)) {
    if (part === "") continue;
    const n = Number(part);
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/**
 * LATENCY HISTOGRAM's buckets (Redis's fillCommandCDF over hdr_iter_log_init(h, 1024, 2)): for each
 * power of two from 1024 ns up, the cumulative count of values up to it, keyed by the highest
 * value its counter covers in whole microseconds; only levels where the count grew are listed.
 */
export function latencyCdf(h: LatencyHistogram): [number, number][] {
  const out: [number, number][] = [];
  let cum = 0;
  let prev = 0;
  let i = 0;
  for (let level = 1024; cum < h.total && level <= 2 * LATENCY_MAX_NS; level *= 2) {
    const b = bucketIndex(level);
    const last = ((b + 1) << SUB_BUCKET_HALF_MAGNITUDE) + (level >>> b) - SUB_BUCKET_HALF;
    for (; i <= last && i < COUNTS_LEN; i++) cum += h.counts[i];
    if (cum > prev) out.push([Math.trunc(highestEquivalent(level) / 1000), cum]);
    prev = cum;
  }
  return out;
}
