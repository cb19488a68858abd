/**
 * client-output-buffer-limit (Redis's checkClientOutputBufferLimits and
 * closeClientOnOutputBufferLimitReached in networking.c).
 *
 * What is measured: Redis counts only the reply list beyond a client's 16 KB static buffer
 * (`reply_bytes`, which CLIENT LIST shows as omem), so a client is checked only once its pending
 * output passes 16 KB, and the measure is `outLen - 16 KB`, the same number CLIENT LIST prints as
 * omem. Redis checks on every append to the reply list; here Client.ensure() calls `outputGrew`
 * each time pending output grows by another 16 KB (`obufCheckAt`, moved back by the flush), which
 * costs one comparison per append on the hot path. The server cron also checks clients with
 * pending output (Redis's clientsCron), so a soft limit expires while no traffic arrives.
 *
 * Closing: a client over its limit is closed as Redis's freeClientAsync does: its pending output
 * is dropped at once, everything it would still be sent is discarded (`closedForWrite`), it reads
 * nothing more (`closeAfterReply`), and the connection is closed once the running command is over
 * (a microtask), never in the middle of a command.
 */
import type { Client } from "./client.ts";
import { clientInfoString } from "../commands/client.ts";

/** Redis's PROTO_REPLY_CHUNK_BYTES: the static reply buffer, not counted by the limits. */
export const OBUF_STATIC = 16 * 1024;

/** client-output-buffer-limit classes, as Redis's getClientType for limits. */
export const OBUF_CLASSES = ["normal", "replica", "pubsub"] as const;
export type ObufClass = typeof OBUF_CLASSES[number];

export interface ObufLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** The config text ("normal 0 0 0 slave ... pubsub ...") → limits by class index. */
export function obufLimitsFromConfig(v: string): ObufLimit[] {
  const f = v.split(" ");
  const out: ObufLimit[] = [];
  for (let at = 0; at < 12; at += 4) {
    out.push({ hard: Number(f[at + 1]), soft: Number(f[at + 2]), softSeconds: Number(f[at + 3]) });
  }
  return out;
}

/** getClientType for limits: replicas (Redis counts MONITOR clients as normal), subscribers, normal. */
function obufClass(c: Client): number {
  if (c.flagReplica) return 1;
  if (c.subscriptions > 0) return 2;
  return 0;
}

/** The bytes the limits compare: Redis's getClientOutputBufferMemoryUsage (omem). */
export function obufUsed(c: Client): number {
  return c.outLen > OBUF_STATIC ? c.outLen - OBUF_STATIC : 0;
}

/**
 * checkClientOutputBufferLimits: true when the hard limit is reached, or the soft limit has been
 * reached continuously for more than its seconds (whole seconds of the clock, as Redis's unixtime).
 */
export function outputBufferLimitReached(c: Client): boolean {
  // A client that still has to AUTH may keep 1 KB beyond the static buffer (Redis's authRequired).
  if (!c.authenticated && obufUsed(c) > 1024 && c.server.authRequired()) return true;
  const limit = c.server.obufLimits[obufClass(c)];
  if (limit === undefined || (limit.hard === 0 && limit.soft === 0)) {
    c.obufSoftSince = 0;
    return false;
  }
  const used = obufUsed(c);
  const hard = limit.hard !== 0 && used >= limit.hard;
  let soft = limit.soft !== 0 && used >= limit.soft;
  if (soft) {
    const now = Math.floor(Date.now() / 1000);
    if (c.obufSoftSince === 0) {
      c.obufSoftSince = now;
      soft = false;
    } else if (now - c.obufSoftSince <= limit.softSeconds) soft = false;
  } else c.obufSoftSince = 0;
  return soft || hard;
}

/**
 * closeClientOnOutputBufferLimitReached: `async` when called while output is being produced (the
 * client is closed after the running command), false from the cron. Returns true when closed.
 */
export function closeOnOutputBufferLimit(c: Client, async: boolean): boolean {
  if (c.conn === null || c.closed || c.closedForWrite || c.outLen <= OBUF_STATIC) return false;
  if (!outputBufferLimitReached(c)) return false;
  const server = c.server;
  const info = clientInfoString(c, c, []);
  c.outLen = 0;
  c.closedForWrite = true;
  c.closeAfterReply = true;
  c.obufCheckAt = -1; // from now on every append is discarded
  if (async) {
    queueMicrotask(() => server.closeClient(c));
    server.log.warning(
      `Client ${info} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
  } else {
    server.closeClient(c);
    server.log.warning(`Client ${info} closed for overcoming of output buffer limits.`);
  }
  return true;
}

/** Client.ensure() passed `obufCheckAt`: check the limits, or discard output of a closing client. */
export function outputGrew(c: Client, extra: number): void {
  if (c.closedForWrite) {
    c.outLen = 0;
    return;
  }
  c.obufCheckAt = c.outLen + extra + OBUF_STATIC;
  closeOnOutputBufferLimit(c, true);
}
