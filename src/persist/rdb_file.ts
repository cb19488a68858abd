/**
 * RDB files (version 10, Redis 7.0): the writer behind SAVE/BGSAVE/SHUTDOWN and the loader used at
 * start-up and by DEBUG RELOAD. Object encodings are in src/persist/rdb.ts.
 *
 * File layout: "REDIS0010", AUX fields (redis-ver, redis-bits, ctime, used-mem, aof-base),
 * FUNCTION2 records (library code), then per non-empty db SELECTDB + RESIZEDB and its keys
 * ([EXPIRETIME_MS] [IDLE | FREQ] type key value), EOF, and the CRC64 of everything before it
 * (8 bytes LE; 0 when rdbchecksum is off).
 */
import type { Server } from "../server/server.ts";
import type { Db, RValue } from "../store/db.ts";
import { REDIS_COMPAT_VERSION } from "../server/version.ts";
import { bytesToStrRelease, FormatError } from "./bytes.ts";
import { crc64Bytes, crc64Init, crc64Update } from "./crc64.ts";
import {
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_MODULE_AUX,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_VERSION,
  rdbIsObjectType,
  rdbLoadFunctionCode,
  rdbLoadObject,
  rdbObjectType,
  RdbReader,
  rdbSaveFunctions,
  rdbSaveObject,
  RdbWriter,
  type SaveOptions,
} from "./rdb.ts";
import { objLimits, saveOptions } from "./options.ts";

/** Flush the writer to the sink once it holds this much. */
const CHUNK = 1 << 20;

/** Where the bytes of an RDB go: synchronous (SAVE) or not (BGSAVE). */
export interface RdbSink {
  write(b: Uint8Array): void | Promise<void>;
}

/** State of one RDB serialization (shared by the blocking and the incremental writers). */
export class RdbSerializer {
  readonly w: RdbWriter;
  readonly crc = crc64Init();
  readonly checksum: boolean;
  /** Db index whose SELECTDB was written last (-1: none). */
  curDb = -1;
  /** Written as the base of an AOF (aux aof-base 1). */
  aofBase = false;
  /** The maxmemory-policy is LRU (save IDLE) or LFU (save FREQ), as rdbSaveKeyValuePair. */
  readonly saveLru: boolean;
  readonly saveLfu: boolean;

  constructor(opts: SaveOptions, checksum: boolean, policy: string) {
    this.w = new RdbWriter(opts, CHUNK + (CHUNK >> 2));
    this.checksum = checksum;
    this.saveLfu = policy.includes("lfu");
    this.saveLru = policy.includes("lru");
  }

  /** Bytes ready to go out (the CRC is updated); the writer is reset. */
  take(): Uint8Array {
    const out = this.w.view().slice();
    if (this.checksum) crc64Update(this.crc, out);
    this.w.reset();
    return out;
  }

  get full(): boolean {
    return this.w.pos >= CHUNK;
  }

  aux(key: string, value: string): void {
    this.w.u8(RDB_OPCODE_AUX);
    this.w.string(key);
    this.w.string(value);
  }

  /** `aofBase`: the RDB is the base of an AOF (aux field aof-base 1, as RDBFLAGS_AOF_PREAMBLE). */
  header(server: Server, aofBase = this.aofBase): void {
    this.w.str(`REDIS${String(RDB_VERSION).padStart(4, "0")}`);
    this.aux("redis-ver", REDIS_COMPAT_VERSION);
    this.aux("redis-bits", "64");
    this.aux("ctime", String(Math.floor(Date.now() / 1000)));
    this.aux("used-mem", String(Math.floor(server.evictor.usedMemory())));
    this.aux("aof-base", aofBase ? "1" : "0");
    rdbSaveFunctions(this.w, libraryCodes(server));
  }

  selectDb(db: Db, size: number, expires: number): void {
    this.w.u8(RDB_OPCODE_SELECTDB);
    this.w.len(db.id);
    this.w.u8(RDB_OPCODE_RESIZEDB);
    this.w.len(size);
    this.w.len(expires);
    this.curDb = db.id;
  }

  reselect(id: number): void {
    this.w.u8(RDB_OPCODE_SELECTDB);
    this.w.len(id);
    this.curDb = id;
  }

  /** rdbSaveKeyValuePair: [EXPIRETIME_MS] [IDLE | FREQ] type key value. */
  keyValue(db: Db, key: string, v: RValue, expire: number | undefined): void {
    const w = this.w;
    if (expire !== undefined) {
      w.u8(RDB_OPCODE_EXPIRETIME_MS);
      w.millis(expire);
    }
    if (this.saveLfu) {
      const f = db.getLru(key);
      w.u8(RDB_OPCODE_FREQ);
      w.u8(f === undefined ? 5 : f & 0xff);
    } else if (this.saveLru) {
      w.u8(RDB_OPCODE_IDLE);
      w.len(Math.max(0, db.idleSeconds(key)));
    }
    const t = rdbObjectType(v);
    w.u8(t);
    w.string(key);
    rdbSaveObject(w, v, t);
  }

  trailer(): Uint8Array {
    this.w.u8(RDB_OPCODE_EOF);
    const body = this.take();
    const tail = this.checksum ? crc64Bytes(this.crc) : new Uint8Array(8);
    const out = new Uint8Array(body.length + 8);
    out.set(body);
    out.set(tail, body.length);
    return out;
  }
}

/** The code of every library, in the registry's order (what FUNCTION2 records hold). */
export function libraryCodes(server: Server): string[] {
  return [...server.functions.libraries.values()].map((lib) => lib.code);
}

export function newSerializer(server: Server): RdbSerializer {
  const cfg = server.config;
  return new RdbSerializer(
    saveOptions(cfg),
    cfg.getBool("rdbchecksum"),
    cfg.getString("maxmemory-policy"),
  );
}

/** Serialize the whole dataset synchronously, handing each chunk to `sink` (rdbSaveRio). */
export function rdbSaveSync(
  server: Server,
  sink: (b: Uint8Array) => void,
  aofBase = false,
): number {
  const s = newSerializer(server);
  s.header(server, aofBase);
  let keys = 0;
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    s.selectDb(db, db.size, db.volatileSize);
    const ks = db.ks;
    for (const [key, slot] of ks.map) {
      s.keyValue(db, key, ks.vals[slot]!, ks.expireOf(slot));
      keys++;
      if (s.full) sink(s.take());
    }
  }
  sink(s.trailer());
  return keys;
}

/** The path of the RDB file: `dir` (the working directory) / `dbfilename`. */
export function rdbPath(server: Server): string {
  return server.config.getString("dbfilename");
}

/**
 * rdbSave: write the dataset to a temporary file, fsync it, rename it over `dbfilename`. Returns
 * null on success or the error text (the temporary file is removed).
 */
export function rdbSaveFile(server: Server, filename = rdbPath(server)): string | null {
  const tmp = `temp-${Deno.pid}.rdb`;
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  } catch (e) {
    let root = "?";
    try {
      root = Deno.cwd();
    } catch { /* the working directory is gone */ }
    return `Failed opening the temp RDB file ${tmp} (in server root dir ${root}) for saving: ${
      (e as Error).message
    }`;
  }
  try {
    rdbSaveSync(server, (b) => writeAllSync(f, b));
    f.syncSync();
    f.close();
    Deno.renameSync(tmp, filename);
    return null;
  } catch (e) {
    try {
      f.close();
    } catch { /* closed */ }
    try {
      Deno.removeSync(tmp);
    } catch { /* gone */ }
    return `Write error saving DB on disk: ${(e as Error).message}`;
  }
}

export function writeAllSync(f: Deno.FsFile, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += f.writeSync(b.subarray(off));
}

// ---- loading -----------------------------------------------------------------------------------

/** A load failure: the message and the offset in the file where it was detected. */
export class RdbLoadError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

export interface LoadResult {
  keysLoaded: number;
  keysExpired: number;
  /** AUX fields read (redis-ver, ctime, ...). */
  aux: Map<string, string>;
  /** Offset just past the RDB (an old-style AOF continues with commands there). */
  end: number;
}

/**
 * Hook for FUNCTION2 records: the scripting engine compiles the library code (and may throw to
 * refuse it). Without an engine the code is kept as a library named by its shebang.
 */
export type FunctionLoader = (server: Server, code: string) => void;
let functionLoader: FunctionLoader | null = null;

export function setFunctionLoader(f: FunctionLoader): void {
  functionLoader = f;
}

function storeLibraryCode(server: Server, code: string): void {
  if (functionLoader !== null) {
    functionLoader(server, code);
    return;
  }
  const m = /^#!(\w+)([^\n]*)/.exec(code);
  if (!m) throw new FormatError("Missing library metadata");
  const name = /\bname=(\S+)/.exec(m[2]);
  if (!name) throw new FormatError("Library name was not given");
  if (server.functions.libraries.has(name[1])) {
    throw new FormatError(`Library '${name[1]}' already exists`);
  }
  server.functions.libraries.set(name[1], {
    name: name[1],
    engine: m[1].toUpperCase(),
    code,
    functions: new Map(),
  });
}

/**
 * rdbLoad: read a whole RDB image into the server's dbs (which the caller emptied). Keys already
 * expired are skipped (counted), as a master does. Throws RdbLoadError naming the offset.
 */
export function rdbLoadBytes(server: Server, b: Uint8Array): LoadResult {
  const r = new RdbReader(b, objLimits(server.config));
  const res: LoadResult = { keysLoaded: 0, keysExpired: 0, aux: new Map(), end: 0 };
  const now = Date.now();
  try {
    if (b.length < 9 || String.fromCharCode(...b.subarray(0, 5)) !== "REDIS") {
      throw new FormatError("Wrong signature trying to load DB from file");
    }
    const ver = Number(String.fromCharCode(...b.subarray(5, 9)));
    if (!(ver >= 1 && ver <= RDB_VERSION)) {
      throw new FormatError(
        `Can't handle RDB format version ${String.fromCharCode(...b.subarray(5, 9))}`,
      );
    }
    r.pos = 9;
    let db = server.dbs[0];
    let expire = -1;
    let lfuFreq = -1;
    let lruIdle = -1;
    const lfuPolicy = server.config.getString("maxmemory-policy").includes("lfu");
    for (;;) {
      const t = r.u8();
      if (t === RDB_OPCODE_EXPIRETIME) {
        expire = r.i32() * 1000;
        continue;
      } else if (t === RDB_OPCODE_EXPIRETIME_MS) {
        expire = r.i64();
        continue;
      } else if (t === RDB_OPCODE_FREQ) {
        lfuFreq = r.u8();
        continue;
      } else if (t === RDB_OPCODE_IDLE) {
        lruIdle = r.len();
        continue;
      } else if (t === RDB_OPCODE_EOF) {
        break;
      } else if (t === RDB_OPCODE_SELECTDB) {
        const id = r.len();
        if (id >= server.dbs.length) {
          throw new FormatError(
            `FATAL: Data file was created with a Redis server configured to handle more than ${server.dbs.length} databases. Exiting`,
          );
        }
        db = server.dbs[id];
        continue;
      } else if (t === RDB_OPCODE_RESIZEDB) {
        r.len();
        r.len();
        continue;
      } else if (t === RDB_OPCODE_AUX) {
        const k = r.string();
        const v = r.string();
        res.aux.set(k, v);
        continue;
      } else if (t === RDB_OPCODE_MODULE_AUX) {
        throw new FormatError(
          "The RDB file contains AUX module data I can't load: no matching module",
        );
      } else if (t === RDB_OPCODE_FUNCTION || t === RDB_OPCODE_FUNCTION2) {
        storeLibraryCode(server, rdbLoadFunctionCode(r, t));
        continue;
      }
      if (!rdbIsObjectType(t)) throw new FormatError(`Unknown RDB encoding type ${t}`);
      const key = r.string();
      const val = rdbLoadObject(r, t);
      if (expire !== -1 && expire < now) {
        res.keysExpired++;
      } else {
        let lru = -1;
        if (lfuFreq >= 0 && lfuPolicy) {
          lru = (Math.floor(now / 60000) & 0xffff) << 8 | lfuFreq;
        } else if (lruIdle >= 0) {
          lru = (Math.floor(now / 1000) & 0xffffff) - lruIdle;
          if (lru < 0) lru += 0xffffff;
        }
        if (!db.loadSet(key, val, expire, lru)) {
          throw new FormatError(`RDB has duplicated key '${key}' in DB ${db.id}`);
        }
        res.keysLoaded++;
      }
      expire = -1;
      lfuFreq = -1;
      lruIdle = -1;
    }
    if (ver >= 5) {
      const end = r.pos;
      r.need(8);
      const stored = b.subarray(end, end + 8);
      if (server.config.getBool("rdbchecksum") && stored.some((x) => x !== 0)) {
        const c = crc64Init();
        crc64Update(c, b, 0, end);
        const got = crc64Bytes(c);
        if (got.some((x, i) => x !== stored[i])) {
          const hex = (a: Uint8Array) =>
            [...a].reverse().map((x) => x.toString(16).padStart(2, "0")).join("").replace(
              /^0+(?=.)/,
              "",
            );
          r.pos = end;
          throw new FormatError(
            // Redis logs this line, then "... -> RDB CRC error" (the suite looks for the latter).
            `Wrong RDB checksum expected: (${hex(stored)}) got (${hex(got)}): RDB CRC error`,
          );
        }
      }
      r.pos = end + 8;
    }
  } catch (e) {
    if (e instanceof FormatError) throw new RdbLoadError(r.pos, e.message);
    throw e;
  } finally {
    // bytesToStr keeps the last arrays it read: let the file image go.
    bytesToStrRelease();
  }
  res.end = r.pos;
  return res;
}
