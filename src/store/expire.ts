/**
 * Active expiry, after Redis's activeExpireCycle: each cron tick walks the keys that have a TTL,
 * `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP` at a time per db, removing the expired ones, and repeats on a
 * db while more than 10% of the sampled keys were expired, within a time budget of 25% of the tick.
 * Instead of random sampling it resumes a per-db iterator over the expires map, so every key with a
 * TTL is visited in turn (Map iterators stay valid while the map changes).
 */
import type { Server } from "../server/server.ts";

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10; // percent

export function activeExpireCycle(server: Server, periodMs: number): void {
  const start = performance.now();
  const budget = periodMs * 0.25;
  const now = server.cmdTime;
  let sampledTotal = 0;
  let expiredTotal = 0;
  for (const db of server.dbs) {
    if (db.expires.size === 0) continue;
    for (;;) {
      let sampled = 0;
      let expired = 0;
      let ttlSum = 0;
      let ttlCount = 0;
      if (db.expireIter === null) db.expireIter = db.expires.entries();
      while (sampled < KEYS_PER_LOOP) {
        const r = db.expireIter.next();
        if (r.done) {
          db.expireIter = null;
          break;
        }
        sampled++;
        const [key, when] = r.value;
        if (when <= now) {
          db.removeKey(key);
          db.hooks.expired(db, key);
          expired++;
        } else {
          ttlSum += when - now;
          ttlCount++;
        }
      }
      if (ttlCount > 0) {
        const avg = ttlSum / ttlCount;
        db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
      }
      sampledTotal += sampled;
      expiredTotal += expired;
      if (performance.now() - start > budget) {
        server.stats.expiredTimeCapReached++;
        break;
      }
      if (
        db.expireIter === null || sampled === 0 || (expired * 100) / sampled <= ACCEPTABLE_STALE
      ) {
        break;
      }
    }
  }
  const perc = sampledTotal ? expiredTotal / sampledTotal : 0;
  server.stats.expiredStalePerc = perc * 0.05 + server.stats.expiredStalePerc * 0.95;
  server.stats.expireCycleCpuMs += performance.now() - start;
}
