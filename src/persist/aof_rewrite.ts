/**
 * AOF-format serialization of the dataset (rewriteAppendOnlyFileRio), used for the base file when
 * `aof-use-rdb-preamble no`: `#TS:` first when timestamps are on, FUNCTION LOAD per library, then
 * per db SELECT and one command group per key: SET for strings, RPUSH / SADD / ZADD / HMSET with
 * at most 64 items per command (AOF_REWRITE_ITEMS_PER_CMD), PEXPIREAT after a key with a TTL.
 * Streams as Redis writes them (XADD per entry, XSETID, XGROUP CREATE, XCLAIM ... FORCE, XGROUP
 * CREATECONSUMER); module types as `RESTORE key 0 <DUMP payload> REPLACE`.
 *
 * It implements the SnapshotSerializer of src/persist/snapshot.ts, so BGREWRITEAOF reuses the
 * incremental copy-on-write walk of BGSAVE with this output instead of RDB.
 */
import type { Server } from "../server/server.ts";
import type { Db, RValue } from "../store/db.ts";
import { formatDouble, ReplyWriter } from "../protocol/reply.ts";
import type { ListValue } from "../types/list.ts";
import type { SetObject } from "../types/set.ts";
import type { HashObject } from "../types/hash.ts";
import type { ZSet } from "../types/zset.ts";
import { sortedNames, StreamIterator, type StreamValue } from "../types/stream.ts";
import { formatId, ID_MAX, ID_MIN } from "../types/streamid.ts";
import { createDumpPayload, type SaveOptions } from "./rdb.ts";
import type { SnapshotSerializer } from "./snapshot.ts";
import { saveOptions } from "./options.ts";
import { bytesToBinary } from "../config/parse.ts";

const ITEMS_PER_CMD = 64;
const CHUNK = 1 << 20;

/** RESP command encoder into a growable buffer (the AOF buffer and the rewrite share it). */
export class CommandBuffer extends ReplyWriter {
  constructor(size = 16 * 1024) {
    super();
    this.out = new Uint8Array(size);
  }

  /** `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument (binary strings), one ensure. */
  command(argv: readonly string[]): void {
    const argc = argv.length;
    let need = 16;
    for (let i = 0; i < argc; i++) need += argv[i].length + 16;
    this.ensure(need);
    const o = this.out;
    let p = this.outLen;
    o[p++] = 42; // *
    p = writeDecimal(o, p, argc);
    for (let i = 0; i < argc; i++) {
      const a = argv[i];
      const n = a.length;
      o[p++] = 36; // $
      p = writeDecimal(o, p, n);
      if (n > 256) {
        this.outLen = p;
        this.writeBinary(a);
        p = this.outLen;
      } else {
        for (let j = 0; j < n; j++) o[p++] = a.charCodeAt(j);
      }
      o[p++] = 13;
      o[p++] = 10;
    }
    this.outLen = p;
  }

  /** The pending bytes, copied; the buffer is emptied. */
  take(): Uint8Array {
    const b = this.out.slice(0, this.outLen);
    this.outLen = 0;
    return b;
  }
}

/** Decimal digits of a non-negative integer then CRLF at `p`; returns the new position. */
function writeDecimal(o: Uint8Array, p: number, n: number): number {
  if (n < 10) o[p++] = 48 + n;
  else if (n < 100) {
    o[p++] = 48 + ((n / 10) | 0);
    o[p++] = 48 + (n % 10);
  } else {
    const s = String(n);
    for (let i = 0; i < s.length; i++) o[p++] = s.charCodeAt(i);
  }
  o[p++] = 13;
  o[p++] = 10;
  return p;
}

export class AofSerializer implements SnapshotSerializer {
  curDb = -1;
  readonly buf = new CommandBuffer(CHUNK + (CHUNK >> 2));
  readonly #opts: SaveOptions;

  constructor(server: Server, readonly timestamp: boolean) {
    this.#opts = saveOptions(server.config);
  }

  get full(): boolean {
    return this.buf.outLen >= CHUNK;
  }

  header(server: Server): void {
    if (this.timestamp) this.buf.writeAscii(`#TS:${Math.floor(Date.now() / 1000)}\r\n`);
    for (const lib of server.functions.libraries.values()) {
      this.buf.command(["FUNCTION", "LOAD", lib.code]);
    }
  }

  selectDb(db: Db): void {
    this.reselect(db.id);
  }

  reselect(id: number): void {
    this.buf.command(["SELECT", String(id)]);
    this.curDb = id;
  }

  keyValue(_db: Db, key: string, v: RValue, expire: number | undefined): void {
    const b = this.buf;
    if (typeof v === "string") {
      b.command(["SET", key, v]);
    } else {
      switch (v.type) {
        case "list": {
          const l = v as ListValue;
          const n = l.length;
          for (let i = 0; i < n; i += ITEMS_PER_CMD) {
            const end = Math.min(n, i + ITEMS_PER_CMD);
            b.addArrayLen(2 + end - i);
            b.addBulk("RPUSH");
            b.addBulk(key);
            for (let j = i; j < end; j++) b.addBulk(l.get(j));
          }
          break;
        }
        case "set":
          this.#variadic("SADD", key, [...(v as SetObject).values()], 1);
          break;
        case "hash": {
          const items: string[] = [];
          for (const [f, val] of (v as HashObject).map) items.push(f, val);
          this.#variadic("HMSET", key, items, 2);
          break;
        }
        case "zset": {
          const items: string[] = [];
          (v as ZSet).forEach((m, sc) => items.push(formatDouble(sc), m));
          this.#variadic("ZADD", key, items, 2);
          break;
        }
        case "stream":
          this.#stream(key, v as StreamValue);
          break;
        default: {
          const p = createDumpPayload(v, this.#opts);
          b.command(["RESTORE", key, "0", bytesToBinary(p), "REPLACE"]);
        }
      }
    }
    if (expire !== undefined) b.command(["PEXPIREAT", key, String(expire)]);
  }

  /**
   * rewriteStreamObject: XADD per entry (or `XADD key MAXLEN 0 0-1 x y` for an empty stream),
   * XSETID with ENTRIESADDED and MAXDELETEDID, then per group (bytewise order) XGROUP CREATE ...
   * ENTRIESREAD, and per consumer XCLAIM ... JUSTID FORCE for each pending entry or XGROUP
   * CREATECONSUMER when it has none.
   */
  #stream(key: string, s: StreamValue): void {
    const b = this.buf;
    if (s.length > 0) {
      const it = new StreamIterator(s, ID_MIN, ID_MAX, false);
      while (it.next()) b.command(["XADD", key, it.formatId(), ...it.fields()]);
    } else {
      b.command(["XADD", key, "MAXLEN", "0", "0-1", "x", "y"]);
    }
    b.command([
      "XSETID",
      key,
      formatId(s.lastId),
      "ENTRIESADDED",
      String(s.entriesAdded),
      "MAXDELETEDID",
      formatId(s.maxDeletedId),
    ]);
    if (s.groups === null) return;
    for (const name of sortedNames(s.groups)) {
      const g = s.groups.get(name)!;
      b.command([
        "XGROUP",
        "CREATE",
        key,
        name,
        formatId(g.lastId),
        "ENTRIESREAD",
        String(g.entriesRead),
      ]);
      for (const cname of sortedNames(g.consumers)) {
        const c = g.consumers.get(cname)!;
        if (c.pel.size === 0) {
          b.command(["XGROUP", "CREATECONSUMER", key, name, cname]);
          continue;
        }
        for (const [id, nack] of c.pel.entries()) {
          b.command([
            "XCLAIM",
            key,
            name,
            cname,
            "0",
            formatId(id),
            "TIME",
            String(nack.time),
            "RETRYCOUNT",
            String(nack.count),
            "JUSTID",
            "FORCE",
          ]);
        }
      }
    }
  }

  /** `items` grouped by `per` (1 member, 2 field+value), at most 64 groups per command. */
  #variadic(name: string, key: string, items: string[], per: number): void {
    const b = this.buf;
    const step = ITEMS_PER_CMD * per;
    for (let i = 0; i < items.length; i += step) {
      const end = Math.min(items.length, i + step);
      b.addArrayLen(2 + end - i);
      b.addBulk(name);
      b.addBulk(key);
      for (let j = i; j < end; j++) b.addBulk(items[j]);
    }
  }

  take(): Uint8Array {
    return this.buf.take();
  }

  trailer(): Uint8Array {
    return this.buf.take();
  }
}
