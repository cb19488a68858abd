/**
 * MIGRATE (Redis 7.0's migrateCommand, cluster.c), outside cluster mode: the keys are DUMPed when
 * the command runs, sent as `[AUTH ...] [SELECT db] RESTORE key ttl payload [REPLACE]` over a
 * cached connection per host:port (reused, closed after 10 s idle, at most 64, SELECT only when
 * the target db changes), then deleted locally for each acknowledged RESTORE unless COPY.
 *
 * Redis does the exchange synchronously; here the calling client is suspended (as a postponed
 * client: it parses nothing more) while the other clients go on. Atomicity: the payloads are taken
 * atomically at call time; the source keys are deleted when the target acknowledges them, even if
 * another client wrote them in between (that write is then lost with the key, as if it had run
 * before the MIGRATE). The deletion is propagated as one `DEL key...`. Inside EXEC or a script
 * (which cannot wait) MIGRATE replies an error instead.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { eqi, parseI64 } from "./args.ts";
import { createDumpPayload } from "../persist/rdb.ts";
import { saveOptions } from "../persist/options.ts";
import { resumeClient } from "../server/conn.ts";
import { redactArgument } from "../server/monitor.ts";
import { alsoPropagate, propagatePending } from "../server/propagate.ts";

const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;

interface CachedSocket {
  conn: Deno.TcpConn;
  lastDb: number;
  lastUse: number;
  buf: Uint8Array;
  idle: ReturnType<typeof setTimeout> | undefined;
}

const cache = new Map<string, CachedSocket>();

/** INFO stats `migrate_cached_sockets`. */
export function migrateCachedSockets(): number {
  return cache.size;
}

function closeSocket(name: string): void {
  const cs = cache.get(name);
  if (!cs) return;
  cache.delete(name);
  clearTimeout(cs.idle);
  try {
    cs.conn.close();
  } catch { /* already closed */ }
}

function armIdle(name: string, cs: CachedSocket): void {
  clearTimeout(cs.idle);
  cs.idle = setTimeout(() => closeSocket(name), CACHE_TTL_MS);
  Deno.unrefTimer(cs.idle as unknown as number);
}

/** A failed exchange: `timeout` when the time ran out (Redis does not retry those). */
class IoError extends Error {
  constructor(public what: string, public timeout = false) {
    super(what);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new IoError(what, true)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

async function getSocket(name: string, host: string, port: number, timeout: number) {
  const cs = cache.get(name);
  if (cs) return cs;
  if (cache.size === CACHE_ITEMS) closeSocket(cache.keys().next().value!);
  const conn = await withTimeout(Deno.connect({ hostname: host, port }), timeout, "connect");
  conn.setNoDelay(true);
  const n: CachedSocket = {
    conn,
    lastDb: -1,
    lastUse: Date.now(),
    buf: new Uint8Array(0),
    idle: undefined,
  };
  cache.set(name, n);
  armIdle(name, n);
  return n;
}

const enc = new TextEncoder();

/** One reply line (without CRLF), as connSyncReadLine. */
async function readLine(cs: CachedSocket, timeout: number): Promise<string> {
  while (true) {
    const i = cs.buf.indexOf(10);
    if (i >= 0) {
      const line = cs.buf.subarray(0, i > 0 && cs.buf[i - 1] === 13 ? i - 1 : i);
      cs.buf = cs.buf.subarray(i + 1);
      return new TextDecoder("latin1").decode(line);
    }
    const chunk = new Uint8Array(16384);
    const n = await withTimeout(cs.conn.read(chunk), timeout, "reading");
    if (n === null || n === 0) throw new IoError("reading");
    const b = new Uint8Array(cs.buf.length + n);
    b.set(cs.buf);
    b.set(chunk.subarray(0, n), cs.buf.length);
    cs.buf = b;
  }
}

/** A RESP command; strings are binary (latin1, one char per byte) as the rest of the server. */
function encodeCommand(parts: string[]): Uint8Array {
  let len = 0;
  const bins = parts.map((p) => {
    const b = new Uint8Array(p.length);
    for (let i = 0; i < p.length; i++) b[i] = p.charCodeAt(i);
    return b;
  });
  const heads = bins.map((b) => enc.encode(`$${b.length}\r\n`));
  const top = enc.encode(`*${parts.length}\r\n`);
  len = top.length;
  for (let i = 0; i < bins.length; i++) len += heads[i].length + bins[i].length + 2;
  const out = new Uint8Array(len);
  out.set(top);
  let o = top.length;
  for (let i = 0; i < bins.length; i++) {
    out.set(heads[i], o);
    o += heads[i].length;
    out.set(bins[i], o);
    o += bins[i].length;
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

function bytesToBinStr(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
}

async function writeAll(cs: CachedSocket, data: Uint8Array, timeout: number): Promise<void> {
  let pos = 0;
  while (pos < data.length) {
    pos += await withTimeout(cs.conn.write(data.subarray(pos)), timeout, "writing");
  }
}

const PENDING: string[] = [];

function migrateCommand(c: Client, argv: string[]): void {
  let copy = false;
  let replace = false;
  let username: string | null = null;
  let password: string | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqi(argv[j], "COPY")) copy = true;
    else if (eqi(argv[j], "REPLACE")) replace = true;
    else if (eqi(argv[j], "AUTH")) {
      if (!more) return c.addErrorSyntax();
      password = argv[++j];
      redactArgument(c, argv, j);
    } else if (eqi(argv[j], "AUTH2")) {
      if (more < 2) return c.addErrorSyntax();
      username = argv[++j];
      redactArgument(c, argv, j);
      password = argv[++j];
      redactArgument(c, argv, j);
    } else if (eqi(argv[j], "KEYS")) {
      if (argv[3].length !== 0) {
        return c.addError(
          "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
        );
      }
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else return c.addErrorSyntax();
  }
  const timeoutV = parseI64(argv[5]);
  if (timeoutV === null) return c.addError("ERR value is not an integer or out of range");
  const dbV = parseI64(argv[4]);
  if (dbV === null) return c.addError("ERR value is not an integer or out of range");
  let timeout = Number(timeoutV);
  if (timeout <= 0) timeout = 1000;
  const dbid = Number(dbV);

  const db = c.db;
  const keys: string[] = [];
  const ttls: number[] = [];
  const payloads: string[] = [];
  const opts = saveOptions(c.server.config);
  for (let j = 0; j < numKeys; j++) {
    const k = argv[firstKey + j];
    const v = db.lookupRead(k);
    if (v === undefined) continue;
    keys.push(k);
    const at = db.getExpire(k);
    let ttl = 0;
    if (at !== undefined) {
      ttl = at - Date.now();
      if (ttl < 1) ttl = 1;
    }
    ttls.push(ttl);
    try {
      payloads.push(bytesToBinStr(createDumpPayload(v, opts)));
    } catch (e) {
      return c.addError(`ERR ${(e as Error).message}`); // as DUMP: a type with no RDB encoding
    }
  }
  if (keys.length === 0) return c.addStatus("NOKEY");
  // Redis does the exchange synchronously even inside EXEC or a script; here the reply can only
  // come later, which a transaction or script cannot wait for: refused rather than faked.
  if (c.server.inExec) {
    return c.addError("ERR MIGRATE inside MULTI/EXEC or a script is not supported");
  }

  const host = argv[1];
  const portS = argv[2];
  const name = `${host}:${portS}`;
  const port = Number.parseInt(portS, 10) || 0;
  c.postponedArgv = PENDING;
  const finish = (reply: () => void) => {
    if (c.postponedArgv === PENDING) c.postponedArgv = null;
    if (c.closed) return;
    reply();
    resumeClient(c);
  };

  const attempt = async (mayRetry: boolean): Promise<void> => {
    let cs: CachedSocket;
    try {
      cs = await getSocket(name, host, port, timeout);
    } catch (e) {
      // A refused connection shows in Redis as a failed write (its connect is non-blocking).
      if (e instanceof IoError && e.timeout) {
        return finish(() => c.addError("IOERR error or timeout connecting to the client"));
      }
      if (mayRetry) return attempt(false);
      return finish(() => c.addError("IOERR error or timeout writing to target instance"));
    }
    const parts: Uint8Array[] = [];
    if (password !== null) {
      parts.push(
        encodeCommand(username !== null ? ["AUTH", username, password] : ["AUTH", password]),
      );
    }
    const select = cs.lastDb !== dbid;
    if (select) parts.push(encodeCommand(["SELECT", String(dbid)]));
    for (let j = 0; j < keys.length; j++) {
      const a = ["RESTORE", keys[j], String(ttls[j]), payloads[j]];
      if (replace) a.push("REPLACE");
      parts.push(encodeCommand(a));
    }
    let writeError = false;
    let authReply = "";
    let selectReply = "";
    let j = 0;
    let errorFromTarget = false;
    let socketError = false;
    let timedOut = false;
    const deleted: string[] = [];
    try {
      let total = 0;
      for (const p of parts) total += p.length;
      const all = new Uint8Array(total);
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      try {
        await writeAll(cs, all, timeout);
      } catch (e) {
        writeError = true;
        throw e;
      }
      if (password !== null) authReply = await readLine(cs, timeout);
      if (select) selectReply = await readLine(cs, timeout);
    } catch (e) {
      closeSocket(name);
      if (mayRetry && !(e instanceof IoError && e.timeout)) return attempt(false);
      return finish(() =>
        c.addError(
          `IOERR error or timeout ${writeError ? "writing" : "reading"} to target instance`,
        )
      );
    }
    let errReply = "";
    for (j = 0; j < keys.length; j++) {
      let line: string;
      try {
        line = await readLine(cs, timeout);
      } catch (e) {
        socketError = true;
        timedOut = e instanceof IoError && e.timeout;
        break;
      }
      if (
        (password !== null && authReply[0] === "-") || (select && selectReply[0] === "-") ||
        line[0] === "-"
      ) {
        if (!errorFromTarget) {
          cs.lastDb = -1;
          errorFromTarget = true;
          errReply = password !== null && authReply[0] === "-"
            ? authReply
            : select && selectReply[0] === "-"
            ? selectReply
            : line;
        }
      } else if (!copy) {
        deleted.push(keys[j]);
      }
    }
    if (!errorFromTarget && socketError && j === 0 && mayRetry && !timedOut) {
      closeSocket(name);
      return attempt(false);
    }
    if (socketError) closeSocket(name);
    else {
      cs.lastUse = Date.now();
      armIdle(name, cs);
    }
    finish(() => {
      if (deleted.length > 0) {
        const srv = c.server;
        const done: string[] = [];
        for (const k of deleted) {
          if (db.delete(k)) {
            srv.signalModifiedKey(db, k);
            srv.notify("g", "del", k, db.id);
            srv.dirty++;
            done.push(k);
          }
        }
        if (done.length > 0) {
          alsoPropagate(srv, db.id, ["DEL", ...done]);
          propagatePending(srv);
        }
      }
      if (errorFromTarget) {
        c.addError(`ERR Target instance replied with error: ${errReply.slice(1)}`);
      } else if (socketError) {
        c.addError("IOERR error or timeout reading to target instance");
      } else {
        cs.lastDb = dbid;
        c.addOk();
      }
    });
  };
  attempt(true).catch((e) => {
    closeSocket(name);
    finish(() => c.addError("IOERR error or timeout reading to target instance"));
    void e;
  });
}

/** Key positions: argv[3], or everything after KEYS when argv[3] is empty (Redis's migrateGetKeys). */
function migrateGetKeys(argv: string[]): number[] {
  let first = 3;
  let num = 1;
  for (let i = 6; i < argv.length; i++) {
    const a = argv[i];
    if (eqi(a, "AUTH")) i += 1;
    else if (eqi(a, "AUTH2")) i += 2;
    else if (eqi(a, "KEYS")) {
      if (argv[3].length !== 0) return [];
      first = i + 1;
      num = argv.length - first;
      break;
    }
  }
  const out: number[] = [];
  for (let j = 0; j < num; j++) out.push(first + j);
  return out;
}

export const migrateCommands: CommandDef[] = [
  cmd("migrate", -6, "write", [3, 3, 1], "keyspace dangerous", migrateCommand, {
    summary: "Atomically transfer a key from a Redis instance to another one.",
    since: "2.6.0",
    group: "generic",
    complexity:
      "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
    history: [
      ["3.0.0", "Added the `COPY` and `REPLACE` options."],
      ["3.0.6", "Added the `KEYS` option."],
      ["4.0.7", "Added the `AUTH` option."],
      ["6.0.0", "Added the `AUTH2` option."],
    ],
    tips: ["nondeterministic_output"],
    keySpecs: [
      {
        flags: ["RW", "ACCESS", "DELETE"],
        beginSearch: { type: "index", index: 3 },
        findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
      },
      {
        flags: ["RW", "ACCESS", "DELETE", "INCOMPLETE"],
        beginSearch: { type: "keyword", keyword: "KEYS", startFrom: -2 },
        findKeys: { type: "range", lastKey: -1, step: 1, limit: 0 },
      },
    ],
    arguments: [
      { name: "host", type: "string" },
      { name: "port", type: "integer" },
      {
        name: "key_or_empty_string",
        type: "oneof",
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "empty_string", type: "pure-token", token: "" },
        ],
      },
      { name: "destination-db", type: "integer" },
      { name: "timeout", type: "integer" },
      { name: "copy", type: "pure-token", token: "COPY", optional: true, since: "3.0.0" },
      { name: "replace", type: "pure-token", token: "REPLACE", optional: true, since: "3.0.0" },
      {
        name: "authentication",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "password", type: "string", token: "AUTH", optional: true, since: "4.0.7" },
          {
            name: "username_password",
            type: "block",
            token: "AUTH2",
            optional: true,
            since: "6.0.0",
            arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
          },
        ],
      },
      {
        name: "key",
        type: "key",
        token: "KEYS",
        keySpecIndex: 1,
        optional: true,
        multiple: true,
        since: "3.0.6",
      },
    ],
    getKeys: migrateGetKeys,
  }),
];
