/**
 * Network edge: listeners, the per-connection read loop and the output flush. Each read fills the
 * client's query buffer in place; every complete request in it is dispatched synchronously, then
 * all replies produced by that batch are written with one write (pipelining is nearly free).
 */
import type { Server } from "./server.ts";
import type { Client } from "./client.ts";
import { parseRequest, ProtocolError, type QueryBuffer } from "../protocol/parser.ts";
import { forgetPostponed, processCommand } from "./dispatch.ts";
import { unblockOnClose } from "./blocking.ts";
import { OBUF_STATIC } from "./obuf.ts";

const READ_CHUNK = 16 * 1024;
const OUTPUT_BACKPRESSURE = 1024 * 1024;
const MAX_CLIENTS_ERR = new TextEncoder().encode("-ERR max number of clients reached\r\n");

export async function acceptLoop(server: Server, listener: Deno.Listener): Promise<void> {
  for (;;) {
    let conn: Deno.Conn;
    try {
      conn = await listener.accept();
    } catch (e) {
      if (server.shuttingDown || e instanceof Deno.errors.BadResource) return;
      server.log.warning(`Accepting client connection: ${(e as Error).message}`);
      continue;
    }
    if (!(conn.localAddr.transport === "unix")) {
      try {
        (conn as Deno.TcpConn).setNoDelay(true);
        if (server.config.getNumber("tcp-keepalive") > 0) (conn as Deno.TcpConn).setKeepAlive(true);
      } catch {
        // not a TCP connection
      }
    }
    if (server.clients.size >= server.maxClients) {
      server.stats.rejectedConnections++;
      conn.write(MAX_CLIENTS_ERR).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch { /* closed */ }
      });
      continue;
    }
    if (server.protectedMode && server.acl.defaultUser.nopass && !isLocalConn(conn)) {
      server.stats.rejectedConnections++;
      conn.write(PROTECTED_MODE_ERR).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch { /* closed */ }
      });
      continue;
    }
    serveClient(server, conn);
  }
}

/**
 * Redis's islocalClient: unix sockets, and peers whose address is exactly 127.0.0.1 or ::1 (not the
 * rest of 127/8). ::ffff:127.0.0.1 is 127.0.0.1 reaching a dual-stack :: listener (Redis's IPv6
 * sockets are v6-only, so it sees the same client on its IPv4 socket).
 */
export function isLocalConn(conn: Deno.Conn): boolean {
  const ra = conn.remoteAddr;
  if (ra.transport === "unix") return true;
  const host = (ra as Deno.NetAddr).hostname;
  return host === "127.0.0.1" || host === "::1" || host === "::ffff:127.0.0.1";
}

const PROTECTED_MODE_ERR = new TextEncoder().encode(
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n",
);

async function serveClient(server: Server, conn: Deno.Conn): Promise<void> {
  server.stats.numConnections++;
  const c = server.createClient(conn);
  server.onNewClient?.(c);
  const q = c.query;
  try {
    while (!c.closed) {
      const want = q.bulkLen > READ_CHUNK
        ? Math.min(q.bulkLen + 2 - q.pending(), q.buf.length)
        : READ_CHUNK;
      const target = roomFor(q, Math.max(want, 1024));
      const n = await conn.read(target);
      if (n === null || c.closed) break;
      if (target.buffer !== q.buf.buffer || target.byteOffset !== q.buf.byteOffset + q.len) {
        // The cron resized the query buffer while this read was pending, or an unblocked client
        // consumed its buffered input meanwhile (resumeClient): move the bytes over.
        roomFor(q, n).set(target.subarray(0, n));
      }
      q.len += n;
      c.totalNetIn += n;
      server.stats.netInputBytes += n;
      server.stats.readsProcessed++;
      if (q.len > q.peak) q.peak = q.len;
      c.lastInteraction = Date.now();
      processInput(server, c);
      if (!c.closed && q.len - q.pos > server.queryBufLimit) {
        server.log.warning(
          `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`,
        );
        server.stats.clientQbufLimitDisconnections++;
        c.outLen = 0;
        break;
      }
      if (c.closeAfterReply) {
        if (c.outLen > 0) await flush(c);
        break;
      }
      // One write per read batch, awaited before the next read: measured slightly cheaper
      // per request than starting the write and reading at once (bench/wire.ts, -P 16). Not for a
      // client that still has to AUTH: it is held to 1 KB of pending output (obuf.ts), so it is
      // read on while its write waits, and one that sends without reading is closed at the limit
      // instead of both sides waiting on full socket buffers.
      if (c.outLen > 0) {
        if (c.authenticated || !server.authRequired()) await flush(c);
        else flush(c);
      }
      // Backpressure: a client that pipelines without reading its replies is not read further
      // until its pending output drains below the threshold.
      while (c.writing && c.outLen > OUTPUT_BACKPRESSURE && !c.closed) await c.drained;
    }
  } catch (e) {
    if (
      !(e instanceof Deno.errors.BadResource || e instanceof Deno.errors.ConnectionReset ||
        e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.NotConnected ||
        e instanceof Deno.errors.Interrupted)
    ) {
      server.log.verbose(`Client ${c.addr}: ${(e as Error).message}`);
    }
  }
  server.closeClient(c);
  forgetPostponed(server, c);
  unblockOnClose(c);
  server.onClientClosed?.(c);
}

/** Space to read into; the cron may have shrunk an idle client's buffer to nothing. */
function roomFor(q: QueryBuffer, want: number): Uint8Array {
  if (q.buf.length === 0) q.resize(Math.max(want, READ_CHUNK));
  return q.space(want);
}

/** Parse and run every complete request in the query buffer. */
export function processInput(server: Server, c: Client): void {
  // One clock read per command: call() chains each command's end time into the next's start.
  const outerBatch = server.batchClock === 0;
  if (outerBatch) server.batchClock = performance.now();
  try {
    processInputBatch(server, c);
  } finally {
    if (outerBatch) server.batchClock = 0;
  }
}

function processInputBatch(server: Server, c: Client): void {
  const q = c.query;
  const lim = { maxBulkLen: server.maxBulkLen, authRequired: !c.authenticated };
  while (
    !c.closed && !c.closeAfterReply && !c.blocked && c.postponedArgv === null && q.pos < q.len
  ) {
    let argv: string[] | null;
    try {
      argv = parseRequest(q, lim);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      c.addError("ERR " + e.message);
      server.log.verbose(`Protocol error (${e.message}) from client: id=${c.id} addr=${c.addr}`);
      c.closeAfterReply = true;
      q.pos = q.len;
      return;
    }
    if (argv === null) break;
    if (argv.length === 0) continue;
    processCommand(c, argv);
    lim.authRequired = !c.authenticated;
  }
  if (q.pos === q.len) {
    q.pos = 0;
    q.len = 0;
  }
}

/** Write the client's pending output; waits until all of it is on the socket. */
export async function flush(c: Client): Promise<void> {
  if (c.writing) return await c.drained;
  const conn = c.conn;
  if (!conn) return;
  c.writing = true;
  if (c.outLen > c.outPeak) c.outPeak = c.outLen;
  c.server.stats.writesProcessed++;
  try {
    while (c.outLen > 0 && !c.closedForWrite) {
      // AOF: the commands these replies acknowledge are written (and fsynced) first, by one write
      // for every client served in this turn of the event loop.
      const beforeReply = c.server.beforeReply;
      if (beforeReply !== null) {
        let pending: Promise<void> | null;
        while ((pending = beforeReply()) !== null) await pending;
      }
      const n = await conn.write(c.out.subarray(0, c.outLen));
      if (c.closedForWrite) break; // output limits dropped the buffer meanwhile
      c.totalNetOut += n;
      c.server.stats.netOutputBytes += n;
      if (n < c.outLen) c.out.copyWithin(0, n, c.outLen);
      c.outLen -= n;
    }
    if (c.out.length > 64 * 1024 && c.outLen === 0) c.out = new Uint8Array(16 * 1024);
    if (!c.closedForWrite) c.obufCheckAt = c.outLen + OBUF_STATIC;
  } catch {
    c.closedForWrite = true;
    c.outLen = 0;
  } finally {
    c.endWrite();
  }
}

/**
 * A client that stopped parsing (unblocked after a blocking command) continues: flush the reply it
 * got and run whatever it pipelined meanwhile.
 */
export function resumeClient(c: Client): void {
  if (c.closed) return;
  if (!c.blocked && c.postponedArgv === null) processInput(c.server, c);
  scheduleFlush(c);
}

/** Schedule a flush for output produced outside the client's own read loop (pub/sub, unblock). */
export function scheduleFlush(c: Client): void {
  if (c.writing || c.outLen === 0 || !c.conn) return;
  flush(c).then(() => {
    if (c.closeAfterReply) c.server.closeClient(c);
  });
}
