/**
 * Geo family: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS, GEORADIUSBYMEMBER (and their _RO
 * variants), GEOSEARCH, GEOSEARCHSTORE — Redis 7.0's geo.c replies, errors, order of checks and
 * events.
 *
 * A geo index is a sorted set whose scores are 52-bit geohashes (src/types/geohash.ts); there is
 * no geo type. GEOADD turns its triples into a ZADD call (zaddGeneric from zsets.ts), so it fires
 * "zadd" and follows ZADD's rules. A search takes the centre cell and its 8 neighbours at a step
 * fitted to the radius, reads each cell's score range from the zset, keeps the points inside the
 * circle or box, then sorts by distance: a full sort is stable (glibc's qsort is a merge sort), a
 * COUNT below the number of matches uses Redis's partial quicksort (pqsort), ported below, so ties
 * come out in Redis's order. STORE / STOREDIST / GEOSEARCHSTORE write a zset ("georadiusstore" or
 * "geosearchstore" event; "del" when the result is empty and the destination existed).
 *
 * Keywords and units are compared as C strings (cstr), as Redis's strcasecmp does: "WITHDIST\0x"
 * is WITHDIST.
 *
 * Deviation: without --allow-ffi, sin/cos/asin are V8's, which differ from glibc's in the last
 * bit for ~0.1% of arguments, so STOREDIST scores may then differ in their 17th digit (see
 * geohash.ts); with it (deno task start, the tests) replies are Redis's byte for byte.
 *
 * The table rows at the bottom must match redis-server 7.0.15's COMMAND INFO / COMMAND DOCS byte
 * for byte (checked against a live 7.0.15, and by tests/geo_test.ts when redis-server is there).
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef, type KeySpec, keySpec } from "./types.ts";
import type { ArgDoc } from "./types.ts";
import { eqi, parseDouble, parseI64 } from "./args.ts";
import { ZSet } from "../types/zset.ts";
import { lookupRead, maybeListpack, notZset, storeZset, zaddGeneric } from "./zsets.ts";
import {
  areasByShape,
  cellScoreRange,
  CIRCULAR_TYPE,
  distanceInShape,
  filteredOut,
  formatDistance,
  formatFixed,
  formatHuman,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  geoDistance,
  geohashDecodeInto,
  geohashDecodeScore,
  geohashScore,
  geohashString,
  type GeoShape,
  RECTANGLE_TYPE,
  type ShapeFilter,
  shapeFilter,
} from "../types/geohash.ts";

const NOT_FLOAT = "ERR value is not a valid float";

/** One match of a search (Redis's geoPoint). */
interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

// ---- argument helpers --------------------------------------------------------------------------

/** An argument as a C string sees it: up to its first NUL byte (strcasecmp's view). */
function cstr(s: string): string {
  const z = s.indexOf("\0");
  return z < 0 ? s : s.slice(0, z);
}

/** Exact powers of ten (10^0 .. 10^22 are exact doubles). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * parseDouble with a fast path for plain decimals (`[+-]digits[.digits]`, the form coordinates
 * come in): with at most 15 significant digits the digits form an exact integer m and, with k ≤ 22
 * fraction digits, m / 10^k is one correctly rounded division, the value strtod gives (Clinger's
 * fast path; V8's Number() of such a string is a runtime call several times slower). Anything else
 * (more digits, exponents, inf, hex, errors) goes through parseDouble.
 */
export function geoDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 40) return parseDouble(s);
  let i = 0;
  let ch = s.charCodeAt(0);
  const neg = ch === 45;
  if (neg || ch === 43) i = 1;
  let m = 0;
  let sig = 0;
  let digits = 0;
  let frac = -1;
  for (; i < n; i++) {
    ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      digits++;
      if (frac >= 0) frac++;
      if (sig > 0 || ch !== 48) {
        sig++;
        m = m * 10 + (ch - 48);
      }
    } else if (ch === 46 && frac < 0) frac = 0;
    else return parseDouble(s);
  }
  if (digits === 0 || sig > 15 || frac > 22) return parseDouble(s);
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}

/** getDoubleFromObjectOrReply. */
function getDouble(c: Client, s: string, msg?: string): number | null {
  const v = geoDouble(s);
  if (v === null) c.addError(msg ? "ERR " + msg : NOT_FLOAT);
  return v;
}

/** extractLongLatOrReply: argv[i], argv[i + 1] as longitude, latitude within the WGS84 limits. */
function extractLongLat(c: Client, argv: string[], i: number): [number, number] | null {
  const lon = getDouble(c, argv[i]);
  if (lon === null) return null;
  const lat = getDouble(c, argv[i + 1]);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.addError(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
    return null;
  }
  return [lon, lat];
}

/** extractUnitOrReply: metres per unit, or -1 after the error. */
function extractUnit(c: Client, unit: string): number {
  const u = cstr(unit);
  const l = u.length;
  if (l === 1 && (u === "m" || u === "M")) return 1;
  if (l === 2) {
    const s = u.toLowerCase();
    if (s === "km") return 1000;
    if (s === "ft") return 0.3048;
    if (s === "mi") return 1609.34;
  }
  c.addError("ERR unsupported unit provided. please use M, KM, FT, MI");
  return -1;
}

/** extractDistanceOrReply: fills shape.radius and shape.conversion. */
function extractDistance(c: Client, argv: string[], i: number, shape: GeoShape): boolean {
  const d = getDouble(c, argv[i], "need numeric radius");
  if (d === null) return false;
  if (d < 0) {
    c.addError("ERR radius cannot be negative");
    return false;
  }
  shape.radius = d;
  const conv = extractUnit(c, argv[i + 1]);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

/** extractBoxOrReply: fills shape.width, shape.height and shape.conversion. */
function extractBox(c: Client, argv: string[], i: number, shape: GeoShape): boolean {
  const w = getDouble(c, argv[i], "need numeric width");
  if (w === null) return false;
  const h = getDouble(c, argv[i + 1], "need numeric height");
  if (h === null) return false;
  if (h < 0 || w < 0) {
    c.addError("ERR height or width cannot be negative");
    return false;
  }
  shape.height = h;
  shape.width = w;
  const conv = extractUnit(c, argv[i + 2]);
  if (conv < 0) return false;
  shape.conversion = conv;
  return true;
}

// ---- replies -----------------------------------------------------------------------------------

/** addReplyHumanLongDouble. */
function addHuman(c: Client, d: number): void {
  const s = formatHuman(d);
  if (c.resp === 3) c.writeAscii("," + s + "\r\n");
  else c.addBulk(s);
}

/** addReplyLongLong of a score cast to long long (x86-64: out of range gives LLONG_MIN). */
function addHash(c: Client, score: number): void {
  const t = Math.trunc(score);
  if (Number.isSafeInteger(t)) c.addInt(t);
  else if (t >= 9223372036854775808 || t < -9223372036854775808) {
    c.addInt(-9223372036854775808n);
  } else c.addInt(BigInt(t));
}

// ---- GEOADD ------------------------------------------------------------------------------------

function geoaddCommand(c: Client, argv: string[]): void {
  let nx = false;
  let xx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = cstr(argv[longidx]);
    if (eqi(opt, "NX")) nx = true;
    else if (eqi(opt, "XX")) xx = true;
    else if (!eqi(opt, "CH")) break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 || (xx && nx)) return c.addErrorSyntax();
  // The ZADD call Redis makes: ZADD key [options] score member ...
  const elements = (argv.length - longidx) / 3;
  const zargv: string[] = new Array(longidx + elements * 2);
  zargv[0] = "zadd";
  zargv[1] = argv[1];
  for (let i = 2; i < longidx; i++) zargv[i] = cstr(argv[i]); // ZADD compares them as C strings
  // The scores go in already parsed (Redis formats them as integers and ZADD parses them back:
  // the same doubles, see geohashScore).
  const scores: number[] = new Array(elements);
  for (let i = 0; i < elements; i++) {
    const j = longidx + i * 3;
    const lon = getDouble(c, argv[j]);
    if (lon === null) return;
    const lat = getDouble(c, argv[j + 1]);
    if (lat === null) return;
    if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
      return c.addError(
        `ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`,
      );
    }
    scores[i] = geohashScore(lon, lat);
    zargv[longidx + i * 2] = "";
    zargv[longidx + i * 2 + 1] = argv[longidx + i * 3 + 2];
  }
  zaddGeneric(c, zargv, 0, scores);
  // Replicated as the ZADD it ran (Redis's replaceClientCommandVector): integer geohash scores.
  const prop = argv.slice(0, longidx);
  prop[0] = "zadd";
  for (let i = 0; i < elements; i++) prop.push(String(scores[i]), zargv[longidx + i * 2 + 1]);
  c.propagateArgv = prop;
}

// ---- searches ----------------------------------------------------------------------------------

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

const RADIUS_COORDS = 1 << 0;
const RADIUS_MEMBER = 1 << 1;
const RADIUS_NOSTORE = 1 << 2;
const GEOSEARCH = 1 << 3;
const GEOSEARCHSTORE = 1 << 4;

/**
 * Append the members with min <= score < max that fall inside the shape (geoGetPointsInRange),
 * stopping once `limit` (when non-zero) points are collected.
 */
function pointsInRange(
  z: ZSet,
  min: number,
  max: number,
  shape: GeoShape,
  filter: ShapeFilter,
  ga: GeoPoint[],
  limit: number,
): void {
  if (!(min < max)) return;
  const rank = z.countBelow((s) => s < min);
  const p = DECODED;
  z.walk(rank, false, (member, score) => {
    if (!(score < max)) return false;
    geohashDecodeInto(score, p);
    if (!filteredOut(filter, p.lon, p.lat)) {
      const dist = distanceInShape(shape, p.lon, p.lat);
      if (dist >= 0) ga.push({ lon: p.lon, lat: p.lat, dist, score, member });
    }
    return !(ga.length && limit && ga.length >= limit);
  });
}

const DECODED = { lon: 0, lat: 0 };

/** membersOfAllNeighbors: the 9 cells, skipping excluded ones and repeats of the previous one. */
function membersOfAllNeighbors(z: ZSet, shape: GeoShape, ga: GeoPoint[], limit: number): void {
  const cells = areasByShape(shape);
  const filter = shapeFilter(shape);
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    const prev = cells[last];
    if (
      last && prev !== null && cell.lat === prev.lat && cell.lon === prev.lon &&
      cell.step === prev.step
    ) continue;
    if (ga.length && limit && ga.length >= limit) break;
    const [min, max] = cellScoreRange(cell);
    pointsInRange(z, min, max, shape, filter, ga, limit);
    last = i;
  }
}

/** sort_gp_asc / sort_gp_desc. */
function cmpAsc(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

function cmpDesc(a: GeoPoint, b: GeoPoint): number {
  return -cmpAsc(a, b);
}

/**
 * Redis's pqsort (Bentley-McIlroy quicksort that only recurses into partitions overlapping
 * [lrange, rrange]), over a[0..n), so the order of equal distances is Redis's.
 */
export function pqsort<T>(
  a: T[],
  cmp: (x: T, y: T) => number,
  lrange: number,
  rrange: number,
): void {
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const vecswap = (i: number, j: number, n: number) => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const med3 = (x: number, y: number, z: number) =>
    cmp(a[x], a[y]) < 0
      ? (cmp(a[y], a[z]) < 0 ? y : cmp(a[x], a[z]) < 0 ? z : x)
      : (cmp(a[y], a[z]) > 0 ? y : cmp(a[x], a[z]) < 0 ? x : z);
  const sort = (base: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let pm = base + 1; pm < base + n; pm++) {
          for (let pl = pm; pl > base && cmp(a[pl - 1], a[pl]) > 0; pl--) swap(pl, pl - 1);
        }
        return;
      }
      let pm = base + (n >> 1);
      if (n > 7) {
        let pl = base;
        let pn = base + n - 1;
        if (n > 40) {
          const d = n >> 3;
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(base, pm);
      let pa = base + 1;
      let pb = pa;
      let pc = base + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = cmp(a[pb], a[base])) <= 0) {
          if (r === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = cmp(a[pc], a[base])) >= 0) {
          if (r === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const pn = base + n;
      let r = Math.min(pa - base, pb - pa);
      vecswap(base, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      // Recurse into a partition only when it overlaps the wanted range.
      const overlaps = (s: number, len: number) =>
        !((lrange < s && rrange < s) || (lrange >= s + len && rrange >= s + len));
      if ((r = pb - pa) > 1 && overlaps(base, r)) sort(base, r);
      if ((r = pd - pc) > 1) {
        base = pn - r;
        n = r;
        if (overlaps(base, n)) continue;
      }
      return;
    }
  };
  sort(0, a.length);
}

/**
 * GEORADIUS / GEORADIUSBYMEMBER (+_RO) / GEOSEARCH / GEOSEARCHSTORE (georadiusGeneric).
 * `srcKeyIndex` is where the source key is; `flags` says which command this is.
 */
function georadiusGeneric(c: Client, argv: string[], srcKeyIndex: number, flags: number): void {
  let storekey: string | null = null;
  let storedist = false;
  const v = lookupRead(c, argv[srcKeyIndex]);
  if (notZset(c, v)) return;
  const z = v as ZSet | undefined;

  const shape: GeoShape = {
    type: 0,
    lon: 0,
    lat: 0,
    radius: 0,
    width: 0,
    height: 0,
    conversion: 0,
  };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    shape.type = CIRCULAR_TYPE;
    const xy = extractLongLat(c, argv, 2);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!extractDistance(c, argv, baseArgs - 2, shape)) return;
  } else if (flags & RADIUS_MEMBER && z === undefined) {
    // No source key: parse the rest anyway, to know which empty reply to give.
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    shape.type = CIRCULAR_TYPE;
    const score = z!.score(argv[2]);
    if (score === undefined) return c.addError("ERR could not decode requested zset member");
    [shape.lon, shape.lat] = geohashDecodeScore(score);
    if (!extractDistance(c, argv, baseArgs - 2, shape)) return;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1];
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = cstr(argv[baseArgs + i]);
    const a = arg.length <= 10 ? arg.toLowerCase() : "";
    if (a === "withdist") withdist = true;
    else if (a === "withhash") withhash = true;
    else if (a === "withcoord") withcoords = true;
    else if (a === "any") any = true;
    else if (a === "asc") sort = SORT_ASC;
    else if (a === "desc") sort = SORT_DESC;
    else if (a === "count" && i + 1 < remaining) {
      const n = parseI64(argv[baseArgs + i + 1]);
      if (n === null) return c.addError("ERR value is not an integer or out of range");
      if (n <= 0) return c.addError("ERR COUNT must be > 0");
      count = Number(n);
      i++;
    } else if (
      a === "store" && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)
    ) {
      storekey = argv[baseArgs + i + 1];
      storedist = false;
      i++;
    } else if (
      a === "storedist" && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)
    ) {
      storekey = argv[baseArgs + i + 1];
      storedist = true;
      i++;
    } else if (a === "storedist" && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (a === "frommember" && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (z !== undefined) {
        const score = z.score(argv[baseArgs + i + 1]);
        if (score === undefined) {
          return c.addError("ERR could not decode requested zset member");
        }
        [shape.lon, shape.lat] = geohashDecodeScore(score);
      }
      frommember = true;
      i++;
    } else if (a === "fromlonlat" && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const xy = extractLongLat(c, argv, baseArgs + i + 1);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromloc = true;
      i += 2;
    } else if (a === "byradius" && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      if (!extractDistance(c, argv, baseArgs + i + 1, shape)) return;
      shape.type = CIRCULAR_TYPE;
      byradius = true;
      i += 2;
    } else if (a === "bybox" && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      if (!extractBox(c, argv, baseArgs + i + 1, shape)) return;
      shape.type = RECTANGLE_TYPE;
      bybox = true;
      i += 3;
    } else return c.addErrorSyntax();
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    return c.addError(
      `ERR ${
        flags & GEOSEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
      } is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) {
    return c.addError(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`,
    );
  }
  if (flags & GEOSEARCH && !(byradius || bybox)) {
    return c.addError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && !count) return c.addError("ERR the ANY argument requires COUNT argument");

  const db = c.db;
  if (z === undefined) {
    if (storekey !== null) {
      if (db.delete(storekey)) {
        c.server.signalModifiedKey(db, storekey);
        c.server.notify("g", "del", storekey, db.id);
        c.server.dirty++;
      }
      c.addInt(0);
    } else c.addEmptyArray();
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const ga: GeoPoint[] = [];
  membersOfAllNeighbors(z, shape, ga, any ? count : 0);

  if (ga.length === 0 && storekey === null) return c.addEmptyArray();

  const resultLength = ga.length;
  const returned = count === 0 || resultLength < count ? resultLength : count;
  if (sort !== SORT_NONE) {
    const fn = sort === SORT_ASC ? cmpAsc : cmpDesc;
    if (returned === resultLength) ga.sort(fn);
    else pqsort(ga, fn, 0, returned - 1);
  }

  const conv = shape.conversion;
  if (storekey === null) {
    const optionLength = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    c.addArrayLen(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      if (optionLength) c.addArrayLen(optionLength + 1);
      c.addBulk(gp.member);
      if (withdist) c.addBulk(formatDistance(gp.dist / conv));
      if (withhash) addHash(c, gp.score);
      if (withcoords) {
        c.addArrayLen(2);
        addHuman(c, gp.lon);
        addHuman(c, gp.lat);
      }
    }
    return;
  }

  if (returned) {
    const out = new ZSet(false);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      out.insert(gp.member, storedist ? gp.dist / conv : gp.score);
    }
    maybeListpack(c, out);
    storeZset(c, storekey, out);
    c.server.notify(
      "z",
      flags & GEOSEARCH ? "geosearchstore" : "georadiusstore",
      storekey,
      db.id,
    );
    c.server.dirty += returned;
  } else if (db.delete(storekey)) {
    c.server.signalModifiedKey(db, storekey);
    c.server.notify("g", "del", storekey, db.id);
    c.server.dirty++;
  }
  c.addInt(returned);
}

// ---- GEOHASH / GEOPOS / GEODIST ----------------------------------------------------------------

function geohashCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (notZset(c, v)) return;
  const z = v as ZSet | undefined;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) c.addNull();
    else c.addBulk(geohashString(score));
  }
}

function geoposCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (notZset(c, v)) return;
  const z = v as ZSet | undefined;
  c.addArrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) c.addNullArray();
    else {
      const [lon, lat] = geohashDecodeScore(score);
      c.addArrayLen(2);
      addHuman(c, lon);
      addHuman(c, lat);
    }
  }
}

function geodistCommand(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = extractUnit(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) return c.addErrorSyntax();
  const v = lookupRead(c, argv[1]);
  if (v === undefined) return c.addNull();
  if (notZset(c, v)) return;
  const z = v as ZSet;
  const s1 = z.score(argv[2]);
  const s2 = z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return c.addNull();
  const [x1, y1] = geohashDecodeScore(s1);
  const [x2, y2] = geohashDecodeScore(s2);
  c.addBulk(formatDistance(geoDistance(x1, y1, x2, y2) / toMeter));
}

// ---- key positions -----------------------------------------------------------------------------

/** georadiusGetKeys: the source key, and the last STORE/STOREDIST key from argv[5] on. */
function georadiusGetKeys(argv: string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = cstr(argv[i]).toLowerCase();
    if ((a === "store" || a === "storedist") && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

// ---- table -------------------------------------------------------------------------------------

const G = "geo";
const RADIUS_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
const SEARCH_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
const UPPERCASE_UNITS: [string, string] = ["7.0.0", "Added support for uppercase unit names."];

function storeSpec(keyword: string, startFrom: number): KeySpec {
  return {
    flags: ["OW", "UPDATE"],
    beginSearch: { type: "keyword", keyword, startFrom },
    findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
  };
}

const UNIT: ArgDoc = {
  name: "unit",
  type: "oneof",
  arguments: ["m", "km", "ft", "mi"].map((u) => ({
    name: u,
    type: "pure-token",
    token: u.toUpperCase(),
  })),
};
const WITH_ARGS: ArgDoc[] = [
  { name: "withcoord", type: "pure-token", token: "WITHCOORD", optional: true },
  { name: "withdist", type: "pure-token", token: "WITHDIST", optional: true },
  { name: "withhash", type: "pure-token", token: "WITHHASH", optional: true },
];
function countArg(anySince?: string): ArgDoc {
  const any: ArgDoc = { name: "any", type: "pure-token", token: "ANY", optional: true };
  if (anySince) any.since = anySince;
  return {
    name: "count",
    type: "block",
    optional: true,
    arguments: [{ name: "count", type: "integer", token: "COUNT" }, any],
  };
}
const ORDER: ArgDoc = {
  name: "order",
  type: "oneof",
  optional: true,
  arguments: [
    { name: "asc", type: "pure-token", token: "ASC" },
    { name: "desc", type: "pure-token", token: "DESC" },
  ],
};
const STORE_ARGS: ArgDoc[] = [
  { name: "key", type: "key", keySpecIndex: 1, token: "STORE", optional: true },
  { name: "key", type: "key", keySpecIndex: 2, token: "STOREDIST", optional: true },
];
const RADIUS_ARGS: ArgDoc[] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "longitude", type: "double" },
  { name: "latitude", type: "double" },
  { name: "radius", type: "double" },
  UNIT,
];
const BYMEMBER_ARGS: ArgDoc[] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  { name: "member", type: "string" },
  { name: "radius", type: "double" },
  UNIT,
];
const SEARCH_ARGS: ArgDoc[] = [
  {
    name: "from",
    type: "oneof",
    arguments: [
      { name: "member", type: "string", token: "FROMMEMBER" },
      {
        name: "longitude_latitude",
        type: "block",
        token: "FROMLONLAT",
        arguments: [{ name: "longitude", type: "double" }, { name: "latitude", type: "double" }],
      },
    ],
  },
  {
    name: "by",
    type: "oneof",
    arguments: [
      {
        name: "circle",
        type: "block",
        arguments: [{ name: "radius", type: "double", token: "BYRADIUS" }, UNIT],
      },
      {
        name: "box",
        type: "block",
        arguments: [
          { name: "width", type: "double", token: "BYBOX" },
          { name: "height", type: "double" },
          UNIT,
        ],
      },
    ],
  },
  ORDER,
  countArg(),
];

export const geoCommands: CommandDef[] = [
  cmd("geoadd", -5, "write denyoom", [1, 1, 1], "geo", geoaddCommand, {
    summary:
      "Add one or more geospatial items in the geospatial index represented using a sorted set",
    since: "3.2.0",
    group: G,
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [["6.2.0", "Added the `CH`, `NX` and `XX` options."]],
    keySpecs: [keySpec("RW UPDATE")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "change", type: "pure-token", token: "CH", optional: true, since: "6.2.0" },
      {
        name: "longitude_latitude_member",
        type: "block",
        multiple: true,
        arguments: [
          { name: "longitude", type: "double" },
          { name: "latitude", type: "double" },
          { name: "member", type: "string" },
        ],
      },
    ],
  }),
  cmd("geodist", -4, "readonly", [1, 1, 1], "geo", geodistCommand, {
    summary: "Returns the distance between two members of a geospatial index",
    since: "3.2.0",
    group: G,
    complexity: "O(log(N))",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member1", type: "string" },
      { name: "member2", type: "string" },
      { ...UNIT, optional: true },
    ],
  }),
  cmd("geohash", -2, "readonly", [1, 1, 1], "geo", geohashCommand, {
    summary: "Returns members of a geospatial index as standard geohash strings",
    since: "3.2.0",
    group: G,
    complexity:
      "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string", multiple: true },
    ],
  }),
  cmd("geopos", -2, "readonly", [1, 1, 1], "geo", geoposCommand, {
    summary: "Returns longitude and latitude of members of a geospatial index",
    since: "3.2.0",
    group: G,
    complexity: "O(N) where N is the number of members requested.",
    keySpecs: [keySpec("RO ACCESS")],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "member", type: "string", multiple: true },
    ],
  }),
  cmd(
    "georadius",
    -6,
    "write denyoom",
    [1, 1, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS),
    {
      summary:
        "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
      since: "3.2.0",
      group: G,
      complexity: RADIUS_COMPLEXITY,
      docFlags: ["deprecated"],
      deprecatedSince: "6.2.0",
      replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
      history: [["6.2.0", "Added the `ANY` option for `COUNT`."], UPPERCASE_UNITS],
      keySpecs: [keySpec("RO ACCESS"), storeSpec("STORE", 6), storeSpec("STOREDIST", 6)],
      arguments: [...RADIUS_ARGS, ...WITH_ARGS, countArg("6.2.0"), ORDER, ...STORE_ARGS],
      getKeys: georadiusGetKeys,
    },
  ),
  cmd(
    "georadius_ro",
    -6,
    "readonly",
    [1, 1, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
    {
      summary: "A read-only variant for GEORADIUS",
      since: "3.2.10",
      group: G,
      complexity: RADIUS_COMPLEXITY,
      docFlags: ["deprecated"],
      deprecatedSince: "6.2.0",
      replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
      history: [["6.2.0", "Added the `ANY` option for `COUNT`."]],
      keySpecs: [keySpec("RO ACCESS")],
      arguments: [...RADIUS_ARGS, ...WITH_ARGS, countArg("6.2.0"), ORDER],
    },
  ),
  cmd(
    "georadiusbymember",
    -5,
    "write denyoom",
    [1, 1, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER),
    {
      summary:
        "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
      since: "3.2.0",
      group: G,
      complexity: RADIUS_COMPLEXITY,
      docFlags: ["deprecated"],
      deprecatedSince: "6.2.0",
      replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
      history: [UPPERCASE_UNITS],
      keySpecs: [keySpec("RO ACCESS"), storeSpec("STORE", 5), storeSpec("STOREDIST", 5)],
      arguments: [...BYMEMBER_ARGS, ...WITH_ARGS, countArg(), ORDER, ...STORE_ARGS],
      getKeys: georadiusGetKeys,
    },
  ),
  cmd(
    "georadiusbymember_ro",
    -5,
    "readonly",
    [1, 1, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
    {
      summary: "A read-only variant for GEORADIUSBYMEMBER",
      since: "3.2.10",
      group: G,
      complexity: RADIUS_COMPLEXITY,
      docFlags: ["deprecated"],
      deprecatedSince: "6.2.0",
      replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
      keySpecs: [keySpec("RO ACCESS")],
      arguments: [...BYMEMBER_ARGS, ...WITH_ARGS, countArg(), ORDER],
    },
  ),
  cmd(
    "geosearch",
    -7,
    "readonly",
    [1, 1, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 1, GEOSEARCH),
    {
      summary:
        "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
      since: "6.2.0",
      group: G,
      complexity: SEARCH_COMPLEXITY,
      history: [UPPERCASE_UNITS],
      keySpecs: [keySpec("RO ACCESS")],
      arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, ...SEARCH_ARGS, ...WITH_ARGS],
    },
  ),
  cmd(
    "geosearchstore",
    -8,
    "write denyoom",
    [1, 2, 1],
    "geo",
    (c, argv) => georadiusGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
    {
      summary:
        "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
      since: "6.2.0",
      group: G,
      complexity: SEARCH_COMPLEXITY,
      history: [UPPERCASE_UNITS],
      keySpecs: [keySpec("OW UPDATE"), keySpec("RO ACCESS", 2)],
      arguments: [
        { name: "destination", type: "key", keySpecIndex: 0 },
        { name: "source", type: "key", keySpecIndex: 1 },
        ...SEARCH_ARGS,
        { name: "storedist", type: "pure-token", token: "STOREDIST", optional: true },
      ],
    },
  ),
];
