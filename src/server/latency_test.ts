import { assertEquals } from "../testing/assert.ts";
import { latencyCdf, LatencyHistogram, latencyInfoLine, percentileLabel } from "./latency.ts";

Deno.test("latency histogram: HdrHistogram's 2-significant-digit buckets", () => {
  const h = new LatencyHistogram();
  h.record(3000); // 3 µs: Redis prints 3.007 (highest value equivalent to 3000 ns)
  assertEquals(h.valueAtPercentile(50), 3007);
  assertEquals(
    latencyInfoLine("ping", h, [50, 99, 99.9]),
    "latency_percentiles_usec_ping:p50=3.007,p99=3.007,p99.9=3.007",
  );
  const small = new LatencyHistogram();
  small.record(0); // clamped to 1 ns
  small.record(200); // unit resolution below 256 ns
  assertEquals(small.valueAtPercentile(50), 1);
  assertEquals(small.valueAtPercentile(100), 200);
  const big = new LatencyHistogram();
  big.record(5e9); // clamped to 1 s
  assertEquals(big.valueAtPercentile(99), 1_002_438_655);
});

Deno.test("latency histogram: percentiles over a distribution", () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) h.record(i * 1000); // 1..100 µs
  assertEquals(h.valueAtPercentile(50), 50_175);
  assertEquals(h.valueAtPercentile(99), 99_327);
  assertEquals(h.valueAtPercentile(100), 100_351);
  // Cross-checked against Redis's deps/hdr_histogram built from the 7.0.15 sources.
  const k = new LatencyHistogram();
  for (let i = 0; i < 1000; i++) k.record(((i * 7919) % 5_000_000) + 1);
  assertEquals([50, 99, 99.9].map((p) => k.valueAtPercentile(p)), [
    1_982_463,
    4_947_967,
    5_013_503,
  ]);
});

Deno.test("percentile labels as Redis's %f + trimDoubleString", () => {
  assertEquals(percentileLabel(50), "50");
  assertEquals(percentileLabel(99.9), "99.9");
  assertEquals(percentileLabel(99.99), "99.99");
  assertEquals(percentileLabel(0), "0");
});

Deno.test("LATENCY HISTOGRAM buckets: power-of-two levels from 1024 ns, cumulative", () => {
  const h = new LatencyHistogram();
  assertEquals(latencyCdf(h), []);
  h.record(5000); // 5 µs → the 8192 ns level, shown as 8 (8192 + 32 - 1 ns)
  assertEquals(latencyCdf(h), [[8, 1]]);
  h.record(500); // below 1024 ns: the first level
  h.record(1024); // exactly a level: counted in it
  h.record(70_000); // 70 µs → the 131072 ns level (131072 + 1024 - 1 → 132)
  assertEquals(latencyCdf(h), [[1, 2], [8, 3], [132, 4]]);
});
