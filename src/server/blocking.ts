/**
 * Blocking commands (Redis 7.0's blocked.c for keys): BLPOP & co., BZPOPMIN & co., XREAD and
 * XREADGROUP (src/commands/streams.ts).
 *
 * A command parses its timeout with `parseTimeout` (seconds as a long double, Redis's errors; the
 * result is an absolute deadline in ms, 0 = forever) and, when it finds nothing to serve and
 * `mustNotBlock(c)` is false (inside EXEC it must answer at once), calls
 * `blockForKeys(c, keys, deadline, serve, onTimeout)`: the client is flagged `blocked`
 * (src/server/conn.ts then parses nothing more of its input), it is queued on each key of its db in
 * FIFO order (`db.blockingKeys`: key → Set<Client>, insertion ordered), and a timer is armed for a
 * non-zero deadline.
 *
 * Families call `signalKeyAsReady(db, key)` when they add data to a key (Db.set() also does it for
 * every key it stores, so RENAME, MOVE, COPY, SET... wake waiting clients): it costs one Map size
 * check when nobody is blocked in that db. A ready key goes into `db.readyKeys` and the db into
 * `server.readyDbs`.
 *
 * After each top-level command (dispatch.call(), not inside EXEC) `handleClientsBlockedOnKeys`
 * serves the ready keys: for each key that exists, the clients blocked on it are offered the key in
 * the order they blocked; `serve(c, key)` either writes the client's reply and returns true (the
 * client is unblocked; a served error reply counts too), or returns false (the value is not one
 * this client waits for: it stays blocked, as Redis 7.0 does for a key of another type). Serving
 * stops as soon as the key no longer exists, except for clients that block with `serveMissing`
 * (XREADGROUP: a deleted stream key wakes them with an error). Serving may make other keys ready (BLMOVE's
 * destination): those are served in a further round. Served clients are then resumed: their
 * output is flushed and whatever they pipelined after the blocking command runs.
 *
 * A timeout replies through `onTimeout(c)`; CLIENT UNBLOCK replies as a timeout or with
 * `-UNBLOCKED`; a client that disconnects is just forgotten. Statistics follow Redis 7.0: the
 * command's calls were counted when it blocked; when it is served or CLIENT UNBLOCKed, the time it
 * ran plus the time to serve it (not the time it waited) is added, recorded as its latency and
 * pushed to the slow log, and an error reply counts a failed call; a timeout adds nothing.
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import type { Db } from "../store/db.ts";
import { ldToNumber, parseLongDouble } from "../types/longdouble.ts";
import { resumeClient } from "./conn.ts";
import { recordCommandLatency } from "./latency.ts";
import { trackingServeEnd, trackingServeStart } from "./tracking.ts";
import { CMD_SKIP_SLOWLOG } from "../commands/types.ts";
import { holdPropagation, releasePropagation } from "./propagate.ts";

/** Writes the reply for data now at `key`; false when this client cannot be served by it. */
export type ServeFn = (c: Client, key: string) => boolean;
/** Writes the reply of a timed-out (or CLIENT UNBLOCK TIMEOUT) client. */
export type TimeoutFn = (c: Client) => void;

export interface BlockState {
  db: Db;
  keys: string[];
  serve: ServeFn;
  onTimeout: TimeoutFn;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The blocking command's reply is skipped (CLIENT REPLY SKIP before it). */
  silent: boolean;
  /** Absolute timeout (ms since the epoch), 0 for none. */
  deadline: number;
  /** Offered its keys even when they no longer exist (XREADGROUP replies an error then). */
  serveMissing: boolean;
}

/**
 * getTimeoutFromObjectOrReply (UNIT_SECONDS): a timeout in seconds as a long double, as an
 * absolute time in ms (0 = forever). Replies the error and returns null when invalid.
 */
export function parseTimeout(c: Client, arg: string): number | null {
  const v = parseLongDouble(arg);
  if (v === null) {
    c.addError("ERR timeout is not a float or out of range");
    return null;
  }
  const ms = Math.ceil(ldToNumber(v) * 1000);
  // (long long) of a value past INT64_MAX (inf included) is INT64_MIN on x86: "negative".
  if (!(ms < 9223372036854775807) || ms < 0) {
    c.addError("ERR timeout is negative");
    return null;
  }
  return ms > 0 ? ms + Date.now() : 0;
}

/** Inside MULTI/EXEC (and scripts) a blocking command must answer at once, as on timeout. */
export function mustNotBlock(c: Client): boolean {
  return c.server.inExec;
}

/**
 * Block `c` on `keys` of its db until served, `deadline` (absolute ms; 0 = forever) passes, it is
 * unblocked (CLIENT UNBLOCK) or it disconnects.
 */
export function blockForKeys(
  c: Client,
  keys: string[],
  deadline: number,
  serve: ServeFn,
  onTimeout: TimeoutFn,
  serveMissing = false,
): void {
  const server = c.server;
  const db = c.db;
  const st: BlockState = {
    db,
    keys: [],
    serve,
    onTimeout,
    timer: undefined,
    deadline,
    serveMissing,
    silent: c.replyMode === "skip" && c.replySkipArmed,
  };
  for (const key of keys) {
    let q = db.blockingKeys.get(key);
    if (q === undefined) {
      q = new Set();
      db.blockingKeys.set(key, q);
    }
    if (q.has(c)) continue; // the same key twice
    q.add(c);
    st.keys.push(key);
  }
  c.blocked = true;
  server.blockedClients.set(c, st);
  if (deadline > 0) armTimer(c, st);
}

/** Timers hold at most 2^31-1 ms: a longer wait re-arms until its end. */
function armTimer(c: Client, st: BlockState): void {
  const left = st.deadline - Date.now();
  st.timer = setTimeout(() => {
    st.timer = undefined;
    if (c.server.blockedClients.get(c) !== st) return;
    if (st.deadline - Date.now() > 0) {
      armTimer(c, st);
      return;
    }
    timeoutClient(c, st);
  }, Math.min(Math.max(0, left), 0x7fffffff));
  // A blocked client alone must not keep a test process (or shutdown) waiting.
  Deno.unrefTimer(st.timer as unknown as number);
}

function timeoutClient(c: Client, st: BlockState): void {
  const server = c.server;
  const errors = server.stats.totalErrorReplies;
  const out = c.outLen;
  st.onTimeout(c);
  dropIfRepliesOff(c, out);
  unblockClient(c, errors, "timeout");
  resumeClient(c);
  // A timeout may have come with pending ready keys of other clients: nothing to do, they are
  // served after the command that made them ready.
}

/** CLIENT REPLY OFF (or SKIP before the blocking command) silences the reply it gets later. */
function dropIfRepliesOff(c: Client, outBefore: number): void {
  if (c.replyMode === "off" || c.server.blockedClients.get(c)?.silent) c.outLen = outBefore;
}

/** Public form of signalKeyAsReady (Redis's name): data was added to `key` of `db`. */
export function signalKeyAsReady(db: Db, key: string): void {
  if (db.blockingKeys.size !== 0) db.signalKeyAsReady(key);
}

/**
 * SWAPDB: the keys clients wait for in `db` may now exist (Redis's scanDatabaseForReadyKeys). A key
 * that is logically expired is not ready.
 */
export function scanDatabaseForReadyKeys(db: Db): void {
  for (const key of db.blockingKeys.keys()) {
    const v = db.getRaw(key);
    if (v === undefined || typeof v === "string" || db.keyIsExpired(key)) continue;
    db.signalKeyAsReady(key);
  }
}

/**
 * Redis's scanDatabaseForDeletedStreams: keys of `db` that clients wait for and that held a stream
 * in `before` but hold none in `after` (null: flushed) are made ready, so blocked XREADGROUP
 * clients get their error. FLUSHDB calls it before the data goes (before = after's db = db); SWAPDB
 * after the swap, with the other db holding the old contents.
 */
export function scanDatabaseForDeletedStreams(db: Db, before: Db, after: Db | null): void {
  if (db.blockingKeys.size === 0) return;
  for (const key of db.blockingKeys.keys()) {
    const was = before.getRaw(key);
    if (was === undefined || typeof was === "string" || was.type !== "stream") continue;
    const now = after?.getRaw(key);
    if (now !== undefined && typeof now !== "string" && now.type === "stream") continue;
    db.signalKeyAsReady(key);
  }
}

/** INFO clients_in_timeout_table: blocked clients with a timeout. */
export function clientsInTimeoutTable(server: Server): number {
  let n = 0;
  for (const st of server.blockedClients.values()) if (st.deadline > 0) n++;
  return n;
}

/**
 * How a blocked client was released, which decides its statistics as in Redis 7.0: `served`
 * (data arrived) and `request` (CLIENT UNBLOCK) run updateStatsOnUnblock, `timeout` updates
 * nothing (the call was counted when it blocked).
 */
type UnblockHow = "served" | "timeout" | "request";

/**
 * Remove `c` from its keys, clear its timer and flag, account its statistics. `errorsBefore` is the
 * error count before its final reply was written (a failed call when it changed).
 */
function unblockClient(c: Client, errorsBefore: number, how: UnblockHow, replyMs = 0): void {
  const server = c.server;
  const st = server.blockedClients.get(c);
  if (st === undefined) return;
  server.blockedClients.delete(c);
  forgetKeys(c, st);
  c.blocked = false;
  const cmd = c.lastCmd;
  if (cmd?.stats && how !== "timeout") {
    // updateStatsOnUnblock: the time the command ran when it blocked plus the time its reply took
    // (Redis adds the first part to the command's usec a second time; so do we).
    const ms = c.blockedUs / 1000 + replyMs;
    cmd.stats.usec += ms * 1000;
    if (server.stats.totalErrorReplies !== errorsBefore) cmd.stats.failedCalls++;
    if (server.latencyTracking) recordCommandLatency(cmd, ms);
    // SLOWLOG. CLIENT UNBLOCK releases the client before Redis 7.0 logs it, when its argument
    // vector is already gone: the entry has no arguments.
    if (c.blockedArgv !== null && (cmd.flagBits! & CMD_SKIP_SLOWLOG) === 0) {
      server.slowlog.pushIfNeeded(c, how === "request" ? [] : c.blockedArgv, ms * 1000);
    }
    server.latencyMonitor.addSampleIfNeeded("command-unblocking", Math.floor(replyMs));
  }
  c.blockedArgv = null;
}

function forgetKeys(c: Client, st: BlockState): void {
  if (st.timer !== undefined) clearTimeout(st.timer);
  st.timer = undefined;
  const db = st.db;
  for (const key of st.keys) {
    const q = db.blockingKeys.get(key);
    if (q === undefined) continue;
    q.delete(c);
    if (q.size === 0) {
      db.blockingKeys.delete(key);
      db.readyKeys.delete(key);
    }
  }
}

/** A blocked client disconnected or was killed: forget it (no reply). */
export function unblockOnClose(c: Client): void {
  const st = c.server.blockedClients.get(c);
  if (st === undefined) return;
  c.server.blockedClients.delete(c);
  forgetKeys(c, st);
  c.blocked = false;
  c.blockedArgv = null;
}

/**
 * CLIENT UNBLOCK: reply as a timeout, or with `-UNBLOCKED client unblocked via CLIENT UNBLOCK`.
 * Returns false when the client is not blocked on keys.
 */
export function unblockClientByRequest(c: Client, asError: boolean): boolean {
  const st = c.server.blockedClients.get(c);
  if (st === undefined) return false;
  const errors = c.server.stats.totalErrorReplies;
  const out = c.outLen;
  if (asError) c.addError("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  else st.onTimeout(c);
  dropIfRepliesOff(c, out);
  unblockClient(c, errors, "request");
  // Redis counts CLIENT UNBLOCK as a failed call of the blocked command either way.
  if (!asError && c.lastCmd?.stats) c.lastCmd.stats.failedCalls++;
  queueMicrotask(() => resumeClient(c));
  return true;
}

/**
 * Serve the clients blocked on keys that became ready (Redis's handleClientsBlockedOnKeys). Called
 * by dispatch.call() after a top-level command when `server.readyDbs` is not empty.
 */
export function handleClientsBlockedOnKeys(server: Server): void {
  if (server.servingBlocked) return;
  server.servingBlocked = true;
  const served: Client[] = [];
  try {
    while (server.readyDbs.size !== 0) {
      const dbs = [...server.readyDbs];
      server.readyDbs.clear();
      for (const db of dbs) {
        const keys = [...db.readyKeys];
        db.readyKeys.clear();
        for (const key of keys) serveKey(server, db, key, served);
      }
    }
  } finally {
    server.servingBlocked = false;
  }
  for (const c of served) if (!c.closed) resumeClient(c);
}

function serveKey(server: Server, db: Db, key: string, served: Client[]): void {
  const q = db.blockingKeys.get(key);
  if (q === undefined) return;
  server.cmdTime = Date.now();
  for (const c of [...q]) {
    const st = server.blockedClients.get(c);
    if (st === undefined || st.db !== db) continue;
    if (!st.serveMissing && !db.exists(key)) continue;
    if (c.closed) {
      // Killed, its read loop not yet finished: it must not consume data.
      unblockOnClose(c);
      continue;
    }
    const errors = server.stats.totalErrorReplies;
    const t0 = performance.now();
    const out = c.outLen;
    // Tracking: invalidations for the receiver wait until it has its reply (Redis's afterCommand).
    const tracked = server.trackingClients !== 0;
    const prev = tracked ? trackingServeStart(c) : null;
    // What serving queues (LPOP for a BLPOP, LMOVE for a BLMOVE...) is flushed per client.
    holdPropagation(server);
    let ok = false;
    try {
      ok = st.serve(c, key);
    } finally {
      releasePropagation(server);
    }
    if (ok) dropIfRepliesOff(c, out);
    if (tracked) trackingServeEnd(c, prev);
    if (!ok) continue;
    unblockClient(c, errors, "served", performance.now() - t0);
    served.push(c);
  }
}
