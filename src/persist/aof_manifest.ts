/**
 * The multi-part AOF manifest of Redis 7 (`<appenddirname>/<appendfilename>.manifest`): one line per
 * file, `file <name> seq <n> type <b|h|i>`, base first, then history, then incremental files in
 * order. Names that need it are quoted as sdscatrepr does; lines are split as sdssplitargs does;
 * unknown key/value pairs are ignored (forward compatibility). Parse errors carry Redis's texts.
 *
 * File names: `<appendfilename>.<seq>.base.rdb|aof`, `<appendfilename>.<seq>.incr.aof`.
 */
import { splitArgs } from "../protocol/parser.ts";
import { reprString } from "../config/parse.ts";

export type AofFileType = "b" | "h" | "i";

export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export class AofManifest {
  base: AofInfo | null = null;
  history: AofInfo[] = [];
  incr: AofInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;
  /** Changed since last written. */
  dirty = false;

  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base && { ...this.base };
    m.history = this.history.map((a) => ({ ...a }));
    m.incr = this.incr.map((a) => ({ ...a }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    m.dirty = this.dirty;
    return m;
  }

  /** getAofManifestAsString. */
  toString(): string {
    let out = "";
    for (const a of [...(this.base ? [this.base] : []), ...this.history, ...this.incr]) {
      out += `file ${
        needsRepr(a.name) ? reprString(a.name) : a.name
      } seq ${a.seq} type ${a.type}\n`;
    }
    return out;
  }

  /** getNewBaseFileNameAndMarkPreAsHistory. */
  newBase(filename: string, rdbPreamble: boolean): string {
    if (this.base !== null) {
      this.base.type = "h";
      this.history.unshift(this.base);
    }
    const seq = ++this.baseSeq;
    this.base = { name: `${filename}.${seq}.base.${rdbPreamble ? "rdb" : "aof"}`, seq, type: "b" };
    this.dirty = true;
    return this.base.name;
  }

  /** getNewIncrAofName. */
  newIncr(filename: string): string {
    const seq = ++this.incrSeq;
    const name = `${filename}.${seq}.incr.aof`;
    this.incr.push({ name, seq, type: "i" });
    this.dirty = true;
    return name;
  }

  /** getLastIncrAofName: the last incremental file, created when there is none. */
  lastIncr(filename: string): string {
    if (this.incr.length === 0) return this.newIncr(filename);
    return this.incr[this.incr.length - 1].name;
  }

  /**
   * markRewrittenIncrAofAsHistory: every incremental file but the one being written (the last,
   * when `keepLast`) becomes history.
   */
  markIncrAsHistory(keepLast: boolean): void {
    if (this.incr.length === 0) return;
    const keep = keepLast ? this.incr.slice(-1) : [];
    const old = keepLast ? this.incr.slice(0, -1) : this.incr;
    for (const a of old) this.history.unshift({ ...a, type: "h" });
    this.incr = keep;
    this.dirty = true;
  }
}

/** sdsneedsrepr: quotes, backslash, control and space characters, bytes outside isprint. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c <= 32 || c >= 127) return true;
  }
  return false;
}

/** A manifest that cannot be loaded: Redis's reason, and the line when there is one. */
export class ManifestError extends Error {
  constructor(message: string, readonly line: string | null, readonly linenum: number) {
    super(message);
  }
}

/** MANIFEST_MAX_LINE of aof.c. */
const MAX_LINE = 1024;

/** aofLoadManifestFromFile on the file's text (binary string). Throws ManifestError. */
export function parseManifest(text: string): AofManifest {
  const am = new AofManifest();
  let maxSeq = 0;
  let linenum = 0;
  let pos = 0;
  while (true) {
    if (pos >= text.length) {
      if (linenum === 0) throw new ManifestError("Found an empty AOF manifest", null, 0);
      break;
    }
    // fgets with a MANIFEST_MAX_LINE+1 buffer: at most 1024 characters per read.
    let nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl + 1;
    const buf = text.slice(pos, Math.min(end, pos + MAX_LINE));
    pos += buf.length;
    linenum++;
    if (buf[0] === "#") continue;
    nl = buf.indexOf("\n");
    if (nl < 0) {
      throw new ManifestError("The AOF manifest file contains too long line", null, linenum);
    }
    const line = buf.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "") throw new ManifestError("Invalid AOF manifest file format", line, linenum);
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
      throw new ManifestError("Invalid AOF manifest file format", line, linenum);
    }
    let name: string | null = null;
    let seq = 0;
    let type = "";
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i].toLowerCase();
      if (k === "file") {
        name = argv[i + 1];
        if (name.includes("/") || name.includes("\\")) {
          throw new ManifestError("File can't be a path, just a filename", line, linenum);
        }
      } else if (k === "seq") {
        seq = atoll(argv[i + 1]);
      } else if (k === "type") {
        type = argv[i + 1][0] ?? "";
      }
    }
    if (name === null || name === "" || seq === 0 || type === "") {
      throw new ManifestError("Invalid AOF manifest file format", line, linenum);
    }
    if (type === "b") {
      if (am.base !== null) {
        throw new ManifestError("Found duplicate base file information", line, linenum);
      }
      am.base = { name, seq, type: "b" };
      am.baseSeq = seq;
    } else if (type === "h") {
      am.history.push({ name, seq, type: "h" });
    } else if (type === "i") {
      if (seq <= maxSeq) {
        throw new ManifestError("Found a non-monotonic sequence number", line, linenum);
      }
      am.incr.push({ name, seq, type: "i" });
      am.incrSeq = seq;
      maxSeq = seq;
    } else {
      throw new ManifestError("Unknown AOF file type", line, linenum);
    }
  }
  return am;
}

/** C's atoll: leading spaces, sign, digits; 0 when none. */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}
