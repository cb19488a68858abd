/**
 * maxmemory: the used-memory figure, the OOM guard and key eviction (Redis's evict.c).
 *
 * used_memory = base + client buffers + Σ db.bytes × factor (while maxmemory is set; without it
 * nothing is accounted and used_memory is the V8 heap in use + external memory, as before)
 * - `db.bytes` is the dataset, accounted incrementally by the Db write methods
 *   (src/store/accounting.ts): checking the limit is a dozen additions, never a heap query;
 * - `base` is the heap that is not the dataset (code, command table, caches): the heap in use at
 *   start-up, or, for a limit set at run time, the used_memory last reported minus the dataset, so
 *   the figure does not jump when the limit appears (tools set limits relative to it). Later growth of non-dataset heap (compiled code, caches) is absorbed by `factor`
 *   once the dataset is large enough to calibrate it;
 * - `factor` calibrates the estimate against the real heap. The estimates are per entry; V8's
 *   hash tables also keep deleted entries and spare capacity, which under churn (eviction) adds
 *   ~30% (measured). While the dataset is over 16 MB the cron samples the heap at `hz` (one
 *   v8.getHeapStatistics(), ~0.6 µs) and keeps the minimum of (heap − base) / dataset over the last
 *   30 s: the heap right after a major GC, an upper bound of the true ratio that the sampling makes
 *   tight. A full GC we run ourselves (idle collector, MEMORY PURGE) sets it directly.
 * - client buffers (query and output buffers, which live outside the V8 heap) are summed by the
 *   cron at `hz`.
 * Garbage the V8 heap holds between major GCs is not counted (freed-but-not-returned memory is not
 * in Redis's used_memory either). Left alone, V8 lets a heap under a write load grow to ~4× its
 * live size before a major GC (its growing factor, which cannot be changed once the process runs:
 * `--v8-flags=--heap-growing-percent=20` or DENO_V8_FLAGS at start keeps it near 1.2×). So while
 * maxmemory is set the cron is also a safety valve: when the heap exceeds
 * maxmemory × GC_VALVE_FACTOR + GC_VALVE_SLACK it runs a full GC (at most once a second; it also
 * recalibrates `factor` exactly). The figures are in docs/architecture.md.
 *
 * Eviction follows performEvictions(): before each command (dispatch.ts, where Redis checks OOM)
 * compute how much must go, then evict the best key until that much is freed, where "best" comes
 * from an eviction pool of 16 candidates filled by sampling `maxmemory-samples` keys per db
 * (LRU: longest idle; LFU: lowest decayed counter; volatile-ttl: nearest expire), or a random key
 * per db in turn (random policies). After `maxmemory-eviction-tenacity`'s time budget the rest is
 * evicted by a timer between commands (EVICT_RUNNING), as Redis's evictionTimeProc.
 */
import type { Server } from "./server.ts";
import type { Client } from "./client.ts";
import type { Db } from "../store/db.ts";
import { CMD_DENYOOM, type CommandDef } from "../commands/types.ts";
import { isExec } from "./multi.ts";
import { countDb, memPolicy, refreshObject } from "../store/accounting.ts";
import { lfuDecrAndReturn } from "../store/lfu.ts";
import { getHeapStatistics } from "node:v8";
import { purgeMemory } from "./memory.ts";
import { lazyfree, propagateNow } from "./propagate.ts";

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

export const EVICT_OK = 0;
export const EVICT_RUNNING = 1;
export const EVICT_FAIL = 2;

const FLAG_LRU = 1;
const FLAG_LFU = 2;
const FLAG_ALLKEYS = 4;
const FLAG_TTL = 8;
const FLAG_RANDOM = 16;

/** maxmemory-policy → behaviour flags (0: noeviction). */
export const POLICY_FLAGS: Record<string, number> = {
  "noeviction": 0,
  "allkeys-lru": FLAG_LRU | FLAG_ALLKEYS,
  "allkeys-lfu": FLAG_LFU | FLAG_ALLKEYS,
  "allkeys-random": FLAG_RANDOM | FLAG_ALLKEYS,
  "volatile-lru": FLAG_LRU,
  "volatile-lfu": FLAG_LFU,
  "volatile-random": FLAG_RANDOM,
  "volatile-ttl": FLAG_TTL,
};

export const EVPOOL_SIZE = 16;

/** The heap size (over maxmemory) at which the cron forces a full GC (see the notes at the top). */
export const GC_VALVE_FACTOR = 1.5;
export const GC_VALVE_SLACK = 32 * 1024 * 1024;
const GC_VALVE_INTERVAL_MS = 1000;
/** Below this dataset size the heap is too noisy to calibrate `factor` from. */
const CALIBRATE_MIN = 16 * 1024 * 1024;
const FACTOR_MAX = 3;
const WINDOW_S = 30;

/**
 * The eviction pool (evictionPoolEntry[]): candidates sorted by ascending `idle` (higher is a
 * better candidate), kept across evictions so that good candidates found earlier are not lost.
 */
export class EvictionPool {
  readonly keys: (string | null)[] = new Array(EVPOOL_SIZE).fill(null);
  readonly idle: number[] = new Array(EVPOOL_SIZE).fill(0);
  readonly dbid: number[] = new Array(EVPOOL_SIZE).fill(0);

  /** Redis's insertion: keep the 16 best, dropping the worst when full. */
  insert(key: string, idle: number, dbid: number): void {
    const { keys } = this;
    let k = 0;
    while (k < EVPOOL_SIZE && keys[k] !== null && this.idle[k] < idle) k++;
    if (k === 0 && keys[EVPOOL_SIZE - 1] !== null) return; // worse than everything in a full pool
    if (k < EVPOOL_SIZE && keys[k] === null) {
      // an empty slot: insert here
    } else if (keys[EVPOOL_SIZE - 1] === null) {
      // free space on the right: shift k.. one step right
      for (let i = EVPOOL_SIZE - 1; i > k; i--) this.#move(i - 1, i);
    } else {
      // full: drop the worst (leftmost), shift 1..k-1 left, insert at k-1
      k--;
      for (let i = 0; i < k; i++) this.#move(i + 1, i);
    }
    keys[k] = key;
    this.idle[k] = idle;
    this.dbid[k] = dbid;
  }

  #move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.idle[to] = this.idle[from];
    this.dbid[to] = this.dbid[from];
  }

  /** Take the best candidate (rightmost), or null when the pool is empty. */
  popBest(): { key: string; dbid: number } | null {
    for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
      const key = this.keys[k];
      if (key === null) continue;
      this.keys[k] = null;
      this.idle[k] = 0;
      return { key, dbid: this.dbid[k] };
    }
    return null;
  }

  clear(): void {
    this.keys.fill(null);
  }
}

/** evictionTimeLimitUs(): how long one performEvictions may run before handing over to a timer. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Infinity;
}

/** State of the memory limit: cached config and the eviction machinery. */
export class Evictor {
  readonly server: Server;
  maxmemory = 0;
  policy = "noeviction";
  flags = 0;
  samples = 5;
  tenacity = 10;
  /** Heap bytes that are not the dataset (see the notes at the top). */
  base = 0;
  /** The last used_memory figure shown without a limit (INFO, MEMORY; not the cron's samples). */
  #lastHeapFigure = 0;
  #prevHeapFigure = 0;
  /** Client query/output buffers, summed by the cron. */
  clientsMem = 0;
  /** Real heap bytes per accounted dataset byte (see the notes at the top). */
  factor = 1;
  /** Per-second minima of the heap/dataset ratio over the last WINDOW_S seconds. */
  readonly #window: number[] = [];
  #windowSecond = 0;
  readonly pool = new EvictionPool();
  #nextDb = 0;
  #procRunning = false;
  /** INFO stats total_eviction_exceeded_time / current_eviction_exceeded_time. */
  #exceededSince = 0;
  totalExceededMs = 0;
  #lastGcSeen = 0;
  #lastValveGc = 0;
  /** Full GCs the safety valve ran (see the notes at the top). */
  forcedGcs = 0;

  constructor(server: Server) {
    this.server = server;
    this.base = Deno.memoryUsage().heapUsed;
  }

  /** Read the directives and follow their changes (called once the config table is there). */
  bindConfig(): void {
    const c = this.server.config;
    const on = (name: string, fn: (v: unknown) => void) => {
      fn(c.get(name));
      c.onChange(name, (v) => {
        fn(v);
      });
    };
    on("maxmemory-policy", (v) => {
      this.policy = String(v);
      this.flags = POLICY_FLAGS[this.policy] ?? 0;
      memPolicy.lfu = (this.flags & FLAG_LFU) !== 0;
      this.pool.clear();
    });
    on("maxmemory-samples", (v) => (this.samples = Number(v)));
    on("maxmemory-eviction-tenacity", (v) => (this.tenacity = Number(v)));
    on("lfu-log-factor", (v) => (memPolicy.lfuLogFactor = Number(v)));
    on("lfu-decay-time", (v) => (memPolicy.lfuDecayTime = Number(v)));
    this.setMaxmemory(Number(c.get("maxmemory")));
    c.onChange("maxmemory", (v) => {
      // A limit set at run time continues from the figure INFO showed until now (the heap in use):
      // tools and tests read used_memory, then set a limit relative to it. What the heap holds
      // beyond the dataset then (garbage included) stays in `base`, on the safe side, until a
      // full GC recalibrates.
      const before = this.maxmemory === 0 ? (this.#lastHeapFigure || this.usedMemory()) : -1;
      this.setMaxmemory(Number(v));
      if (before >= 0 && this.maxmemory !== 0) {
        const data = Math.round(this.datasetBytes() * this.factor);
        this.base = Math.max(this.base, before - this.clientsMem - data);
      }
      if (this.maxmemory !== 0) {
        const used = this.usedMemory();
        if (this.maxmemory < used) {
          this.server.log.warning(
            `WARNING: the new maxmemory value set via CONFIG SET (${this.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
          );
        }
        this.startTimeProc();
      }
    });
  }

  setMaxmemory(v: number): void {
    // Accounting runs only while a limit is set: count everything once when it starts.
    if (this.maxmemory === 0 && v !== 0) {
      for (const db of this.server.dbs) db.bytes = countDb(db);
    }
    memPolicy.accounting = v !== 0;
    this.maxmemory = v;
  }

  datasetBytes(): number {
    let n = 0;
    for (const db of this.server.dbs) n += db.bytes;
    return n;
  }

  /**
   * used_memory (see the notes at the top). Without maxmemory nothing is accounted: the heap in use
   * plus memory held outside it (buffers) is reported instead.
   */
  usedMemory(record = true): number {
    if (this.maxmemory === 0) {
      const m = Deno.memoryUsage();
      const v = m.heapUsed + m.external;
      if (record) {
        // The heap moves by young-generation garbage between two INFO calls, and a tool may set
        // its limit from either of the last two: keep the lower.
        this.#lastHeapFigure = Math.min(v, this.#prevHeapFigure || v);
        this.#prevHeapFigure = v;
      }
      return v;
    }
    return this.base + this.clientsMem + Math.round(this.datasetBytes() * this.factor);
  }

  /** Cron: client buffers, the heap sample for `factor`, and a full GC's exact figure. */
  cron(gcCount: number, heapAfterGc: number): void {
    let n = 0;
    for (const c of this.server.clients.values()) n += c.query.buf.length + c.out.length;
    this.clientsMem = n;
    if (gcCount !== this.#lastGcSeen) {
      this.#lastGcSeen = gcCount;
      this.calibrate(heapAfterGc);
    } else if (this.maxmemory !== 0) {
      const heap = getHeapStatistics().used_heap_size;
      const now = performance.now();
      if (
        heap > this.maxmemory * GC_VALVE_FACTOR + GC_VALVE_SLACK &&
        now - this.#lastValveGc > GC_VALVE_INTERVAL_MS
      ) {
        purgeMemory();
        this.forcedGcs++;
        this.#lastValveGc = performance.now();
        this.calibrate(getHeapStatistics().used_heap_size);
      } else this.#sampleHeap(heap);
    }
  }

  #sampleHeap(heapUsed: number): void {
    const data = this.datasetBytes();
    if (data < CALIBRATE_MIN) return;
    const ratio = Math.min(FACTOR_MAX, Math.max(1, (heapUsed - this.base) / data));
    const sec = Math.floor(Date.now() / 1000);
    const w = this.#window;
    if (sec !== this.#windowSecond || w.length === 0) {
      this.#windowSecond = sec;
      w.push(ratio);
      if (w.length > WINDOW_S) w.shift();
    } else if (ratio < w[w.length - 1]) w[w.length - 1] = ratio;
    this.factor = Math.min(...w);
  }

  /**
   * Right after a full GC the heap holds only live data: with a sizeable dataset that fixes the
   * factor. (The base stays the start-up heap: moving it with a small dataset would make
   * used_memory jump by the noise of a few MB of compiled code and caches.)
   */
  calibrate(heapUsed: number): void {
    const data = this.datasetBytes();
    if (this.maxmemory === 0 || data < CALIBRATE_MIN) return;
    const ratio = Math.min(FACTOR_MAX, Math.max(1, (heapUsed - this.base) / data));
    this.#window.length = 0;
    this.#window.push(ratio);
    this.#windowSecond = Math.floor(Date.now() / 1000);
    this.factor = ratio;
  }

  /** Redis's startEvictionTimeProc: keep evicting between commands until under the limit. */
  startTimeProc(): void {
    if (this.#procRunning) return;
    this.#procRunning = true;
    const tick = () => {
      if (this.server.shuttingDown) {
        this.#procRunning = false;
        return;
      }
      this.server.cmdTime = Date.now();
      if (performEvictions(this.server) === EVICT_RUNNING) setTimeout(tick, 0);
      else this.#procRunning = false;
    };
    setTimeout(tick, 0);
  }

  get procRunning(): boolean {
    return this.#procRunning;
  }

  /** INFO current_eviction_exceeded_time (ms). */
  currentExceededMs(): number {
    return this.#exceededSince === 0 ? 0 : Math.floor(performance.now() - this.#exceededSince);
  }

  #updateMetrics(result: number): void {
    if (result !== EVICT_OK) {
      if (this.#exceededSince === 0) this.#exceededSince = performance.now();
    } else if (this.#exceededSince !== 0) {
      this.totalExceededMs += performance.now() - this.#exceededSince;
      this.#exceededSince = 0;
    }
  }

  /** Pick the next key to evict: [db, key], or null when nothing can go. */
  #pick(): [Db, string] | null {
    const dbs = this.server.dbs;
    const allkeys = (this.flags & FLAG_ALLKEYS) !== 0;
    if (this.flags & FLAG_RANDOM) {
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[++this.#nextDb % dbs.length];
        if ((allkeys ? db.size : db.volatileSize) === 0) continue;
        const key = allkeys ? db.randomEntry() : db.randomVolatileKey();
        if (key !== undefined) return [db, key];
      }
      return null;
    }
    const pool = this.pool;
    for (;;) {
      let total = 0;
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[i];
        const n = allkeys ? db.size : db.volatileSize;
        if (n === 0) continue;
        this.#populate(db, allkeys);
        total += n;
      }
      if (total === 0) return null;
      for (let best = pool.popBest(); best !== null; best = pool.popBest()) {
        const db = dbs[best.dbid];
        // A ghost (deleted meanwhile) is skipped.
        if (allkeys ? db.has(best.key) : db.getExpire(best.key) !== undefined) {
          return [db, best.key];
        }
      }
    }
  }

  /** evictionPoolPopulate: sample keys of one db into the pool. */
  #populate(db: Db, allkeys: boolean): void {
    const now = this.server.cmdTime;
    for (let j = 0; j < this.samples; j++) {
      const key = allkeys ? db.randomEntry() : db.randomVolatileKey();
      if (key === undefined) break;
      let idle: number;
      if (this.flags & FLAG_LRU) idle = db.idleSeconds(key) * 1000;
      else if (this.flags & FLAG_LFU) {
        idle = 255 - lfuDecrAndReturn(db.getLru(key) ?? 0, memPolicy.lfuDecayTime, now);
      } else idle = Number.MAX_SAFE_INTEGER - (db.getExpire(key) ?? 0);
      this.pool.insert(key, idle, db.id);
    }
  }

  /** Evict one key as Redis does: stats, modified-key signal, "evicted" event. */
  evictKey(db: Db, key: string): number {
    const before = db.bytes;
    db.removeKey(key);
    const freed = (before - db.bytes) * this.factor;
    const server = this.server;
    server.stats.evictedKeys++;
    server.signalModifiedKey(db, key);
    server.notify("e", "evicted", key, db.id);
    if (server.propagation.sinks.length !== 0) {
      propagateNow(server, db.id, [lazyfree(server, "eviction") ? "UNLINK" : "DEL", key]);
    }
    return freed;
  }

  /** performEvictions(): EVICT_OK, EVICT_RUNNING (a timer goes on) or EVICT_FAIL. */
  perform(): number {
    const server = this.server;
    // No evictions while clients are paused (the dataset must stay still).
    if (server.pauseUntil !== 0 && server.pauseUntil >= Date.now()) return EVICT_OK;
    const used = this.usedMemory();
    if (used <= this.maxmemory) {
      this.#updateMetrics(EVICT_OK);
      return EVICT_OK;
    }
    if (this.flags === 0) {
      this.#updateMetrics(EVICT_FAIL);
      return EVICT_FAIL;
    }
    const toFree = used - this.maxmemory;
    const limitMs = evictionTimeLimitUs(this.tenacity) / 1000;
    const start = performance.now();
    let freed = 0;
    let keys = 0;
    let result = EVICT_OK;
    while (freed < toFree) {
      const picked = this.#pick();
      if (picked === null) {
        result = EVICT_FAIL;
        break;
      }
      freed += this.evictKey(picked[0], picked[1]);
      if (++keys % 16 === 0 && performance.now() - start > limitMs) {
        this.startTimeProc();
        break;
      }
    }
    if (result === EVICT_OK && this.#procRunning) result = EVICT_RUNNING;
    this.#updateMetrics(result);
    return result;
  }
}

export function performEvictions(server: Server): number {
  return server.evictor.perform();
}

/**
 * The OOM guard of processCommand (called only when maxmemory is set): evict first, then refuse a
 * `denyoom` command (or an EXEC whose queue has one) while still over the limit; inside MULTI
 * every command is refused except EXEC, DISCARD, QUIT and RESET. Returns true to reject.
 */
export function rejectForOom(c: Client, cmd: CommandDef): boolean {
  if (c.server.evictor.perform() !== EVICT_FAIL) return false;
  const exec = isExec(cmd);
  if ((cmd.flagBits! & CMD_DENYOOM) !== 0) return true;
  if (c.multiQueue === null) return false;
  if (exec) return (c.multiCmdFlags & CMD_DENYOOM) !== 0;
  const n = cmd.parent === undefined ? cmd.name : "";
  return n !== "discard" && n !== "quit" && n !== "reset";
}

/**
 * After a write command (maxmemory set): re-estimate the collections under its key arguments, which
 * the family may have grown or shrunk in place.
 */
export function refreshWrittenKeys(c: Client, cmd: CommandDef, argv: string[]): void {
  const first = cmd.firstKey;
  if (first <= 0) return;
  const db = c.db;
  const last = cmd.lastKey < 0 ? argv.length + cmd.lastKey : cmd.lastKey;
  const step = cmd.step > 0 ? cmd.step : 1;
  for (let i = first; i <= last && i < argv.length; i += step) {
    const v = db.getRaw(argv[i]);
    if (v !== undefined && typeof v !== "string") db.bytes += refreshObject(v);
  }
}
