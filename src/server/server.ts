/**
 * The server: databases, clients, the command table, stats, crons. One instance per process; every
 * command runs synchronously on this thread (see docs/architecture.md).
 */
import { Db, type DbHooks } from "../store/db.ts";
import { Client } from "./client.ts";
import { Stats } from "./stats.ts";
import { CommandTable } from "../commands/table.ts";
import { ALL_COMMANDS } from "../commands/mod.ts";
import type { Config } from "../config/mod.ts";
import { Logger } from "../log.ts";
import { activeExpireCycle } from "../store/expire.ts";

export const REXIS_VERSION = "0.1.0";
/** The Redis version we answer as (INFO redis_version, HELLO version). */
export const REDIS_COMPAT_VERSION = "7.0.15";

export class Server {
  readonly config: Config;
  readonly log: Logger;
  readonly commands: CommandTable;
  readonly stats = new Stats();
  dbs: Db[] = [];
  clients = new Map<number, Client>();
  nextClientId = 1;
  readonly startTime = Date.now();
  readonly runId: string;
  /** Time commands see (ms), fixed for the duration of one command. */
  cmdTime = Date.now();
  /** Keys changed since start (used by persistence later; INFO rdb_changes_since_last_save). */
  dirty = 0;
  /** Active expiry can be disabled by DEBUG SET-ACTIVE-EXPIRE 0. */
  activeExpireEnabled = true;
  /** CLIENT PAUSE state. */
  pauseUntil = 0;
  pauseWrites = false;
  shuttingDown = false;
  /** Cached hot-path config values (kept in sync by config listeners). */
  hz = 10;
  maxBulkLen = 512 * 1024 * 1024;
  queryBufLimit = 1024 * 1024 * 1024;
  requirePass = "";
  maxClients = 10000;
  idleTimeout = 0;
  listeners: Deno.Listener[] = [];
  /** Ports actually bound (the config may say 0). */
  port = 0;
  #cronTimer: ReturnType<typeof setTimeout> | undefined;
  cronLoops = 0;
  readonly dbHooks: DbHooks;
  /** Optional observers of client lifecycle (tracking, pub/sub clean-up hook in here). */
  onNewClient?: (c: Client) => void;
  onClientClosed?: (c: Client) => void;

  constructor(config: Config, log: Logger) {
    this.config = config;
    this.log = log;
    this.commands = new CommandTable(ALL_COMMANDS);
    this.runId = randomHex(40);
    const server = this;
    this.dbHooks = {
      expired(db, key) {
        server.stats.expiredKeys++;
        server.keyExpired(db, key);
      },
      now: () => this.cmdTime,
      lruClock: () => Math.floor(this.cmdTime / 1000) & 0xffffff,
    };
    const n = config.getNumber("databases");
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i, this.dbHooks));
    this.readConfig();
  }

  /** Pull hot-path values from the config and follow their changes. */
  private readConfig(): void {
    const c = this.config;
    const bind = <T>(name: string, set: (v: T) => void) => {
      set(c.get(name) as T);
      c.onChange(name, (v) => set(v as T));
    };
    bind<number>("hz", (v) => (this.hz = Math.max(1, Math.min(500, v))));
    bind<number>("proto-max-bulk-len", (v) => (this.maxBulkLen = v));
    bind<number>("client-query-buffer-limit", (v) => (this.queryBufLimit = v));
    bind<string>("requirepass", (v) => (this.requirePass = v));
    bind<number>("maxclients", (v) => (this.maxClients = v));
    bind<number>("timeout", (v) => (this.idleTimeout = v));
  }

  authRequired(): boolean {
    return this.requirePass !== "";
  }

  /** Password check for AUTH/HELLO (the default user's password is `requirepass`). */
  checkPassword(user: string, pass: string): boolean {
    if (user !== "default") return false;
    return this.requirePass === "" || pass === this.requirePass;
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

  /** Forget a client whose connection has closed. */
  unlinkClient(c: Client): void {
    c.closed = true;
    this.clients.delete(c.id);
  }

  /** Ask a client's connection to close (CLIENT KILL, limits). Safe to call twice. */
  closeClient(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c.id);
    try {
      c.conn?.close();
    } catch {
      // already closed
    }
  }

  /** A key was removed because it expired: propagation and notifications hook in here. */
  keyExpired(_db: Db, _key: string): void {
    this.dirty++;
  }

  /** A key was modified by a command (WATCH, client tracking hook in here). */
  signalModifiedKey(_db: Db, _key: string): void {}

  /** Keyspace notification (the notify-keyspace-events classes hook in here). */
  notify(_type: string, _event: string, _key: string, _dbid: number): void {}

  /** Everything a running server does periodically, at `hz`. */
  startCron(): void {
    const tick = () => {
      this.cronLoops++;
      const now = Date.now();
      this.stats.sample(now);
      if (this.activeExpireEnabled) {
        this.cmdTime = now;
        activeExpireCycle(this, 1000 / this.hz);
      }
      this.clientsCron(now);
      this.#cronTimer = setTimeout(tick, 1000 / this.hz);
    };
    this.#cronTimer = setTimeout(tick, 1000 / this.hz);
  }

  stopCron(): void {
    clearTimeout(this.#cronTimer);
  }

  private clientsCron(now: number): void {
    const timeout = this.idleTimeout;
    for (const c of this.clients.values()) {
      if (
        timeout > 0 && !c.flagMaster && !c.flagReplica && now - c.lastInteraction > timeout * 1000
      ) {
        this.log.verbose("Closing idle client");
        this.closeClient(c);
        continue;
      }
      // Shrink an idle client's query buffer, as Redis's clientsCronResizeQueryBuffer does.
      const q = c.query;
      if (q.pending() === 0 && q.buf.length > 16 * 1024 && now - c.lastInteraction > 2000) {
        q.compact();
        q.resize(16 * 1024);
      }
    }
  }
}

export function randomHex(n: number): string {
  const b = new Uint8Array(Math.ceil(n / 2));
  crypto.getRandomValues(b);
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s.slice(0, n);
}
