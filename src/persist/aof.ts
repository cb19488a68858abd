/**
 * Append-only file, Redis 7.0's multi-part design (aof.c):
 *
 * - `<dir>/<appenddirname>/` holds a base file (`<appendfilename>.<seq>.base.rdb` — an RDB with
 *   aux aof-base 1 — or `.base.aof` with `aof-use-rdb-preamble no`), incremental files
 *   (`<appendfilename>.<seq>.incr.aof`, RESP commands) and the manifest listing them
 *   (src/persist/aof_manifest.ts). The manifest is rewritten through a temporary file, fsynced and
 *   renamed, so a crash leaves the old or the new one.
 * - Feeding: the AOF is a propagation sink (src/server/propagate.ts): each command that changed the
 *   dataset arrives as executed (deterministic form, MULTI/EXEC around transactions and scripts);
 *   a SELECT is added when the db changes and `#TS:<unix>` when `aof-timestamp-enabled` and the
 *   second changed. Commands are RESP-encoded into one growable buffer (a few hundred ns each).
 * - Writing: the buffer is written before any reply leaves: the connection's flush awaits
 *   `server.beforeReply` (src/server/conn.ts) before each socket write; one write(2) in a
 *   microtask covers every client served in the same turn of the event loop (and, with `always`,
 *   one fdatasync: group commit). A microtask also writes what commands without a reply queued. `appendfsync always` fdatasyncs right there,
 *   before the reply; `everysec` fsyncs in the background (Deno's thread pool, as Redis's bio
 *   thread) once per second, and while such an fsync is still running postpones writes for up to
 *   2 s, then writes anyway and counts aof_delayed_fsync (Redis's rule for a slow disk); `no`
 *   leaves it to the kernel.
 * - Write errors: with `always` the server exits (the reply could not be kept); otherwise the
 *   data stays buffered, aof_last_write_status is err, write commands get `-MISCONF Errors
 *   writing to the AOF file: <reason>` (src/persist/snapshot.ts diskError) and the cron retries
 *   every second until a write succeeds.
 * - BGREWRITEAOF: the current buffer is written, a new incremental file is opened and listed in
 *   the manifest (commands from now on go there), then the dataset as of this moment is written to
 *   `temp-rewriteaof-bg-<pid>.aof` by the incremental copy-on-write snapshot of BGSAVE
 *   (src/persist/snapshot.ts BgSave, RDB or AOF serializer). When done, the file becomes the new
 *   base, older base and incremental files become history in the manifest and are deleted. With
 *   `appendonly` turned on at run time, commands go to `temp-<appendfilename>.incr` until the first
 *   rewrite succeeds (AOF_WAIT_REWRITE). BGSAVE and BGREWRITEAOF exclude each other as Redis's
 *   child processes do (scheduled, with Redis's replies).
 * - Loading (start-up with `appendonly yes`, DEBUG LOADAOF): manifest, then base (RDB or commands)
 *   and incremental files in order, commands run by a client without connection in the normal
 *   handlers (MULTI queued, EXEC executes). A torn end is cut with `aof-load-truncated yes` (also
 *   an unfinished MULTI); other corruption stops start-up with Redis's log lines, preceded by one
 *   naming the file and the offset.
 */
import { spawnStandIn, type StandIn } from "./standin.ts";
import type { Server } from "../server/server.ts";
import { Client } from "../server/client.ts";
import { discardTransaction, isExec, queueMultiCommand } from "../server/multi.ts";
import { errnoText } from "../config/parse.ts";
import { sleepSync } from "../commands/server.ts";
import { AofManifest, ManifestError, parseManifest } from "./aof_manifest.ts";
import { AofSerializer, CommandBuffer } from "./aof_rewrite.ts";
import { BgSave, type Persistence, persistenceOf, type SnapshotSerializer } from "./snapshot.ts";
import {
  newSerializer,
  rdbLoadBytes,
  RdbLoadError,
  rdbSaveSync,
  writeAllSync,
} from "./rdb_file.ts";

export const enum AofState {
  Off = 0,
  On = 1,
  WaitRewrite = 2,
}

const enum Fsync {
  Always = 0,
  Everysec = 1,
  No = 2,
}

/** Results of loading one file / the whole AOF (AOF_OK, AOF_NOT_EXIST...). */
export const enum AofLoad {
  Ok = 0,
  NotExist = 1,
  Empty = 2,
  OpenErr = 3,
  Failed = 4,
  Truncated = 5,
}

const WRITE_ERROR_LOG_RATE = 30;
const REWRITE_LIMIT_THRESHOLD = 3;
const REWRITE_LIMIT_MAX_MINUTES = 60;

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** dirCreateIfMissing: mkdir, an existing entry of that name is fine (EEXIST), as in Redis. */
function dirCreateIfMissing(path: string): void {
  try {
    Deno.mkdirSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
}

function removeQuiet(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* gone */ }
}

export class Aof {
  state = AofState.Off;
  manifest = new AofManifest();
  fd: Deno.FsFile | null = null;
  readonly buf = new CommandBuffer();
  selectedDb = -1;
  #curTimestamp = 0;
  #fsync = Fsync.Everysec;
  #timestamps = false;
  #noFsyncOnRewrite = false;
  /** aof_current_size, aof_rewrite_base_size, aof_last_incr_size, aof_last_incr_fsync_offset. */
  currentSize = 0;
  rewriteBaseSize = 0;
  lastIncrSize = 0;
  lastIncrFsyncOffset = 0;
  lastFsync = unixNow();
  /** A background fsync (everysec) in progress. */
  #fsyncing: Promise<void> | null = null;
  #bioFsyncError: string | null = null;
  #flushPostponedStart = 0;
  delayedFsync = 0;
  /** DEBUG AOF-FLUSH-SLEEP: µs to sleep before each write of the buffer (tests). */
  flushSleepUs = 0;
  lastWriteOk = true;
  lastWriteError = "";
  #lastWriteErrorLog = 0;
  /** BGREWRITEAOF state. */
  rewrite: BgSave | null = null;
  /** The running rewrite's stand-in child process (see #spawnChild), null without one. */
  #child: StandIn | null = null;
  #rewritePreamble = true;
  rewriteScheduled = false;
  rewriteTimeStart = -1;
  rewriteTimeLast = -1;
  lastBgrewriteOk = true;
  rewrites = 0;
  consecutiveFailures = 0;
  #nextDelayMinutes = 0;
  #nextRewriteTime = 0;
  /** Loading: commands run by the loader are not fed back. */
  loading = false;
  #flushQueued = false;
  #cron: ReturnType<typeof setInterval> | undefined;
  #cronTicks = 0;
  readonly #p: Persistence;
  readonly #sink = (dbid: number, argv: string[]) => this.feed(dbid, argv);
  /**
   * Server.beforeReply: the first client about to send replies in this turn of the event loop
   * queues one flush in a microtask; every client served in the same turn (their read
   * continuations are already queued before it) awaits it, so one write(2) (and with `always`
   * one fdatasync: group commit) covers them all. Null once nothing is left to write, or when
   * writing is postponed (everysec with a slow fsync) or failing: replies go, as in Redis.
   */
  readonly #beforeReply = (): Promise<void> | null => {
    if (this.#flushing !== null) return this.#flushing;
    if (this.buf.outLen === 0) {
      if (this.#fsync !== Fsync.Always || this.lastIncrFsyncOffset === this.lastIncrSize) {
        return null;
      }
    } else if (this.#flushPostponedStart !== 0 || !this.lastWriteOk) return null;
    if (this.fd === null || this.state === AofState.Off) return null;
    this.#flushing = new Promise<void>((resolve) => {
      queueMicrotask(() => {
        this.#flushing = null;
        this.#flushQueued = false;
        try {
          this.flush(false);
        } finally {
          resolve();
        }
      });
    });
    return this.#flushing;
  };
  #flushing: Promise<void> | null = null;
  readonly #microFlush = () => {
    this.#flushQueued = false;
    if (this.buf.outLen !== 0 && this.#flushing === null) this.flush(false);
  };

  constructor(readonly server: Server) {
    this.#p = persistenceOf(server);
    this.#p.aofDiskError = () => this.diskError();
    server.prepareShutdown = (force) => this.prepareShutdown(force);
    const cfg = server.config;
    const fsync = (v: unknown) => {
      this.#fsync = v === "always" ? Fsync.Always : v === "no" ? Fsync.No : Fsync.Everysec;
    };
    fsync(cfg.getString("appendfsync"));
    cfg.onChange("appendfsync", fsync);
    this.#noFsyncOnRewrite = cfg.getBool("no-appendfsync-on-rewrite");
    cfg.onChange("no-appendfsync-on-rewrite", (v) => {
      this.#noFsyncOnRewrite = Boolean(v);
    });
    this.#timestamps = cfg.getBool("aof-timestamp-enabled");
    cfg.onChange("aof-timestamp-enabled", (v) => {
      this.#timestamps = Boolean(v);
    });
    cfg.onChange("appendonly", (v) => {
      if (!v && this.state !== AofState.Off) this.stop();
      else if (v && this.state === AofState.Off) {
        if (!this.start()) return "Unable to turn on AOF. Check server logs.";
      }
    });
    cfg.onChange("aof-disable-auto-gc", (v) => {
      if (!v) this.delHistoryFiles();
    });
    this.state = cfg.getBool("appendonly") ? AofState.On : AofState.Off;
  }

  get #filename(): string {
    return this.server.config.getString("appendfilename");
  }

  get #dirname(): string {
    return this.server.config.getString("appenddirname");
  }

  #path(name: string): string {
    return `${this.#dirname}/${name}`;
  }

  get #log() {
    return this.server.log;
  }

  // ---- feeding and writing -----------------------------------------------------------------

  /** The propagation sink (feedAppendOnlyFile). */
  feed(dbid: number, argv: string[]): void {
    if (this.loading) return;
    if (this.state === AofState.WaitRewrite && this.rewrite === null) return;
    const b = this.buf;
    if (this.#timestamps) {
      const now = Math.floor(this.server.cmdTime / 1000);
      if (this.#curTimestamp < now) {
        this.#curTimestamp = now;
        b.writeAscii(`#TS:${now}\r\n`);
      }
    }
    if (dbid !== this.selectedDb) {
      b.command(["SELECT", String(dbid)]);
      this.selectedDb = dbid;
    }
    b.command(argv);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#microFlush);
    }
  }

  #installSink(): void {
    const prop = this.server.propagation;
    if (!prop.sinks.includes(this.#sink)) prop.addSink(this.#sink);
    this.server.beforeReply = this.#beforeReply;
  }

  #removeSink(): void {
    this.server.propagation.removeSink(this.#sink);
    if (this.server.beforeReply === this.#beforeReply) this.server.beforeReply = null;
  }

  /** aofWrite: write everything or report how much went out before the error. */
  #write(b: Uint8Array): { n: number; err: unknown } {
    const fd = this.fd!;
    let off = 0;
    while (off < b.length) {
      try {
        const n = fd.writeSync(b.subarray(off));
        if (n <= 0) return { n: off, err: new Error("No space left on device") };
        off += n;
      } catch (e) {
        return { n: off === 0 ? -1 : off, err: e };
      }
    }
    return { n: off, err: null };
  }

  /** flushAppendOnlyFile. */
  flush(force: boolean): void {
    if (this.fd === null || this.state === AofState.Off) return;
    const now = unixNow();
    let syncInProgress = false;
    if (this.buf.outLen === 0) {
      if (
        this.#fsync === Fsync.Everysec && this.lastIncrFsyncOffset !== this.lastIncrSize &&
        now > this.lastFsync && this.#fsyncing === null
      ) {
        return this.#tryFsync(now, false);
      } else if (
        this.#fsync === Fsync.Always && this.lastIncrFsyncOffset !== this.lastIncrSize
      ) {
        return this.#tryFsync(now, false);
      }
      return;
    }
    if (this.#fsync === Fsync.Everysec) syncInProgress = this.#fsyncing !== null;
    if (this.#fsync === Fsync.Everysec && !force && syncInProgress) {
      if (this.#flushPostponedStart === 0) {
        this.#flushPostponedStart = now;
        return;
      } else if (now - this.#flushPostponedStart < 2) {
        return;
      }
      this.delayedFsync++;
      this.#log.notice(
        "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.",
      );
    }
    if (this.flushSleepUs > 0) sleepSync(this.flushSleepUs / 1000);
    const data = this.buf.out.subarray(0, this.buf.outLen);
    let { n, err } = this.#write(data);
    this.#flushPostponedStart = 0;
    if (n !== data.length) {
      const canLog = now - this.#lastWriteErrorLog > WRITE_ERROR_LOG_RATE;
      if (canLog) this.#lastWriteErrorLog = now;
      if (n === -1) {
        if (canLog) this.#log.warning(`Error writing to the AOF file: ${errnoText(err)}`);
        this.lastWriteError = errnoText(err);
      } else {
        if (canLog) {
          this.#log.warning(
            `Short write while writing to the AOF file: (nwritten=${n}, expected=${data.length})`,
          );
        }
        try {
          this.fd!.truncateSync(this.lastIncrSize);
          n = -1;
        } catch (e) {
          if (canLog) {
            this.#log.warning(
              `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${
                errnoText(e)
              }`,
            );
          }
        }
        this.lastWriteError = "No space left on device";
      }
      if (this.#fsync === Fsync.Always) {
        this.#log.warning(
          "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
        );
        Deno.exit(1);
      }
      if (this.lastWriteOk) {
        this.lastWriteOk = false;
        this.#p.updateDiskError();
      }
      if (n > 0) {
        this.currentSize += n;
        this.lastIncrSize += n;
        this.buf.out.copyWithin(0, n, this.buf.outLen);
        this.buf.outLen -= n;
      }
      return;
    }
    if (!this.lastWriteOk) {
      this.#log.warning("AOF write error looks solved, Redis can write again.");
      this.lastWriteOk = true;
      this.#p.updateDiskError();
    }
    this.currentSize += n;
    this.lastIncrSize += n;
    this.buf.outLen = 0;
    if (this.buf.out.length > 1 << 20) this.buf.out = new Uint8Array(16 * 1024);
    this.#tryFsync(now, syncInProgress);
  }

  #tryFsync(now: number, syncInProgress: boolean): void {
    if (this.#noFsyncOnRewrite && this.#p.busy) return;
    if (this.#fsync === Fsync.Always) {
      try {
        this.fd!.syncDataSync();
      } catch (e) {
        this.#log.warning(
          `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${
            errnoText(e)
          }. Exiting...`,
        );
        Deno.exit(1);
      }
      this.lastIncrFsyncOffset = this.lastIncrSize;
      this.lastFsync = now;
    } else if (this.#fsync === Fsync.Everysec && now > this.lastFsync) {
      if (!syncInProgress && this.#fsyncing === null) {
        this.#backgroundFsync(this.fd!, false);
        this.lastIncrFsyncOffset = this.lastIncrSize;
      }
      this.lastFsync = now;
    }
  }

  /** aof_background_fsync (and _and_close): fdatasync on the thread pool. */
  #backgroundFsync(fd: Deno.FsFile, close: boolean): void {
    const p = fd.syncData().then(
      () => {
        if (this.#bioFsyncError !== null) {
          this.#bioFsyncError = null;
          this.#p.updateDiskError();
        }
      },
      (e) => {
        this.#log.warning(`Fail to fsync the AOF file: ${errnoText(e)}`);
        this.#bioFsyncError = errnoText(e);
        this.#p.updateDiskError();
      },
    ).finally(() => {
      if (close) {
        try {
          fd.close();
        } catch { /* closed */ }
      }
      if (this.#fsyncing === p) this.#fsyncing = null;
    });
    if (!close) this.#fsyncing = p;
  }

  /** writeCommandsDeniedByDiskError, AOF part. */
  diskError(): string | null {
    if (this.state === AofState.Off) return null;
    if (!this.lastWriteOk) return `MISCONF Errors writing to the AOF file: ${this.lastWriteError}`;
    if (this.#bioFsyncError !== null) {
      return `MISCONF Errors writing to the AOF file: ${this.#bioFsyncError}`;
    }
    return null;
  }

  // ---- manifest ------------------------------------------------------------------------------

  /** writeAofManifestFile + persistAofManifest. */
  persistManifest(am: AofManifest): boolean {
    if (!am.dirty) return true;
    const name = `${this.#filename}.manifest`;
    const tmp = `temp-${name}`;
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(this.#path(tmp), { write: true, create: true, truncate: true });
    } catch (e) {
      this.#log.warning(`Can't open the AOF manifest file ${tmp}: ${errnoText(e)}`);
      return false;
    }
    try {
      try {
        writeAllSync(f, binaryBytes(am.toString()));
      } catch (e) {
        this.#log.warning(
          `Error trying to write the temporary AOF manifest file ${tmp}: ${errnoText(e)}`,
        );
        return false;
      }
      try {
        f.syncSync();
      } catch (e) {
        this.#log.warning(`Fail to fsync the temp AOF file ${tmp}: ${errnoText(e)}.`);
        return false;
      }
    } finally {
      f.close();
    }
    try {
      Deno.renameSync(this.#path(tmp), this.#path(name));
    } catch (e) {
      this.#log.warning(
        `Error trying to rename the temporary AOF manifest file ${tmp} into ${name}: ${
          errnoText(e)
        }`,
      );
      return false;
    }
    fsyncDir(this.#dirname);
    am.dirty = false;
    return true;
  }

  /** aofLoadManifestFromDisk: exits on a malformed manifest, as Redis does. */
  loadManifestFromDisk(): void {
    this.manifest = new AofManifest();
    if (!isDir(this.#dirname)) return;
    const path = this.#path(`${this.#filename}.manifest`);
    if (!exists(path)) return;
    let text: string;
    try {
      text = binaryString(Deno.readFileSync(path));
    } catch (e) {
      this.#log.warning(
        `Fatal error: can't open the AOF manifest file ${path} for reading: ${errnoText(e)}`,
      );
      Deno.exit(1);
    }
    try {
      this.manifest = parseManifest(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      this.#log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
      if (e.line !== null) {
        this.#log.warning(`Reading the manifest file, at line ${e.linenum}\n`);
        this.#log.warning(`>>> '${e.line}'\n`);
      }
      this.#log.warning(`${e.message}\n`);
      Deno.exit(1);
    }
  }

  /** aofDelHistoryFiles. */
  delHistoryFiles(): boolean {
    const am = this.manifest;
    if (this.server.config.getBool("aof-disable-auto-gc") || am.history.length === 0) return true;
    for (const a of am.history) {
      this.#log.notice(`Removing the history file ${a.name} in the background`);
      const path = this.#path(a.name);
      queueMicrotask(() => removeQuiet(path));
    }
    am.history = [];
    am.dirty = true;
    return this.persistManifest(am);
  }

  // ---- start-up --------------------------------------------------------------------------------

  /** loadAppendOnlyFiles (and the upgrade of an old single-file AOF). */
  loadFiles(): AofLoad {
    const am = this.manifest;
    const filename = this.#filename;
    if (exists(filename)) {
      if (
        !isDir(this.#dirname) || (am.base === null && am.incr.length === 0) ||
        (am.base !== null && am.incr.length === 0 && am.base.name === filename &&
          !exists(this.#path(filename)))
      ) {
        this.#upgradePrepare(am);
      }
    }
    if (am.base === null && am.incr.length === 0) return AofLoad.NotExist;
    const files = [...(am.base ? [am.base] : []), ...am.incr];
    let total = 0;
    for (const a of files) {
      try {
        total += Deno.statSync(this.#path(a.name)).size;
      } catch (e) {
        this.#log.warning(`Unable to obtain the AOF file ${a.name} length. stat: ${errnoText(e)}`);
        return AofLoad.Failed;
      }
    }
    if (total === 0) return AofLoad.Empty;
    let baseSize = 0;
    let ret: AofLoad = AofLoad.Ok;
    for (let i = 0; i < files.length; i++) {
      const a = files[i];
      const isBase = a === am.base;
      const last = i === files.length - 1;
      if (isBase) baseSize = Deno.statSync(this.#path(a.name)).size;
      const t0 = performance.now();
      ret = this.loadSingleFile(a.name);
      if (ret === AofLoad.Ok || (ret === AofLoad.Truncated && last)) {
        this.#log.notice(
          `DB loaded from ${isBase ? "base" : "incr"} file ${a.name}: ${
            ((performance.now() - t0) / 1000).toFixed(3)
          } seconds`,
        );
      }
      if (!isBase && ret === AofLoad.Empty) ret = AofLoad.Ok;
      if (ret === AofLoad.Truncated && !last) {
        ret = AofLoad.Failed;
        this.#log.warning("Fatal error: the truncated file is not the last file");
      }
      if (ret === AofLoad.OpenErr || ret === AofLoad.Failed) return ret;
    }
    this.currentSize = total;
    this.rewriteBaseSize = baseSize;
    return ret;
  }

  /** aofUpgradePrepare: move an old `appendonly.aof` into the directory as the base. */
  #upgradePrepare(am: AofManifest): void {
    const filename = this.#filename;
    try {
      dirCreateIfMissing(this.#dirname);
    } catch (e) {
      this.#log.warning(`Can't open or create append-only dir ${this.#dirname}: ${errnoText(e)}`);
      Deno.exit(1);
    }
    am.base = { name: filename, seq: 1, type: "b" };
    am.baseSeq = 1;
    am.dirty = true;
    if (!this.persistManifest(am)) Deno.exit(1);
    try {
      Deno.renameSync(filename, this.#path(filename));
    } catch (e) {
      this.#log.warning(
        `Error trying to move the old AOF file ${filename} into dir ${this.#dirname}: ${
          errnoText(e)
        }`,
      );
      Deno.exit(1);
    }
    this.#log.notice(
      `Successfully migrated an old-style AOF file (${filename}) into the AOF directory (${this.#dirname}).`,
    );
  }

  /** loadSingleAppendOnlyFile. */
  loadSingleFile(name: string): AofLoad {
    const path = this.#path(name);
    let b: Uint8Array;
    try {
      b = Deno.readFileSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        this.#log.warning(`The append log file ${name} doesn't exist: ${errnoText(e)}`);
        return AofLoad.NotExist;
      }
      this.#log.warning(
        `Fatal error: can't open the append log file ${name} for reading: ${errnoText(e)}`,
      );
      return AofLoad.OpenErr;
    }
    if (b.length === 0) return AofLoad.Empty;
    const loader = new AofLoader(this.server, b, name);
    this.loading = true;
    this.server.loading = true;
    try {
      if (b.length >= 5 && String.fromCharCode(...b.subarray(0, 5)) === "REDIS") {
        const oldStyle = name === this.#filename;
        this.#log.notice(
          oldStyle
            ? "Reading RDB preamble from AOF file..."
            : "Reading RDB base file on AOF loading...",
        );
        try {
          loader.pos = rdbLoadBytes(this.server, b).end;
        } catch (e) {
          if (!(e instanceof RdbLoadError)) throw e;
          this.#log.warning(
            `Internal error in RDB reading offset ${e.offset}, function at rdb_file.ts -> ${e.message}`,
          );
          this.#log.warning(
            oldStyle
              ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
              : `Error reading the RDB base file ${name}, AOF loading aborted`,
          );
          return AofLoad.Failed;
        }
        if (oldStyle) this.#log.notice("Reading the remaining AOF tail...");
      }
      const r = loader.run();
      if (r.kind === "ok") return AofLoad.Ok;
      if (r.kind === "unknown") {
        this.#log.warning(`Unknown command '${r.detail}' reading the append only file ${name}`);
        return AofLoad.Failed;
      }
      if (r.kind === "format") {
        this.#log.warning(
          `AOF format error in ${name} at offset ${r.offset}: ${r.detail}`,
        );
        this.#log.warning(
          `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
        );
        return AofLoad.Failed;
      }
      // Unexpected end of file (a torn last command, or an unfinished MULTI).
      if (this.server.config.getBool("aof-load-truncated")) {
        this.#log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
        this.#log.warning(`!!! Truncating the AOF ${name} at offset ${r.validUpTo} !!!`);
        try {
          Deno.truncateSync(path, r.validUpTo);
          this.#log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
          return AofLoad.Truncated;
        } catch (e) {
          this.#log.warning(`Error truncating the AOF file ${name}: ${errnoText(e)}`);
        }
      }
      this.#log.warning(
        `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
      return AofLoad.Failed;
    } finally {
      this.loading = false;
      this.server.loading = false;
      loader.close();
    }
  }

  /** loadDataFromDisk, AOF part. False: start-up must stop. */
  loadAtStartup(): boolean {
    const t0 = performance.now();
    const ret = this.loadFiles();
    if (ret === AofLoad.Failed || ret === AofLoad.OpenErr) return false;
    if (ret !== AofLoad.NotExist) {
      this.#log.notice(
        `DB loaded from append only file: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`,
      );
    }
    this.server.dirty = 0;
    return true;
  }

  /** aofOpenIfNeededOnServerStart: exits on failure, as Redis does. */
  openOnServerStart(): void {
    if (this.state !== AofState.On) return;
    try {
      dirCreateIfMissing(this.#dirname);
    } catch (e) {
      this.#log.warning(`Can't open or create append-only dir ${this.#dirname}: ${errnoText(e)}`);
      Deno.exit(1);
    }
    const am = this.manifest;
    const hadIncr = am.incr.length !== 0;
    if (am.base === null && !hadIncr) {
      const preamble = this.server.config.getBool("aof-use-rdb-preamble");
      const base = am.newBase(this.#filename, preamble);
      if (!this.rewriteSync(this.#path(base), preamble)) Deno.exit(1);
      this.#log.notice(`Creating AOF base file ${base} on server start`);
    }
    const name = am.lastIncr(this.#filename);
    try {
      this.fd = Deno.openSync(this.#path(name), { append: true, create: true });
    } catch (e) {
      this.#log.warning(`Can't open the append-only file ${name}: ${errnoText(e)}`);
      Deno.exit(1);
    }
    if (!this.persistManifest(am)) Deno.exit(1);
    this.lastIncrSize = this.fd.statSync().size;
    this.lastIncrFsyncOffset = this.lastIncrSize;
    this.#log.notice(
      `${hadIncr ? "Opening" : "Creating"} AOF incr file ${name} on server start`,
    );
    this.#installSink();
  }

  /** rewriteAppendOnlyFile: the whole dataset, synchronously, into `target`. */
  rewriteSync(target: string, preamble: boolean): boolean {
    const tmp = `temp-rewriteaof-${Deno.pid}.aof`;
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    } catch (e) {
      this.#log.warning(
        `Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${errnoText(e)}`,
      );
      return false;
    }
    try {
      if (preamble) {
        rdbSaveSync(this.server, (b) => writeAllSync(f, b), true);
      } else {
        const s = new AofSerializer(this.server, this.#timestamps);
        s.header(this.server);
        for (const db of this.server.dbs) {
          if (db.size === 0) continue;
          s.selectDb(db);
          const ks = db.ks;
          for (const [k, slot] of ks.map) {
            s.keyValue(db, k, ks.vals[slot]!, ks.expireOf(slot));
            if (s.full) writeAllSync(f, s.take());
          }
        }
        writeAllSync(f, s.trailer());
      }
      f.syncSync();
      f.close();
    } catch (e) {
      this.#log.warning(`Write error writing append only file on disk: ${errnoText(e)}`);
      try {
        f.close();
      } catch { /* closed */ }
      removeQuiet(tmp);
      return false;
    }
    try {
      Deno.renameSync(tmp, target);
    } catch (e) {
      this.#log.warning(
        `Error moving temp append only file on the final destination: ${errnoText(e)}`,
      );
      removeQuiet(tmp);
      return false;
    }
    return true;
  }

  // ---- turning on and off at run time -------------------------------------------------------

  /** startAppendOnly (CONFIG SET appendonly yes). */
  start(): boolean {
    this.state = AofState.WaitRewrite;
    if (this.#p.bg !== null) {
      this.rewriteScheduled = true;
      this.#log.warning(
        "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
      );
    } else if (this.server.inExec) {
      this.rewriteScheduled = true;
      this.#log.warning(
        "AOF was enabled during a transaction. An AOF background was scheduled to start when possible.",
      );
    } else {
      if (this.rewrite !== null) {
        this.#log.warning(
          "AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.",
        );
        this.killRewrite();
      }
      if (!this.rewriteBackground()) {
        this.state = AofState.Off;
        this.#log.warning(
          "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
        );
        return false;
      }
    }
    this.lastFsync = unixNow();
    if (this.#bioFsyncError !== null) {
      this.#log.warning("AOF reopen, just ignore the AOF fsync error in bio job");
      this.#bioFsyncError = null;
    }
    if (!this.lastWriteOk) {
      this.#log.warning("AOF reopen, just ignore the last error.");
      this.lastWriteOk = true;
    }
    this.#installSink();
    this.#p.updateDiskError();
    return true;
  }

  /** stopAppendOnly (CONFIG SET appendonly no). */
  stop(): void {
    this.flush(true);
    if (this.fd !== null) {
      try {
        this.fd.syncDataSync();
        this.lastFsync = unixNow();
      } catch (e) {
        this.#log.warning(`Fail to fsync the AOF file: ${errnoText(e)}`);
      }
      try {
        this.fd.close();
      } catch { /* closed */ }
    }
    this.fd = null;
    this.selectedDb = -1;
    this.state = AofState.Off;
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    this.killRewrite();
    this.buf.outLen = 0;
    this.#removeSink();
    this.#p.updateDiskError();
  }

  // ---- rewrite ---------------------------------------------------------------------------------

  /** openNewIncrAofForAppend. */
  #openNewIncr(): boolean {
    if (this.state === AofState.Off) return true;
    let am: AofManifest | null = null;
    let name: string;
    if (this.state === AofState.WaitRewrite) {
      name = `temp-${this.#filename}.incr`;
    } else {
      am = this.manifest.clone();
      name = am.newIncr(this.#filename);
    }
    let fd: Deno.FsFile;
    try {
      Deno.openSync(this.#path(name), { write: true, create: true, truncate: true }).close();
      fd = Deno.openSync(this.#path(name), { append: true });
    } catch (e) {
      this.#log.warning(`Can't open the append-only file ${name}: ${errnoText(e)}`);
      return false;
    }
    if (am !== null && !this.persistManifest(am)) {
      fd.close();
      return false;
    }
    this.#log.notice(`Creating AOF incr file ${name} on background rewrite`);
    if (this.fd !== null) {
      this.#backgroundFsync(this.fd, true);
      this.lastFsync = unixNow();
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    if (am !== null) this.manifest = am;
    return true;
  }

  /** rewriteAppendOnlyFileBackground. */
  rewriteBackground(): boolean {
    if (this.#p.busy) return false;
    try {
      dirCreateIfMissing(this.#dirname);
    } catch (e) {
      this.#log.warning(`Can't open or create append-only dir ${this.#dirname}: ${errnoText(e)}`);
      this.lastBgrewriteOk = false;
      return false;
    }
    this.selectedDb = -1;
    this.flush(true);
    if (!this.#openNewIncr()) {
      this.lastBgrewriteOk = false;
      return false;
    }
    this.rewrites++;
    const preamble = this.server.config.getBool("aof-use-rdb-preamble");
    let ser: SnapshotSerializer;
    if (preamble) {
      const s = newSerializer(this.server);
      s.aofBase = true;
      ser = s;
    } else {
      ser = new AofSerializer(this.server, this.#timestamps);
    }
    try {
      this.rewrite = new BgSave(this.server, (err) => this.#rewriteDone(err), {
        tmp: `temp-rewriteaof-bg-${Deno.pid}.aof`,
        target: null,
        ser,
      });
    } catch (e) {
      this.lastBgrewriteOk = false;
      this.#log.warning(`Can't rewrite append only file in background: ${errnoText(e)}`);
      return false;
    }
    this.#rewritePreamble = preamble;
    this.#p.aofRewrite = this.rewrite;
    this.server.stats.totalForks++;
    this.#spawnChild(this.rewrite);
    const p = this.#p;
    this.server.beforeWrite = (c, cmd, argv) => p.beforeWrite(c, cmd, argv);
    this.#log.notice(`Background append only file rewriting started by pid ${Deno.pid}`);
    this.rewriteScheduled = false;
    this.rewriteTimeStart = unixNow();
    return true;
  }

  /** The stand-in child (src/persist/standin.ts): killing it fails the rewrite, as in Redis. */
  #spawnChild(bg: BgSave): void {
    this.#child = spawnStandIn((signal) => {
      this.#child = null;
      if (this.rewrite !== bg) return;
      bg.cancel();
      this.#rewriteDone(null, signal);
    });
  }

  #killChild(): void {
    this.#child?.kill();
    this.#child = null;
  }

  #endRewrite(): void {
    this.#killChild();
    this.rewrite = null;
    this.#p.aofRewrite = null;
    if (this.#p.bg === null) this.server.beforeWrite = null;
  }

  /** killAppendOnlyChild. */
  killRewrite(): void {
    const bg = this.rewrite;
    if (bg === null) return;
    this.#log.notice(`Killing running AOF rewrite child: ${Deno.pid}`);
    bg.cancel();
    this.#endRewrite();
    this.rewriteTimeStart = -1;
  }

  /**
   * backgroundRewriteDoneHandler: `err` null and `signal` 0 is success; `signal` > 0 means the
   * stand-in child was killed by that signal (-1: it exited otherwise), a failure but SIGUSR1.
   */
  #rewriteDone(err: string | null, signal = 0): void {
    const bg = this.rewrite;
    if (bg === null) return;
    this.#endRewrite();
    const tmp = bg.tmp;
    if (signal !== 0) {
      if (signal !== 10) this.#failRewrite(); // SIGUSR1 kills without an error
      this.#log.warning(`Background AOF rewrite terminated by signal ${signal}`);
    } else if (err === null) {
      this.#log.notice("Background AOF rewrite terminated with success");
      this.#installRewrite(tmp);
    } else {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      this.#log.warning(`Background AOF rewrite terminated with error: ${err}`);
    }
    removeQuiet(tmp);
    if (this.state === AofState.WaitRewrite) {
      this.buf.outLen = 0;
      const tmpIncr = `temp-${this.#filename}.incr`;
      this.#log.notice(`Removing the temp incr aof file ${tmpIncr} in the background`);
      removeQuiet(this.#path(tmpIncr));
    }
    this.rewriteTimeLast = unixNow() - this.rewriteTimeStart;
    this.rewriteTimeStart = -1;
    if (this.state === AofState.WaitRewrite) this.rewriteScheduled = true;
  }

  #failRewrite(): void {
    this.lastBgrewriteOk = false;
    this.consecutiveFailures++;
  }

  #installRewrite(tmp: string): void {
    const am = this.manifest.clone();
    const baseName = am.newBase(this.#filename, this.#rewritePreamble);
    const basePath = this.#path(baseName);
    try {
      Deno.renameSync(tmp, basePath);
    } catch (e) {
      this.#log.warning(
        `Error trying to rename the temporary AOF base file ${tmp} into ${basePath}: ${
          errnoText(e)
        }`,
      );
      return this.#failRewrite();
    }
    this.#log.notice(
      `Successfully renamed the temporary AOF base file ${tmp} into ${baseName}`,
    );
    let incrPath: string | null = null;
    if (this.state === AofState.WaitRewrite) {
      const tmpIncr = `temp-${this.#filename}.incr`;
      const incrName = am.newIncr(this.#filename);
      incrPath = this.#path(incrName);
      try {
        Deno.renameSync(this.#path(tmpIncr), incrPath);
      } catch (e) {
        this.#log.warning(
          `Error trying to rename the temporary AOF incr file ${
            this.#path(tmpIncr)
          } into ${incrPath}: ${errnoText(e)}`,
        );
        removeQuiet(basePath);
        return this.#failRewrite();
      }
      this.#log.notice(
        `Successfully renamed the temporary AOF incr file ${tmpIncr} into ${incrName}`,
      );
    }
    am.markIncrAsHistory(this.fd !== null);
    if (!this.persistManifest(am)) {
      removeQuiet(basePath);
      if (incrPath !== null) removeQuiet(incrPath);
      return this.#failRewrite();
    }
    this.manifest = am;
    if (this.state !== AofState.Off) {
      let baseSize = 0;
      try {
        baseSize = Deno.statSync(basePath).size;
      } catch { /* counted as 0 */ }
      this.currentSize = baseSize + this.lastIncrSize;
      this.rewriteBaseSize = this.currentSize;
    }
    this.delHistoryFiles();
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    this.#log.notice("Background AOF rewrite finished successfully");
    if (this.state === AofState.WaitRewrite) this.state = AofState.On;
  }

  /** aofRewriteLimited: back off after 3 consecutive failures (1, 2, 4 ... 60 minutes). */
  #rewriteLimited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
      this.#nextDelayMinutes = 0;
      this.#nextRewriteTime = 0;
      return false;
    }
    const now = unixNow();
    if (this.#nextRewriteTime !== 0) {
      if (now < this.#nextRewriteTime) return true;
      this.#nextRewriteTime = 0;
      return false;
    }
    this.#nextDelayMinutes = this.#nextDelayMinutes === 0
      ? 1
      : Math.min(this.#nextDelayMinutes * 2, REWRITE_LIMIT_MAX_MINUTES);
    this.#nextRewriteTime = now + this.#nextDelayMinutes * 60;
    this.#log.warning(
      `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.#nextDelayMinutes} minutes`,
    );
    return true;
  }

  /** BGREWRITEAOF: the reply. */
  bgrewriteaofCommand(c: Client): void {
    if (this.rewrite !== null) {
      return c.addError("ERR Background append only file rewriting already in progress");
    }
    if (this.#p.busy || this.server.inExec) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      return c.addStatus("Background append only file rewriting scheduled");
    }
    if (this.rewriteBackground()) {
      return c.addStatus("Background append only file rewriting started");
    }
    c.addError(
      "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    );
  }

  /** serverCron's AOF part, every 100 ms. */
  cron(): void {
    const cfg = this.server.config;
    if (!this.#p.busy && this.rewriteScheduled && !this.#rewriteLimited()) {
      this.rewriteBackground();
    }
    if (this.state === AofState.On && !this.#p.busy) {
      const perc = cfg.getNumber("auto-aof-rewrite-percentage");
      if (perc !== 0 && this.currentSize > cfg.getNumber("auto-aof-rewrite-min-size")) {
        const base = this.rewriteBaseSize !== 0 ? this.rewriteBaseSize : 1;
        const growth = Math.floor(this.currentSize * 100 / base) - 100;
        if (growth >= perc && !this.#rewriteLimited()) {
          this.#log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
          this.rewriteBackground();
        }
      }
    }
    if (this.state === AofState.Off) return;
    // Postponed flushes and the everysec fsync of data written by an earlier flush.
    if (this.lastWriteOk) this.flush(false);
    else if (++this.#cronTicks % 10 === 0) this.flush(false);
  }

  startCron(): void {
    this.#cron = setInterval(() => this.cron(), 100);
  }

  stopCron(): void {
    if (this.#cron !== undefined) clearInterval(this.#cron);
    this.#cron = undefined;
  }

  /** prepareForShutdown, AOF part: null, or why the shutdown must not go on. */
  prepareShutdown(force: boolean): string | null {
    if (this.rewrite !== null) {
      if (this.state === AofState.WaitRewrite) {
        if (force) this.#log.warning("Writing initial AOF. Exit anyway.");
        else {
          this.#log.warning("Writing initial AOF, can't exit.");
          return "Writing initial AOF";
        }
      }
      this.#log.warning("There is a child rewriting the AOF. Killing it!");
      this.killRewrite();
    }
    if (this.state !== AofState.Off && this.fd !== null) {
      this.#log.notice("Calling fsync() on the AOF file.");
      this.flush(true);
      try {
        this.fd.syncDataSync();
      } catch (e) {
        this.#log.warning(`Fail to fsync the AOF file: ${errnoText(e)}.`);
      }
    }
    return null;
  }

  /** DEBUG LOADAOF: null, or the process exits as Redis does on a failed load. */
  debugLoad(): void {
    if (this.state === AofState.On) this.flush(true);
    for (const db of this.server.dbs) db.clear();
    this.server.functions.flush();
    this.loadManifestFromDisk();
    this.delHistoryFiles();
    const ret = this.loadFiles();
    if (ret !== AofLoad.Ok && ret !== AofLoad.Empty && ret !== AofLoad.NotExist) Deno.exit(1);
    this.server.dirty = 0;
    this.#log.notice("Append Only File loaded by DEBUG LOADAOF");
  }

  /** INFO persistence: the aof_* rows after rdb_*, and the ones printed when AOF is on. */
  info(): [string, string | number][] {
    return [
      ["aof_enabled", this.state !== AofState.Off ? 1 : 0],
      ["aof_rewrite_in_progress", this.rewrite !== null ? 1 : 0],
      ["aof_rewrite_scheduled", this.rewriteScheduled ? 1 : 0],
      ["aof_last_rewrite_time_sec", this.rewriteTimeLast],
      [
        "aof_current_rewrite_time_sec",
        this.rewrite === null ? -1 : unixNow() - this.rewriteTimeStart,
      ],
      ["aof_last_bgrewrite_status", this.lastBgrewriteOk ? "ok" : "err"],
      ["aof_rewrites", this.rewrites],
      ["aof_rewrites_consecutive_failures", this.consecutiveFailures],
      ["aof_last_write_status", this.lastWriteOk && this.#bioFsyncError === null ? "ok" : "err"],
      ["aof_last_cow_size", 0],
    ];
  }

  /** The rows Redis adds when `appendonly` is yes. */
  infoEnabled(): [string, string | number][] {
    if (!this.server.config.getBool("appendonly")) return [];
    return [
      ["aof_current_size", this.currentSize],
      ["aof_base_size", this.rewriteBaseSize],
      ["aof_pending_rewrite", this.rewriteScheduled ? 1 : 0],
      ["aof_buffer_length", this.buf.outLen],
      ["aof_pending_bio_fsync", this.#fsyncing !== null ? 1 : 0],
      ["aof_delayed_fsync", this.delayedFsync],
    ];
  }
}

// ---- loader ------------------------------------------------------------------------------------

type LoaderResult =
  | { kind: "ok" }
  | { kind: "eof"; validUpTo: number }
  | { kind: "format"; offset: number; detail: string }
  | { kind: "unknown"; detail: string };

/** AOF_ANNOTATION_LINE_MAX_LEN: fgets' buffer. */
const LINE_MAX = 1024;

/** Replays RESP commands from a byte image through a client without a connection. */
class AofLoader {
  pos = 0;
  readonly c: Client;

  constructor(readonly server: Server, readonly b: Uint8Array, readonly name: string) {
    // CLIENT_ID_AOF: not registered, so CLIENT LIST does not show it.
    this.c = new Client(server, Number.MAX_SAFE_INTEGER, null, server.dbs[0], Date.now());
  }

  close(): void {
    if (this.c.multiQueue !== null) discardTransaction(this.c);
  }

  /** fgets: the next line (with its \n) of at most LINE_MAX-1 bytes, or null at EOF. */
  #line(): string | null {
    const b = this.b;
    if (this.pos >= b.length) return null;
    let end = this.pos;
    const lim = Math.min(b.length, this.pos + LINE_MAX - 1);
    while (end < lim && b[end] !== 10) end++;
    if (end < lim) end++; // include the newline
    const s = String.fromCharCode.apply(null, b.subarray(this.pos, end) as unknown as number[]);
    this.pos = end;
    return s;
  }

  run(): LoaderResult {
    const server = this.server;
    const c = this.c;
    const b = this.b;
    let validUpTo = this.pos;
    let validBeforeMulti = this.pos;
    for (;;) {
      const start = this.pos;
      const head = this.#line();
      if (head === null) break;
      if (head[0] === "#") continue;
      if (head[0] !== "*") {
        return { kind: "format", offset: start, detail: `expected '*', got '${head[0]}'` };
      }
      if (head.length === 1) return { kind: "eof", validUpTo };
      const argc = atoi(head.slice(1));
      if (argc < 1) return { kind: "format", offset: start, detail: "invalid multibulk length" };
      const argv: string[] = new Array(argc);
      for (let j = 0; j < argc; j++) {
        const at = this.pos;
        const l = this.#line();
        if (l === null) return { kind: "eof", validUpTo };
        if (l[0] !== "$") {
          return { kind: "format", offset: at, detail: `expected '$', got '${l[0]}'` };
        }
        const len = atoi(l.slice(1));
        if (len < 0 || this.pos + len > b.length) return { kind: "eof", validUpTo };
        const sub = b.subarray(this.pos, this.pos + len);
        argv[j] = len <= 4096
          ? String.fromCharCode.apply(null, sub as unknown as number[])
          : binaryString(sub);
        this.pos += len;
        if (this.pos + 2 > b.length) return { kind: "eof", validUpTo };
        this.pos += 2;
      }
      const cmd = server.commands.lookup(argv);
      if (cmd === undefined) return { kind: "unknown", detail: argv[0] };
      if (cmd.parent === undefined && cmd.name === "multi") validBeforeMulti = validUpTo;
      if (c.multiQueue !== null && !isExec(cmd)) {
        queueMultiCommand(c, cmd, argv);
      } else {
        server.cmdTime = Date.now();
        server.inExec = true;
        try {
          cmd.handler!(c, argv);
        } finally {
          server.inExec = false;
        }
      }
      c.outLen = 0;
      validUpTo = this.pos;
    }
    if (c.multiQueue !== null) {
      server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${this.name}`);
      return { kind: "eof", validUpTo: validBeforeMulti };
    }
    return { kind: "ok" };
  }
}

/** C's atoi / strtol base 10 (leading spaces, sign, digits). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function binaryString(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

function binaryBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** fsyncFileDir: new names in the directory survive a crash. */
function fsyncDir(dir: string): void {
  try {
    const f = Deno.openSync(dir, { read: true });
    try {
      f.syncSync();
    } finally {
      f.close();
    }
  } catch { /* not supported here */ }
}

const registry = new WeakMap<Server, Aof>();

/** The AOF state of a server (created on first use). */
export function aofOf(server: Server): Aof {
  let a = registry.get(server);
  if (a === undefined) {
    a = new Aof(server);
    registry.set(server, a);
  }
  return a;
}
