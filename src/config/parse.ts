/**
 * redis.conf syntax, as Redis 7.0's loadServerConfigFromString() and main() read it.
 *
 * - The text is split on "\n"; each line is trimmed of " \t\r\n"; lines starting with `#` and
 *   blank lines are skipped; the rest is split with sdssplitargs (splitArgs: "double quotes" with
 *   \n \r \t \b \a \\ \" \xHH escapes, 'single quotes' with \' only) and the directive name is
 *   lower-cased. Line numbers count every line, comments included, from 1.
 * - The command line becomes more lines appended after the file: each `--name` starts a new line,
 *   the arguments after it are its values, quoted with sdscatrepr so that `--save ""` is an empty
 *   argument (see commandLineToOptions()).
 * - Errors carry the line and Redis's reason; formatFatal() prints Redis's block.
 */
import { splitArgs } from "../protocol/parser.ts";

/** The version in the FATAL block: tools grep for Redis's text. */
export const FATAL_VERSION = "7.0.15";

/** A bad line: printed as Redis's `*** FATAL CONFIG FILE ERROR ***` block, then exit 1. */
export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based line in the text being read; undefined for checks after the last line. */
    readonly lineNum?: number,
    readonly line?: string,
  ) {
    super(reason);
  }
}

/** A config file that cannot be opened: Redis logs one line and exits 1 (no FATAL block). */
export class ConfigFileError extends Error {}

/** Redis's block, byte for byte (it starts with an empty line). */
export function formatFatal(e: ConfigError): string {
  let s = `\n*** FATAL CONFIG FILE ERROR (Redis ${FATAL_VERSION}) ***\n`;
  if (e.lineNum !== undefined) {
    s += `Reading the configuration file, at line ${e.lineNum}\n`;
    s += `>>> '${e.line}'\n`;
  }
  return s + `${e.reason}\n`;
}

const TRIM = " \t\r\n";

/** sdstrim(s, " \t\r\n"). */
export function trimLine(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && TRIM.includes(s[a])) a++;
  while (b > a && TRIM.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/**
 * Walk the directives of a config text. `onDirective` gets argv with a lower-cased name and
 * returns an error reason (or null); the reason is thrown as a ConfigError naming the line.
 * ConfigErrors thrown by `onDirective` itself (an included file's line) pass through unchanged.
 */
export function forEachDirective(
  text: string,
  onDirective: (argv: string[]) => string | null,
): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = trimLine(lines[i]);
    if (line === "" || line[0] === "#") continue;
    const argv = splitArgs(line);
    if (argv === null) {
      throw new ConfigError("Unbalanced quotes in configuration line", i + 1, line);
    }
    if (argv.length === 0) continue;
    argv[0] = argv[0].toLowerCase();
    const err = onDirective(argv);
    if (err !== null) throw new ConfigError(err, i + 1, line);
  }
}

/** What the command line says: the config file, stdin, and the options text. */
export interface CommandLine {
  /** First argument when it does not start with `-`. */
  file: string | null;
  /** `-` as the first or last argument: read config from stdin too. */
  stdin: boolean;
  /** Directives to append after the file, one per line. */
  options: string;
}

/**
 * Redis's main(): `redis-server [/path/to/redis.conf] [-] [--name value ...] ...`. `argv` excludes
 * the program name. An option whose name arrives alone (`--port`) takes the next argument as its
 * value even if that starts with `--`, except `--save` followed by another option (or nothing),
 * which means `--save ""`. A single argument "--port 6380" carries name and value together.
 */
export function commandLineToOptions(argv: string[]): CommandLine {
  let file: string | null = null;
  let stdin = false;
  let options = "";
  let j = 0;
  if (argv.length > 0 && argv[0][0] !== "-") {
    file = argv[0];
    j = 1;
  }
  let handledLast = true;
  const last = argv.length - 1;
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a === "-" && (j === 0 || j === last)) {
      stdin = true;
    } else if (handledLast && a.startsWith("--")) {
      if (options.length) options += "\n";
      options += a.slice(2) + " ";
      const parts = splitArgs(a);
      if (parts !== null && parts.length === 1) {
        // Only the option name, like "--port": its value follows.
        handledLast = false;
        const nextIsOpt = j !== last && argv[j + 1].startsWith("--");
        const name = a.toLowerCase();
        if (name === "--save" && (nextIsOpt || j === last)) {
          options += '""';
          handledLast = true;
        } else if (name === "--sentinel" && nextIsOpt) {
          handledLast = true;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += reprString(a) + " ";
      handledLast = true;
    }
  }
  return { file, stdin, options };
}

/**
 * The whole text Redis parses: the file, then stdin, then "\n" and the command-line options
 * (so with no file, the first option is at line 2, as in Redis's messages).
 */
export function joinConfigText(fileText: string, stdinText: string, options: string): string {
  return fileText + stdinText + "\n" + options;
}

/** sdscatrepr: a double-quoted string that splitArgs reads back to the same bytes. */
export function reprString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c >= 32 && c <= 126) out += ch;
    else out += "\\x" + (c & 0xff).toString(16).padStart(2, "0");
  }
  return out + '"';
}

/**
 * Redis's memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb, any case.
 * Returns the value modulo 2^64 like the C code, or null when malformed. An empty string is 0.
 */
export function memToBigInt(s: string): bigint | null {
  if (s[0] === "-") return null;
  let u = 0;
  while (u < s.length && s.charCodeAt(u) >= 48 && s.charCodeAt(u) <= 57) u++;
  const unit = s.slice(u).toLowerCase();
  const mul = MEM_UNITS[unit];
  if (mul === undefined) return null;
  if (u >= 128) return null;
  const digits = s.slice(0, u);
  let v = digits === "" ? 0n : BigInt(digits);
  if (v > U64_MAX) v = U64_MAX; // strtoull saturates on overflow
  return BigInt.asUintN(64, v * mul);
}

const U64_MAX = (1n << 64n) - 1n;
const MEM_UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/** rewriteConfigFormatMemory: 1gb / 512mb / 64kb when exact, else plain bytes. */
export function formatMemory(bytes: number): string {
  const gb = 1024 * 1024 * 1024;
  const mb = 1024 * 1024;
  const kb = 1024;
  if (bytes && bytes % gb === 0) return `${bytes / gb}gb`;
  if (bytes && bytes % mb === 0) return `${bytes / mb}mb`;
  if (bytes && bytes % kb === 0) return `${bytes / kb}kb`;
  return String(bytes);
}

/** A file as a binary string (one char per byte), like every byte string in Rexis. */
export function readBinaryFile(path: string): string {
  return bytesToBinary(Deno.readFileSync(path));
}

export function bytesToBinary(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

/** strerror-like text from a Deno error ("No such file or directory (os error 2)" → without code). */
export function errnoText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^(.*?) \(os error \d+\)/.exec(msg);
  return m ? m[1] : msg;
}
