/**
 * Geohash: Redis's 52-bit encoding of a (longitude, latitude) pair as a sorted-set score, the
 * 9-cell area search, the haversine distance and the way Redis prints geo values. Behaviour
 * follows Redis 7.0's geohash.c, geohash_helper.c and the number printing of util.c.
 *
 * Encoding. Longitude is mapped to [-180, 180] and latitude to [-85.05112878, 85.05112878] (the
 * Web-Mercator limits), each scaled to a 26-bit cell index (`offset * 2^26`, truncated) and the
 * two indexes interleaved: latitude in the even bits, longitude in the odd bits. The 52-bit
 * integer is the score. A cell at `step` < 26 holds every score in
 * [bits << (52 - 2 step), (bits + 1) << (52 - 2 step)).
 *
 * Numbers. A 64-bit hash never goes through one JS number: an index pair is interleaved 16 bits
 * at a time into two 32-bit words, and the score is `hi * 2^32 + lo`, which rounds once, exactly
 * as Redis's integer-to-string-to-double trip through ZADD does (a longitude of exactly 180 sets
 * bit 53). Scores read back are truncated to uint64 as x86-64 gcc code does (negative values wrap,
 * out-of-range values give 2^63 or 0), so decoding arbitrary ZADD scores matches Redis too.
 *
 * Cells are kept as their two integer indexes (lat, lon, step): moving to a neighbour is +-1 on one
 * index modulo 2^step, which is what geohash_move_x / geohash_move_y do to the interleaved bits.
 *
 * Distances use sin/cos/asin. V8's versions differ from glibc's in the last bit for about 0.1%
 * of arguments, which shows in STOREDIST scores (printed with 17 digits); when the process may
 * use FFI (--allow-ffi), the C library's libm is called instead, so results are Redis's bit for
 * bit on the same machine. Otherwise Math.sin/cos/asin are used.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const TWO32 = 4294967296;
const TWO26 = 67108864;

// ---- libm ---------------------------------------------------------------------------------------

type F1 = (x: number) => number;

function loadLibm(): { sin: F1; cos: F1; asin: F1 } {
  const fallback = { sin: Math.sin, cos: Math.cos, asin: Math.asin };
  try {
    if (Deno.build.os !== "linux") return fallback;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return fallback;
    const lib = Deno.dlopen("libm.so.6", {
      sin: { parameters: ["f64"], result: "f64" },
      cos: { parameters: ["f64"], result: "f64" },
      asin: { parameters: ["f64"], result: "f64" },
    });
    const s = lib.symbols;
    return { sin: s.sin as F1, cos: s.cos as F1, asin: s.asin as F1 };
  } catch {
    return fallback;
  }
}

const libm = loadLibm();
const sin = libm.sin;
const cos = libm.cos;
const asin = libm.asin;

/** Whether distances use the C library's libm (true) or V8's Math (false). */
export const geoUsesLibm = sin !== Math.sin;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

// ---- bit interleaving ----------------------------------------------------------------------------

/** Spread the low 16 bits of x to the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  return (x | (x << 1)) & 0x55555555;
}

/** Gather the even bits of a 32-bit word into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  return (x | (x >>> 8)) & 0x0000ffff;
}

/** Result words of interleave() (no allocation on the GEOADD path). */
let hiW = 0;
let loW = 0;

/** interleave64(lat, lon) of two uint32 indexes into hiW:loW. */
function interleave(lat: number, lon: number): void {
  loW = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  hiW = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
}

/** The uint64 words of `(uint64_t)d` as x86-64 code computes it, into hiW:loW. */
function toU64(d: number): void {
  if (d >= 0 && d < 9007199254740992) {
    const t = Math.floor(d);
    hiW = Math.floor(t / TWO32);
    loW = t - hiW * TWO32;
    return;
  }
  let b: bigint;
  if (d < 9223372036854775808) {
    // cvttsd2si: -inf and values below -2^63 give 0x8000000000000000.
    b = d >= -9223372036854775808 ? BigInt.asUintN(64, BigInt(Math.trunc(d))) : 1n << 63n;
  } else {
    // d - 2^63 converted, then bit 63 flipped: exact below 2^64, 0 from there (and for +inf).
    b = d < 18446744073709551616 ? BigInt(d) : 0n;
  }
  hiW = Number(b >> 32n);
  loW = Number(b & 0xffffffffn);
}

// ---- cells ---------------------------------------------------------------------------------------

/** A geohash cell: integer indexes at `step` bits each (Redis's GeoHashBits, de-interleaved). */
export interface GeoCell {
  lat: number;
  lon: number;
  step: number;
}

export interface GeoArea {
  cell: GeoCell;
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** geohashEncode over the given ranges; null where Redis returns 0. */
export function geohashEncode(
  lon: number,
  lat: number,
  step: number,
  ranges: readonly [number, number, number, number] = WGS84,
): GeoCell | null {
  const [lonMin, lonMax, latMin, latMax] = ranges;
  if (step > 32 || step === 0) return null;
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) {
    return null;
  }
  if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) return null;
  let latOff = (lat - latMin) / (latMax - latMin);
  let lonOff = (lon - lonMin) / (lonMax - lonMin);
  latOff *= 2 ** step;
  lonOff *= 2 ** step;
  return { lat: Math.floor(latOff) >>> 0, lon: Math.floor(lonOff) >>> 0, step };
}

/** [lonMin, lonMax, latMin, latMax] of Redis's geocoding. */
export const WGS84 = [GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX] as const;
/** The standard geohash ranges (GEOHASH's strings). */
const STANDARD = [-180, 180, -90, 90] as const;

/**
 * The sorted-set score of a point (GEOADD): geohashEncodeWGS84 at step 26, aligned to 52 bits.
 * The caller has checked the coordinates against the WGS84 limits.
 */
export function geohashScore(lon: number, lat: number): number {
  const latOff = ((lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN)) * TWO26;
  const lonOff = ((lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN)) * TWO26;
  interleave(Math.floor(latOff) >>> 0, Math.floor(lonOff) >>> 0);
  return hiW * TWO32 + loW;
}

/** Decoded [longitude, latitude] of a score (decodeGeohash): the centre of its step-26 cell. */
export function geohashDecodeScore(score: number): [number, number] {
  geohashDecodeInto(score, DECODED);
  return [DECODED.lon, DECODED.lat];
}

const DECODED = { lon: 0, lat: 0 };

/**
 * geohashDecodeScore without allocating: the result goes to `out` (the search loop). Same
 * arithmetic as cellArea + geohashDecodeAreaToLongLat.
 */
export function geohashDecodeInto(score: number, out: { lon: number; lat: number }): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 9007199254740992) {
    // The usual case, kept free of module state and of doubles above 2^31 for the JIT: the low
    // word goes through `| 0` (same bits as an int32).
    hi = Math.floor(score / TWO32);
    lo = (score - hi * TWO32) | 0;
  } else {
    toU64(score);
    hi = hiW;
    lo = loW | 0;
  }
  const ilat = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const ilon = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const latMin = GEO_LAT_MIN + (ilat * 1.0 / TWO26) * latScale;
  const latMax = GEO_LAT_MIN + (((ilat + 1) >>> 0) * 1.0 / TWO26) * latScale;
  const lonMin = GEO_LONG_MIN + (ilon * 1.0 / TWO26) * lonScale;
  const lonMax = GEO_LONG_MIN + (((ilon + 1) >>> 0) * 1.0 / TWO26) * lonScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  out.lon = x;
  out.lat = y;
}

/** geohashDecode over the WGS84 ranges. Index + 1 wraps as uint32 arithmetic does in C. */
export function cellArea(cell: GeoCell): GeoArea {
  const div = 2 ** cell.step;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  return {
    cell,
    latMin: GEO_LAT_MIN + (cell.lat * 1.0 / div) * latScale,
    latMax: GEO_LAT_MIN + (((cell.lat + 1) >>> 0) * 1.0 / div) * latScale,
    lonMin: GEO_LONG_MIN + (cell.lon * 1.0 / div) * lonScale,
    lonMax: GEO_LONG_MIN + (((cell.lon + 1) >>> 0) * 1.0 / div) * lonScale,
  };
}

/**
 * Score range [min, max) of the members inside a cell (scoresOfGeoHashBox): the interleaved bits
 * and bits + 1, each shifted to 52 bits, as doubles.
 */
export function cellScoreRange(cell: GeoCell): [number, number] {
  interleave(cell.lat, cell.lon);
  const scale = 2 ** (52 - cell.step * 2);
  const min = (hiW * TWO32 + loW) * scale;
  let lo = loW + 1;
  let hi = hiW;
  if (lo === TWO32) {
    lo = 0;
    hi++;
  }
  return [min, (hi * TWO32 + lo) * scale];
}

/** The 11-character standard geohash string of a score (GEOHASH). */
export function geohashString(score: number): string {
  const [lon, lat] = geohashDecodeScore(score);
  const cell = geohashEncode(lon, lat, GEO_STEP_MAX, STANDARD)!;
  interleave(cell.lat, cell.lon);
  let s = "";
  for (let i = 0; i < 10; i++) {
    const shift = 52 - (i + 1) * 5;
    const idx = shift >= 32
      ? (hiW >>> (shift - 32)) & 31
      : ((loW >>> shift) | (hiW << (32 - shift))) & 31;
    s += ALPHABET[idx];
  }
  return s + "0";
}

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** Index +- 1 modulo 2^step (geohash_move_x / geohash_move_y). */
function move(v: number, d: number, step: number): number {
  const m = 2 ** step;
  return d > 0 ? (v + 1) % m : (v % m + m - 1) % m;
}

// ---- area search ---------------------------------------------------------------------------------

export const CIRCULAR_TYPE = 1;
export const RECTANGLE_TYPE = 2;

/** Redis's GeoShape: the centre, the radius or the box, and the unit's metres. */
export interface GeoShape {
  type: number;
  lon: number;
  lat: number;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

/** geohashEstimateStepsByRadius. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
export function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { lon, lat } = shape;
  const circ = shape.type === CIRCULAR_TYPE;
  const height = shape.conversion * (circ ? shape.radius : shape.height / 2);
  const width = shape.conversion * (circ ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat - latDelta)));
  const south = lat < 0;
  return [
    south ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    south ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

/**
 * The cells to scan for a shape (geohashCalculateAreasByShapeWGS84), in Redis's order: centre,
 * north, south, east, west, north-east, north-west, south-east, south-west; null for a neighbour
 * excluded as useless.
 */
export function areasByShape(shape: GeoShape): (GeoCell | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const { lon, lat } = shape;
  let radiusMeters = shape.type === CIRCULAR_TYPE
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, lat);
  let hash = geohashEncode(lon, lat, steps)!;
  let n = neighbours(hash);
  let area = cellArea(hash);

  // A step can be too coarse near the edge of the centre cell: then go one step up.
  let decrease = false;
  if (cellArea(n[1]).latMax < maxLat) decrease = true;
  if (cellArea(n[2]).latMin > minLat) decrease = true;
  if (cellArea(n[3]).lonMax < maxLon) decrease = true;
  if (cellArea(n[4]).lonMin > minLon) decrease = true;
  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncode(lon, lat, steps)!;
    n = neighbours(hash);
    area = cellArea(hash);
  }

  const out: (GeoCell | null)[] = n;
  if (steps >= 2) {
    if (area.latMin < minLat) out[2] = out[7] = out[8] = null; // south, south-east, south-west
    if (area.latMax > maxLat) out[1] = out[5] = out[6] = null; // north, north-east, north-west
    if (area.lonMin < minLon) out[4] = out[8] = out[6] = null; // west, south-west, north-west
    if (area.lonMax > maxLon) out[3] = out[7] = out[5] = null; // east, south-east, north-east
  }
  return out;
}

/** Centre and its 8 neighbours: [self, N, S, E, W, NE, NW, SE, SW]. */
function neighbours(h: GeoCell): GeoCell[] {
  const s = h.step;
  const e = move(h.lon, 1, s);
  const w = move(h.lon, -1, s);
  const nn = move(h.lat, 1, s);
  const ss = move(h.lat, -1, s);
  return [
    h,
    { lat: nn, lon: h.lon, step: s },
    { lat: ss, lon: h.lon, step: s },
    { lat: h.lat, lon: e, step: s },
    { lat: h.lat, lon: w, step: s },
    { lat: nn, lon: e, step: s },
    { lat: nn, lon: w, step: s },
    { lat: ss, lon: e, step: s },
    { lat: ss, lon: w, step: s },
  ];
}

// ---- distances -----------------------------------------------------------------------------------

/** geohashGetLatDistance. */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** geohashGetDistance: haversine on Redis's earth radius, in metres. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = sin((lat2r - lat1r) / 2);
  const a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(a));
}

/**
 * geoWithinShape's distance test for a decoded point: the distance from the shape's centre, or
 * -1 when the point is outside (geohashGetDistanceIfInRadius / ...IfInRectangle).
 */
export function distanceInShape(shape: GeoShape, lon: number, lat: number): number {
  if (shape.type === CIRCULAR_TYPE) {
    const d = geoDistance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(lat, shape.lat) > heightM / 2) return -1;
  if (geoDistance(lon, lat, shape.lon, lat) > widthM / 2) return -1;
  return geoDistance(shape.lon, shape.lat, lon, lat);
}

/**
 * A cheap test that a decoded point is certainly outside the shape, so the exact (and costly)
 * distance is computed only for the rest. Never rejects a point Redis would accept:
 * - the haversine distance is at least the latitude arc R |dlat|;
 * - hav(d / R) = hav(dlat) + cos(lat1) cos(lat2) hav(dlon) >= cos(lat1) cos(lat2) hav(dlon), and
 *   cos(lat2) >= cos of the largest latitude that passed the first test, so |dlon| beyond a bound
 *   computed once per search also means outside (for a box: the width test at the point's latitude,
 *   2R asin(cos(lat) |sin(dlon / 2)|) > width / 2, bounded the same way).
 * Both bounds carry a 1e-9 relative margin, far above the rounding of either computation; a point
 * in the margin just takes the exact path.
 */
export interface ShapeFilter {
  /** Latitude half-band in degrees. */
  dLat: number;
  /** Longitude half-band in radians (Infinity: no longitude filter). */
  dLon: number;
  lonR: number;
  lat: number;
}

const MARGIN = 1 + 1e-9;

export function shapeFilter(shape: GeoShape): ShapeFilter {
  const circ = shape.type === CIRCULAR_TYPE;
  const latLim = (circ ? shape.radius : shape.height / 2) * shape.conversion;
  const lonLim = (circ ? shape.radius : shape.width / 2) * shape.conversion;
  const dLat = radDeg((latLim / EARTH_RADIUS_IN_METERS) * MARGIN) + 1e-12;
  const maxAbsLat = Math.abs(shape.lat) + dLat;
  let dLon = Infinity;
  if (maxAbsLat < 89) {
    const cosMin = Math.cos(degRad(maxAbsLat)) / MARGIN;
    const half = lonLim / (2 * EARTH_RADIUS_IN_METERS);
    if (half < Math.PI / 4) {
      const k = circ ? Math.sqrt(Math.cos(degRad(shape.lat)) / MARGIN * cosMin) : cosMin;
      const sv = Math.sin(half) * MARGIN / k;
      if (sv < 0.5) dLon = 2 * Math.asin(sv) * MARGIN + 1e-12;
    }
  }
  return { dLat, dLon, lonR: degRad(shape.lon), lat: shape.lat };
}

/** True when the point is certainly outside the shape the filter was made for. */
export function filteredOut(f: ShapeFilter, lon: number, lat: number): boolean {
  if (Math.abs(lat - f.lat) > f.dLat) return true;
  if (f.dLon === Infinity) return false;
  let d = Math.abs(degRad(lon) - f.lonR);
  if (d > Math.PI) d = 2 * Math.PI - d;
  return d > f.dLon;
}

// ---- printing ------------------------------------------------------------------------------------

/**
 * A distance as Redis replies it (fixedpoint_d2string with 4 digits): llrint(d * 10000), which
 * rounds half to even, printed with 4 decimals.
 */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const v = d * 10000;
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1; // Math.round goes up on ties; llrint to even
  const neg = r < 0;
  if (neg) r = -r;
  let ip: string;
  let fp: string;
  if (r < 9007199254740992) {
    const q = Math.floor(r / 10000);
    ip = String(q);
    fp = String(r - q * 10000);
  } else {
    const b = BigInt(r);
    ip = String(b / 10000n);
    fp = String(b % 10000n);
  }
  return (neg ? "-" : "") + ip + "." + "0000".slice(fp.length) + fp;
}

/**
 * printf("%.<digits>f") of a double, exact (round half to even on the exact binary value, as
 * glibc does). Infinities and NaN as glibc prints them.
 */
export function formatFixed(d: number, digits: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  // a = m * 2^e exactly.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const bexp = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  let n = m * 10n ** BigInt(digits);
  if (e >= 0) n <<= BigInt(e);
  else {
    const den = 1n << BigInt(-e);
    const q = n / den;
    const r = n - q * den;
    const twice = r * 2n;
    n = twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
  }
  let s = n.toString();
  if (digits > 0) {
    if (s.length <= digits) s = "0".repeat(digits - s.length + 1) + s;
    s = s.slice(0, s.length - digits) + "." + s.slice(s.length - digits);
  }
  return (neg ? "-" : "") + s;
}

/**
 * A coordinate as addReplyHumanLongDouble prints it: "%.17Lf" with trailing zeros (and a bare
 * dot) removed, "-0" as "0".
 */
export function formatHuman(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  let s: string;
  const a = Math.abs(d);
  // toFixed is exact but rounds ties away from zero; a tie at 17 digits needs d = odd * 2^-18.
  const t = a * 262144;
  if (a < 1e21 && !(Number.isInteger(t) && t % 2 === 1)) {
    s = d.toFixed(17);
    if (d < 0 && s[0] !== "-") s = "-" + s;
  } else s = formatFixed(d, 17);
  let l = s.length;
  if (s.indexOf(".") >= 0) {
    while (s.charCodeAt(l - 1) === 48) l--;
    if (s.charCodeAt(l - 1) === 46) l--;
  }
  s = s.slice(0, l);
  return s === "-0" ? "0" : s;
}
