/**
 * Client-side caching (Redis 7.0's tracking.c): CLIENT TRACKING state, the tracking table, BCAST
 * prefixes and invalidation messages.
 *
 * - **Default mode.** After a read-only command of a tracking client (not BCAST) runs, its keys are
 *   remembered in the tracking table: key → ids of the clients that may cache it. The table is
 *   global (not per db), as in Redis. When a key is modified (`server.signalModifiedKey`, expiry,
 *   eviction) every client in its entry gets one invalidation message and the entry goes: a client
 *   must read the key again to be told about its next change. Ids are cleaned lazily: a client that
 *   disabled tracking or went away is skipped when its keys change.
 * - **OPTIN / OPTOUT.** Keys are remembered only after CLIENT CACHING YES (OPTIN), or unless CLIENT
 *   CACHING NO came before (OPTOUT); the CACHING flag lasts for the next command, or the next
 *   transaction, and survives other CLIENT subcommands (Redis clears it in resetClient unless the
 *   command was CLIENT or the client is in MULTI).
 * - **BCAST.** Clients subscribe to prefixes (the empty prefix matches every key); modified keys
 *   are collected per prefix with the client that changed them last, and sent once the running
 *   batch of commands is over (Redis's beforeSleep), one message per prefix, keys in byte order.
 *   NOLOOP leaves out the keys the client changed itself.
 * - **Delivery.** RESP3 clients get `>2 invalidate [keys]` pushes; a client with REDIRECT has its
 *   messages sent to the redirect client: a push when that one speaks RESP3, or a `message` on
 *   `__redis__:invalidate` when it is a RESP2 subscriber (nothing otherwise). A gone redirect client
 *   marks the tracking client `broken_redirect` and, in RESP3, sends it `tracking-redir-broken`.
 *   FLUSHALL/FLUSHDB invalidate everything with a null key list, encoded for the protocol of the
 *   client that receives it (Redis encodes it for the tracking client's protocol, which puts a
 *   RESP3 `_` on a RESP2 redirect target's connection).
 * - **Order.** A message for the client whose command is running (Redis's current_client inside
 *   call()) is held until that command (or the whole EXEC) has replied, so it never lands inside a
 *   reply; others are sent at once. Messages are pushes: CLIENT REPLY OFF does not drop them.
 * - **Limit.** `tracking-table-max-keys` bounds the table: after each top-level command and from the
 *   cron, keys are dropped (with invalidation messages, as if modified) until the table fits, with
 *   an effort of 100 keys per run that grows while the limit is still not reached (Redis's
 *   trackingLimitUsedSlots). Redis picks random keys; we drop the oldest entries first (Map order).
 *
 * Hot path: dispatch.call() checks `server.trackingClients !== 0` once; nothing else runs while no
 * client has tracking on. signalModifiedKey checks `server.tracking !== null` (created on the first
 * CLIENT TRACKING ON, like Redis's TrackingTable).
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { CMD_PUBSUB, CMD_READONLY, type CommandDef } from "../commands/types.ts";
import { getKeyPositions } from "../commands/table.ts";
import { pushDelivered } from "./pubsub.ts";

/** Per-client tracking state; `Client.tracking` is null while tracking is off. */
export interface ClientTracking {
  /** Client id invalidation messages go to, 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES (OPTIN) / NO (OPTOUT) given for the next command. */
  caching: boolean;
  /** The redirect client was gone when a message had to be sent (CLIENT LIST flag R). */
  brokenRedir: boolean;
  /** BCAST prefixes, in byte order when listed. */
  prefixes: Set<string>;
}

export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** One BCAST prefix: keys modified since the last broadcast (→ who changed them), subscribers. */
interface BcastState {
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** Server-wide tracking state, created by the first CLIENT TRACKING ON. */
export class Tracking {
  /** Key → ids of clients that may hold it in their cache. */
  readonly table = new Map<string, Set<number>>();
  /** Ids over all table entries (INFO tracking_total_items). */
  totalItems = 0;
  readonly prefixes = new Map<string, BcastState>();
  /**
   * The client whose command (or blocked-command service) is running, null between commands.
   * Nested calls (EXEC's commands) see their caller as the previous current client.
   */
  current: Client | null = null;
  /** Messages held for the running client until its reply is complete: [client, key|null]... */
  pending: (Client | string | null)[] = [];
  bcastQueued = false;
  /** Grows while trackingLimitUsedSlots cannot get under the limit (Redis's timeout_counter). */
  limitRuns = 0;
  maxKeys = 1000000;
}

const CHANNEL = "__redis__:invalidate";

function tracking(server: Server): Tracking {
  let t = server.tracking;
  if (t === null) {
    t = server.tracking = new Tracking();
    const cfg = server.config;
    t.maxKeys = cfg.getNumber("tracking-table-max-keys");
    cfg.onChange("tracking-table-max-keys", (v) => {
      t!.maxKeys = v as number;
    });
  }
  return t;
}

// ---- prefixes ---------------------------------------------------------------------------------

/** Redis's stringCheckPrefix: one of the two is a prefix of the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * checkPrefixCollisionsOrReply: null when the new prefixes overlap neither the client's current
 * ones nor each other, else Redis's error text.
 */
export function prefixCollision(existing: Iterable<string>, prefixes: string[]): string | null {
  const tail = "Prefixes for a single client must not overlap.";
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of sortedBytes(existing)) {
      if (prefixesOverlap(old, prefixes[i])) {
        return `ERR Prefix '${cstr(prefixes[i])}' overlaps with an existing prefix '${
          cstr(old)
        }'. ${tail}`;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (prefixesOverlap(prefixes[i], prefixes[j])) {
        return `ERR Prefix '${cstr(prefixes[i])}' overlaps with another provided prefix '${
          cstr(prefixes[j])
        }'. ${tail}`;
      }
    }
  }
  return null;
}

/** What Redis's %s prints of a binary string: up to the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf("\0");
  return z < 0 ? s : s.slice(0, z);
}

/** Byte order (rax iteration order): binary strings compare by char code. */
export function sortedBytes(items: Iterable<string>): string[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- enabling and disabling ---------------------------------------------------------------------

/**
 * CLIENT TRACKING ON (options already checked by the command): switch tracking on or update it;
 * BCAST prefixes add to the ones the client has.
 */
export function enableTracking(c: Client, opts: TrackingOptions): void {
  const server = c.server;
  const t = tracking(server);
  let st = c.tracking;
  if (st === null) {
    server.trackingClients++;
    st = c.tracking = {
      redirect: 0,
      bcast: false,
      optin: false,
      optout: false,
      noloop: false,
      caching: false,
      brokenRedir: false,
      prefixes: new Set(),
    };
  }
  st.redirect = opts.redirect;
  st.brokenRedir = false;
  st.bcast = opts.bcast;
  st.optin = opts.optin;
  st.optout = opts.optout;
  st.noloop = opts.noloop;
  if (opts.bcast) {
    if (opts.prefixes.length === 0) bcastPrefix(t, c, "");
    for (const p of opts.prefixes) bcastPrefix(t, c, p);
  }
}

function bcastPrefix(t: Tracking, c: Client, prefix: string): void {
  let bs = t.prefixes.get(prefix);
  if (bs === undefined) t.prefixes.set(prefix, bs = { keys: new Map(), clients: new Set() });
  bs.clients.add(c);
  c.tracking!.prefixes.add(prefix);
}

/** CLIENT TRACKING OFF, RESET, disconnect: leave the prefixes; table entries go lazily. */
export function disableTracking(c: Client): void {
  const st = c.tracking;
  if (st === null) return;
  const server = c.server;
  const t = server.tracking;
  if (t !== null) {
    for (const p of st.prefixes) {
      const bs = t.prefixes.get(p);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) t.prefixes.delete(p);
    }
  }
  c.tracking = null;
  server.trackingClients--;
}

// ---- around commands ------------------------------------------------------------------------------

/**
 * dispatch.call(), before the handler (only when some client tracks): `c` becomes the current
 * client. Returns the previous one for trackingCallEnd (null: this is a top-level command). A
 * closed previous client is not a caller any more (a handler that threw left it there, or its
 * connection closed under it): the command counts as top-level.
 */
export function trackingCallStart(c: Client): Client | null {
  const t = tracking(c.server);
  const prev = t.current !== null && !t.current.closed ? t.current : null;
  // A script's commands run for its caller (Redis's current_client stays the caller).
  t.current = c.flagScript && scriptCaller.current !== null ? scriptCaller.current : c;
  return prev;
}

/**
 * dispatch.call(), after the handler and the reply-mode handling: remember the keys of a read-only
 * command (trackingRememberKeys), then, at the top level, send the messages held for this client,
 * clear CLIENT CACHING, and keep the table under its limit.
 */
export function trackingCallEnd(
  c: Client,
  cmd: CommandDef,
  argv: string[],
  prev: Client | null,
): void {
  const server = c.server;
  const t = server.tracking!;
  const st = c.tracking;
  if ((cmd.flagBits! & CMD_READONLY) !== 0) {
    // A read-only command run by a script makes the caller remember the keys the script declared
    // (EVAL's keys); a read-only script itself remembers nothing (Redis 7.0.15's call()).
    const sc = c.flagScript ? scriptCaller : null;
    const target = sc !== null && sc.current !== null ? sc.current : c;
    const ts = target.tracking;
    if (ts !== null && !ts.bcast) {
      if (target !== c) {
        if (sc!.cmd !== null) rememberKeys(t, target, sc!.cmd, sc!.argv);
      } else if (!RO_SCRIPT_COMMANDS.has(cmd.name)) rememberKeys(t, c, cmd, argv);
    }
  }
  t.current = prev;
  if (prev !== null || server.inExec) return;
  if (t.pending.length !== 0) flushPending(server, t);
  // The CACHING flag lasts for one command or transaction; CLIENT subcommands keep it.
  if (
    st !== null && st.caching && c.tracking === st && c.multiQueue === null &&
    (cmd.parent ?? cmd).name !== "client"
  ) st.caching = false;
  if (server.trackingClients !== 0) trackingLimitUsedSlots(server);
}

/** The client whose script is running (set by src/scripting/engine.ts). */
export const scriptCaller: {
  current: Client | null;
  cmd: CommandDef | null;
  argv: string[];
} = { current: null, cmd: null, argv: [] };
const RO_SCRIPT_COMMANDS = new Set(["eval_ro", "evalsha_ro", "fcall_ro"]);

/**
 * A refused command (dispatch.rejectCommand) also ends the CACHING flag, as Redis's resetClient
 * runs after every processed command.
 */
export function trackingCommandRejected(c: Client, cmd: CommandDef | undefined): void {
  const st = c.tracking!;
  if (st.caching && c.multiQueue === null && (cmd?.parent ?? cmd)?.name !== "client") {
    st.caching = false;
  }
}

/** Blocked-client service (blocking.ts) runs the receiver as the current client. */
export function trackingServeStart(c: Client): Client | null {
  return trackingCallStart(c);
}

export function trackingServeEnd(c: Client, prev: Client | null): void {
  const t = c.server.tracking!;
  t.current = prev;
  if (prev === null && t.pending.length !== 0) flushPending(c.server, t);
}

function rememberKeys(t: Tracking, c: Client, cmd: CommandDef, argv: string[]): void {
  const st = c.tracking!;
  if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
  // Shard channels are keys for routing only (SSUBSCRIBE & co.).
  if ((cmd.flagBits! & CMD_PUBSUB) !== 0) return;
  const positions = getKeyPositions(cmd, argv);
  for (let i = 0; i < positions.length; i++) {
    const key = argv[positions[i]];
    let ids = t.table.get(key);
    if (ids === undefined) t.table.set(key, ids = new Set());
    if (!ids.has(c.id)) {
      ids.add(c.id);
      t.totalItems++;
    }
  }
}

function flushPending(server: Server, t: Tracking): void {
  const list = t.pending;
  t.pending = [];
  for (let i = 0; i < list.length; i += 2) {
    const c = list[i] as Client;
    if (c.closed || c.tracking === null) continue;
    sendTrackingMessage(server, c, list[i + 1] as string | null);
  }
}

// ---- invalidation ---------------------------------------------------------------------------------

/**
 * A key changed (signalModifiedKey; `byCommand` false for expiry and eviction, which no client
 * made) or is dropped from the table (`bcast` false: only the clients in its entry are told).
 */
export function trackingInvalidateKey(
  server: Server,
  key: string,
  bcast: boolean,
  byCommand = true,
): void {
  const t = server.tracking;
  if (t === null) return;
  if (bcast && t.prefixes.size !== 0) {
    rememberKeyToBroadcast(server, t, key, byCommand ? t.current : null);
  }
  const ids = t.table.get(key);
  if (ids === undefined) return;
  t.table.delete(key);
  t.totalItems -= ids.size;
  for (const id of ids) {
    const target = server.clients.get(id);
    const st = target?.tracking;
    // A client that switched to BCAST is not told about keys it read before.
    if (target === undefined || st === null || st === undefined || st.bcast) continue;
    if (st.noloop && target === t.current) continue;
    if (target === t.current) t.pending.push(target, key);
    else sendTrackingMessage(server, target, key);
  }
}

/** FLUSHALL / FLUSHDB: every tracking client is told "everything" (a null key list). */
export function trackingInvalidateKeysOnFlush(server: Server): void {
  const t = server.tracking;
  if (t === null) return;
  if (server.trackingClients !== 0) {
    for (const c of server.clients.values()) {
      if (c.tracking === null) continue;
      if (c === t.current) t.pending.push(c, null);
      else sendTrackingMessage(server, c, null);
    }
  }
  t.table.clear();
  t.totalItems = 0;
}

function rememberKeyToBroadcast(
  server: Server,
  t: Tracking,
  key: string,
  by: Client | null,
): void {
  let any = false;
  for (const [prefix, bs] of t.prefixes) {
    if (!key.startsWith(prefix)) continue;
    bs.keys.set(key, by); // the last writer counts (NOLOOP)
    any = true;
  }
  if (any && !t.bcastQueued) {
    t.bcastQueued = true;
    queueMicrotask(() => broadcastInvalidationMessages(server));
  }
}

/** Once the running batch is over: one message per prefix with the keys changed meanwhile. */
export function broadcastInvalidationMessages(server: Server): void {
  const t = server.tracking;
  if (t === null) return;
  t.bcastQueued = false;
  if (server.trackingClients === 0) {
    for (const bs of t.prefixes.values()) bs.keys.clear();
    return;
  }
  for (const prefix of sortedBytes(t.prefixes.keys())) {
    const bs = t.prefixes.get(prefix)!;
    if (bs.keys.size === 0) continue;
    const keys = sortedBytes(bs.keys.keys());
    const all = keyArray(keys);
    for (const c of bs.clients) {
      if (c.tracking?.noloop) {
        const mine = keys.filter((k) => bs.keys.get(k) !== c);
        if (mine.length !== 0) sendTrackingMessage(server, c, keyArray(mine));
      } else sendTrackingMessage(server, c, all);
    }
    bs.keys.clear();
  }
}

/** An encoded array of bulk strings (the value part of a BCAST message). */
function keyArray(keys: string[]): Uint8Array {
  let s = "*" + keys.length + "\r\n";
  for (const k of keys) s += "$" + k.length + "\r\n" + k + "\r\n";
  return latin1(s);
}

function latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const INVALIDATE_PUSH = latin1(">2\r\n$10\r\ninvalidate\r\n");
const INVALIDATE_MESSAGE = latin1(`*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n`);

/**
 * sendTrackingMessage: `value` is one key, an encoded key array (BCAST) or null (flush: "all
 * keys"), sent to the client or its redirect target.
 */
function sendTrackingMessage(
  server: Server,
  c: Client,
  value: string | Uint8Array | null,
): void {
  const st = c.tracking!;
  let target = c;
  const redirected = st.redirect !== 0;
  if (redirected) {
    const redir = server.clients.get(st.redirect);
    if (redir === undefined || redir.closed) {
      st.brokenRedir = true;
      if (c.resp === 3) {
        const start = c.outLen;
        c.addPushLen(2);
        c.addBulk("tracking-redir-broken");
        c.addInt(st.redirect);
        pushDelivered(server, c, start);
      }
      return;
    }
    target = redir;
  }
  if (target.closed || target.closeAfterReply) return;
  const start = target.outLen;
  if (target.resp === 3) target.writeBytes(INVALIDATE_PUSH);
  else if (redirected && target.subscriptions > 0) target.writeBytes(INVALIDATE_MESSAGE);
  else return; // RESP2 without redirection: nowhere to send it
  if (value === null) target.addNull();
  else if (typeof value === "string") {
    target.addArrayLen(1);
    target.addBulk(value);
  } else target.writeBytes(value);
  pushDelivered(server, target, start);
}

// ---- table limit ------------------------------------------------------------------------------

/**
 * trackingLimitUsedSlots: drop keys (telling their clients) until the table holds at most
 * `tracking-table-max-keys` keys, at most 100 × (runs still over the limit + 1) keys per call.
 */
export function trackingLimitUsedSlots(server: Server): void {
  const t = server.tracking;
  if (t === null || t.maxKeys === 0) return;
  if (t.table.size <= t.maxKeys) {
    t.limitRuns = 0;
    return;
  }
  let effort = 100 * (t.limitRuns + 1);
  for (const key of t.table.keys()) {
    if (effort-- <= 0) break;
    trackingInvalidateKey(server, key, false, false);
    if (t.table.size <= t.maxKeys) {
      t.limitRuns = 0;
      return;
    }
  }
  t.limitRuns++;
}

// ---- introspection ------------------------------------------------------------------------------

/** CLIENT LIST flags: t, then R (broken redirect), then B (BCAST). */
export function trackingFlags(c: Client): string {
  const st = c.tracking;
  if (st === null) return "";
  return "t" + (st.brokenRedir ? "R" : "") + (st.bcast ? "B" : "");
}

/** INFO tracking_total_keys / items / prefixes. */
export function trackingInfo(server: Server): { keys: number; items: number; prefixes: number } {
  const t = server.tracking;
  if (t === null) return { keys: 0, items: 0, prefixes: 0 };
  return { keys: t.table.size, items: t.totalItems, prefixes: t.prefixes.size };
}
