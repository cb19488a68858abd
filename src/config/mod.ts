/**
 * Configuration: the public face of src/config/.
 *
 * - `loadServerConfig(argv)` reads `[config-file] [-] [--name value ...]` as redis-server does
 *   (parse.ts), applying each line in order through the table (table.ts); on error it prints
 *   Redis's FATAL block and exits 1.
 * - `Config` holds the values. Types: bool as boolean, int/memory/octal as number, the rest as
 *   the string CONFIG GET prints. `set`/`setMany` are CONFIG SET: all or nothing, with Redis's
 *   error texts; `onChange` listeners are the run-time apply functions (they may refuse a value,
 *   which rolls back the whole CONFIG SET). Listeners never run while loading: the server reads the
 *   loaded values when it starts.
 * - `getMatching` is CONFIG GET, `rewrite` is CONFIG REWRITE (rewrite.ts).
 */
import {
  bytesToBinary,
  type CommandLine,
  commandLineToOptions,
  ConfigError,
  ConfigFileError,
  errnoText,
  forEachDirective,
  formatFatal,
  joinConfigText,
  readBinaryFile,
} from "./parse.ts";
import {
  CONFIG_TABLE,
  type ConfigDef,
  type ConfigValue,
  DEPRECATED_DIRECTIVES,
  formatValue,
  isInvalid,
  parseValue,
  rewriteValue,
} from "./table.ts";
import { overwriteConfigFile, readOldConfig, RewriteState } from "./rewrite.ts";
import { stringMatch } from "../store/glob.ts";
import { formatLogLine } from "../log.ts";
import { splitArgs } from "../protocol/parser.ts";

export type { ConfigDef, ConfigValue } from "./table.ts";
export { CONFIG_TABLE } from "./table.ts";
export { ConfigError, ConfigFileError, formatFatal } from "./parse.ts";

/** Called when a value changes through CONFIG SET; returns an error text to refuse the change. */
export type ConfigListener = (value: ConfigValue, config: Config) => string | void;

export interface SetOptions {
  /**
   * Whether the requesting client is local (loopback or Unix socket), for protected configs
   * (`dir`) under `enable-protected-configs local`. Leave undefined for internal callers.
   */
  local?: boolean;
}

export class Config {
  /** Directive name or alias (lower case) -> row. */
  #byName = new Map<string, ConfigDef>();
  #values = new Map<ConfigDef, ConfigValue>();
  #listeners = new Map<ConfigDef, ConfigListener[]>();
  readonly table: readonly ConfigDef[];
  /** Absolute path of the config file (CONFIG REWRITE); null when started without one. */
  configFile: string | null = null;
  /** `user <name> <rules...>` lines, applied by the ACL at start (src/server/acl.ts). */
  readonly users: string[][] = [];
  /**
   * CONFIG REWRITE of `user` lines (set by the ACL, src/server/acl.ts): the lines to write, or null
   * when an aclfile holds the users (old `user` lines are then dropped), as Redis does.
   */
  userLines: (() => string[] | null) | null = null;
  /** `rename-command <name> <new-name>` lines, applied to the command table at start. */
  readonly renames: [string, string][] = [];

  constructor(table: readonly ConfigDef[] = CONFIG_TABLE) {
    this.table = table;
    for (const d of table) {
      this.#byName.set(d.name, d);
      if (d.alias) this.#byName.set(d.alias, d);
      this.#values.set(d, d.default);
    }
  }

  /** The row for a name or alias, case-insensitive. */
  lookup(name: string): ConfigDef | undefined {
    return this.#byName.get(name) ?? this.#byName.get(name.toLowerCase());
  }

  get(name: string): ConfigValue {
    const d = this.lookup(name);
    if (!d) throw new Error(`unknown config ${name}`);
    return d.read ? d.read() : this.#values.get(d)!;
  }

  getNumber(name: string): number {
    return this.get(name) as number;
  }

  getBool(name: string): boolean {
    return this.get(name) as boolean;
  }

  getString(name: string): string {
    return String(this.get(name));
  }

  /** The value as CONFIG GET prints it. */
  format(name: string): string {
    const d = this.lookup(name);
    if (!d) throw new Error(`unknown config ${name}`);
    return formatValue(d, this.get(d.name));
  }

  onChange(name: string, fn: ConfigListener): void {
    const d = this.lookup(name);
    if (!d) throw new Error(`unknown config ${name}`);
    const l = this.#listeners.get(d) ?? [];
    l.push(fn);
    this.#listeners.set(d, l);
  }

  /**
   * One directive line of a config file (name lower-cased). Returns Redis's reason on error, or
   * undefined when the name is not a table directive.
   */
  /** A `save` line was loaded already (later lines append their rules). */
  #savesLoaded = false;

  loadDirective(argv: string[]): string | null | undefined {
    const d = this.#byName.get(argv[0]);
    if (!d) return undefined;
    if (!d.multiArg && argv.length !== 2) return "wrong number of arguments";
    let args = argv.slice(1);
    // `save "3600 1 300 100"` / `--save "3600 1"`: one non-empty argument holds the list.
    if (d.multiArg && argv.length === 2 && argv[1] !== "") args = splitArgs(argv[1]) ?? args;
    let v = parseValue(d, args, this.#values.get(d) ?? d.default);
    if (isInvalid(v)) return v.error;
    // `save` lines in a file add up: the first one replaces the default (setConfigSaveOption).
    if (d.name === "save") {
      const prev = this.#savesLoaded ? String(this.#values.get(d) ?? "") : "";
      this.#savesLoaded = true;
      if (v !== "" && prev !== "") v = `${prev} ${v}`;
    }
    if (d.store) {
      const err = d.store(v);
      if (err !== null) return err;
    }
    this.#values.set(d, v);
    return null;
  }

  /** CONFIG SET of one directive; returns the error reply ("ERR ...") or null. */
  set(name: string, value: string, opts: SetOptions = {}): string | null {
    return this.setMany([[name, value]], opts);
  }

  /**
   * CONFIG SET name value [name value ...], as Redis's configSetCommand: every name is checked
   * first (unknown, immutable, protected, duplicate), then every value is parsed and stored, then
   * the changed ones are applied (table apply, then listeners). Any failure restores every old
   * value and re-applies them. Returns the error reply ("ERR ...") or null.
   */
  setMany(pairs: [string, string][], opts: SetOptions = {}): string | null {
    const n = pairs.length;
    const defs: ConfigDef[] = [];
    /** The spelling of the entry matched (name or alias): what Redis names in its errors. */
    const entries: string[] = [];
    let unknown: string | null = null;
    let errName = "";
    let errStr: string | null = null;
    let invalid = false;
    for (let i = 0; i < n; i++) {
      const name = pairs[i][0];
      const d = this.lookup(name);
      if (!d) {
        if (!invalid) {
          unknown = name;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      if (d.immutable || (d.protected && !this.#allowProtected(opts))) {
        errStr = d.immutable ? "can't set immutable config" : "can't set protected config";
        errName = name;
        invalid = true;
        continue;
      }
      const entry = name.toLowerCase() === d.alias ? d.alias : d.name;
      if (entries.includes(entry)) {
        errStr = "duplicate parameter";
        errName = name;
        invalid = true;
      }
      defs.push(d);
      entries.push(entry);
    }
    const fail = (): string =>
      unknown !== null
        ? `ERR Unknown option or number of arguments for CONFIG SET - '${unknown}'`
        : `ERR CONFIG SET failed (possibly related to argument '${errName}') - ${errStr}`;
    if (invalid) return fail();

    const old = defs.map((d) => this.get(d.name));
    // Parse every value (pure), then store them in order.
    const parsed: ConfigValue[] = [];
    for (let i = 0; i < n; i++) {
      const d = defs[i];
      const raw = pairs[i][1];
      // CONFIG SET splits multi-argument values on single spaces (sdssplitlen).
      const args = d.multiArg ? (raw === "" ? [] : raw.split(" ")) : [raw];
      const v = parseValue(d, args, this.get(d.name));
      if (isInvalid(v)) {
        errName = entries[i];
        errStr = v.error;
        return fail();
      }
      parsed.push(v);
    }
    for (let i = 0; i < n; i++) {
      const d = defs[i];
      if (d.store) {
        const err = d.store(parsed[i]);
        if (err !== null) {
          this.#restore(defs.slice(0, i), old);
          errName = entries[i];
          errStr = err;
          return fail();
        }
      }
      this.#values.set(d, parsed[i]);
    }
    // Apply each changed directive once.
    const applied: ConfigDef[] = [];
    for (let i = 0; i < n; i++) {
      const d = defs[i];
      if (applied.includes(d) || (old[i] === this.get(d.name) && !d.store)) continue;
      applied.push(d);
      const err = this.#apply(d);
      if (err !== null) {
        this.#restore(defs, old);
        for (const a of applied) this.#apply(a);
        errName = entries[i];
        errStr = err;
        return fail();
      }
    }
    return null;
  }

  #allowProtected(opts: SetOptions): boolean {
    return opts.local === undefined ||
      allowProtectedAction(this.getString("enable-protected-configs"), opts.local);
  }

  /** Run a directive's apply function and listeners with its current value. */
  #apply(d: ConfigDef): string | null {
    const v = this.get(d.name);
    if (d.apply) {
      const err = d.apply(v);
      if (err !== null) return err;
    }
    for (const fn of this.#listeners.get(d) ?? []) {
      const err = fn(v, this);
      if (typeof err === "string") return err;
    }
    return null;
  }

  /** Put old values back (last first, so a directive set twice ends with its oldest value). */
  #restore(defs: ConfigDef[], old: ConfigValue[]): void {
    for (let i = defs.length - 1; i >= 0; i--) {
      const d = defs[i];
      if (d.store) d.store(old[i]);
      this.#values.set(d, old[i]);
    }
  }

  /**
   * CONFIG GET pattern [pattern ...]: [name, value] pairs. A pattern without glob characters is
   * looked up exactly (and answered with the spelling asked); a glob matches names and aliases,
   * case-insensitively. Each entry appears once.
   */
  getMatching(patterns: string[]): [string, string][] {
    const seen = new Set<string>();
    const out: [string, string][] = [];
    for (const p of patterns) {
      if (!/[[*?]/.test(p)) {
        const key = p.toLowerCase();
        if (seen.has(key)) continue;
        const d = this.lookup(p);
        if (d) {
          seen.add(key);
          out.push([p, this.format(d.name)]);
        }
        continue;
      }
      for (const d of this.table) {
        for (const entry of d.alias ? [d.name, d.alias] : [d.name]) {
          if (seen.has(entry) || !stringMatch(p, entry, true)) continue;
          seen.add(entry);
          out.push([entry, this.format(d.name)]);
        }
      }
    }
    return out;
  }

  /** CONFIG REWRITE: returns the error reply ("ERR ...") or null. */
  rewrite(): string | null {
    const path = this.configFile;
    if (path === null) return "ERR The server is running without a config file";
    try {
      const state = new RewriteState(readOldConfig(path), (name) => this.#byName.get(name)?.name);
      for (const d of this.table) rewriteValue(state, d, this.get(d.name));
      if (this.userLines !== null) {
        for (const line of this.userLines() ?? []) state.rewriteLine("user", line, true);
        state.markProcessed("user");
      }
      overwriteConfigFile(path, state.content());
      return null;
    } catch (e) {
      return `ERR Rewriting config file: ${errnoText(e)}`;
    }
  }
}

/** Redis's allowProtectedAction: `yes`, or `local` for a local client. */
export function allowProtectedAction(setting: string, local: boolean): boolean {
  return setting === "yes" || (setting === "local" && local);
}

// ---- loading -----------------------------------------------------------------------------------

/** Apply a config text line by line (loadServerConfigFromString). */
export function loadConfigText(config: Config, text: string): void {
  forEachDirective(text, (argv) => {
    const r = config.loadDirective(argv);
    if (r !== undefined) return r;
    const name = argv[0];
    if (DEPRECATED_DIRECTIVES.includes(name) && argv.length === 2) return null;
    if (name === "user" && argv.length >= 2) {
      if (config.users.some((u) => u[0] === argv[1])) {
        return "Error in user declaration 'user': Duplicate user found. A user can only be defined once in config files";
      }
      config.users.push(argv.slice(1));
      return null;
    }
    if (name === "rename-command" && argv.length === 3) {
      config.renames.push([argv[1], argv[2]]);
      return null;
    }
    if (name === "include" && argv.length === 2) {
      loadConfigText(config, readConfigFiles(argv[1]));
      return null;
    }
    return "Bad directive or wrong number of arguments";
  });
}

/**
 * The text of a config file; a name with `*`, `?` or `[` is a glob whose matches are read in
 * order (none is fine), as Redis's loadServerConfig does. Relative paths are relative to the
 * working directory at that point (a `dir` line earlier in the file moves it, as in Redis).
 */
export function readConfigFiles(path: string): string {
  const paths = /[*?[]/.test(path) ? expandGlob(path) : [path];
  let text = "";
  for (const p of paths) {
    try {
      text += readBinaryFile(p);
    } catch (e) {
      throw new ConfigFileError(`Fatal error, can't open config file '${p}': ${errnoText(e)}`);
    }
  }
  return text;
}

/** glob(3) for include patterns: each path segment is matched against its directory, sorted. */
function expandGlob(pattern: string): string[] {
  const abs = pattern.startsWith("/");
  let bases = [abs ? "/" : ""];
  for (const seg of pattern.split("/")) {
    if (seg === "") continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(seg)) {
        next.push(base + seg + "/");
        continue;
      }
      let names: string[] = [];
      try {
        for (const e of Deno.readDirSync(base === "" ? "." : base)) names.push(e.name);
      } catch { /* unreadable or missing: no match */ }
      const pat = seg.replace(/\[!/g, "[^");
      names = names.filter((n) => (n[0] !== "." || seg[0] === ".") && stringMatch(pat, n)).sort();
      for (const n of names) next.push(base + n + "/");
    }
    bases = next;
  }
  return bases.map((b) => b.slice(0, -1)).filter((p) => {
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

/** Redis's getAbsolutePath: the config file as an absolute path, "./" and "../" resolved. */
export function absolutePath(path: string): string {
  if (path.startsWith("/")) return path;
  const parts = Deno.cwd().split("/").filter((s) => s !== "");
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

function readStdin(): string {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = Deno.stdin.readSync(buf);
    if (n === null || n === 0) break;
    chunks.push(buf.slice(0, n));
  }
  let s = "";
  for (const c of chunks) s += bytesToBinary(c);
  return s;
}

/**
 * Parse a redis-server command line into a Config. Throws ConfigError (a bad line) or
 * ConfigFileError (a file that cannot be read).
 */
export function parseServerConfig(argv: string[]): Config {
  const cl: CommandLine = commandLineToOptions(argv);
  const config = new Config();
  if (cl.file !== null) config.configFile = absolutePath(cl.file);
  const fileText = cl.file !== null ? readConfigFiles(cl.file) : "";
  const stdinText = cl.stdin ? readStdin() : "";
  loadConfigText(config, joinConfigText(fileText, stdinText, cl.options));
  // Checks after the last line (no line in the message), as in Redis.
  const logfile = config.getString("logfile");
  if (logfile !== "") {
    try {
      Deno.openSync(logfile, { append: true, create: true }).close();
    } catch (e) {
      throw new ConfigError(`Can't open the log file: ${errnoText(e)}`);
    }
  }
  return config;
}

/** Start-up: parse the command line, or print Redis's error and exit 1. */
export function loadServerConfig(argv: string[]): Config {
  try {
    return parseServerConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      writeAll(Deno.stderr, formatFatal(e));
      Deno.exit(1);
    }
    if (e instanceof ConfigFileError) {
      writeAll(Deno.stdout, formatLogLine(3, e.message, "C"));
      Deno.exit(1);
    }
    throw e;
  }
}

/** Write a binary string (one char per byte) completely. */
function writeAll(f: { writeSync(p: Uint8Array): number }, s: string): void {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  let off = 0;
  while (off < b.length) off += f.writeSync(b.subarray(off));
}
