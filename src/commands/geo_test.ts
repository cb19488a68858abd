/**
 * Family tests for src/commands/geo.ts, in memory: events, dirty counts, order of checks and the
 * partial sort. Expected replies were checked against redis-server 7.0.15.
 */
import { assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";
import { geoDouble, pqsort } from "./geo.ts";
import { parseDouble } from "./args.ts";

const err = (m: string) => new RespError(m);
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");

function recording() {
  const t = testServer();
  const events: string[] = [];
  t.server.notify = (_cls: string, ev: string, key: string) => {
    if (ev !== "keymiss") events.push(`${ev}:${key}`);
  };
  return { t, c: t.client(), events };
}

Deno.test("GEOADD is a ZADD: events, dirty, options, order of checks", () => {
  const { t, c, events } = recording();
  const d0 = t.server.dirty;
  assertEquals(
    t.exec(c, "GEOADD", "g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"),
    2,
  );
  assertEquals(t.server.dirty - d0, 2);
  assertEquals(events, ["new:g", "zadd:g"]);
  assertEquals(t.exec(c, "GEOADD", "g", "NX", 0, 0, "Palermo"), 0);
  assertEquals(t.exec(c, "GEOADD", "g", "XX", "CH", 0, 0, "Palermo", 1, 1, "new"), 1);
  assertEquals(t.exec(c, "ZSCORE", "g", "Palermo"), "3377699720527872");
  assertEquals(t.exec(c, "GEOADD", "g", "XX", "NX", 0, 0, "a"), err("ERR syntax error"));
  assertEquals(t.exec(c, "GEOADD", "g", 0, 0, "a", 1), err("ERR syntax error"));
  // ZADD's own option parsing sees GT as a longitude.
  assertEquals(t.exec(c, "GEOADD", "g", "GT", 0, 0, "a"), err("ERR syntax error"));
  assertEquals(t.exec(c, "GEOADD", "g", "x", 0, "a"), err("ERR value is not a valid float"));
  t.exec(c, "SET", "s", "v");
  // Coordinates are checked before the key's type.
  assertEquals(
    t.exec(c, "GEOADD", "s", -181, 0, "a"),
    err("ERR invalid longitude,latitude pair -181.000000,0.000000"),
  );
  assertEquals(t.exec(c, "GEOADD", "s", 0, 0, "a"), WRONGTYPE);
  assertEquals(t.exec(c, "GEOPOS", "s", "a"), WRONGTYPE);
  assertEquals(t.exec(c, "GEODIST", "s", "a", "b"), WRONGTYPE);
  assertEquals(
    t.exec(c, "GEODIST", "s", "a", "b", "x"),
    err("ERR unsupported unit provided. please use M, KM, FT, MI"),
  );
  assertEquals(t.exec(c, "GEOSEARCH", "s", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km"), WRONGTYPE);
});

Deno.test("GEOSEARCHSTORE / GEORADIUS STORE: events, dirty, deletion of the destination", () => {
  const { t, c, events } = recording();
  t.exec(c, "GEOADD", "g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");
  events.length = 0;
  let d0 = t.server.dirty;
  assertEquals(
    t.exec(c, "GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "STOREDIST"),
    2,
  );
  assertEquals(t.server.dirty - d0, 2);
  assertEquals(t.exec(c, "OBJECT", "ENCODING", "d"), "listpack");
  assertEquals(t.exec(c, "GEORADIUS", "g", 15, 37, 200, "km", "COUNT", 1, "STORE", "d2"), 1);
  assertEquals(t.exec(c, "ZRANGE", "d2", 0, -1, "WITHSCORES"), ["Catania", "3479447370796909"]);
  d0 = t.server.dirty;
  assertEquals(t.exec(c, "GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km"), 0);
  assertEquals(t.server.dirty - d0, 1);
  assertEquals(t.exec(c, "EXISTS", "d"), 0);
  // A missing source deletes the destination too.
  assertEquals(t.exec(c, "GEORADIUS", "nokey", 0, 0, 1, "km", "STORE", "d2"), 0);
  assertEquals(events, [
    "new:d",
    "geosearchstore:d",
    "new:d2",
    "georadiusstore:d2",
    "del:d",
    "del:d2",
  ]);
  // GEORADIUSBYMEMBER on a missing key replies before parsing the radius.
  assertEquals(t.exec(c, "GEORADIUSBYMEMBER", "nokey", "m", -1, "parsec"), []);
  assertEquals(
    t.exec(c, "GEORADIUSBYMEMBER", "g", "m", -1, "parsec"),
    err("ERR could not decode requested zset member"),
  );
  assertEquals(
    t.exec(c, "GEORADIUSBYMEMBER", "g", "Palermo", -1, "km"),
    err("ERR radius cannot be negative"),
  );
  assertEquals(t.exec(c, "GEORADIUS", "g", 0, 0, "x", "km"), err("ERR need numeric radius"));
  assertEquals(
    t.exec(c, "GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", "x", 1, "km"),
    err("ERR need numeric width"),
  );
  assertEquals(
    t.exec(c, "GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT", 0),
    err("ERR COUNT must be > 0"),
  );
  assertEquals(
    t.exec(c, "GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT"),
    err("ERR syntax error"),
  );
});

Deno.test("pqsort: the order of Redis's pqsort.c, ties included", () => {
  // Expected index orders: Redis's pqsort.c compiled and run on the same inputs.
  const a = [5, 3, 3, 9, 1, 3, 7, 3, 2, 8, 3, 0].map((k, i) => ({ k, i }));
  pqsort(a, (x, y) => x.k - y.k, 0, 4);
  assertEquals(a.map((x) => x.i), [11, 4, 8, 2, 1, 5, 10, 7, 0, 9, 6, 3]);
  const big = Array.from({ length: 200 }, (_, i) => ({ k: (i * 7919) % 37, i }));
  pqsort(big, (x, y) => x.k - y.k, 0, 49);
  assertEquals(
    big.slice(0, 50).map((x) => x.i),
    [
      111,
      0,
      148,
      185,
      37,
      74,
      112,
      75,
      1,
      149,
      38,
      186,
      187,
      150,
      2,
      39,
      76,
      113,
      151,
      114,
      188,
      3,
      40,
      77,
      152,
      78,
      189,
      115,
      41,
      4,
      42,
      116,
      153,
      79,
      190,
      5,
      154,
      43,
      80,
      6,
      117,
      191,
      192,
      81,
      155,
      7,
      44,
      118,
      8,
      193,
    ],
  );
});

Deno.test("keywords and units compare as C strings (up to a NUL byte), as strcasecmp does", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "GEOADD", "g", "CH\0x", 13.361389, 38.115556, "Palermo"), 1);
  assertEquals(
    t.exec(c, "GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km\0x", "WITHDIST\0y"),
    [["Palermo", "190.4424"]],
  );
  assertEquals(t.exec(c, "GEODIST", "g", "Palermo", "Palermo", "KM\0"), "0.0000");
});

Deno.test("geo: the coordinate fast path parses exactly as parseDouble (strtod)", () => {
  let seed = 3;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const cases = [
    "0",
    "-0",
    "+5",
    "5.",
    ".5",
    "-.5",
    "13.000000012345",
    "-180.0000000",
    "00012.5000",
    "1234567890.12345",
    "0.1234567890123456789012",
    "12345678901234567",
    "1e5",
    "inf",
    "-",
    ".",
    "",
    "1.2.3",
    "1 ",
    "0x1p3",
  ];
  for (let t = 0; t < 20000; t++) {
    const digits = String(Math.floor(rnd() * 1e12)).padStart(12, "0");
    cases.push(
      (rnd() < 0.3 ? "-" : "") + Math.floor(rnd() * 200) + "." + digits.slice(0, 1 + t % 12),
    );
    cases.push(String(rnd() * 360 - 180));
    cases.push((rnd() * 10 ** (rnd() * 20 - 10)).toFixed(t % 21));
  }
  for (const s of cases) assertEquals(Object.is(geoDouble(s), parseDouble(s)), true, s);
});
