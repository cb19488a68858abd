/**
 * Stream family: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XREAD, XREADGROUP, XGROUP (CREATE,
 * SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO
 * (STREAM [FULL], GROUPS, CONSUMERS, HELP), XSETID — with Redis 7.0.15's replies, error texts,
 * order of checks, keyspace events and dirty counts (t_stream.c). The data structure is
 * src/types/stream.ts; IDs are src/types/streamid.ts.
 *
 * - Reads (XRANGE, XLEN, XREAD, XPENDING, XINFO) count keyspace hits/misses as lookupKeyRead does;
 *   writes look up without statistics.
 * - XREAD/XREADGROUP BLOCK park the client through src/server/blocking.ts. `$` is resolved when
 *   the command runs; a client blocked with `>` is served against its group's last ID at the time
 *   new data arrives. A blocked XREADGROUP is woken with an error when its group is destroyed
 *   (-NOGROUP) or its key is deleted or replaced by another type (-UNBLOCKED), as Redis 7.0 does
 *   (the key-deletion signal comes from src/store/db.ts). Timeouts reply a null array.
 * - Propagation (src/server/propagate.ts), as Redis 7.0: XADD carries the ID it used (for `*` and
 *   `<ms>-*`) and XADD/XTRIM with `~` the exact trim (`=` and the resulting length or first ID);
 *   XREADGROUP, XCLAIM and XAUTOCLAIM are replicated as idempotent XCLAIM ... FORCE JUSTID LASTID
 *   commands (plus XGROUP SETID / CREATECONSUMER for NOACK reads and XCLAIM LASTID).
 */
import type { Client } from "../server/client.ts";
import type { RValue } from "../store/db.ts";
import type { ArgDoc, CommandDef } from "./types.ts";
import { cmd } from "./types.ts";
import { eqi, parseI64 } from "./args.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import { blockForKeys, mustNotBlock } from "../server/blocking.ts";
import { alsoPropagate } from "../server/propagate.ts";
import {
  Consumer,
  ConsumerGroup,
  type Nack,
  type NodeLimits,
  SCG_INVALID_ENTRIES_READ,
  sortedNames,
  type StreamNode,
  StreamValue,
  type TrimArgs,
} from "../types/stream.ts";
import {
  formatId,
  ID_MAX,
  ID_MIN,
  idDecr,
  idFromNumbers,
  idIncr,
  idSeqIncr,
  idWord,
  parseStreamId,
  sameMs,
  type StreamID,
} from "../types/streamid.ts";

const G = "stream";
const LLONG_MAX = 9223372036854775807;
const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;

// ---- lookups and argument helpers -------------------------------------------------------------

/** lookupKeyRead: count a hit or a miss, fire "keymiss". */
function lookupRead(c: Client, key: string): RValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    c.server.notify("m", "keymiss", key, c.db.id);
  } else c.server.stats.keyspaceHits++;
  return v;
}

/** A stream, undefined when missing, or null after a WRONGTYPE reply. */
function asStream(c: Client, v: RValue | undefined): StreamValue | undefined | null {
  if (v === undefined) return undefined;
  if (v instanceof StreamValue) return v;
  c.addErrorWrongType();
  return null;
}

/** getLongLongFromObjectOrReply (values past ±2^53 are clamped; callers only compare them). */
function getLongLong(c: Client, s: string, msg?: string): number | null {
  const v = parseI64(s);
  if (v === null) {
    c.addError(msg ? "ERR " + msg : "ERR value is not an integer or out of range");
    return null;
  }
  return typeof v === "bigint" ? Number(v) : v;
}

/** streamParseIDOrReply / streamParseStrictIDOrReply. */
function parseIdOrReply(
  c: Client,
  s: string,
  missingSeqMax: boolean,
  strict: boolean,
): StreamID | null {
  const p = parseStreamId(s, missingSeqMax, strict);
  if (p === null) {
    c.addError(INVALID_ID);
    return null;
  }
  return p.id;
}

/** streamParseIntervalIDOrReply: `(` excludes (strict parse of the rest). */
function parseIntervalIdOrReply(
  c: Client,
  s: string,
  missingSeqMax: boolean,
): { id: StreamID; ex: boolean } | null {
  const ex = s.length > 1 && s.charCodeAt(0) === 40;
  const id = ex
    ? parseIdOrReply(c, s.slice(1), missingSeqMax, true)
    : parseIdOrReply(c, s, missingSeqMax, false);
  return id === null ? null : { id, ex };
}

/** Start/end of an interval with exclusions applied; null after an error reply. */
function parseRange(c: Client, startArg: string, endArg: string): [StreamID, StreamID] | null {
  const s = parseIntervalIdOrReply(c, startArg, false);
  if (s === null) return null;
  let start: StreamID | null = s.id;
  if (s.ex && (start = idIncr(start)) === null) {
    c.addError("ERR invalid start ID for the interval");
    return null;
  }
  const e = parseIntervalIdOrReply(c, endArg, true);
  if (e === null) return null;
  let end: StreamID | null = e.id;
  if (e.ex && (end = idDecr(end)) === null) {
    c.addError("ERR invalid end ID for the interval");
    return null;
  }
  return [start, end];
}

/** stream-node-max-entries/-bytes of a server, kept current by config listeners (XADD's hot path). */
const limitsByConfig = new WeakMap<object, NodeLimits>();

function nodeLimits(c: Client): NodeLimits {
  const cfg = c.server.config;
  let lim = limitsByConfig.get(cfg);
  if (lim === undefined) {
    const l: NodeLimits = {
      maxEntries: cfg.getNumber("stream-node-max-entries"),
      maxBytes: cfg.getNumber("stream-node-max-bytes"),
    };
    cfg.onChange("stream-node-max-entries", (v) => {
      l.maxEntries = v as number;
    });
    cfg.onChange("stream-node-max-bytes", (v) => {
      l.maxBytes = v as number;
    });
    limitsByConfig.set(cfg, l);
    lim = l;
  }
  return lim;
}

/** An entry as [id, [field, value, ...]]. */
function addEntry(c: Client, id: string, fields: string[]): void {
  c.addArrayLen(2);
  c.addBulk(id);
  c.addArrayLen(fields.length);
  for (const f of fields) c.addBulk(f);
}

const BULK_HEADERS: string[] = [];
for (let n = 0; n <= 64; n++) BULK_HEADERS.push("$" + n + "\r\n");
const ZEROS = ["", "0", "00", "000", "0000", "00000", "000000", "0000000"];
const parts: string[] = ["", "", "", ""];

/** Decimal text of the u64 hi·2^32 + lo as two strings (no 13-digit double printing). */
function u64Parts(hi: number, lo: number, at: number): void {
  if (hi === 0) {
    parts[at] = String(lo);
    parts[at + 1] = "";
  } else if (hi < 0x200000) {
    const v = hi * 4294967296 + lo;
    const top = Math.floor(v / 1e8);
    const bot = String(v - top * 1e8);
    parts[at] = String(top);
    parts[at + 1] = ZEROS[8 - bot.length] + bot;
  } else {
    parts[at] = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
    parts[at + 1] = "";
  }
}

/** An ID as a bulk reply, from its words (XADD's reply, range replies). */
function addIdWords(c: Client, msHi: number, msLo: number, seqHi: number, seqLo: number): void {
  u64Parts(msHi, msLo, 0);
  u64Parts(seqHi, seqLo, 2);
  const len = parts[0].length + parts[1].length + 1 + parts[2].length + parts[3].length;
  c.writeAscii(BULK_HEADERS[len]);
  c.writeAscii(parts[0]);
  c.writeAscii(parts[1]);
  c.writeAscii("-");
  c.writeAscii(parts[2]);
  c.writeAscii(parts[3]);
  c.writeAscii("\r\n");
}

/** The entry at `index` of `node` as an XRANGE element. */
function addNodeEntry(c: Client, node: StreamNode, index: number): void {
  c.addArrayLen(2);
  addIdWords(c, node.w(index, 0), node.w(index, 1), node.w(index, 2), node.w(index, 3));
  const fields = node.fieldsAt(index);
  c.addArrayLen(fields.length);
  for (const f of fields) c.addBulk(f);
}

/** The entry with this ID as an XRANGE element; false (nothing written) when it does not exist. */
function addEntryById(c: Client, s: StreamValue, id: StreamID): boolean {
  const f = s.get(id);
  if (f === null) return false;
  addEntry(c, formatId(id), f);
  return true;
}

/**
 * streamReplyWithRange: entries of [start, end], at most `count` (0 = all). With a group, the
 * group's last ID and entries-read advance, and (unless noack) every entry goes to the consumer's
 * PEL. Returns how many were emitted.
 */
function replyWithRange(
  c: Client,
  s: StreamValue,
  start: StreamID,
  end: StreamID,
  count: number,
  rev: boolean,
  group?: ConsumerGroup,
  consumer?: Consumer,
  noack = false,
  spi?: [key: string, groupName: string],
): number {
  const at = c.deferLen();
  let n = 0;
  const it = s.iterator(start, end, rev);
  const now = group ? Date.now() : 0;
  let advanced = false;
  while (it.next()) {
    let id: StreamID | undefined;
    if (group) {
      id = it.id();
      if (id > group.lastId) advanced = true;
      s.groupAdvance(group, id);
    }
    addNodeEntry(c, it.node, it.index);
    if (group && !noack) {
      const existing = group.pel.get(id!);
      if (existing === undefined) {
        const nack: Nack = { time: now, count: 1, consumer: consumer! };
        group.pel.set(id!, nack);
        consumer!.pel.set(id!, nack);
      } else {
        existing.consumer?.pel.delete(id!);
        existing.consumer = consumer!;
        existing.time = now;
        existing.count = 1;
        consumer!.pel.set(id!, existing);
      }
      // Replicated as an idempotent XCLAIM per delivered entry.
      if (spi) propagateXclaim(c, spi[0], group, spi[1], formatId(id!), group.pel.get(id!)!);
    }
    n++;
    if (count && n === count) break;
  }
  // NOACK: the group's new last ID has no XCLAIM to carry it.
  if (spi && noack && advanced) propagateGroupId(c, spi[0], group!, spi[1]);
  c.setDeferredArray(at, n);
  return n;
}

/**
 * streamPropagateXCLAIM: an XCLAIM that recreates this pending entry as it is now, whatever the
 * replica's state (`XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID id`).
 */
function propagateXclaim(
  c: Client,
  key: string,
  g: ConsumerGroup,
  groupName: string,
  id: string,
  nack: Nack,
): void {
  if (c.server.propagation.sinks.length === 0) return;
  alsoPropagate(c.server, c.db.id, [
    "XCLAIM",
    key,
    groupName,
    nack.consumer?.name ?? "",
    "0",
    id,
    "TIME",
    String(nack.time),
    "RETRYCOUNT",
    String(nack.count),
    "FORCE",
    "JUSTID",
    "LASTID",
    formatId(g.lastId),
  ]);
}

/** streamPropagateGroupID: XGROUP SETID key group <last ID> ENTRIESREAD <n>. */
function propagateGroupId(c: Client, key: string, g: ConsumerGroup, groupName: string): void {
  if (c.server.propagation.sinks.length === 0) return;
  alsoPropagate(c.server, c.db.id, [
    "XGROUP",
    "SETID",
    key,
    groupName,
    formatId(g.lastId),
    "ENTRIESREAD",
    String(g.entriesRead),
  ]);
}

/** XREADGROUP NOACK creating a consumer: nothing else would create it on a replica. */
function consumerFor(
  c: Client,
  g: ConsumerGroup,
  name: string,
  key: string,
  groupName: string,
  noack: boolean,
): Consumer {
  const found = lookupConsumer(g, name);
  if (found !== undefined) return found;
  const cons = createConsumer(c, g, name, key, c.db.id)!;
  if (noack) alsoPropagate(c.server, c.db.id, ["XGROUP", "CREATECONSUMER", key, groupName, name]);
  return cons;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's own history from `start`. */
function replyFromConsumerPel(
  c: Client,
  s: StreamValue,
  start: StreamID,
  count: number,
  consumer: Consumer,
): void {
  const ids = consumer.pel.range(start, ID_MAX, count);
  c.addArrayLen(ids.length);
  const now = Date.now();
  for (const id of ids) {
    if (!addEntryById(c, s, id)) {
      c.addArrayLen(2);
      c.addBulk(formatId(id));
      c.addNullArray();
    } else {
      const nack = consumer.pel.get(id)!;
      nack.time = now;
      nack.count++;
    }
  }
}

function lookupGroup(s: StreamValue, name: string): ConsumerGroup | undefined {
  return s.groups?.get(name);
}

/** streamLookupConsumer (refreshing seen-time unless noRefresh). */
function lookupConsumer(
  g: ConsumerGroup,
  name: string,
  noRefresh = false,
): Consumer | undefined {
  const cons = g.consumers.get(name);
  if (cons !== undefined && !noRefresh) cons.seenTime = Date.now();
  return cons;
}

/** streamCreateConsumer: dirty++ and "xgroup-createconsumer"; undefined when it exists. */
function createConsumer(
  c: Client,
  g: ConsumerGroup,
  name: string,
  key: string,
  dbId: number,
): Consumer | undefined {
  if (g.consumers.has(name)) return undefined;
  const cons = new Consumer(name, Date.now());
  g.consumers.set(name, cons);
  c.server.dirty++;
  c.server.notify("t", "xgroup-createconsumer", key, dbId);
  return cons;
}

function lookupOrCreateConsumer(
  c: Client,
  g: ConsumerGroup,
  name: string,
  key: string,
  dbId: number,
): Consumer {
  return lookupConsumer(g, name) ?? createConsumer(c, g, name, key, dbId)!;
}

// ---- XADD / XTRIM -------------------------------------------------------------------------------

interface AddTrimArgs {
  trim: TrimArgs | null;
  id: StreamID | null;
  seqGiven: boolean;
  noMkstream: boolean;
  idPos: number;
  /** Index of the MAXLEN/MINID value (the `~` is just before it when approx). */
  trimIdx: number;
}

/** streamParseAddOrTrimArgsOrReply; null after an error reply. */
function parseAddTrimArgs(c: Client, argv: string[], xadd: boolean): AddTrimArgs | null {
  const r: AddTrimArgs = {
    trim: null,
    id: null,
    seqGiven: true,
    noMkstream: false,
    idPos: 0,
    trimIdx: 0,
  };
  let limit = 0;
  let limitGiven = false;
  let strategy: "maxlen" | "minid" | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = ID_MIN;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt === "*") break;
    const lo = opt.toLowerCase();
    if ((lo === "maxlen" || lo === "minid") && more) {
      if (strategy !== null) {
        c.addError(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
        return null;
      }
      approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === "~") {
        approx = true;
        i++;
      } else if (more >= 2 && next === "=") i++;
      r.trimIdx = i + 1;
      if (lo === "maxlen") {
        const v = getLongLong(c, argv[i + 1]);
        if (v === null) return null;
        if (v < 0) {
          c.addError("ERR The MAXLEN argument must be >= 0.");
          return null;
        }
        maxlen = v;
      } else {
        const id = parseIdOrReply(c, argv[i + 1], false, true);
        if (id === null) return null;
        minid = id;
      }
      i++;
      strategy = lo;
    } else if (lo === "limit" && more) {
      const v = getLongLong(c, argv[i + 1]);
      if (v === null) return null;
      if (v < 0) {
        c.addError("ERR The LIMIT argument must be >= 0.");
        return null;
      }
      limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && lo === "nomkstream") {
      r.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(opt, false, true, true);
      if (p === null) {
        c.addError(INVALID_ID);
        return null;
      }
      r.id = p.id;
      r.seqGiven = p.seqGiven;
      break;
    } else {
      c.addErrorSyntax();
      return null;
    }
  }
  r.idPos = i;
  if (limit && strategy === null) {
    c.addError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return null;
  }
  if (!xadd && strategy === null) {
    c.addError("ERR syntax error, XTRIM must be called with a trimming strategy");
    return null;
  }
  if (limitGiven) {
    if (!approx) {
      c.addError("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return null;
    }
  } else if (approx) {
    limit = 100 * c.server.config.getNumber("stream-node-max-entries");
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  } else limit = 0;
  if (strategy !== null) r.trim = { strategy, maxlen, minid, approx, limit };
  return r;
}

function xaddCommand(c: Client, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, true);
  if (a === null) return;
  const fieldPos = a.idPos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) return c.addErrorArity(argv[0].toLowerCase());
  if (a.id !== null && a.seqGiven && a.id === ID_MIN) {
    return c.addError("ERR The ID specified in XADD must be greater than 0-0");
  }
  const key = argv[1];
  const db = c.db;
  const v = asStream(c, db.lookupWrite(key));
  if (v === null) return;
  let s = v;
  if (s === undefined) {
    if (a.noMkstream) return c.addNull();
    s = new StreamValue();
    db.set(key, s);
    c.server.notify("n", "new", key, db.id);
  }
  if (s.lastId === ID_MAX) {
    return c.addError(
      "ERR The stream has exhausted the last possible ID, unable to add more items",
    );
  }
  // streamAppendItem's ID choice.
  let id: StreamID | null;
  if (a.id !== null) {
    if (a.seqGiven) id = a.id;
    else if (sameMs(s.lastId, a.id)) {
      id = idSeqIncr(s.lastId);
      // Redis fails here without setting errno, so xaddCommand prints the "too large" text.
      if (id === null) return c.addError("ERR Elements are too large to be stored");
    } else id = a.id;
  } else {
    // streamNextID: the clock's ms with seq 0 when it is past the last ID's ms, else last + 1.
    const ms = c.server.cmdTime;
    const hi = idWord(s.lastId, 0);
    id = hi < 0x200000 && ms > hi * 4294967296 + idWord(s.lastId, 1)
      ? idFromNumbers(ms, 0)
      : idIncr(s.lastId);
  }
  if (id === null || id <= s.lastId) {
    return c.addError(
      "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
  }
  if (!s.append(id, argv, fieldPos, nf / 2, nodeLimits(c))) {
    return c.addError("ERR Elements are too large to be stored");
  }
  addIdWords(c, idWord(id, 0), idWord(id, 1), idWord(id, 2), idWord(id, 3));
  c.server.signalModifiedKey(db, key);
  c.server.notify("t", "xadd", key, db.id);
  c.server.dirty++;
  if (a.trim !== null && s.trim(a.trim)) c.server.notify("t", "xtrim", key, db.id);
  // Replicated with the trim made exact (`~` → `=` and the resulting length or first ID) and
  // the ID actually used instead of `*` or `<ms>-*`.
  let prop: string[] | null = null;
  if (a.trim !== null && a.trim.approx) prop = exactTrimArgv(argv, a, s);
  if (a.id === null || !a.seqGiven) {
    prop ??= argv.slice();
    prop[a.idPos] = formatId(id);
  }
  if (prop !== null) c.propagateArgv = prop;
  db.signalKeyAsReady(key);
}

/**
 * streamRewriteApproxSpecifier + streamRewriteTrimArgument: `MAXLEN ~ n` is replicated as
 * `MAXLEN = <length after the trim>`, `MINID ~ id` as `MINID = <first ID left>` (LIMIT is kept).
 */
function exactTrimArgv(argv: string[], a: AddTrimArgs, s: StreamValue): string[] {
  const prop = argv.slice();
  prop[a.trimIdx - 1] = "=";
  prop[a.trimIdx] = a.trim!.strategy === "maxlen"
    ? String(s.length)
    : s.length === 0
    ? "18446744073709551615-18446744073709551615"
    : formatId(s.firstId);
  return prop;
}

function xtrimCommand(c: Client, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, false);
  if (a === null) return;
  const key = argv[1];
  const s = asStream(c, c.db.lookupWrite(key));
  if (s === null) return;
  if (s === undefined) return c.addInt(0);
  const deleted = s.trim(a.trim!);
  if (deleted) {
    if (a.trim!.approx) c.propagateArgv = exactTrimArgv(argv, a, s);
    c.server.notify("t", "xtrim", key, c.db.id);
    c.server.signalModifiedKey(c.db, key);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

// ---- XRANGE / XREVRANGE / XLEN / XDEL -----------------------------------------------------------

function xrangeGeneric(c: Client, argv: string[], rev: boolean): void {
  const r = parseRange(c, rev ? argv[3] : argv[2], rev ? argv[2] : argv[3]);
  if (r === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (eqi(argv[j], "COUNT") && argv.length - j - 1 >= 1) {
      const v = getLongLong(c, argv[j + 1]);
      if (v === null) return;
      count = v < 0 ? 0 : v;
      j++;
    } else return c.addErrorSyntax();
  }
  const v = lookupRead(c, argv[1]);
  if (v === undefined) return c.addEmptyArray();
  const s = asStream(c, v);
  if (!s) return;
  if (count === 0) return c.addNullArray();
  replyWithRange(c, s, r[0], r[1], count === -1 ? 0 : count, rev);
}

function xrangeCommand(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, false);
}

function xrevrangeCommand(c: Client, argv: string[]): void {
  xrangeGeneric(c, argv, true);
}

function xlenCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  if (v === undefined) return c.addInt(0);
  const s = asStream(c, v);
  if (s) c.addInt(s.length);
}

function xdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = c.db.lookupWrite(key);
  if (v === undefined) return c.addInt(0);
  const s = asStream(c, v);
  if (!s) return;
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = parseIdOrReply(c, argv[j], false, true);
    if (id === null) return;
    ids.push(id);
  }
  const deleted = s.xdel(ids);
  if (deleted) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notify("t", "xdel", key, c.db.id);
    c.server.dirty += deleted;
  }
  c.addInt(deleted);
}

// ---- XREAD / XREADGROUP -------------------------------------------------------------------------

interface ReadState {
  keys: string[];
  /** Per key: entries must be > this ID (XREAD). */
  ids: StreamID[];
  count: number;
  group: string | null;
  consumer: string;
  noack: boolean;
}

function xreadCommand(c: Client, argv: string[]): void {
  const xreadgroup = argv[0].length === 10;
  // XREADGROUP is replicated through the XCLAIMs (and XGROUP commands) it queues.
  if (xreadgroup) c.preventPropagate = true;
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let nstreams = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName = "";
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i];
    if (eqi(o, "BLOCK") && more) {
      // Redis keeps this error for scripts (older than DENY_BLOCKING): BLOCK makes no sense there.
      if (c.flagScript) {
        return c.addError(`ERR ${argv[0]} command is not allowed with BLOCK option from scripts`);
      }
      i++;
      const v = getLongLong(c, argv[i], "timeout is not an integer or out of range");
      if (v === null) return;
      if (v < 0) return c.addError("ERR timeout is negative");
      timeout = v > 0 ? v + Date.now() : 0;
    } else if (eqi(o, "COUNT") && more) {
      i++;
      const v = getLongLong(c, argv[i]);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else if (eqi(o, "STREAMS") && more) {
      streamsArg = i + 1;
      nstreams = argv.length - streamsArg;
      if (nstreams % 2 !== 0) {
        return c.addError(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
        );
      }
      nstreams /= 2;
      break;
    } else if (eqi(o, "GROUP") && more >= 2) {
      if (!xreadgroup) {
        return c.addError(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      groupName = argv[i + 1];
      consumerName = argv[i + 2];
      i += 2;
    } else if (eqi(o, "NOACK")) {
      if (!xreadgroup) {
        return c.addError(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      noack = true;
    } else return c.addErrorSyntax();
  }
  if (streamsArg === 0) return c.addErrorSyntax();
  if (xreadgroup && groupName === null) {
    return c.addError("ERR Missing GROUP option for XREADGROUP");
  }
  const ids: StreamID[] = [];
  const groups: ConsumerGroup[] = [];
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k];
    const arg = argv[streamsArg + nstreams + k];
    const s = asStream(c, lookupRead(c, key));
    if (s === null) return;
    if (groupName !== null) {
      const g = s === undefined ? undefined : lookupGroup(s, groupName);
      if (g === undefined) {
        return c.addError(
          `NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`,
        );
      }
      groups.push(g);
    }
    if (arg === "$") {
      if (xreadgroup) {
        return c.addError(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
        );
      }
      ids.push(s ? s.lastId : ID_MIN);
      continue;
    } else if (arg === ">") {
      if (!xreadgroup) {
        return c.addError(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
        );
      }
      ids.push(ID_MAX);
      continue;
    }
    const id = parseIdOrReply(c, arg, false, true);
    if (id === null) return;
    ids.push(id);
  }

  let n = 0;
  let at = 0;
  for (let k = 0; k < nstreams; k++) {
    const key = argv[streamsArg + k];
    const v = lookupRead(c, key);
    if (v === undefined) continue;
    const s = v as StreamValue;
    let gt = ids[k];
    let sync = false, history = false;
    if (groupName !== null) {
      if (gt !== ID_MAX) {
        sync = true;
        history = true;
      } else if (s.length && s.lastLiveId() > groups[k].lastId) {
        sync = true;
        gt = groups[k].lastId;
      }
    } else if (s.length && s.lastLiveId() > gt) sync = true;
    if (!sync) continue;
    if (++n === 1) at = c.deferLen();
    if (c.resp === 2) c.addArrayLen(2);
    c.addBulk(key);
    const start = idIncr(gt) ?? ID_MIN;
    if (groupName !== null) {
      const g = groups[k];
      const cons = consumerFor(c, g, consumerName, key, groupName, noack);
      if (history) replyFromConsumerPel(c, s, start, count, cons);
      else replyWithRange(c, s, start, ID_MAX, count, false, g, cons, noack, [key, groupName]);
      c.server.dirty++;
    } else replyWithRange(c, s, start, ID_MAX, count, false);
  }
  if (n) {
    if (c.resp === 2) c.setDeferredArray(at, n);
    else c.setDeferredMap(at, n);
    return;
  }
  if (timeout === -1 || mustNotBlock(c)) return c.addNullArray();
  const st: ReadState = {
    keys: argv.slice(streamsArg, streamsArg + nstreams),
    ids,
    count: count || XREAD_BLOCKED_DEFAULT_COUNT,
    group: groupName,
    consumer: consumerName,
    noack,
  };
  blockForKeys(
    c,
    st.keys,
    timeout,
    (rc, key) => serveBlockedRead(rc, key, st),
    (rc) => rc.addNullArray(),
    groupName !== null,
  );
}

/** serveClientsBlockedOnStreamKey / unblockDeletedStreamReadgroupClients for one client. */
function serveBlockedRead(c: Client, key: string, st: ReadState): boolean {
  const v = c.db.peek(key);
  let gt: StreamID;
  let g: ConsumerGroup | undefined;
  if (st.group !== null) {
    if (!(v instanceof StreamValue)) {
      c.addError("UNBLOCKED the stream key no longer exists");
      return true;
    }
    g = lookupGroup(v, st.group);
    if (g === undefined) {
      c.addError("NOGROUP the consumer group this client was blocked on no longer exists");
      return true;
    }
    gt = g.lastId;
  } else {
    if (!(v instanceof StreamValue)) return false;
    gt = st.ids[st.keys.indexOf(key)];
  }
  if (!(v.lastId > gt)) return false;
  c.server.cmdTime = Date.now();
  const start = idIncr(gt) ?? ID_MIN;
  let cons: Consumer | undefined;
  if (g !== undefined) cons = consumerFor(c, g, st.consumer, key, st.group!, st.noack);
  if (c.resp === 2) {
    c.addArrayLen(1);
    c.addArrayLen(2);
  } else c.addMapLen(1);
  c.addBulk(key);
  const spi: [string, string] | undefined = g !== undefined ? [key, st.group!] : undefined;
  replyWithRange(c, v, start, ID_MAX, st.count, false, g, cons, st.noack, spi);
  return true;
}

// ---- XGROUP / XSETID ----------------------------------------------------------------------------

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

function xgroupCommand(c: Client, argv: string[]): void {
  const opt = argv[1].toLowerCase();
  const db = c.db;
  let s: StreamValue | undefined;
  let g: ConsumerGroup | undefined;
  let mkstream = false;
  let entriesRead = SCG_INVALID_ENTRIES_READ;
  const argc = argv.length;
  if (argc >= 4) {
    let i = 5;
    const create = opt === "create", setid = opt === "setid";
    while (i < argc) {
      if (create && eqi(argv[i], "MKSTREAM")) {
        mkstream = true;
        i++;
      } else if ((create || setid) && eqi(argv[i], "ENTRIESREAD") && i + 1 < argc) {
        const v = getLongLong(c, argv[i + 1]);
        if (v === null) return;
        if (v < 0 && v !== SCG_INVALID_ENTRIES_READ) {
          return c.addError("ERR value for ENTRIESREAD must be positive or -1");
        }
        entriesRead = v;
        i += 2;
      } else return addReplySubcommandSyntaxError(c, argv);
    }
    const v = asStream(c, db.lookupWrite(argv[2]));
    if (v === null) return;
    s = v;
  }
  if (argc >= 4 && !mkstream) {
    if (s === undefined) {
      return c.addError(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
      );
    }
    g = lookupGroup(s, argv[3]);
    if (
      g === undefined && (opt === "setid" || opt === "createconsumer" || opt === "delconsumer")
    ) {
      return c.addError(
        `NOGROUP No such consumer group '${argv[3]}' for key name '${argv[2]}'`,
      );
    }
  }
  const key = argv[2];
  if (argc === 2 && opt === "help") {
    addReplyHelp(c, argv[0], XGROUP_HELP);
  } else if (opt === "create" && argc >= 5 && argc <= 8) {
    let id: StreamID | null;
    if (argv[4] === "$") id = s ? s.lastId : ID_MIN;
    else if ((id = parseIdOrReply(c, argv[4], false, true)) === null) return;
    if (s === undefined) {
      s = new StreamValue();
      db.set(key, s);
      c.server.notify("n", "new", key, db.id);
      c.server.signalModifiedKey(db, key);
    }
    if (s.groups === null) s.groups = new Map();
    if (s.groups.has(argv[3])) {
      return c.addError("BUSYGROUP Consumer Group name already exists");
    }
    s.groups.set(argv[3], new ConsumerGroup(id, entriesRead));
    c.addOk();
    c.server.dirty++;
    c.server.notify("t", "xgroup-create", key, db.id);
  } else if (opt === "setid" && (argc === 5 || argc === 7)) {
    let id: StreamID | null;
    if (argv[4] === "$") id = s!.lastId;
    else if ((id = parseIdOrReply(c, argv[4], false, false)) === null) return;
    g!.lastId = id;
    g!.entriesRead = entriesRead;
    c.addOk();
    c.server.dirty++;
    c.server.notify("t", "xgroup-setid", key, db.id);
  } else if (opt === "destroy" && argc === 4) {
    if (g !== undefined) {
      s!.groups!.delete(argv[3]);
      c.addInt(1);
      c.server.dirty++;
      c.server.notify("t", "xgroup-destroy", key, db.id);
      db.signalKeyAsReady(key);
    } else c.addInt(0);
  } else if (opt === "createconsumer" && argc === 5) {
    c.addInt(createConsumer(c, g!, argv[4], key, db.id) ? 1 : 0);
  } else if (opt === "delconsumer" && argc === 5) {
    let pending = 0;
    const cons = lookupConsumer(g!, argv[4], true);
    if (cons !== undefined) {
      pending = cons.pel.size;
      g!.deleteConsumer(cons);
      c.server.dirty++;
      c.server.notify("t", "xgroup-delconsumer", key, db.id);
    }
    c.addInt(pending);
  } else addReplySubcommandSyntaxError(c, argv);
}

function xsetidCommand(c: Client, argv: string[]): void {
  const id = parseIdOrReply(c, argv[2], false, true);
  if (id === null) return;
  let entriesAdded = -1;
  let maxXdel = ID_MIN;
  let i = 3;
  while (i < argv.length) {
    const more = argv.length - 1 - i;
    if (eqi(argv[i], "ENTRIESADDED") && more) {
      const v = getLongLong(c, argv[i + 1]);
      if (v === null) return;
      if (v < 0) return c.addError("ERR entries_added must be positive");
      entriesAdded = v;
      i += 2;
    } else if (eqi(argv[i], "MAXDELETEDID") && more) {
      const m = parseIdOrReply(c, argv[i + 1], false, true);
      if (m === null) return;
      if (id < m) {
        return c.addError(
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
      }
      maxXdel = m;
      i += 2;
    } else return c.addErrorSyntax();
  }
  const v = c.db.lookupWrite(argv[1]);
  if (v === undefined) return c.addError("ERR no such key");
  const s = asStream(c, v);
  if (!s) return;
  if (s.length > 0) {
    if (id < s.lastLiveId()) {
      return c.addError(
        "ERR The ID specified in XSETID is smaller than the target stream top item",
      );
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      return c.addError(
        "ERR The entries_added specified in XSETID is smaller than the target stream length",
      );
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxXdel !== ID_MIN) s.maxDeletedId = maxXdel;
  c.addOk();
  c.server.dirty++;
  c.server.notify("t", "xsetid", argv[1], c.db.id);
}

// ---- XACK / XPENDING / XCLAIM / XAUTOCLAIM -----------------------------------------------------

function xackCommand(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1]);
  let g: ConsumerGroup | undefined;
  if (v !== undefined) {
    const s = asStream(c, v);
    if (!s) return;
    g = lookupGroup(s, argv[2]);
  }
  if (g === undefined) return c.addInt(0);
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseIdOrReply(c, argv[j], false, true);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    g.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
    c.server.dirty++;
  }
  c.addInt(acked);
}

function xpendingCommand(c: Client, argv: string[]): void {
  const argc = argv.length;
  const justInfo = argc === 3;
  const key = argv[1], groupName = argv[2];
  let consumerName: string | null = null;
  let start = ID_MIN, end = ID_MAX;
  let count = 0, minIdle = 0;
  if (argc !== 3 && (argc < 6 || argc > 9)) return c.addErrorSyntax();
  if (argc >= 6) {
    let startIdx = 3;
    if (eqi(argv[3], "IDLE")) {
      const v = getLongLong(c, argv[4]);
      if (v === null) return;
      minIdle = v;
      if (argc < 8) return c.addErrorSyntax();
      startIdx += 2;
    }
    const cnt = getLongLong(c, argv[startIdx + 2]);
    if (cnt === null) return;
    count = cnt < 0 ? 0 : cnt;
    const r = parseRange(c, argv[startIdx], argv[startIdx + 1]);
    if (r === null) return;
    [start, end] = r;
    if (startIdx + 3 < argc) consumerName = argv[startIdx + 3];
  }
  const v = lookupRead(c, key);
  const s = asStream(c, v);
  if (s === null) return;
  const g = s === undefined ? undefined : lookupGroup(s, groupName);
  if (g === undefined) {
    return c.addError(`NOGROUP No such key '${key}' or consumer group '${groupName}'`);
  }
  if (justInfo) {
    c.addArrayLen(4);
    c.addInt(g.pel.size);
    if (g.pel.size === 0) {
      c.addNull();
      c.addNull();
      c.addNullArray();
      return;
    }
    c.addBulk(formatId(g.pel.first()!));
    c.addBulk(formatId(g.pel.last()!));
    const names = sortedNames(g.consumers).filter((n) => g.consumers.get(n)!.pel.size > 0);
    c.addArrayLen(names.length);
    for (const n of names) {
      c.addArrayLen(2);
      c.addBulk(n);
      c.addBulk(String(g.consumers.get(n)!.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = lookupConsumer(g, consumerName, true);
    if (cons === undefined) return c.addArrayLen(0);
    pel = cons.pel;
  }
  const now = Date.now();
  const at = c.deferLen();
  let n = 0;
  if (count) {
    for (const id of pel.iter(start, end)) {
      const nack = pel.get(id)!;
      if (minIdle && now - nack.time < minIdle) continue;
      n++;
      c.addArrayLen(4);
      c.addBulk(formatId(id));
      c.addBulk(nack.consumer!.name);
      c.addInt(Math.max(0, now - nack.time));
      c.addInt(nack.count);
      if (--count === 0) break;
    }
  }
  c.setDeferredArray(at, n);
}

/** Move (or give) a pending entry to `cons`, as XCLAIM/XAUTOCLAIM do. */
function assignNack(id: StreamID, nack: Nack, cons: Consumer): void {
  if (nack.consumer !== cons) {
    nack.consumer?.pel.delete(id);
    cons.pel.set(id, nack);
    nack.consumer = cons;
  }
}

function xclaimCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = lookupRead(c, key);
  let g: ConsumerGroup | undefined;
  let s: StreamValue | undefined;
  if (v !== undefined) {
    const sv = asStream(c, v);
    if (!sv) return;
    s = sv;
    g = lookupGroup(s, argv[2]);
  }
  if (g === undefined || s === undefined) {
    return c.addError(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
  }
  let minIdle = getLongLong(c, argv[4], "Invalid min-idle-time argument for XCLAIM");
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseStreamId(argv[j], false, true);
    if (p === null) break;
    ids.push(p.id);
  }
  // XCLAIM is replicated as the normalized XCLAIMs it queues (with the IDs as given).
  c.preventPropagate = true;
  const now = Date.now();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false, justid = false;
  let lastId = ID_MIN;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (eqi(opt, "FORCE")) force = true;
    else if (eqi(opt, "JUSTID")) justid = true;
    else if (eqi(opt, "IDLE") && more) {
      const t = getLongLong(c, argv[++j], "Invalid IDLE option argument for XCLAIM");
      if (t === null) return;
      deliveryTime = now - t;
    } else if (eqi(opt, "TIME") && more) {
      const t = getLongLong(c, argv[++j], "Invalid TIME option argument for XCLAIM");
      if (t === null) return;
      deliveryTime = t;
    } else if (eqi(opt, "RETRYCOUNT") && more) {
      const t = getLongLong(c, argv[++j], "Invalid RETRYCOUNT option argument for XCLAIM");
      if (t === null) return;
      retryCount = t;
    } else if (eqi(opt, "LASTID") && more) {
      const id = parseIdOrReply(c, argv[++j], false, true);
      if (id === null) return;
      lastId = id;
    } else return c.addError(`ERR Unrecognized XCLAIM option '${opt}'`);
  }
  let propagateLastId = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  let cons: Consumer | undefined;
  const at = c.deferLen();
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let nack = g.pel.get(id);
    if (!s.exists(id)) {
      if (nack !== undefined) {
        propagateXclaim(c, key, g, argv[2], argv[5 + i], nack);
        propagateLastId = false;
        c.server.dirty++;
        g.pel.delete(id);
        nack.consumer?.pel.delete(id);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = { time: now, count: 1, consumer: null };
      g.pel.set(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer && minIdle && now - nack.time < minIdle) continue;
    cons ??= lookupOrCreateConsumer(c, g, argv[3], key, c.db.id);
    nack.time = deliveryTime;
    if (retryCount >= 0) nack.count = retryCount;
    else if (!justid) nack.count++;
    assignNack(id, nack, cons);
    if (justid) c.addBulk(formatId(id));
    else addEntryById(c, s, id);
    n++;
    propagateXclaim(c, key, g, argv[2], argv[5 + i], nack);
    propagateLastId = false;
    c.server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupId(c, key, g, argv[2]);
    c.server.dirty++;
  }
  c.setDeferredArray(at, n);
}

function xautoclaimCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = lookupRead(c, key);
  let minIdle = getLongLong(c, argv[4], "Invalid min-idle-time argument for XAUTOCLAIM");
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const sp = parseIntervalIdOrReply(c, argv[5], false);
  if (sp === null) return;
  let start: StreamID | null = sp.id;
  if (sp.ex && (start = idIncr(start)) === null) {
    return c.addError("ERR invalid start ID for the interval");
  }
  let count = 100;
  let justid = false;
  const maxCount = Math.floor(LLONG_MAX / 16);
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqi(argv[j], "COUNT") && more) {
      const n = parseI64(argv[j + 1]);
      if (n === null || n < 1 || n > maxCount) return c.addError("ERR COUNT must be > 0");
      count = Number(n);
      j++;
    } else if (eqi(argv[j], "JUSTID")) justid = true;
    else return c.addErrorSyntax();
  }
  let g: ConsumerGroup | undefined;
  let s: StreamValue | undefined;
  if (v !== undefined) {
    const sv = asStream(c, v);
    if (!sv) return;
    s = sv;
    g = lookupGroup(s, argv[2]);
  }
  if (g === undefined || s === undefined) {
    return c.addError(`NOGROUP No such key '${key}' or consumer group '${argv[2]}'`);
  }
  c.preventPropagate = true; // replicated as the XCLAIMs it queues
  let attempts = count * 10;
  const now = Date.now();
  let cons: Consumer | undefined;
  const deleted: StreamID[] = [];
  const claimed: StreamID[] = [];
  let cur = g.pel.seek(start);
  while (attempts-- && count && cur !== undefined) {
    const id = cur;
    const nack = g.pel.get(id)!;
    if (!s.exists(id)) {
      propagateXclaim(c, key, g, argv[2], formatId(id), nack);
      c.server.dirty++;
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      deleted.push(id);
      count--;
      cur = g.pel.seek(id);
      continue;
    }
    const next = idIncr(id);
    cur = next === null ? undefined : g.pel.seek(next);
    if (minIdle && now - nack.time < minIdle) continue;
    cons ??= lookupOrCreateConsumer(c, g, argv[3], key, c.db.id);
    nack.time = now;
    if (!justid) nack.count++;
    assignNack(id, nack, cons);
    claimed.push(id);
    count--;
    propagateXclaim(c, key, g, argv[2], formatId(id), nack);
    c.server.dirty++;
  }
  c.addArrayLen(3);
  c.addBulk(formatId(cur ?? ID_MIN));
  c.addArrayLen(claimed.length);
  for (const id of claimed) {
    if (justid) c.addBulk(formatId(id));
    else addEntryById(c, s, id);
  }
  c.addArrayLen(deleted.length);
  for (const id of deleted) c.addBulk(formatId(id));
}

// ---- XINFO --------------------------------------------------------------------------------------

function xinfoStream(c: Client, argv: string[], s: StreamValue): void {
  let full = false;
  let count = 10;
  const opts = argv.slice(3);
  if (opts.length) {
    if (opts.length !== 1 && opts.length !== 3) return addReplySubcommandSyntaxError(c, argv);
    if (!eqi(opts[0], "FULL")) return addReplySubcommandSyntaxError(c, argv);
    if (opts.length === 3) {
      if (!eqi(opts[1], "COUNT")) return addReplySubcommandSyntaxError(c, argv);
      const v = getLongLong(c, opts[2]);
      if (v === null) return;
      count = v < 0 ? 10 : v;
    }
    full = true;
  }
  c.addMapLen(full ? 9 : 10);
  c.addBulk("length");
  c.addInt(s.length);
  c.addBulk("radix-tree-keys");
  c.addInt(s.nodes.length);
  c.addBulk("radix-tree-nodes");
  c.addInt(radixTreeNodes(s));
  c.addBulk("last-generated-id");
  c.addBulk(formatId(s.lastId));
  c.addBulk("max-deleted-entry-id");
  c.addBulk(formatId(s.maxDeletedId));
  c.addBulk("entries-added");
  c.addInt(s.entriesAdded);
  c.addBulk("recorded-first-entry-id");
  c.addBulk(formatId(s.firstId));
  if (!full) {
    c.addBulk("groups");
    c.addInt(s.groups?.size ?? 0);
    for (const [name, rev] of [["first-entry", false], ["last-entry", true]] as const) {
      c.addBulk(name);
      const it = s.iterator(ID_MIN, ID_MAX, rev);
      if (it.next()) addEntry(c, it.formatId(), it.fields());
      else c.addNull();
    }
    return;
  }
  c.addBulk("entries");
  replyWithRange(c, s, ID_MIN, ID_MAX, count, false);
  c.addBulk("groups");
  const groups = s.groups ?? new Map<string, ConsumerGroup>();
  c.addArrayLen(groups.size);
  for (const name of sortedNames(groups)) {
    const g = groups.get(name)!;
    c.addMapLen(7);
    c.addBulk("name");
    c.addBulk(name);
    c.addBulk("last-delivered-id");
    c.addBulk(formatId(g.lastId));
    c.addBulk("entries-read");
    addEntriesRead(c, g);
    c.addBulk("lag");
    addLag(c, s, g);
    c.addBulk("pel-count");
    c.addInt(g.pel.size);
    c.addBulk("pending");
    const pend = g.pel.range(ID_MIN, ID_MAX, count);
    c.addArrayLen(pend.length);
    for (const id of pend) {
      const nack = g.pel.get(id)!;
      c.addArrayLen(4);
      c.addBulk(formatId(id));
      c.addBulk(nack.consumer!.name);
      c.addInt(nack.time);
      c.addInt(nack.count);
    }
    c.addBulk("consumers");
    c.addArrayLen(g.consumers.size);
    for (const cname of sortedNames(g.consumers)) {
      const cons = g.consumers.get(cname)!;
      c.addMapLen(4);
      c.addBulk("name");
      c.addBulk(cname);
      c.addBulk("seen-time");
      c.addInt(cons.seenTime);
      c.addBulk("pel-count");
      c.addInt(cons.pel.size);
      c.addBulk("pending");
      const cp = cons.pel.range(ID_MIN, ID_MAX, count);
      c.addArrayLen(cp.length);
      for (const id of cp) {
        const nack = cons.pel.get(id)!;
        c.addArrayLen(3);
        c.addBulk(formatId(id));
        c.addInt(nack.time);
        c.addInt(nack.count);
      }
    }
  }
}

/**
 * XINFO STREAM radix-tree-nodes: the node count of the rax Redis would hold for these node keys
 * (16-byte big-endian first IDs). In a rax a run of chars shared by all keys below a point is one
 * compressed node, a point where keys diverge is one branch node, and every key ends in an empty
 * leaf node; so the count follows from the sorted keys alone (O(keys × 16), XINFO only).
 */
function radixTreeNodes(s: StreamValue): number {
  const keys = s.nodes.map((n) => n.idAt(0));
  if (keys.length === 0) return 1;
  // Keys in [lo, hi) all share their first `d` chars.
  const count = (lo: number, hi: number, d: number): number => {
    if (d === 16) return 1;
    if (hi - lo === 1) return 2;
    let p = d;
    while (p < 16 && keys[lo].charCodeAt(p) === keys[hi - 1].charCodeAt(p)) p++;
    let n = p > d ? 2 : 1; // a compressed node for the shared run, then the branch node
    for (let i = lo; i < hi;) {
      const ch = keys[i].charCodeAt(p);
      let j = i + 1;
      while (j < hi && keys[j].charCodeAt(p) === ch) j++;
      n += count(i, j, p + 1);
      i = j;
    }
    return n;
  };
  return count(0, keys.length, 0);
}

function addEntriesRead(c: Client, g: ConsumerGroup): void {
  if (g.entriesRead !== SCG_INVALID_ENTRIES_READ) c.addInt(g.entriesRead);
  else c.addNull();
}

function addLag(c: Client, s: StreamValue, g: ConsumerGroup): void {
  const lag = s.groupLag(g);
  if (lag === null) c.addNull();
  else c.addInt(lag);
}

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

function xinfoCommand(c: Client, argv: string[]): void {
  if (eqi(argv[1], "HELP")) {
    if (argv.length !== 2) return addReplySubcommandSyntaxError(c, argv);
    return addReplyHelp(c, argv[0], XINFO_HELP);
  }
  if (argv.length < 3) return addReplySubcommandSyntaxError(c, argv);
  const opt = argv[1].toLowerCase();
  const key = argv[2];
  const v = lookupRead(c, key);
  if (v === undefined) return c.addError("ERR no such key");
  const s = asStream(c, v);
  if (!s) return;
  if (opt === "consumers" && argv.length === 4) {
    const g = lookupGroup(s, argv[3]);
    if (g === undefined) {
      return c.addError(`NOGROUP No such consumer group '${argv[3]}' for key name '${key}'`);
    }
    const now = Date.now();
    c.addArrayLen(g.consumers.size);
    for (const name of sortedNames(g.consumers)) {
      const cons = g.consumers.get(name)!;
      c.addMapLen(3);
      c.addBulk("name");
      c.addBulk(name);
      c.addBulk("pending");
      c.addInt(cons.pel.size);
      c.addBulk("idle");
      c.addInt(Math.max(0, now - cons.seenTime));
    }
  } else if (opt === "groups" && argv.length === 3) {
    const groups = s.groups;
    if (groups === null) return c.addArrayLen(0);
    c.addArrayLen(groups.size);
    for (const name of sortedNames(groups)) {
      const g = groups.get(name)!;
      c.addMapLen(6);
      c.addBulk("name");
      c.addBulk(name);
      c.addBulk("consumers");
      c.addInt(g.consumers.size);
      c.addBulk("pending");
      c.addInt(g.pel.size);
      c.addBulk("last-delivered-id");
      c.addBulk(formatId(g.lastId));
      c.addBulk("entries-read");
      addEntriesRead(c, g);
      c.addBulk("lag");
      addLag(c, s, g);
    }
  } else if (opt === "stream") {
    xinfoStream(c, argv, s);
  } else addReplySubcommandSyntaxError(c, argv);
}

// ---- key extraction -----------------------------------------------------------------------------

/** xreadGetKeys: the keys after STREAMS (the first half of what follows it). */
function xreadGetKeys(argv: string[]): number[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (eqi(a, "BLOCK") || eqi(a, "COUNT")) i++;
    else if (eqi(a, "GROUP")) i += 2;
    else if (eqi(a, "NOACK")) {
      // no argument
    } else if (eqi(a, "STREAMS")) {
      streamsPos = i;
      break;
    } else break;
  }
  const num = argv.length - streamsPos - 1;
  if (streamsPos === -1 || num === 0 || num % 2 !== 0) return [];
  const keys: number[] = [];
  for (let i = streamsPos + 1; i < argv.length - num / 2; i++) keys.push(i);
  return keys;
}

// ---- the command table --------------------------------------------------------------------------

/** XADD's and XTRIM's trimming arguments (COMMAND DOCS). */
const TRIM_ARGS: ArgDoc[] = [
  {
    name: "strategy",
    type: "oneof",
    arguments: [{ name: "maxlen", type: "pure-token", token: "MAXLEN" }, {
      name: "minid",
      type: "pure-token",
      token: "MINID",
      since: "6.2.0",
    }],
  },
  {
    name: "operator",
    type: "oneof",
    optional: true,
    arguments: [{ name: "equal", type: "pure-token", token: "=" }, {
      name: "approximately",
      type: "pure-token",
      token: "~",
    }],
  },
  { name: "threshold", type: "string" },
  { name: "count", type: "integer", token: "LIMIT", optional: true, since: "6.2.0" },
];

export const streamCommands: CommandDef[] = [
  cmd("xack", -4, "write fast", [1, 1, 1], "stream", xackCommand, {
    summary:
      "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
    since: "5.0.0",
    group: G,
    complexity: "O(1) for each message ID processed.",
    keySpecs: [{
      flags: ["RW", "UPDATE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "group", type: "string" }, {
      name: "id",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("xadd", -5, "write denyoom fast", [1, 1, 1], "stream", xaddCommand, {
    summary: "Appends a new entry to a stream",
    since: "5.0.0",
    group: G,
    complexity:
      "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
    history: [[
      "6.2.0",
      "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.",
    ], ["7.0.0", "Added support for the `<ms>-*` explicit ID form."]],
    tips: ["nondeterministic_output"],
    keySpecs: [{
      flags: ["RW", "UPDATE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
      notes: "UPDATE instead of INSERT because of the optional trimming feature",
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "nomkstream",
      type: "pure-token",
      token: "NOMKSTREAM",
      optional: true,
      since: "6.2.0",
    }, {
      name: "trim",
      type: "block",
      optional: true,
      arguments: TRIM_ARGS,
    }, {
      name: "id_or_auto",
      type: "oneof",
      arguments: [{ name: "auto_id", type: "pure-token", token: "*" }, {
        name: "id",
        type: "string",
      }],
    }, {
      name: "field_value",
      type: "block",
      multiple: true,
      arguments: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
    }],
  }),
  cmd("xautoclaim", -6, "write fast", [1, 1, 1], "stream", xautoclaimCommand, {
    summary:
      "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.",
    since: "6.2.0",
    group: G,
    complexity: "O(1) if COUNT is small.",
    history: [[
      "7.0.0",
      "Added an element to the reply array, containing deleted entries the command cleared from the PEL",
    ]],
    tips: ["nondeterministic_output"],
    keySpecs: [{
      flags: ["RW", "DELETE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "start", type: "string" },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
    ],
  }),
  cmd("xclaim", -6, "write fast", [1, 1, 1], "stream", xclaimCommand, {
    summary:
      "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.",
    since: "5.0.0",
    group: G,
    complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
    tips: ["nondeterministic_output"],
    keySpecs: [{
      flags: ["RW", "UPDATE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "id", type: "string", multiple: true },
      { name: "ms", type: "integer", token: "IDLE", optional: true },
      { name: "unix-time-milliseconds", type: "unix-time", token: "TIME", optional: true },
      { name: "count", type: "integer", token: "RETRYCOUNT", optional: true },
      { name: "force", type: "pure-token", token: "FORCE", optional: true },
      { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
      { name: "id", type: "string", token: "LASTID", optional: true },
    ],
  }),
  cmd("xdel", -3, "write fast", [1, 1, 1], "stream", xdelCommand, {
    summary:
      "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
    since: "5.0.0",
    group: G,
    complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
    keySpecs: [{
      flags: ["RW", "DELETE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "id",
      type: "string",
      multiple: true,
    }],
  }),
  cmd("xgroup", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for consumer groups commands",
    since: "5.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("destroy", 4, "write", [2, 2, 1], "stream", xgroupCommand, {
        summary: "Destroy a consumer group.",
        since: "5.0.0",
        group: G,
        complexity:
          "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        keySpecs: [{
          flags: ["RW", "DELETE"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "groupname",
          type: "string",
        }],
      }),
      cmd("createconsumer", 5, "write denyoom", [2, 2, 1], "stream", xgroupCommand, {
        summary: "Create a consumer in a consumer group.",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
        keySpecs: [{
          flags: ["RW", "INSERT"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "groupname",
          type: "string",
        }, { name: "consumername", type: "string" }],
      }),
      cmd("create", -5, "write denyoom", [2, 2, 1], "stream", xgroupCommand, {
        summary: "Create a consumer group.",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        history: [["7.0.0", "Added the `entries_read` named argument."]],
        keySpecs: [{
          flags: ["RW", "INSERT"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "groupname", type: "string" },
          {
            name: "id",
            type: "oneof",
            arguments: [{ name: "id", type: "string" }, {
              name: "new_id",
              type: "pure-token",
              token: "$",
            }],
          },
          { name: "mkstream", type: "pure-token", token: "MKSTREAM", optional: true },
          { name: "entries_read", type: "integer", token: "ENTRIESREAD", optional: true },
        ],
      }),
      cmd("delconsumer", 5, "write", [2, 2, 1], "stream", xgroupCommand, {
        summary: "Delete a consumer from a consumer group.",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        keySpecs: [{
          flags: ["RW", "DELETE"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "groupname",
          type: "string",
        }, { name: "consumername", type: "string" }],
      }),
      cmd("setid", -5, "write", [2, 2, 1], "stream", xgroupCommand, {
        summary: "Set a consumer group to an arbitrary last delivered ID value.",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        history: [["7.0.0", "Added the optional `entries_read` argument."]],
        keySpecs: [{
          flags: ["RW", "UPDATE"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "groupname",
          type: "string",
        }, {
          name: "id",
          type: "oneof",
          arguments: [{ name: "id", type: "string" }, {
            name: "new_id",
            type: "pure-token",
            token: "$",
          }],
        }, { name: "entries_read", type: "integer", token: "ENTRIESREAD", optional: true }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "stream", xgroupCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
    ],
  }),
  cmd("xinfo", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for stream introspection commands",
    since: "5.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("stream", -3, "readonly", [2, 2, 1], "stream", xinfoCommand, {
        summary: "Get information about a stream",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        history: [["6.0.0", "Added the `FULL` modifier."], [
          "7.0.0",
          "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
        ]],
        keySpecs: [{
          flags: ["RO", "ACCESS"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "full",
          type: "block",
          token: "FULL",
          optional: true,
          arguments: [{ name: "count", type: "integer", token: "COUNT", optional: true }],
        }],
      }),
      cmd("groups", 3, "readonly", [2, 2, 1], "stream", xinfoCommand, {
        summary: "List the consumer groups of a stream",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        history: [["7.0.0", "Added the `entries-read` and `lag` fields"]],
        keySpecs: [{
          flags: ["RO", "ACCESS"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "stream", xinfoCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("consumers", 4, "readonly", [2, 2, 1], "stream", xinfoCommand, {
        summary: "List the consumers in a consumer group",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        keySpecs: [{
          flags: ["RO", "ACCESS"],
          beginSearch: { type: "index", index: 2 },
          findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
        }],
        arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
          name: "groupname",
          type: "string",
        }],
      }),
    ],
  }),
  cmd("xlen", 2, "readonly fast", [1, 1, 1], "stream", xlenCommand, {
    summary: "Return the number of entries in a stream",
    since: "5.0.0",
    group: G,
    complexity: "O(1)",
    keySpecs: [{
      flags: ["RO"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  }),
  cmd("xpending", -3, "readonly", [1, 1, 1], "stream", xpendingCommand, {
    summary:
      "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.",
    since: "5.0.0",
    group: G,
    complexity:
      "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
    history: [["6.2.0", "Added the `IDLE` option and exclusive range intervals."]],
    tips: ["nondeterministic_output"],
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "group", type: "string" }, {
      name: "filters",
      type: "block",
      optional: true,
      arguments: [
        { name: "min-idle-time", type: "integer", token: "IDLE", optional: true, since: "6.2.0" },
        { name: "start", type: "string" },
        { name: "end", type: "string" },
        { name: "count", type: "integer" },
        { name: "consumer", type: "string", optional: true },
      ],
    }],
  }),
  cmd("xrange", -4, "readonly", [1, 1, 1], "stream", xrangeCommand, {
    summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval",
    since: "5.0.0",
    group: G,
    complexity:
      "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history: [["6.2.0", "Added exclusive ranges."]],
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "start", type: "string" }, {
      name: "end",
      type: "string",
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
  cmd("xread", -4, "blocking readonly", [0, 0, 0], "stream", xreadCommand, {
    summary:
      "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
    since: "5.0.0",
    group: G,
    complexity:
      "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "keyword", keyword: "STREAMS", startFrom: 1 },
      findKeys: { type: "range", lastKey: -1, step: 1, limit: 2 },
    }],
    arguments: [{ name: "count", type: "integer", token: "COUNT", optional: true }, {
      name: "milliseconds",
      type: "integer",
      token: "BLOCK",
      optional: true,
    }, {
      name: "streams",
      type: "block",
      token: "STREAMS",
      arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
        name: "id",
        type: "string",
        multiple: true,
      }],
    }],
    getKeys: xreadGetKeys,
  }),
  cmd("xreadgroup", -7, "blocking write", [0, 0, 0], "stream", xreadCommand, {
    summary:
      "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
    since: "5.0.0",
    group: G,
    complexity:
      "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "keyword", keyword: "STREAMS", startFrom: 4 },
      findKeys: { type: "range", lastKey: -1, step: 1, limit: 2 },
    }],
    arguments: [
      {
        name: "group_consumer",
        type: "block",
        token: "GROUP",
        arguments: [{ name: "group", type: "string" }, { name: "consumer", type: "string" }],
      },
      { name: "count", type: "integer", token: "COUNT", optional: true },
      { name: "milliseconds", type: "integer", token: "BLOCK", optional: true },
      { name: "noack", type: "pure-token", token: "NOACK", optional: true },
      {
        name: "streams",
        type: "block",
        token: "STREAMS",
        arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }, {
          name: "id",
          type: "string",
          multiple: true,
        }],
      },
    ],
    getKeys: xreadGetKeys,
  }),
  cmd("xrevrange", -4, "readonly", [1, 1, 1], "stream", xrevrangeCommand, {
    summary:
      "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
    since: "5.0.0",
    group: G,
    complexity:
      "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history: [["6.2.0", "Added exclusive ranges."]],
    keySpecs: [{
      flags: ["RO", "ACCESS"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "end", type: "string" }, {
      name: "start",
      type: "string",
    }, { name: "count", type: "integer", token: "COUNT", optional: true }],
  }),
  cmd("xsetid", -3, "write denyoom fast", [1, 1, 1], "stream", xsetidCommand, {
    summary: "An internal command for replicating stream values",
    since: "5.0.0",
    group: G,
    complexity: "O(1)",
    history: [["7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."]],
    keySpecs: [{
      flags: ["RW", "UPDATE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "last-id", type: "string" },
      {
        name: "entries_added",
        type: "integer",
        token: "ENTRIESADDED",
        optional: true,
        since: "7.0.0",
      },
      {
        name: "max_deleted_entry_id",
        type: "string",
        token: "MAXDELETEDID",
        optional: true,
        since: "7.0.0",
      },
    ],
  }),
  cmd("xtrim", -4, "write", [1, 1, 1], "stream", xtrimCommand, {
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: "5.0.0",
    group: G,
    complexity:
      "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
    history: [["6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."]],
    tips: ["nondeterministic_output"],
    keySpecs: [{
      flags: ["RW", "DELETE"],
      beginSearch: { type: "index", index: 1 },
      findKeys: { type: "range", lastKey: 0, step: 1, limit: 0 },
    }],
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, {
      name: "trim",
      type: "block",
      arguments: TRIM_ARGS,
    }],
  }),
];
