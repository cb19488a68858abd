/**
 * Active expiry, after Redis 7.0's activeExpireCycle (expire.c).
 *
 * Slow cycle (every cron tick, at `hz`): visit up to 16 dbs per call, resuming at the db after the
 * one the previous call started with. In each db, sample `keysPerLoop` (20 at effort 1) keys that
 * have a TTL, delete the expired ones, and repeat on that db while more than `acceptableStale`
 * percent (10%) of the sample was expired. The whole cycle gets `slowTimePerc` (25%) of the tick
 * period; the clock is checked every 16 sample loops and, when over, the cycle stops, counts
 * `expired_time_cap_reached_count`, and the next call visits every db.
 *
 * Fast cycle (activeExpireCycleFast, meant for the event loop's "before sleep" point): runs only if
 * the last slow cycle hit its time limit or the estimated stale share is above the acceptable one,
 * at most once per 2 ms, with a 1 ms budget.
 *
 * Sampling: Redis walks the expires hash table bucket by bucket from a per-db cursor. Here the keys
 * with a TTL are dense arrays of the db's Keyspace (src/store/db.ts), walked from a resumable index
 * (`ks.expCursor`), wrapping at the end: every key with a TTL is visited in turn, which is what the
 * bucket cursor achieves.
 *
 * Stats kept as Redis: `expired_keys` (via the db's expired hook), `expired_stale_perc` (running
 * average of expired/sampled, 5% weight per cycle), `expired_time_cap_reached_count`,
 * `expire_cycle_cpu_milliseconds`, and each db's `avg_ttl` (2% weight per sample loop, integer
 * arithmetic as in C).
 */
import type { Server } from "../server/server.ts";
import type { Db } from "./db.ts";

const KEYS_PER_LOOP = 20;
const FAST_DURATION_US = 1000;
const SLOW_TIME_PERC = 25;
const ACCEPTABLE_STALE = 10;
const CRON_DBS_PER_CALL = 16;

/** Cycle state that Redis keeps in function statics, one per server. */
interface CycleState {
  currentDb: number;
  timelimitExit: boolean;
  lastFastCycle: number; // µs
}

const states = new WeakMap<Server, CycleState>();

function stateOf(server: Server): CycleState {
  let s = states.get(server);
  if (s === undefined) {
    s = { currentDb: 0, timelimitExit: false, lastFastCycle: 0 };
    states.set(server, s);
  }
  return s;
}

/** `active-expire-effort` (1–10), when the config table has it. */
function effortOf(server: Server): number {
  try {
    const v = Number(server.config.get("active-expire-effort"));
    return v >= 1 && v <= 10 ? v - 1 : 0;
  } catch {
    return 0;
  }
}

function microNow(): number {
  return performance.now() * 1000;
}

/** The slow cycle, called from the cron every `periodMs` (1000 / hz). */
export function activeExpireCycle(server: Server, periodMs: number): void {
  const effort = effortOf(server);
  const timePerc = SLOW_TIME_PERC + 2 * effort;
  // Redis: perc * 1000000 / hz / 100 microseconds.
  const limitUs = Math.max(1, Math.floor((timePerc * periodMs * 1000) / 100));
  runCycle(server, limitUs);
  // Housekeeping riding on the same tick: abandoned SCAN iterations (src/store/scan.ts).
  const now = Date.now();
  for (const db of server.dbs) if (db.scanCursors.size !== 0) db.scanCursors.pruneIdle(now);
}

/** The fast cycle (see the top of the file). */
export function activeExpireCycleFast(server: Server): void {
  const effort = effortOf(server);
  const st = stateOf(server);
  const acceptable = ACCEPTABLE_STALE - effort;
  // Redis compares the stale fraction (0..1) with a percentage here, so in practice the fast cycle
  // runs only after a slow cycle hit its time limit; kept as is.
  if (!st.timelimitExit && server.stats.expiredStalePerc < acceptable) return;
  const fastUs = FAST_DURATION_US + (FAST_DURATION_US / 4) * effort;
  const start = microNow();
  if (start < st.lastFastCycle + fastUs * 2) return;
  st.lastFastCycle = start;
  runCycle(server, fastUs);
}

function runCycle(server: Server, limitUs: number): void {
  const dbs = server.dbs;
  if (dbs.length === 0) return;
  if (dbs[0].hooks.expirePaused?.()) return;
  const st = stateOf(server);
  const effort = effortOf(server);
  const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const acceptable = ACCEPTABLE_STALE - effort;
  const start = microNow();
  let dbsPerCall = CRON_DBS_PER_CALL;
  if (dbsPerCall > dbs.length || st.timelimitExit) dbsPerCall = dbs.length;
  st.timelimitExit = false;
  let iteration = 0;
  let totalSampled = 0;
  let totalExpired = 0;

  for (let j = 0; j < dbsPerCall && !st.timelimitExit; j++) {
    const db = dbs[st.currentDb % dbs.length];
    st.currentDb = (st.currentDb + 1) % dbs.length;
    let sampled = 0;
    let expired = 0;
    do {
      iteration++;
      if (db.volatileSize === 0) {
        db.avgTtl = 0;
        break;
      }
      const now = Date.now();
      server.cmdTime = now;
      const num = Math.min(db.volatileSize, keysPerLoop);
      const r = sampleDb(db, num, now);
      sampled = r.sampled;
      expired = r.expired;
      totalSampled += sampled;
      totalExpired += expired;
      if (r.ttlSamples > 0) {
        const avg = Math.trunc(r.ttlSum / r.ttlSamples);
        if (db.avgTtl === 0) db.avgTtl = avg;
        db.avgTtl = Math.trunc(db.avgTtl / 50) * 49 + Math.trunc(avg / 50);
      }
      if ((iteration & 0xf) === 0 && microNow() - start > limitUs) {
        st.timelimitExit = true;
        server.stats.expiredTimeCapReached++;
        break;
      }
    } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptable);
  }

  const elapsedUs = microNow() - start;
  server.stats.expireCycleCpuMs += elapsedUs / 1000;
  server.latencyMonitor.addSampleIfNeeded("expire-cycle", Math.floor(elapsedUs / 1000));
  const perc = totalSampled ? totalExpired / totalSampled : 0;
  server.stats.expiredStalePerc = perc * 0.05 + server.stats.expiredStalePerc * 0.95;
}

/**
 * Visit up to `num` keys with a TTL from the keyspace's cursor (`ks.expCursor`, wrapping), expiring
 * the dead. Removing a key moves the last slot into its place, which is then visited next.
 */
function sampleDb(
  db: Db,
  num: number,
  now: number,
): { sampled: number; expired: number; ttlSum: number; ttlSamples: number } {
  let sampled = 0;
  let expired = 0;
  let ttlSum = 0;
  let ttlSamples = 0;
  const ks = db.ks;
  const keys = ks.volKeys;
  const exp = ks.volExp;
  let i = ks.expCursor;
  while (sampled < num && keys.length !== 0) {
    if (i >= keys.length) i = 0;
    const when = exp[i];
    const ttl = when - now;
    sampled++;
    if (now > when) {
      const key = keys[i];
      db.removeKey(key);
      db.hooks.expired(db, key);
      expired++;
      // The last slot moved to i (unless the expired hook changed the keyspace: start over).
      if (db.ks !== ks) break;
    } else {
      if (ttl > 0) {
        ttlSum += ttl;
        ttlSamples++;
      }
      i++;
    }
  }
  ks.expCursor = i;
  return { sampled, expired, ttlSum, ttlSamples };
}
