/**
 * Pub/Sub and keyspace notifications (Redis's pubsub.c and notify.c).
 *
 * The server keeps channel → subscribers, pattern → subscribers and shard channel → subscribers;
 * each client keeps the names it subscribed to, in subscription order. A message is encoded once
 * per publish (everything after the array/push header is the same for RESP2 and RESP3), appended
 * to every receiver's output buffer, and the receivers are flushed together when the current
 * command batch ends (one microtask, like Redis's beforeSleep handling clients_pending_write).
 * Output buffer limits (`client-output-buffer-limit`, src/server/obuf.ts) are checked on every
 * delivery, so a subscriber that does not read is disconnected instead of growing the server's
 * memory.
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { stringMatch } from "../store/glob.ts";
import { scheduleFlush } from "./conn.ts";
import { NOTIFY_KEYEVENT, NOTIFY_KEYSPACE } from "./notify.ts";
import { closeOnOutputBufferLimit } from "./obuf.ts";

export type SubKind = "channel" | "pattern" | "shard";

/** Per-client subscriptions; null until the first SUBSCRIBE so idle clients carry nothing. */
export interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shard = new Map<string, Set<Client>>();
  /** Receivers with output produced outside their own command, flushed at the end of the batch. */
  readonly pendingFlush = new Set<Client>();
  flushQueued = false;

  table(kind: SubKind): Map<string, Set<Client>> {
    return kind === "channel" ? this.channels : kind === "pattern" ? this.patterns : this.shard;
  }
}

function subsOf(c: Client): ClientSubs {
  if (c.pubsub === null) c.pubsub = { channels: new Set(), patterns: new Set(), shard: new Set() };
  return c.pubsub;
}

function clientSet(subs: ClientSubs, kind: SubKind): Set<string> {
  return kind === "channel" ? subs.channels : kind === "pattern" ? subs.patterns : subs.shard;
}

/** Keep the CLIENT LIST counters and the CLIENT_PUBSUB flag (RESP2 context) in step. */
function updateCounts(c: Client): void {
  const s = c.pubsub!;
  c.subChannels = s.channels.size;
  c.subPatterns = s.patterns.size;
  c.subShardChannels = s.shard.size;
  c.subscriptions = c.subChannels + c.subPatterns + c.subShardChannels;
}

const KIND_NAMES: Record<SubKind, [string, string]> = {
  channel: ["subscribe", "unsubscribe"],
  pattern: ["psubscribe", "punsubscribe"],
  shard: ["ssubscribe", "sunsubscribe"],
};

/** The count in (un)subscribe replies: channels + patterns, or shard channels alone. */
function replyCount(c: Client, kind: SubKind): number {
  return kind === "shard" ? c.subShardChannels : c.subChannels + c.subPatterns;
}

function addSubReply(c: Client, verb: string, name: string | null, count: number): void {
  const start = c.outLen;
  c.addPushLen(3);
  c.addBulk(verb);
  if (name === null) c.addNull();
  else c.addBulk(name);
  c.addInt(count);
  keepPushed(c, start);
}

/**
 * Pub/sub output is never silenced by CLIENT REPLY OFF|SKIP (Redis's CLIENT_PUSHING): the bytes
 * from `start` are marked so call() keeps them when it drops the command's reply.
 */
export function keepPushed(c: Client, start: number): void {
  if (c.replyMode === "on") return;
  if (c.keepRanges === null) c.keepRanges = [];
  c.keepRanges.push(start, c.outLen);
}

/** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE of one name, with its reply. */
export function subscribe(c: Client, kind: SubKind, name: string): void {
  const subs = subsOf(c);
  const mine = clientSet(subs, kind);
  if (!mine.has(name)) {
    mine.add(name);
    const table = c.server.pubsub.table(kind);
    let set = table.get(name);
    if (set === undefined) table.set(name, set = new Set());
    set.add(c);
    updateCounts(c);
  }
  addSubReply(c, KIND_NAMES[kind][0], name, replyCount(c, kind));
}

/** UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE of one name; `notify` sends the reply. */
export function unsubscribe(c: Client, kind: SubKind, name: string, notify: boolean): void {
  const subs = subsOf(c);
  const mine = clientSet(subs, kind);
  if (mine.delete(name)) {
    const table = c.server.pubsub.table(kind);
    const set = table.get(name);
    if (set !== undefined) {
      set.delete(c);
      if (set.size === 0) table.delete(name);
    }
    updateCounts(c);
  }
  if (notify) addSubReply(c, KIND_NAMES[kind][1], name, replyCount(c, kind));
}

/** Unsubscribe from every name of a kind; with nothing to leave, the reply names nil. */
export function unsubscribeAll(c: Client, kind: SubKind, notify: boolean): void {
  const subs = c.pubsub;
  const mine = subs === null ? null : clientSet(subs, kind);
  if (mine === null || mine.size === 0) {
    if (notify) addSubReply(c, KIND_NAMES[kind][1], null, c.pubsub ? replyCount(c, kind) : 0);
    return;
  }
  for (const name of [...mine]) unsubscribe(c, kind, name, notify);
}

/** Client reset or close: leave everything silently. */
export function pubsubReleaseClient(c: Client): void {
  if (c.pubsub === null) return;
  unsubscribeAll(c, "channel", false);
  unsubscribeAll(c, "pattern", false);
  unsubscribeAll(c, "shard", false);
  c.pubsub = null;
}

// ---- delivery ---------------------------------------------------------------------------------

const latin1 = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
};

function bulk(s: string): string {
  return "$" + s.length + "\r\n" + s + "\r\n";
}

const BULK_MESSAGE = bulk("message");
const BULK_PMESSAGE = bulk("pmessage");
const BULK_SMESSAGE = bulk("smessage");

/** Append an already encoded push body (after its 3- or 4-element header) to a receiver. */
function deliver(server: Server, c: Client, n: number, body: Uint8Array): void {
  if (c.closed || c.closeAfterReply) return;
  const start = c.outLen;
  c.addPushLen(n);
  c.writeBytes(body);
  pushDelivered(server, c, start);
}

/**
 * After a push was written to a client from outside its own command (pub/sub message, tracking
 * invalidation): keep it through CLIENT REPLY OFF, apply the output limits, flush with the batch.
 */
export function pushDelivered(server: Server, c: Client, start: number): void {
  keepPushed(c, start);
  if (closeOnOutputBufferLimit(c, true)) return;
  queueFlush(server, c);
}

/** Flush a receiver once the running batch ends (its own read loop flushes it otherwise). */
export function queueFlush(server: Server, c: Client): void {
  const ps = server.pubsub;
  ps.pendingFlush.add(c);
  if (ps.flushQueued) return;
  ps.flushQueued = true;
  queueMicrotask(() => {
    ps.flushQueued = false;
    for (const r of ps.pendingFlush) scheduleFlush(r);
    ps.pendingFlush.clear();
  });
}

/** PUBLISH: deliver to the channel's subscribers and matching patterns; returns receivers. */
export function publishMessage(server: Server, channel: string, message: string): number {
  const ps = server.pubsub;
  let receivers = 0;
  const subs = ps.channels.get(channel);
  if (subs !== undefined) {
    const body = latin1(BULK_MESSAGE + bulk(channel) + bulk(message));
    for (const c of subs) {
      deliver(server, c, 3, body);
      receivers++;
    }
  }
  if (ps.patterns.size !== 0) {
    const tail = bulk(channel) + bulk(message);
    for (const [pattern, clients] of ps.patterns) {
      if (!stringMatch(pattern, channel)) continue;
      const body = latin1(BULK_PMESSAGE + bulk(pattern) + tail);
      for (const c of clients) {
        deliver(server, c, 4, body);
        receivers++;
      }
    }
  }
  return receivers;
}

/** SPUBLISH: shard channel subscribers only. */
export function publishShardMessage(server: Server, channel: string, message: string): number {
  const subs = server.pubsub.shard.get(channel);
  if (subs === undefined) return 0;
  const body = latin1(BULK_SMESSAGE + bulk(channel) + bulk(message));
  let receivers = 0;
  for (const c of subs) {
    deliver(server, c, 3, body);
    receivers++;
  }
  return receivers;
}

// ---- keyspace notifications ---------------------------------------------------------------------

/** Publish one event on __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event>. */
export function keyspaceEvent(
  server: Server,
  flags: number,
  event: string,
  key: string,
  dbid: number,
): void {
  if (flags & NOTIFY_KEYSPACE) publishMessage(server, `__keyspace@${dbid}__:${key}`, event);
  if (flags & NOTIFY_KEYEVENT) publishMessage(server, `__keyevent@${dbid}__:${event}`, key);
}
