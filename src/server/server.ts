/**
 * The server: databases, clients, the command table, stats, crons. One instance per process; every
 * command runs synchronously on this thread (see docs/architecture.md).
 */
import { Db, type DbHooks } from "../store/db.ts";
import { Client } from "./client.ts";
import {
  type BlockState,
  scanDatabaseForDeletedStreams,
  scanDatabaseForReadyKeys,
  unblockOnClose,
} from "./blocking.ts";
import { Stats } from "./stats.ts";
import { CommandTable } from "../commands/table.ts";
import type { CommandDef } from "../commands/types.ts";
import { ALL_COMMANDS } from "../commands/mod.ts";
import { type Config, ConfigError } from "../config/mod.ts";
import { Logger } from "../log.ts";
import { IdleCollector } from "./memory.ts";
import { Evictor } from "./evict.ts";
import { activeExpireCycle } from "../store/expire.ts";
import { FunctionRegistry } from "../scripting/functions.ts";
import { readLatencyTracking } from "./latency.ts";
import { SlowLog } from "./slowlog.ts";
import { LatencyMonitor } from "./latency_monitor.ts";
import { stopMonitor } from "./monitor.ts";
import { keyspaceEvent, PubSub, pubsubReleaseClient } from "./pubsub.ts";
import {
  closeOnOutputBufferLimit,
  OBUF_STATIC,
  type ObufLimit,
  obufLimitsFromConfig,
  obufUsed,
} from "./obuf.ts";
import { NOTIFY_BIT_BY_CODE } from "./notify.ts";
import { Acl } from "./acl.ts";
import { clientInfoString } from "../commands/client.ts";
import { lazyfree, propagateDeletion, Propagation } from "./propagate.ts";
import {
  discardTransaction,
  touchAllWatchedKeysInDb,
  touchWatchedKey,
  unwatchAllKeys,
  type WatchedKey,
} from "./multi.ts";
import {
  disableTracking,
  type Tracking,
  trackingInvalidateKey,
  trackingInvalidateKeysOnFlush,
  trackingLimitUsedSlots,
} from "./tracking.ts";

export { REDIS_COMPAT_VERSION, REXIS_VERSION } from "./version.ts";

export class Server {
  readonly config: Config;
  readonly log: Logger;
  readonly commands: CommandTable;
  /** Users, permissions, ACL LOG (src/server/acl.ts). */
  readonly acl: Acl;
  readonly stats = new Stats();
  dbs: Db[] = [];
  clients = new Map<number, Client>();
  nextClientId = 1;
  readonly startTime = Date.now();
  readonly runId: string;
  /** Time commands see (ms), fixed for the duration of one command. */
  cmdTime = Date.now();
  /**
   * performance.now() at the end of the last command of the input batch being processed, or 0
   * outside a batch (src/server/conn.ts processInput; read by dispatch.call()).
   */
  batchClock = 0;
  /** Commands sent to the AOF and replicas (src/server/propagate.ts). */
  readonly propagation = new Propagation();
  /** Keys changed since start (used by persistence later; INFO rdb_changes_since_last_save). */
  dirty = 0;
  /** True while EXEC runs its queued commands (blocking commands must not block then). */
  inExec = false;
  /** A script passed busy-reply-threshold and yields: the -BUSY text, null otherwise. */
  busyScriptError: string | null = null;
  /** Blocking commands (src/server/blocking.ts): who is blocked, and dbs with ready keys. */
  readonly blockedClients = new Map<Client, BlockState>();
  readonly readyDbs = new Set<Db>();
  servingBlocked = false;
  /** WATCH (src/server/multi.ts): per db index, key → the clients' records watching it. */
  readonly watchedKeys: Map<string, WatchedKey[]>[] = [];
  /** DEBUG PAUSE-CRON 1 skips the cron's work (Redis's pause_cron). */
  cronPaused = false;
  /** Active expiry can be disabled by DEBUG SET-ACTIVE-EXPIRE 0. */
  activeExpireEnabled = true;
  /**
   * True while the dataset loads (AOF/RDB at start-up, DEBUG LOADAOF): keys do not expire and
   * EXPIRE/GETEX with a past time set it instead of deleting (Redis's server.loading).
   */
  loading = false;
  /** CLIENT PAUSE state: end (ms, 0 = no pause), WRITE-only or ALL, and who waits (dispatch.ts). */
  pauseUntil = 0;
  pauseWrites = false;
  pauseTimer: ReturnType<typeof setTimeout> | undefined;
  readonly postponedClients = new Set<Client>();
  shuttingDown = false;
  /** INFO latencystats: config `latency-tracking`. */
  latencyTracking = true;
  /** MONITOR clients, SLOWLOG, LATENCY events (src/server/monitor.ts, slowlog.ts, latency_monitor.ts). */
  readonly monitors = new Set<Client>();
  readonly slowlog: SlowLog;
  readonly latencyMonitor: LatencyMonitor;
  /** Pub/sub channels and patterns (src/server/pubsub.ts). */
  readonly pubsub = new PubSub();
  /** notify-keyspace-events as flag bits (NOTIFY_* in src/server/pubsub.ts). */
  notifyFlags = 0;
  /** client-output-buffer-limit per class: normal, replica, pubsub. */
  obufLimits: ObufLimit[] = [];
  /** Client-side caching (src/server/tracking.ts): null until the first CLIENT TRACKING ON. */
  tracking: Tracking | null = null;
  /** Clients with tracking on (INFO tracking_clients); call() checks it once per command. */
  trackingClients = 0;
  /** FUNCTION libraries (src/scripting/functions.ts). */
  readonly functions = new FunctionRegistry();
  /** Synchronous snapshot for SHUTDOWN (persistence installs it); returns an error text or null. */
  saveSnapshot: (() => string | null) | null = null;
  /**
   * Called by dispatch.call() before a write command runs while persistence is active (BGSAVE's
   * copy-on-write, src/persist/snapshot.ts); null otherwise.
   */
  beforeWrite: ((c: Client, cmd: CommandDef, argv: string[]) => void) | null = null;
  /**
   * Called by the connection right before reply bytes go to a socket while the AOF is on
   * (src/persist/aof.ts): a promise while AOF data still has to be written (and fsynced with
   * appendfsync always) before replies may leave — the connection awaits it and asks again — or
   * null when replies may go; null when there is no AOF.
   */
  beforeReply: (() => Promise<void> | null) | null = null;
  /** Shutdown work of the AOF (flush, fsync, stop a rewrite); returns a refusal reason or null. */
  prepareShutdown: ((force: boolean) => string | null) | null = null;
  /** The -MISCONF error while writes are refused after a failed save (src/persist/snapshot.ts). */
  diskError: string | null = null;
  /** Unix time (s) of the last successful save (INFO rdb_last_save_time); start time until then. */
  lastSave = Math.floor(Date.now() / 1000);
  /** INFO used_memory_peak, and used_memory right after start-up (used_memory_startup). */
  memPeak = 0;
  memStartup = 0;
  /** INFO master_replid (replication replaces it on a role change). */
  replId = randomHex(40);
  /** INFO client_recent_max_input/output_buffer: per-second maxima over the last 8 seconds. */
  readonly recentMaxInput = new Array<number>(8).fill(0);
  readonly recentMaxOutput = new Array<number>(8).fill(0);
  #recentSecond = 0;
  /** Cached hot-path config values (kept in sync by config listeners). */
  hz = 10;
  maxBulkLen = 512 * 1024 * 1024;
  queryBufLimit = 1024 * 1024 * 1024;
  requirePass = "";
  maxClients = 10000;
  idleTimeout = 0;
  protectedMode = true;
  listeners: Deno.Listener[] = [];
  /** Ports actually bound (the config may say 0). */
  port = 0;
  #cronTimer: ReturnType<typeof setTimeout> | undefined;
  cronLoops = 0;
  readonly dbHooks: DbHooks;
  /** maxmemory: used-memory figure, OOM guard, eviction (src/server/evict.ts). */
  readonly evictor: Evictor;
  /** Optional observers of client lifecycle (tracking, pub/sub clean-up hook in here). */
  onNewClient?: (c: Client) => void;
  onClientClosed?: (c: Client) => void;

  constructor(config: Config, log: Logger) {
    this.config = config;
    this.log = log;
    this.commands = new CommandTable(ALL_COMMANDS);
    this.acl = new Acl(this);
    config.userLines = () => this.acl.configUserLines();
    for (const [from, to] of config.renames) {
      const err = this.commands.rename(from, to);
      // Redis stops at the line; the line is gone by now: the FATAL block names the directive.
      if (err !== null) throw new ConfigError(err, 0, `rename-command ${from} ${to}`);
    }
    this.runId = randomHex(40);
    this.dbHooks = {
      expired: (db, key) => {
        this.stats.expiredKeys++;
        this.keyExpired(db, key);
      },
      now: () => this.cmdTime,
      lruClock: () => Math.floor(this.cmdTime / 1000) & 0xffffff,
      // CLIENT PAUSE (WRITE or ALL) keeps the dataset still: expired keys are hidden, not deleted.
      expirePaused: () => this.pauseUntil !== 0 && this.pauseUntil >= Date.now(),
      keyReady: (db) => this.readyDbs.add(db),
      loading: () => this.loading,
    };
    const n = config.getNumber("databases");
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this.dbHooks));
    for (let i = 0; i < n; i++) this.watchedKeys.push(new Map());
    this.clientResetHooks.push(
      discardTransaction,
      pubsubReleaseClient,
      disableTracking,
      stopMonitor,
    );
    this.clientCloseHooks.push(
      unwatchAllKeys,
      unblockOnClose,
      pubsubReleaseClient,
      disableTracking,
      stopMonitor,
    );
    this.slowlog = new SlowLog(config);
    this.latencyMonitor = new LatencyMonitor(config);
    this.evictor = new Evictor(this);
    this.readConfig();
    this.evictor.bindConfig();
    this.memStartup = this.usedMemory();
  }

  /** Pull hot-path values from the config and follow their changes. */
  private readConfig(): void {
    const c = this.config;
    const bind = <T>(name: string, set: (v: T) => void) => {
      set(c.get(name) as T);
      c.onChange(name, (v) => {
        set(v as T);
      });
    };
    bind<number>("hz", (v) => (this.hz = Math.max(1, Math.min(500, v))));
    bind<number>("proto-max-bulk-len", (v) => (this.maxBulkLen = v));
    bind<number>("client-query-buffer-limit", (v) => (this.queryBufLimit = v));
    bind<string>("requirepass", (v) => {
      this.requirePass = v;
      this.acl.updateDefaultPassword(v);
    });
    bind<number>("maxclients", (v) => (this.maxClients = v));
    bind<number>("timeout", (v) => (this.idleTimeout = v));
    bind<boolean>("protected-mode", (v) => (this.protectedMode = v));
    bind<number>("notify-keyspace-events", (v) => (this.notifyFlags = v));
    bind<string>("client-output-buffer-limit", (v) => (this.obufLimits = obufLimitsFromConfig(v)));
    this.latencyTracking = readLatencyTracking(this);
    c.onChange("latency-tracking", (v) => {
      this.latencyTracking = v === true || v === "yes" || v === 1;
    });
  }

  /** New connections must AUTH: the default user has a password or is off (src/server/acl.ts). */
  authRequired(): boolean {
    return this.acl.authRequired();
  }

  /** CLIENT LIST line of a client (ACL LOG client-info). */
  clientInfo(c: Client, argv: string[]): string {
    return clientInfoString(c, c, argv);
  }

  /** "master" until replication exists. */
  role(): string {
    return "master";
  }

  /** Features that keep per-client state register here to clear it on RESET. */
  readonly clientResetHooks: ((c: Client) => void)[] = [];

  /** RESET: back to a fresh connection's state. */
  resetClient(c: Client): void {
    for (const h of this.clientResetHooks) h(c);
    c.db = this.dbs[0];
    c.resp = 2;
    c.name = "";
    c.user = "default";
    c.aclUser = this.acl.defaultUser;
    c.authenticated = !this.authRequired();
    c.replyMode = "on";
    c.replySkipArmed = false;
    c.noEvict = false;
  }

  createClient(conn: Deno.Conn | null): Client {
    const c = new Client(this, this.nextClientId++, conn, this.dbs[0], Date.now());
    this.clients.set(c.id, c);
    return c;
  }

  /** Features that keep per-client state register here to release it when the client goes. */
  readonly clientCloseHooks: ((c: Client) => void)[] = [];

  /** Forget a client whose connection has closed. */
  unlinkClient(c: Client): void {
    c.closed = true;
    this.clients.delete(c.id);
    for (const h of this.clientCloseHooks) h(c);
  }

  /** Ask a client's connection to close (CLIENT KILL, limits). Safe to call twice. */
  closeClient(c: Client): void {
    if (c.closed) return;
    this.unlinkClient(c);
    try {
      c.conn?.close();
    } catch {
      // already closed
    }
  }

  /** A key was removed because it expired: propagation and notifications hook in here. */
  keyExpired(db: Db, key: string): void {
    // As Redis's deleteExpiredKeyAndPropagate: "expired" event, modified-key signal; no dirty++.
    this.notify("x", "expired", key, db.id);
    this.signalModifiedKey(db, key, false);
    if (this.propagation.sinks.length !== 0) {
      propagateDeletion(this, db.id, key, lazyfree(this, "expire"));
    }
  }

  /**
   * A key was modified (WATCH, client tracking hook in here). `byCommand` is false when no client
   * made the change (expiry, eviction): BCAST NOLOOP clients are then told too.
   */
  signalModifiedKey(db: Db, key: string, byCommand = true): void {
    if (this.watchedKeys[db.id].size !== 0) touchWatchedKey(this, db, key);
    if (this.tracking !== null) trackingInvalidateKey(this, key, true, byCommand);
  }

  /**
   * Keyspace notification: `type` is the class letter of notify-keyspace-events ("g", "$", "x"...),
   * published when that class and K and/or E are enabled (src/server/pubsub.ts).
   */
  notify(type: string, event: string, key: string, dbid: number): void {
    const flags = this.notifyFlags;
    if (flags === 0 || (flags & NOTIFY_BIT_BY_CODE[type.charCodeAt(0)]) === 0) return;
    keyspaceEvent(this, flags, event, key, dbid);
  }

  /**
   * A db is about to be emptied (FLUSHDB; -1: FLUSHALL), called while the keys are still there:
   * WATCH, client tracking, persistence hook in here.
   */
  signalFlushedDb(dbid: number, _async: boolean): void {
    const from = dbid === -1 ? 0 : dbid;
    const to = dbid === -1 ? this.dbs.length - 1 : dbid;
    for (let i = from; i <= to; i++) {
      touchAllWatchedKeysInDb(this, i, this.dbs[i], null);
      scanDatabaseForDeletedStreams(this.dbs[i], this.dbs[i], null);
    }
    trackingInvalidateKeysOnFlush(this);
  }

  /** SWAPDB swapped two dbs' contents (called after the swap): WATCH, blocked clients hook in here. */
  signalSwappedDb(id1: number, id2: number): void {
    // After the swap dbs[id2] holds what db id1 had, and dbs[id1] what replaces it.
    touchAllWatchedKeysInDb(this, id1, this.dbs[id2], this.dbs[id1]);
    touchAllWatchedKeysInDb(this, id2, this.dbs[id1], this.dbs[id2]);
    scanDatabaseForReadyKeys(this.dbs[id1]);
    scanDatabaseForReadyKeys(this.dbs[id2]);
    scanDatabaseForDeletedStreams(this.dbs[id1], this.dbs[id2], this.dbs[id1]);
    scanDatabaseForDeletedStreams(this.dbs[id2], this.dbs[id1], this.dbs[id2]);
  }

  /** Everything a running server does periodically, at `hz`. */
  startCron(): void {
    const tick = () => {
      if (this.cronPaused) {
        this.#cronTimer = setTimeout(tick, 1000 / this.hz);
        return;
      }
      this.cronLoops++;
      const now = Date.now();
      this.stats.sample(now);
      if (this.activeExpireEnabled) {
        this.cmdTime = now;
        activeExpireCycle(this, 1000 / this.hz);
      }
      this.clientsCron(now);
      if (this.trackingClients !== 0) trackingLimitUsedSlots(this);
      this.sampleMemory();
      this.idleCollector.tick(now, this.stats.numCommands);
      this.evictor.cron(this.idleCollector.collections, this.idleCollector.heapAfterGc);
      this.#cronTimer = setTimeout(tick, 1000 / this.hz);
    };
    this.#cronTimer = setTimeout(tick, 1000 / this.hz);
  }

  readonly idleCollector = new IdleCollector();

  stopCron(): void {
    clearTimeout(this.#cronTimer);
  }

  private clientsCron(now: number): void {
    const timeout = this.idleTimeout;
    const second = Math.floor(now / 1000);
    const slot = second % 8;
    if (second !== this.#recentSecond) {
      // Zero the slots of the seconds that went by since the last visit.
      const gone = Math.min(8, second - this.#recentSecond);
      for (let i = 0; i < gone; i++) {
        const j = (slot - i + 8) % 8;
        this.recentMaxInput[j] = 0;
        this.recentMaxOutput[j] = 0;
      }
      this.#recentSecond = second;
    }
    const resetOutPeak = this.cronLoops % (5 * this.hz) === 0;
    for (const c of this.clients.values()) {
      if (
        timeout > 0 && !c.flagMaster && !c.flagReplica && !c.blocked &&
        now - c.lastInteraction > timeout * 1000
      ) {
        this.log.verbose("Closing idle client");
        this.closeClient(c);
        continue;
      }
      resizeQueryBuffer(c, second);
      if (c.query.buf.length > this.recentMaxInput[slot]) {
        this.recentMaxInput[slot] = c.query.buf.length;
      }
      // client_recent_max_output_buffer: the omem measure (beyond the 16 KB static buffer).
      const omem = obufUsed(c);
      if (omem > this.recentMaxOutput[slot]) this.recentMaxOutput[slot] = omem;
      if (c.outLen > OBUF_STATIC && closeOnOutputBufferLimit(c, false)) continue;
      if (resetOutPeak) c.outPeak = c.outLen;
    }
  }

  /** INFO used_memory: the accounted figure maxmemory compares with (src/server/evict.ts). */
  /** used_memory; `record` false for the cron's samples (see Evictor.usedMemory). */
  usedMemory(record = true): number {
    const used = this.evictor.usedMemory(record);
    if (used > this.memPeak) this.memPeak = used;
    return used;
  }

  private sampleMemory(): void {
    if (this.cronLoops % this.hz === 0) this.usedMemory(false);
  }
}

/**
 * Redis 7.0's clientsCronResizeQueryBuffer: when at least 4 KB of the query buffer is unused, free
 * the unused space of a client idle for more than 2 s, or shrink a buffer over 32 KB that is more
 * than twice the recent peak down to that peak (never below the bulk being read). Then the peak
 * restarts from what the buffer holds now.
 */
function resizeQueryBuffer(c: Client, nowSecond: number): void {
  const q = c.query;
  const pending = q.len - q.pos;
  const size = q.buf.length;
  const idle = nowSecond - Math.floor(c.lastInteraction / 1000);
  const inBulk = q.reqType === 2 && q.bulkLen >= 0;
  if (size - pending > 4 * 1024) {
    if (idle > 2) {
      q.compact();
      q.resize(q.len);
    } else if (size > 32 * 1024 && size / 2 > q.peak) {
      let want = Math.max(pending, q.peak);
      if (inBulk && want < q.bulkLen + 2) want = q.bulkLen + 2;
      q.compact();
      q.resize(Math.max(want, q.len));
    }
  }
  q.peak = q.len - q.pos;
  if (inBulk && q.bulkLen > q.peak) q.peak = q.bulkLen;
}

export function randomHex(n: number): string {
  const b = new Uint8Array(Math.ceil(n / 2));
  crypto.getRandomValues(b);
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s.slice(0, n);
}
