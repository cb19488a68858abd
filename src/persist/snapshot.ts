/**
 * Snapshot scheduling: SAVE, BGSAVE, the `save <seconds> <changes>` rules, the start-up load, the
 * INFO persistence fields and the MISCONF state (stop-writes-on-bgsave-error).
 *
 * BGSAVE without fork(): the snapshot is serialized incrementally between event-loop turns, from
 * a consistent point in time, by copy-on-write at key granularity:
 * - at the start the Keyspace of every non-empty db is captured (FLUSHALL/FLUSHDB give a db a new
 *   Keyspace and SWAPDB swaps them, so a captured one keeps the snapshot's keys);
 * - every slice (~5 ms, or one key per `rdb-key-save-delay` µs) walks the captured key Maps with
 *   their live iterators and serializes keys not yet handled;
 * - copy-on-write: the captured Keyspaces' `cow` hook (src/store/db.ts) runs before anything
 *   changes, creates or deletes a key, or a lookup hands out its value (commands, scripts, blocked
 *   clients served later, eviction, expiry): a key the walk has not reached yet is serialized
 *   first (its value as of the snapshot: nothing changed it since) and marked handled; a key that
 *   does not exist then is marked handled too (created after the snapshot point), so the walk
 *   skips both. `Server.beforeWrite` (before a write command runs) does the same for the keys the
 *   command names;
 * - records written out of order re-select their db (SELECTDB may appear several times);
 * - output goes to a temporary file through asynchronous writes, then fsync and rename.
 * A key that expires meanwhile is saved with its expire (a load drops it).
 */
import type { Server } from "../server/server.ts";
import type { Client } from "../server/client.ts";
import type { CommandDef } from "../commands/types.ts";
import { getKeyPositions } from "../commands/table.ts";
import type { Db, Keyspace, RValue } from "../store/db.ts";
import { newSerializer, rdbLoadBytes, RdbLoadError, rdbSaveFile } from "./rdb_file.ts";
import { spawnStandIn, type StandIn } from "./standin.ts";

export const MISCONF_ERROR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** CONFIG_BGSAVE_RETRY_DELAY: seconds between failed automatic BGSAVE attempts. */
const BGSAVE_RETRY_DELAY = 5;
/** Time budget of one BGSAVE slice (ms). */
const SLICE_MS = 5;

/**
 * Keys already handled, sharded: one Set of a million keys stalls the loop for tens of ms each
 * time it rehashes while growing; 64 shards rehash 64 times less at a time.
 */
class KeySet {
  readonly #shards: Set<string>[] = Array.from({ length: 64 }, () => new Set());

  #shard(k: string): Set<string> {
    const n = k.length;
    const h = n === 0 ? 0 : (k.charCodeAt(n - 1) * 31 + (n > 1 ? k.charCodeAt(n - 2) : 0)) * 31 +
      (n > 2 ? k.charCodeAt(n - 3) : 0) + n;
    return this.#shards[h & 63];
  }

  has(k: string): boolean {
    return this.#shard(k).has(k);
  }

  add(k: string): void {
    this.#shard(k).add(k);
  }
}

interface Captured {
  db: Db;
  id: number;
  ks: Keyspace;
  iter: Iterator<[string, number]>;
  done: KeySet;
  selected: boolean;
}

/**
 * What a background snapshot writes: the RDB serializer (BGSAVE, RDB-preamble AOF rewrite) or the
 * AOF command serializer (src/persist/aof_rewrite.ts).
 */
export interface SnapshotSerializer {
  /** Db index whose SELECT was written last (-1: none). */
  curDb: number;
  readonly full: boolean;
  header(server: Server): void;
  /** First SELECT of a db (RDB: with RESIZEDB). */
  selectDb(db: Db, size: number, expires: number): void;
  /** SELECT again (records written out of order by copy-on-write). */
  reselect(id: number): void;
  keyValue(db: Db, key: string, v: RValue, expire: number | undefined): void;
  take(): Uint8Array;
  trailer(): Uint8Array;
}

export interface BgSaveOptions {
  /** Temporary file, in the working directory. */
  tmp: string;
  /** Renamed to this at the end; null: the caller renames (AOF rewrite). */
  target: string | null;
  ser: SnapshotSerializer;
}

/** One background snapshot in progress (BGSAVE, BGREWRITEAOF). */
export class BgSave {
  readonly ser: SnapshotSerializer;
  readonly caps: Captured[] = [];
  readonly tmp: string;
  readonly file: Deno.FsFile;
  readonly start = Date.now();
  #chain: Promise<void> = Promise.resolve();
  #cur = 0;
  keysTotal = 0;
  keysDone = 0;
  /** Longest synchronous slice (ms), logged at the end. */
  longestSlice = 0;
  #error: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  cancelled = false;

  readonly target: string | null;

  constructor(
    readonly server: Server,
    readonly done: (err: string | null) => void,
    opts?: BgSaveOptions,
  ) {
    this.ser = opts?.ser ?? newSerializer(server);
    this.tmp = opts?.tmp ?? `temp-${Deno.pid}-bg.rdb`;
    this.target = opts === undefined ? server.config.getString("dbfilename") : opts.target;
    this.file = Deno.openSync(this.tmp, { write: true, create: true, truncate: true });
    this.ser.header(server);
    for (const db of server.dbs) {
      if (db.size === 0) continue;
      const ks = db.ks;
      const cap: Captured = {
        db,
        id: db.id,
        ks,
        iter: ks.map.entries(),
        done: new KeySet(),
        selected: false,
      };
      this.caps.push(cap);
      this.keysTotal += db.size;
      // Copy-on-write hook (see the top of the file): every path that changes a key of this
      // keyspace, or hands out its value, calls it first.
      ks.cow = (key) => this.#preserveIn(cap, key);
    }
    this.#timer = setTimeout(() => this.#slice(), 0);
  }

  #select(cap: Captured): void {
    if (this.ser.curDb === cap.id) return;
    if (!cap.selected) {
      this.ser.selectDb(cap.db, cap.ks.map.size, cap.ks.volatileSize);
      this.ser.curDb = cap.id;
      cap.selected = true;
    } else {
      this.ser.reselect(cap.id);
    }
  }

  #write(cap: Captured, key: string, slot: number): void {
    this.#select(cap);
    this.ser.keyValue(cap.db, key, cap.ks.vals[slot]!, cap.ks.expireOf(slot));
    this.keysDone++;
    if (this.ser.full) this.#flush();
  }

  #flush(): void {
    const chunk = this.ser.take();
    const f = this.file;
    this.#chain = this.#chain.then(async () => {
      if (this.#error !== null || this.cancelled) return;
      try {
        let off = 0;
        while (off < chunk.length) off += await f.write(chunk.subarray(off));
      } catch (e) {
        this.#error = (e as Error).message;
      }
    });
  }

  /** Copy-on-write: serialize `key` of `db` now if the walk has not handled it yet. */
  preserve(db: Db, key: string): void {
    const cap = this.caps.find((c) => c.ks === db.ks);
    if (cap !== undefined) this.#preserveIn(cap, key);
  }

  #preserveIn(cap: Captured, key: string): void {
    if (cap.done.has(key)) return;
    cap.done.add(key);
    const slot = cap.ks.map.get(key);
    if (slot === undefined) return;
    try {
      this.#write(cap, key, slot);
    } catch (e) {
      this.#abort(e);
    }
  }

  /** A value the serializer cannot write: the save fails (the server goes on). */
  #abort(e: unknown): void {
    if (this.cancelled) return;
    this.cancel();
    this.done(`Write error saving DB on disk: ${(e as Error).message}`);
  }

  /** Remove the copy-on-write hooks (the save ended or was cancelled). */
  unhook(): void {
    for (const cap of this.caps) if (cap.ks.cow !== null) cap.ks.cow = null;
  }

  /** Preserve `key` in every captured db (MOVE, COPY ... DB, SWAPDB targets). */
  preserveAll(key: string): void {
    for (const cap of this.caps) this.preserve(cap.db, key);
  }

  #slice(): void {
    this.#timer = undefined;
    if (this.cancelled) return;
    try {
      this.#walk();
    } catch (e) {
      this.#abort(e);
    }
  }

  #walk(): void {
    const delayUs = this.server.config.getNumber("rdb-key-save-delay");
    const t0 = performance.now();
    let n = 0;
    while (this.#cur < this.caps.length) {
      const cap = this.caps[this.#cur];
      const r = cap.iter.next();
      if (r.done) {
        this.#cur++;
        continue;
      }
      const [key, slot] = r.value;
      if (cap.done.has(key)) continue;
      cap.done.add(key);
      this.#write(cap, key, slot);
      if (delayUs > 0) {
        this.#timer = setTimeout(() => this.#slice(), Math.max(1, delayUs / 1000));
        return;
      }
      if ((++n & 63) === 0 && performance.now() - t0 > SLICE_MS) {
        const d = performance.now() - t0;
        if (d > this.longestSlice) this.longestSlice = d;
        // Let queued I/O (clients) run, and keep the write queue short.
        this.#chain.then(() => {
          this.#timer = setTimeout(() => this.#slice(), 0);
        });
        return;
      }
    }
    this.#finish();
  }

  #finish(): void {
    this.unhook(); // every key is written: nothing left to protect
    const tail = this.ser.trailer();
    const f = this.file;
    this.#chain = this.#chain.then(async () => {
      if (this.cancelled) return;
      try {
        if (this.#error !== null) throw new Error(this.#error);
        let off = 0;
        while (off < tail.length) off += await f.write(tail.subarray(off));
        await f.sync();
        f.close();
        if (this.target !== null) await Deno.rename(this.tmp, this.target);
        this.done(null);
      } catch (e) {
        try {
          f.close();
        } catch { /* closed */ }
        try {
          Deno.removeSync(this.tmp);
        } catch { /* gone */ }
        this.done(`Write error saving DB on disk: ${(e as Error).message}`);
      }
    });
  }

  /** killRDBChild: stop and remove the temporary file. */
  cancel(): void {
    this.cancelled = true;
    this.unhook();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    try {
      this.file.close();
    } catch { /* closed */ }
    try {
      Deno.removeSync(this.tmp);
    } catch { /* gone */ }
  }
}

/** Persistence state of one server (INFO persistence, save rules, MISCONF). */
export class Persistence {
  bg: BgSave | null = null;
  /** The BGSAVE's stand-in child process (src/persist/standin.ts). */
  #child: StandIn | null = null;
  bgScheduled = false;
  lastBgsaveOk = true;
  lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  rdbSaves = 0;
  dirtyAtBgsaveStart = 0;
  keysLoaded = 0;
  keysExpired = 0;
  /** BGREWRITEAOF in progress (src/persist/aof.ts): the other "child"; they exclude each other. */
  aofRewrite: BgSave | null = null;
  /** The AOF's MISCONF text while its writes fail (installed by src/persist/aof.ts). */
  aofDiskError: () => string | null = () => null;
  #cron: ReturnType<typeof setInterval> | undefined;

  constructor(readonly server: Server) {
    server.saveSnapshot = () => this.saveForShutdown();
  }

  /** The MISCONF refusal text while writes are denied, else null (writeCommandsDeniedByDiskError). */
  diskError(): string | null {
    const cfg = this.server.config;
    if (
      !this.lastBgsaveOk && cfg.getBool("stop-writes-on-bgsave-error") &&
      cfg.getString("save") !== ""
    ) return MISCONF_ERROR;
    return this.aofDiskError();
  }

  /** hasActiveChildProcess: a BGSAVE or a BGREWRITEAOF runs. */
  get busy(): boolean {
    return this.bg !== null || this.aofRewrite !== null;
  }

  updateDiskError(): void {
    this.#updateDiskError();
  }

  #updateDiskError(): void {
    this.server.diskError = this.diskError();
  }

  /** SAVE / rdbSave: synchronous. Returns null or the error. */
  save(): string | null {
    if (this.bg !== null) return "ERR Background save already in progress";
    const t0 = Date.now();
    const dirty = this.server.dirty;
    const err = rdbSaveFile(this.server);
    if (err !== null) {
      this.server.log.warning(err);
      this.lastBgsaveOk = false;
      this.#updateDiskError();
      return err;
    }
    this.server.log.notice(`DB saved on disk (${Date.now() - t0} ms)`);
    this.server.dirty -= dirty;
    this.server.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveOk = true;
    this.rdbSaves++;
    this.#updateDiskError();
    return null;
  }

  /** rdbSaveBackground. Returns null when started, or the error. */
  bgsave(): string | null {
    if (this.bg !== null) return "ERR Background save already in progress";
    if (this.aofRewrite !== null) return "ERR Another child process is active";
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    this.dirtyAtBgsaveStart = this.server.dirty;
    try {
      this.bg = new BgSave(this.server, (err) => this.#bgDone(err));
    } catch (e) {
      this.lastBgsaveOk = false;
      this.#updateDiskError();
      const msg = `Can't save in background: ${(e as Error).message}`;
      this.server.log.warning(msg);
      return msg;
    }
    this.bgScheduled = false;
    this.server.stats.totalForks++;
    const bg = this.bg;
    // Killing the stand-in child (src/persist/standin.ts) fails the save, as killing Redis's child.
    this.#child = spawnStandIn((signal) => {
      this.#child = null;
      if (this.bg !== bg) return;
      bg.cancel();
      this.#bgDone(null, signal);
    });
    this.server.beforeWrite = (c, cmd, argv) => this.beforeWrite(c, cmd, argv);
    this.server.log.notice(`Background saving started`);
    return null;
  }

  #bgDone(err: string | null, signal = 0): void {
    const bg = this.bg;
    this.#child?.kill();
    this.#child = null;
    this.bg = null;
    this.server.beforeWrite = null;
    if (bg === null) return;
    this.lastBgsaveTimeSec = Math.floor((Date.now() - bg.start) / 1000);
    if (signal !== 0) {
      this.server.log.warning(`Background saving terminated by signal ${signal}`);
      if (signal !== 10) this.lastBgsaveOk = false; // SIGUSR1 stops it without an error
    } else if (err === null) {
      this.server.log.notice(
        `Background saving terminated with success (longest slice ${
          bg.longestSlice.toFixed(1)
        } ms)`,
      );
      this.server.dirty -= this.dirtyAtBgsaveStart;
      this.server.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveOk = true;
      this.rdbSaves++;
    } else {
      this.server.log.warning(`Background saving error: ${err}`);
      this.lastBgsaveOk = false;
    }
    this.#updateDiskError();
  }

  /** Stop a BGSAVE in progress (SHUTDOWN, FLUSHALL with save rules, DEBUG RELOAD). */
  killBgsave(): void {
    if (this.bg === null) return;
    this.bg.cancel();
    this.#child?.kill();
    this.#child = null;
    this.bg = null;
    this.server.beforeWrite = null;
    this.server.log.warning("Background saving terminated by signal 10");
  }

  /** FLUSHALL (flushAllDataAndResetRDB): kill a BGSAVE; with save rules, save right away. */
  flushAll(): void {
    this.killBgsave();
    if (this.server.config.getString("save") !== "") this.save();
  }

  saveForShutdown(): string | null {
    this.killBgsave();
    return this.save();
  }

  /** Server.beforeWrite: copy-on-write of the keys a write command names. */
  beforeWrite(c: Client, cmd: CommandDef, argv: string[]): void {
    const bg = this.bg ?? this.aofRewrite;
    if (bg === null) return;
    const all = cmd.name === "move" || cmd.name === "copy";
    const pos = getKeyPositions(cmd, argv);
    if (pos.length === 0 || cmd.name === "sort" || cmd.name.startsWith("geo")) {
      // No declared keys (scripts) or a STORE key outside them: any argument may be a key.
      for (let i = 1; i < argv.length; i++) bg.preserve(c.db, argv[i]);
    }
    for (const i of pos) {
      if (all) bg.preserveAll(argv[i]);
      else bg.preserve(c.db, argv[i]);
    }
  }

  /** serverCron's save part: the `save` rules and a scheduled BGSAVE. */
  cron(): void {
    if (this.bg !== null || this.aofRewrite !== null) return;
    const now = Math.floor(Date.now() / 1000);
    const retryOk = now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk;
    const rules = this.server.config.getString("save");
    if (rules !== "") {
      const p = rules.split(" ").map(Number);
      for (let j = 0; j + 1 < p.length; j += 2) {
        const seconds = p[j];
        const changes = p[j + 1];
        if (this.server.dirty >= changes && now - this.server.lastSave > seconds && retryOk) {
          this.server.log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
          this.bgsave();
          return;
        }
      }
    }
    if (this.bgScheduled && retryOk) this.bgsave();
  }

  startCron(): void {
    this.#cron = setInterval(() => this.cron(), 100);
  }

  stopCron(): void {
    if (this.#cron !== undefined) clearInterval(this.#cron);
    this.#cron = undefined;
  }

  /** loadDataFromDisk: read `dbfilename` if it exists. False when the file is corrupt. */
  loadAtStartup(): boolean {
    const name = this.server.config.getString("dbfilename");
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(name);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return true;
      this.server.log.warning(`Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
      return false;
    }
    const t0 = performance.now();
    const err = this.loadBytes(bytes);
    if (err !== null) return false;
    this.server.log.notice(
      `DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`,
    );
    return true;
  }

  /** Load an RDB image into the (empty) dbs; logs and returns the error text on failure. */
  loadBytes(bytes: Uint8Array): string | null {
    try {
      const res = rdbLoadBytes(this.server, bytes);
      this.keysLoaded = res.keysLoaded;
      this.keysExpired = res.keysExpired;
      const ver = res.aux.get("redis-ver");
      if (ver !== undefined) this.server.log.notice(`Loading RDB produced by version ${ver}`);
      this.server.log.notice(
        `Done loading RDB, keys loaded: ${res.keysLoaded}, keys expired: ${res.keysExpired}.`,
      );
      return null;
    } catch (e) {
      if (!(e instanceof RdbLoadError)) throw e;
      const msg =
        `Internal error in RDB reading offset ${e.offset}, function at rdb_file.ts -> ${e.message}`;
      this.server.log.warning(msg);
      this.server.log.warning("Terminating server after rdb file reading failure.");
      return msg;
    }
  }

  /** DEBUG RELOAD: save, empty every db, load the file back. */
  debugReload(): string | null {
    if (this.save() !== null) return "ERR Error trying to save the DB";
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(this.server.config.getString("dbfilename"));
    } catch {
      return "ERR Error trying to load the RDB dump";
    }
    for (const db of this.server.dbs) db.clear();
    this.server.functions.flush();
    if (this.loadBytes(bytes) !== null) return "ERR Error trying to load the RDB dump";
    return null;
  }

  /** INFO persistence rows owned by RDB. */
  info(): [string, string | number][] {
    const bg = this.bg;
    return [
      ["current_save_keys_processed", bg ? bg.keysDone : 0],
      ["current_save_keys_total", bg ? bg.keysTotal : 0],
      ["rdb_changes_since_last_save", this.server.dirty],
      ["rdb_bgsave_in_progress", bg ? 1 : 0],
      ["rdb_last_save_time", this.server.lastSave],
      ["rdb_last_bgsave_status", this.lastBgsaveOk ? "ok" : "err"],
      ["rdb_last_bgsave_time_sec", this.lastBgsaveTimeSec],
      ["rdb_current_bgsave_time_sec", bg ? Math.floor((Date.now() - bg.start) / 1000) : -1],
      ["rdb_saves", this.rdbSaves],
      ["rdb_last_cow_size", 0],
      ["rdb_last_load_keys_expired", this.keysExpired],
      ["rdb_last_load_keys_loaded", this.keysLoaded],
    ];
  }
}

const registry = new WeakMap<Server, Persistence>();

/** The persistence state of a server (created on first use). */
export function persistenceOf(server: Server): Persistence {
  let p = registry.get(server);
  if (p === undefined) {
    p = new Persistence(server);
    registry.set(server, p);
  }
  return p;
}
