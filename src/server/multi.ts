/**
 * Transactions (Redis 7.0's multi.c): the MULTI queue and WATCH.
 *
 * MULTI state lives on the Client: `multiQueue` (null outside MULTI) holds the queued commands;
 * `dirtyExec` is set when a command was refused while queueing (EXEC then replies EXECABORT);
 * `dirtyCas` is set when a WATCHed key was touched (EXEC then replies a null array). dispatch.ts
 * queues every command other than EXEC/DISCARD/MULTI/WATCH/QUIT/RESET after all other guards, and
 * flags the transaction on any rejection.
 *
 * WATCH: each Client keeps its watched keys (`watchedKeys`); the Server keeps, per db index, key →
 * the WatchedKey records of every client watching it (`server.watchedKeys`), so that
 * signalModifiedKey costs one Map size check when nobody watches. A key watched while it is already
 * logically expired (still in the dict) is flagged `expired`: deleting it later is no logical
 * change. A key that existed at WATCH and has expired by EXEC time fails the transaction
 * (isWatchedKeyExpired). FLUSHDB/FLUSHALL and SWAPDB touch only the watched keys whose existence
 * changes meaning (touchAllWatchedKeysInDb).
 *
 * EXEC runs each queued command through dispatch's call() (per-command stats and latency); call()
 * fixes the command time once for the whole transaction. `server.inExec` is true meanwhile
 * (blocking commands read it and do not block).
 */
import { aclExecDenialError } from "./acl.ts";
import type { Client } from "./client.ts";
import type { Db } from "../store/db.ts";
import type { Server } from "./server.ts";
import type { CommandDef } from "../commands/types.ts";
import { call } from "./dispatch.ts";

export interface QueuedCommand {
  cmd: CommandDef;
  argv: string[];
}

export interface WatchedKey {
  key: string;
  db: Db;
  client: Client;
  /** The key was already logically expired when WATCH was called. */
  expired: boolean;
}

/** Redis's memory accounting: sizeof(multiCmd), sizeof(robj*), listNode + watchedKey. */
const MULTI_CMD_SIZE = 24;
const ARGV_PTR_SIZE = 8;
const WATCHED_KEY_SIZE = 24 + 32;

export const EXECABORT_ERR = "EXECABORT Transaction discarded because of previous errors.";

/** CLIENT LIST multi= and multi-mem= (the queued argv bytes, Redis's argv_len_sums). */
export function updateMultiInfo(c: Client): void {
  c.multiQueued = c.multiQueue === null ? -1 : c.multiQueue.length;
  c.multiMem = c.multiArgvSums;
}

/** Redis's multiStateMemOverhead (part of CLIENT LIST tot-mem): queue, its slots, watched keys. */
export function multiStateMemOverhead(c: Client): number {
  return c.multiArgvSums + c.watchedKeys.length * WATCHED_KEY_SIZE + c.multiAlloc * MULTI_CMD_SIZE;
}

/** Is this one of the commands that run even inside MULTI? */
export function runsInsideMulti(cmd: CommandDef): boolean {
  if (cmd.parent !== undefined) return false;
  const n = cmd.name;
  return n === "exec" || n === "discard" || n === "multi" || n === "watch" || n === "quit" ||
    n === "reset";
}

/** Is this the EXEC row? (a refused EXEC aborts the transaction) */
export function isExec(cmd: CommandDef | undefined): boolean {
  return cmd !== undefined && cmd.parent === undefined && cmd.name === "exec";
}

/** Queue a command (replied +QUEUED by the caller). Nothing is kept once the MULTI is doomed. */
export function queueMultiCommand(c: Client, cmd: CommandDef, argv: string[]): void {
  const q = c.multiQueue!;
  if (c.dirtyCas || c.dirtyExec) return;
  if (q.length === c.multiAlloc) c.multiAlloc = c.multiAlloc === 0 ? 2 : c.multiAlloc * 2;
  q.push({ cmd, argv });
  c.multiCmdFlags |= cmd.dynamicFlags ? cmd.dynamicFlags(c, argv) : cmd.flagBits!;
  let len = 0;
  for (let i = 0; i < argv.length; i++) len += argv[i].length;
  c.multiArgvSums += len + ARGV_PTR_SIZE * argv.length;
  updateMultiInfo(c);
}

/** A command was refused while queueing: EXEC will fail with EXECABORT. */
export function flagTransaction(c: Client): void {
  if (c.multiQueue !== null) c.dirtyExec = true;
}

/** Leave MULTI: drop the queue and the dirty flags, forget the watched keys. */
export function discardTransaction(c: Client): void {
  c.multiQueue = null;
  c.multiAlloc = 0;
  c.multiArgvSums = 0;
  c.multiCmdFlags = 0;
  c.dirtyCas = false;
  c.dirtyExec = false;
  unwatchAllKeys(c);
  updateMultiInfo(c);
}

/** EXEC refused by a guard (for example its arity): the transaction is discarded. */
export function execCommandAbort(c: Client, err: string): void {
  discardTransaction(c);
  c.addError("EXECABORT Transaction discarded because of: " + err);
}

export function multiGeneric(c: Client): void {
  if (c.multiQueue !== null) return c.addError("ERR MULTI calls can not be nested");
  c.multiQueue = [];
  updateMultiInfo(c);
  c.addOk();
}

export function discardGeneric(c: Client): void {
  if (c.multiQueue === null) return c.addError("ERR DISCARD without MULTI");
  discardTransaction(c);
  c.addOk();
}

export function execGeneric(c: Client): void {
  const queue = c.multiQueue;
  if (queue === null) return c.addError("ERR EXEC without MULTI");
  if (isWatchedKeyExpired(c)) c.dirtyCas = true;
  if (c.dirtyCas || c.dirtyExec) {
    if (c.dirtyExec) c.addError(EXECABORT_ERR);
    else c.addNullArray();
    discardTransaction(c);
    return;
  }
  const server = c.server;
  unwatchAllKeys(c);
  server.inExec = true;
  try {
    c.addArrayLen(queue.length);
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i];
      // ACLs may have changed since the command was queued (Redis's execCommand).
      if (!c.aclUser.unrestricted) {
        const err = aclExecDenialError(c, q.cmd, q.argv);
        if (err !== null) {
          c.addError(err);
          continue;
        }
      }
      call(c, q.cmd, q.argv);
    }
  } finally {
    server.inExec = false;
    // The client may have been reset meanwhile (nothing queued can do that today).
    if (c.multiQueue === queue) discardTransaction(c);
  }
}

export function watchGeneric(c: Client, argv: string[]): void {
  if (c.multiQueue !== null) return c.addError("ERR WATCH inside MULTI is not allowed");
  // No point in watching once the client is dirty.
  if (!c.dirtyCas) {
    for (let i = 1; i < argv.length; i++) watchForKey(c, argv[i]);
    updateMultiInfo(c);
  }
  c.addOk();
}

export function unwatchGeneric(c: Client): void {
  unwatchAllKeys(c);
  c.dirtyCas = false;
  updateMultiInfo(c);
  c.addOk();
}

// ---- WATCH table ------------------------------------------------------------------------------

function watchForKey(c: Client, key: string): void {
  const db = c.db;
  for (const wk of c.watchedKeys) if (wk.db === db && wk.key === key) return;
  const table = c.server.watchedKeys[db.id];
  let list = table.get(key);
  if (list === undefined) {
    list = [];
    table.set(key, list);
  }
  const wk: WatchedKey = { key, db, client: c, expired: db.keyIsExpired(key) };
  c.watchedKeys.push(wk);
  list.push(wk);
}

export function unwatchAllKeys(c: Client): void {
  const watched = c.watchedKeys;
  if (watched.length === 0) return;
  const tables = c.server.watchedKeys;
  for (const wk of watched) {
    const table = tables[wk.db.id];
    const list = table.get(wk.key);
    if (list === undefined) continue;
    const i = list.indexOf(wk);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) table.delete(wk.key);
  }
  c.watchedKeys = [];
  updateMultiInfo(c);
}

/** A key watched while it existed has expired since: EXEC must fail. */
function isWatchedKeyExpired(c: Client): boolean {
  for (const wk of c.watchedKeys) {
    if (wk.expired) continue;
    if (wk.db.keyIsExpired(wk.key)) return true;
  }
  return false;
}

/** signalModifiedKey: every client watching the key becomes dirty (and stops watching). */
export function touchWatchedKey(server: Server, db: Db, key: string): void {
  const list = server.watchedKeys[db.id].get(key);
  if (list === undefined) return;
  for (const wk of [...list]) {
    if (wk.expired) {
      // Deleting a key that was already expired at WATCH time is no logical change. (Redis 7.0
      // stops looking at this key's other watchers when such a key is touched while present.)
      if (!db.has(key)) {
        wk.expired = false;
        continue;
      }
      break;
    }
    const c = wk.client;
    c.dirtyCas = true;
    unwatchAllKeys(c);
  }
}

/**
 * FLUSHDB/FLUSHALL (replaced null, called before the data goes) and SWAPDB: the keys watched in db
 * `id` whose contents were `emptied` and are now `replaced`; only existence changes count.
 */
export function touchAllWatchedKeysInDb(
  server: Server,
  id: number,
  emptied: Db,
  replaced: Db | null,
): void {
  const table = server.watchedKeys[id];
  if (table.size === 0) return;
  for (const [key, list] of table) {
    const existed = emptied.has(key);
    const replacedHas = replaced !== null && replaced.has(key);
    if (!existed && !replacedHas) continue;
    for (const wk of list) {
      if (wk.expired) {
        if (!replacedHas) {
          wk.expired = false; // the expired key is now deleted: no logical change
          continue;
        } else if (replaced!.keyIsExpired(key)) continue; // still expired
      } else if (!existed && replaced!.keyIsExpired(key)) {
        wk.expired = true; // a missing key replaced by an expired one
        continue;
      }
      wk.client.dirtyCas = true;
    }
  }
}
