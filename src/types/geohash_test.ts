/**
 * Unit tests for src/types/geohash.ts. Every expected value below was read from redis-server
 * 7.0.15 (GEOADD then ZRANGE WITHSCORES, GEOPOS, GEOHASH, GEODIST, GEOSEARCHSTORE ... STOREDIST).
 */
import { assert, assertEquals } from "../testing/assert.ts";
import {
  areasByShape,
  cellScoreRange,
  CIRCULAR_TYPE,
  distanceInShape,
  estimateStepsByRadius,
  filteredOut,
  formatDistance,
  formatFixed,
  formatHuman,
  geoDistance,
  geohashDecodeScore,
  geohashScore,
  geohashString,
  geoUsesLibm,
  RECTANGLE_TYPE,
  shapeFilter,
} from "./geohash.ts";

/** name, lon, lat (as given to GEOADD), score, GEOPOS lon, GEOPOS lat, GEOHASH. */
const POINTS: [string, number, number, number, string, string, string][] = [
  [
    "Palermo",
    13.361389,
    38.115556,
    3479099956230698,
    "13.36138933897018433",
    "38.11555639549629859",
    "sqc8b49rny0",
  ],
  [
    "Catania",
    15.087269,
    37.502669,
    3479447370796909,
    "15.08726745843887329",
    "37.50266842333162032",
    "sqdtr74hyu0",
  ],
  [
    "SF",
    -122.4194,
    37.7749,
    1367859919124626,
    "-122.41940170526504517",
    "37.77490001056577995",
    "9q8yyk8ytp0",
  ],
  [
    "origin",
    0,
    0,
    3377699720527872,
    "0.00000268220901489",
    "0.00000126736058093",
    "s0000000000",
  ],
  ["ne", 180, 85.05112878, 13510798882111488, "180", "85.0511287799999991", "bp05b5048p0"],
  [
    "sw",
    -180,
    -85.05112878,
    0,
    "-179.99999731779098511",
    "-85.05112751263942528",
    "00bh0hbj200",
  ],
  [
    "Tokyo",
    139.6917,
    35.6895,
    4171231230197045,
    "139.69170123338699341",
    "35.68950126697937009",
    "xn774c06kt0",
  ],
  [
    "London",
    -0.1278,
    51.5074,
    2163557714755072,
    "-0.12779921293258667",
    "51.50740077990133159",
    "gcpvj0duq50",
  ],
  [
    "edge",
    179.999999,
    -85,
    3002400025541359,
    "179.99999731779098511",
    "-84.99999965213439168",
    "pbzurypzpg0",
  ],
  [
    "NYC",
    -73.935242,
    40.73061,
    1791875640195835,
    "-73.93524438142776489",
    "40.73061047253818145",
    "dr5rtwccpb0",
  ],
  [
    "Sydney",
    151.2093,
    -33.8688,
    3252046221964352,
    "151.20929986238479614",
    "-33.86880091934155956",
    "r3gx2f77bj0",
  ],
  [
    "Rio",
    -43.1729,
    -22.9068,
    1008484280450656,
    "-43.17289799451828003",
    "-22.90680107158666345",
    "75cm9tfqnw0",
  ],
];

Deno.test("geohash: GEOADD scores, GEOPOS coordinates and GEOHASH strings are Redis's", () => {
  for (const [name, lon, lat, score, plon, plat, hash] of POINTS) {
    assertEquals(geohashScore(lon, lat), score, name);
    const [x, y] = geohashDecodeScore(score);
    assertEquals([formatHuman(x), formatHuman(y)], [plon, plat], name);
    assertEquals(geohashString(score), hash, name);
  }
});

Deno.test("geohash: scores that are not geohashes decode as Redis's (uint64) cast does", () => {
  // ZADD w <score> m, then GEOPOS / GEOHASH.
  const cases: [number, string, string, string][] = [
    [-1, "180", "85.0511287799999991", "bp05b5048p0"],
    [1e20, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"],
    [9.3e18, "180", "85.0511287799999991", "bp05b5048p0"],
    [0.5, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"],
    [9007199254740992, "180", "-85.05112751263942528", "00bh0hbj200"],
    [-1e300, "180", "-85.05112751263942528", "00bh0hbj200"],
    [Infinity, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"],
    [-Infinity, "180", "-85.05112751263942528", "00bh0hbj200"],
  ];
  for (const [score, lon, lat, hash] of cases) {
    const [x, y] = geohashDecodeScore(score);
    assertEquals(
      [formatHuman(x), formatHuman(y), geohashString(score)],
      [lon, lat, hash],
      `${score}`,
    );
  }
});

Deno.test("geohash: distances as GEODIST prints them, and STOREDIST scores", () => {
  const palermo = geohashDecodeScore(3479099956230698);
  const at = (name: string) => {
    const p = POINTS.find((q) => q[0] === name)!;
    return geohashDecodeScore(p[3]);
  };
  const d = (name: string) => geoDistance(palermo[0], palermo[1], ...at(name));
  // GEODIST Palermo X [m|km|mi|ft]
  const table: [string, string, string, string, string][] = [
    ["Catania", "166274.1516", "166.2742", "103.3182", "545518.8700"],
    ["SF", "10441392.8274", "10441.3928", "6487.9968", "34256538.1477"],
    ["Tokyo", "10128099.1117", "10128.0991", "6293.3247", "33228671.6263"],
    ["London", "1824424.1366", "1824.4241", "1133.6474", "5985643.4929"],
    ["NYC", "7171510.5744", "7171.5106", "4456.1812", "23528578.0000"],
    ["Sydney", "16230616.4547", "16230.6165", "10085.2626", "53250053.9851"],
    ["Rio", "8990286.3472", "8990.2863", "5586.3188", "29495690.1155"],
  ];
  for (const [name, m, km, mi, ft] of table) {
    const v = d(name);
    assertEquals(
      [formatDistance(v), formatDistance(v / 1000), formatDistance(v / 1609.34)],
      [m, km, mi],
      name,
    );
    assertEquals(formatDistance(v / 0.3048), ft, name);
  }
  // GEOSEARCHSTORE dd p FROMLONLAT 0 0 BYRADIUS 25000 km STOREDIST: full-precision scores.
  const stored: [string, number][] = [
    ["origin", 0.0003299589265287915],
    ["Catania", 4449.6961235551089],
    ["Palermo", 4454.7332399321049],
    ["Rio", 5316.1079429314159],
    ["London", 5728.9902180461213],
    ["NYC", 8664.0160876490809],
    ["SF", 12799.027126883157],
    ["Tokyo", 14266.898419372454],
    ["Sydney", 15203.73859269374],
  ];
  for (const [name, km] of stored) {
    const got = geoDistance(0, 0, ...at(name)) / 1000;
    if (geoUsesLibm) assertEquals(got, km, name);
    else assert(Math.abs(got - km) <= km * 1e-15, name);
  }
});

Deno.test("geohash: number printing", () => {
  assertEquals(formatDistance(0), "0.0000");
  assertEquals(formatDistance(0.00001), "0.0000");
  // llrint(d * 10000) rounds the product half to even (checked with glibc).
  assertEquals(formatDistance(0.00005), "0.0000");
  assertEquals(formatDistance(0.00025), "0.0002");
  assertEquals(formatDistance(0.00035), "0.0004");
  assertEquals(formatDistance(0.5), "0.5000");
  assertEquals(formatDistance(12.34565), "12.3456");
  assertEquals(formatDistance(1234567.00005), "1234567.0000");
  assertEquals(formatFixed(200, 6), "200.000000");
  assertEquals(formatFixed(-1e21, 6), "-1000000000000000000000.000000");
  assertEquals(formatFixed(0.0000005, 6), "0.000000"); // below the tie: 4.99999...e-7
  assertEquals(formatFixed(0.5, 0), "0");
  assertEquals(formatFixed(1.5, 0), "2");
  assertEquals(formatFixed(Infinity, 6), "inf");
  assertEquals(formatFixed(-Infinity, 6), "-inf");
  assertEquals(formatHuman(-0), "0");
  assertEquals(formatHuman(-1e-20), "0");
  assertEquals(formatHuman(100), "100");
  assertEquals(formatHuman(0.1), "0.10000000000000001");
  // A tie at the 17th decimal (an odd multiple of 2^-18) rounds to even, as glibc does.
  assertEquals(formatHuman(3 * 2 ** -18), "0.00001144409179688");
  assertEquals(formatHuman(2 ** -18), "0.00000381469726562");
});

Deno.test("geohash: search cells", () => {
  assertEquals(estimateStepsByRadius(0, 0), 26);
  assertEquals(estimateStepsByRadius(100000, 0), 7);
  assertEquals(estimateStepsByRadius(100000, 70), 6);
  assertEquals(estimateStepsByRadius(100000, -85), 5);
  assertEquals(estimateStepsByRadius(1e9, 0), 1);
  // A cell's score range covers exactly the step-26 scores with its prefix.
  // latitude in the even bits, longitude in the odd ones, shifted to 52 bits.
  assertEquals(cellScoreRange({ lat: 1, lon: 0, step: 1 }), [1 * 2 ** 50, 2 * 2 ** 50]);
  assertEquals(cellScoreRange({ lat: 0, lon: 1, step: 1 }), [2 * 2 ** 50, 3 * 2 ** 50]);
  assertEquals(cellScoreRange({ lat: 3, lon: 1, step: 2 }), [0b0111 * 2 ** 48, 0b1000 * 2 ** 48]);
  // bits + 1 carries across the 32-bit words.
  assertEquals(cellScoreRange({ lat: 65535, lon: 65535, step: 16 }), [
    (2 ** 32 - 1) * 2 ** 20,
    2 ** 52,
  ]);
  const circle = {
    type: CIRCULAR_TYPE,
    lon: 13.361389,
    lat: 38.115556,
    radius: 200,
    width: 0,
    height: 0,
    conversion: 1000,
  };
  const cells = areasByShape(circle);
  assertEquals(cells.length, 9);
  const centre = cells[0]!;
  const palermo = geohashScore(13.361389, 38.115556);
  const [lo, hi] = cellScoreRange(centre);
  assert(lo <= palermo && palermo < hi);
  const box = { ...circle, type: RECTANGLE_TYPE, radius: 0, width: 400, height: 400 };
  assertEquals(areasByShape(box)[0]!.step, centre.step);
});

Deno.test("geohash: the search prefilter never drops a point the exact test keeps", () => {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  let dropped = 0;
  for (let s = 0; s < 300; s++) {
    const circle = rnd() < 0.5;
    const size = [10, 1000, 50_000, 500_000, 3_000_000, 9_000_000][Math.floor(rnd() * 6)] * rnd();
    const shape = {
      type: circle ? CIRCULAR_TYPE : RECTANGLE_TYPE,
      lon: rnd() * 360 - 180,
      lat: (rnd() * 2 - 1) * 85,
      radius: size,
      width: size * 2 * rnd(),
      height: size * 2 * rnd(),
      conversion: 1,
    };
    const f = shapeFilter(shape);
    for (let i = 0; i < 2000; i++) {
      // Points around the shape's edge, where a wrong bound would show.
      const spread = (size / 6372797.560856) * (180 / Math.PI) * (0.5 + rnd());
      let lon = shape.lon + (rnd() * 2 - 1) * spread * 3;
      if (lon > 180) lon -= 360;
      if (lon < -180) lon += 360;
      const lat = Math.max(-85.05, Math.min(85.05, shape.lat + (rnd() * 2 - 1) * spread));
      const inside = distanceInShape(shape, lon, lat) >= 0;
      if (filteredOut(f, lon, lat)) {
        assert(!inside, `dropped ${lon},${lat} of ${JSON.stringify(shape)}`);
        dropped++;
      }
    }
  }
  assert(dropped > 100_000, `the filter should drop most outside points (${dropped})`);
});
