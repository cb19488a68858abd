/**
 * Per-connection state: query buffer and parser progress, output buffer, selected db, protocol,
 * name, flags. A Client is also the reply writer handlers write into. It never touches the socket:
 * src/server/conn.ts reads and flushes.
 */
import { ReplyWriter } from "../protocol/reply.ts";
import { QueryBuffer } from "../protocol/parser.ts";
import type { Db } from "../store/db.ts";
import type { Server } from "./server.ts";
import type { CommandDef } from "../commands/types.ts";
import type { QueuedCommand, WatchedKey } from "./multi.ts";
import type { ClientSubs } from "./pubsub.ts";
import type { ClientTracking } from "./tracking.ts";
import type { AclUser } from "./acl.ts";
import { OBUF_STATIC, outputGrew } from "./obuf.ts";

export type ReplyMode = "on" | "off" | "skip";

export class Client extends ReplyWriter {
  readonly id: number;
  readonly server: Server;
  conn: Deno.Conn | null;
  /** "ip:port" of the peer, or "/path:0" for unix sockets. */
  addr: string;
  laddr: string;
  fd: number;
  unixSocket = false;
  name = "";
  libName = "";
  libVer = "";
  db: Db;
  readonly ctime: number;
  /** ms timestamp of the last command (CLIENT LIST idle, timeout). */
  lastInteraction: number;
  query = new QueryBuffer();
  authenticated: boolean;
  user = "default";
  /** The ACL user (src/server/acl.ts); `user` is its name as CLIENT LIST shows it. */
  aclUser: AclUser;
  replyMode: ReplyMode = "on";
  /** CLIENT REPLY SKIP: armed after the SKIP command itself, fires on the next command. */
  replySkipArmed = false;
  /** Set when the connection must close once pending replies are written (QUIT, protocol error). */
  closeAfterReply = false;
  closed = false;
  /** Non-zero while a command is writing: used to skip replies for CLIENT REPLY OFF/SKIP. */
  replyStart = 0;
  lastCmd: CommandDef | null = null;
  /** Number of commands processed (CLIENT INFO tot-cmds is 7.2; kept for INFO stats). */
  commandsProcessed = 0;
  /** Flags shown by CLIENT LIST (letters), maintained by the features that own them. */
  flagMaster = false;
  flagReplica = false;
  noEvict = false;
  /** MONITOR mode (src/server/monitor.ts; CLIENT LIST flag O). */
  monitor = false;
  /** The scripting engine's client (MONITOR shows `lua` as its address). */
  flagScript = false;
  /**
   * The argument vector SLOWLOG and MONITOR show for the command being run, when the command
   * redacted some of it (monitor.ts redactArgument); null otherwise. A blocked command keeps it,
   * with the time it ran (µs), until it is unblocked (`blockedUs`).
   */
  originalArgv: string[] | null = null;
  /**
   * Propagation (src/server/propagate.ts), reset by call() around each handler while a sink
   * listens: the command as it must be replayed (EXPIRE → PEXPIREAT...); `preventPropagate`
   * propagates nothing for it (the handler queued its own commands with alsoPropagate).
   */
  propagateArgv: string[] | null = null;
  preventPropagate = false;
  /**
   * Targets the command is propagated to although it changed nothing (Redis's
   * forceCommandPropagation): FLUSHALL on empty dbs (AOF and replicas), PUBLISH (replicas). 0: none.
   */
  forcePropagate = 0;
  /** Where the command itself goes (AOF, replicas): narrowed by redis.set_repl in scripts. */
  propagateTargets = 3;
  blockedArgv: string[] | null = null;
  blockedUs = 0;
  /** Kill reason waiting to be logged. */
  killed = false;
  /** A flush is under way; `drained` resolves when it ends. */
  writing = false;
  /** Made only when someone waits on a flush (most flushes have no waiter: no promise per flush). */
  #drained: Promise<void> | null = null;
  #drainedResolve: (() => void) | null = null;
  get drained(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    if (this.#drained === null) {
      this.#drained = new Promise<void>((r) => (this.#drainedResolve = r));
    }
    return this.#drained;
  }
  /** The flush under way ended: wake whoever waits on `drained`. */
  endWrite(): void {
    this.writing = false;
    const resolve = this.#drainedResolve;
    if (resolve !== null) {
      this.#drained = null;
      this.#drainedResolve = null;
      resolve();
    }
  }
  /** The socket failed on write: drop further output. */
  closedForWrite = false;
  /** Blocked in a blocking command: stop parsing this client's input. */
  blocked = false;
  totalNetIn = 0;
  totalNetOut = 0;
  /** CLIENT PAUSE: the command that waits for the pause to end (its client parses nothing more). */
  postponedArgv: string[] | null = null;
  /** CLIENT LIST sub/psub/ssub: kept up to date by pub/sub. */
  subChannels = 0;
  subPatterns = 0;
  subShardChannels = 0;
  /** CLIENT LIST multi= / multi-mem=: queued commands (-1 outside MULTI) and their argv bytes. */
  multiQueued = -1;
  multiMem = 0;
  /**
   * MULTI (src/server/multi.ts): the queued commands (null outside MULTI), Redis's alloc_count and
   * argv_len_sums (multi-mem), the OR of the queued commands' flag bits, the dirty flags (refused
   * while queueing; a WATCHed key touched) and the keys this client WATCHes.
   */
  multiQueue: QueuedCommand[] | null = null;
  multiAlloc = 0;
  multiArgvSums = 0;
  multiCmdFlags = 0;
  dirtyExec = false;
  dirtyCas = false;
  watchedKeys: WatchedKey[] = [];
  /** CLIENT LIST rbp: the largest output batch seen recently (reset by the cron). */
  outPeak = 16 * 1024;

  constructor(server: Server, id: number, conn: Deno.Conn | null, db: Db, now: number) {
    super();
    this.server = server;
    this.id = id;
    this.conn = conn;
    this.db = db;
    this.ctime = now;
    this.lastInteraction = now;
    this.authenticated = !server.authRequired();
    this.aclUser = server.acl.defaultUser;
    this.addr = "";
    this.laddr = "";
    this.fd = 0;
    if (conn) {
      const ra = conn.remoteAddr as Deno.NetAddr | Deno.UnixAddr;
      const la = conn.localAddr as Deno.NetAddr | Deno.UnixAddr;
      if ("hostname" in ra) {
        this.addr = fmtAddr(ra.hostname, ra.port);
        this.laddr = "hostname" in la ? fmtAddr(la.hostname, la.port) : "";
      } else {
        this.unixSocket = true;
        const p = (la as Deno.UnixAddr).path ?? "";
        this.addr = p + ":0";
        this.laddr = p + ":0";
      }
      // Deno does not expose descriptors; rid is unique per process, like an fd.
      this.fd = (conn as unknown as { rid?: number }).rid ?? id + 7;
    }
  }

  /** Reply with an error; counts it in error stats. `msg` includes the prefix ("ERR ..."). */
  addError(msg: string): void {
    this.server.stats.countError(msg);
    this.addErrorRaw(msg);
  }

  /** Common error replies. */
  addErrorArity(name: string): void {
    this.addError(`ERR wrong number of arguments for '${name}' command`);
  }

  addErrorWrongType(): void {
    this.addError("WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  addErrorSyntax(): void {
    this.addError("ERR syntax error");
  }

  addErrorNotInt(): void {
    this.addError("ERR value is not an integer or out of range");
  }

  /** Pub/sub (src/server/pubsub.ts): subscribed names, null until the first subscription. */
  pubsub: ClientSubs | null = null;
  /** Channels + patterns + shard channels (Redis's CLIENT_PUBSUB flag is `subscriptions > 0`). */
  subscriptions = 0;
  /** Output ranges [start, end, ...] that CLIENT REPLY OFF|SKIP must not drop (pushes). */
  keepRanges: number[] | null = null;
  /** CLIENT TRACKING state (src/server/tracking.ts), null while tracking is off. */
  tracking: ClientTracking | null = null;
  /** client-output-buffer-limit: when the soft limit was first passed (unix s), 0 when under it. */
  obufSoftSince = 0;
  /** Pending output size past which the limits are checked next (src/server/obuf.ts). */
  obufCheckAt = OBUF_STATIC;

  /** Every append: one comparison, and the output buffer limits each further 16 KB. */
  protected override ensure(extra: number): void {
    if (this.outLen + extra > this.obufCheckAt) outputGrew(this, extra);
    super.ensure(extra);
  }
  /** RESP2 subscriber: only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET allowed. */
  inPubSubContext(): boolean {
    return this.subscriptions > 0 && this.resp === 2;
  }

  /** Selected db index. */
  get dbIndex(): number {
    return this.db.id;
  }

  /** Bytes of output waiting. */
  get pendingOutput(): number {
    return this.outLen;
  }
}

/** Redis's anetFormatAddr: "ip:port", with brackets around IPv6 addresses ("[::1]:6379"). */
function fmtAddr(host: string, port: number): string {
  return host.indexOf(":") >= 0 ? `[${host}]:${port}` : `${host}:${port}`;
}
