/**
 * COMMAND family: COMMAND, COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP. Every reply is
 * generated from the command table (src/commands/table.ts) in Redis 7.0's shapes:
 *
 * - COMMAND INFO entry: [name, arity, flags (set of statuses), first key, last key, step,
 *   ACL categories ("@cat" statuses), tips (set), key specs (set of maps), subcommands (array)];
 * - COMMAND DOCS entry: map of summary, since, group, complexity, doc_flags, deprecated_since,
 *   replaced_by, history, arguments, subcommands — only the fields the row has.
 *
 * A row without `keySpecs` gets one range spec derived from first/last/step with no flags, the way
 * Redis derives its legacy range; key extraction (GETKEYS, and whoever else needs keys with their
 * access flags) follows getKeysFromCommandWithSpecs: specs first, the row's getKeys as fallback.
 */
import type { Client } from "../server/client.ts";
import { type ArgDoc, cmd, CMD_NO_MANDATORY_KEYS, type CommandDef, type KeySpec } from "./types.ts";
import { ACL_CATEGORIES } from "./table.ts";
import { parseI64 } from "./args.ts";
import { stringMatch } from "../store/glob.ts";

// ---- shared reply helpers --------------------------------------------------------------------

/**
 * Redis's addReplyHelp: "<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the
 * lines, then "HELP" / "    Prints this help.", all as status replies. `name` is argv[0] as typed.
 */
export function addReplyHelp(c: Client, name: string, lines: readonly string[]): void {
  c.addArrayLen(lines.length + 3);
  c.addStatus(`${name.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.addStatus(l);
  c.addStatus("HELP");
  c.addStatus("    Prints this help.");
}

/** Redis's addReplySubcommandSyntaxError. */
export function addReplySubcommandSyntaxError(c: Client, argv: string[]): void {
  c.addError(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${
      argv[0].toUpperCase()
    } HELP.`,
  );
}

// ---- flags, key specs, key extraction --------------------------------------------------------

/** Command flags in the order COMMAND INFO prints them (may_replicate, protected... are hidden). */
const SHOWN_FLAGS = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** Key-spec flags as Redis prints them, in its bit order. */
const KEY_SPEC_FLAGS = [
  "RO",
  "RW",
  "OW",
  "RM",
  "access",
  "update",
  "insert",
  "delete",
  "not_key",
  "incomplete",
  "variable_flags",
];

/** A row's key-spec flags normalized to Redis's spelling and order. */
export function keySpecFlags(spec: KeySpec): string[] {
  const have = new Set(spec.flags.map((f) => f.toLowerCase()));
  return KEY_SPEC_FLAGS.filter((f) => have.has(f.toLowerCase()));
}

const derivedSpecs = new WeakMap<CommandDef, KeySpec[]>();

/** The row's key specs, or the one range spec derived from first/last/step. */
export function effectiveKeySpecs(d: CommandDef): KeySpec[] {
  if (d.keySpecs) return d.keySpecs;
  let specs = derivedSpecs.get(d);
  if (specs === undefined) {
    specs = d.firstKey > 0
      ? [{
        flags: [],
        beginSearch: { type: "index", index: d.firstKey },
        findKeys: {
          type: "range",
          lastKey: d.lastKey < 0 ? d.lastKey : d.lastKey - d.firstKey,
          step: d.step,
          limit: 0,
        },
      }]
      : [];
    derivedSpecs.set(d, specs);
  }
  return specs;
}

function isNotKey(spec: KeySpec): boolean {
  return spec.flags.some((f) => f.toLowerCase() === "not_key");
}

/** Redis's doesCommandHaveKeys. */
export function commandHasKeys(d: CommandDef): boolean {
  return d.getKeys !== undefined || effectiveKeySpecs(d).some((s) => !isNotKey(s));
}

export interface KeyRef {
  /** Index into argv. */
  pos: number;
  /** Redis-spelled key-spec flags. */
  flags: string[];
}

/** getKeysUsingKeySpecs: null when a spec does not fit argv (an invalid command line). */
function keysFromSpecs(specs: KeySpec[], argv: string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (isNotKey(spec)) continue;
    let first = 0;
    const bs = spec.beginSearch;
    if (bs.type === "index") first = bs.index;
    else if (bs.type === "unknown") return null;
    else {
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      const kw = bs.keyword.toLowerCase();
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    }
    let last: number;
    let step: number;
    const fk = spec.findKeys;
    if (fk.type === "unknown") return null;
    if (fk.type === "range") {
      step = fk.step;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (!fk.limit) last = argc + fk.lastKey;
      else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastKey);
    } else {
      step = fk.step;
      if (fk.keyNumIdx >= argc || first + fk.keyNumIdx >= argc) return null;
      const n = parseI64(argv[first + fk.keyNumIdx]);
      if (n === null || n < 0) return null;
      first += fk.firstKey;
      last = first + Number(n) - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    const flags = keySpecFlags(spec);
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue;
      out.push({ pos: i, flags });
    }
    if (flags.includes("incomplete")) return null;
  }
  return out;
}

/**
 * Keys of a full command line with their access flags, as Redis's getKeysFromCommandWithSpecs:
 * the key specs when they are reliable, else the row's getKeys (flags of its first spec, if any).
 */
export function getKeysWithFlags(d: CommandDef, argv: string[]): KeyRef[] {
  const specs = effectiveKeySpecs(d);
  const hasSpec = specs.some((s) => !isNotKey(s));
  const variable = specs.some((s) => s.flags.some((f) => f.toLowerCase() === "variable_flags"));
  if (hasSpec && (!variable || !d.getKeys)) {
    // With variable_flags Redis asks the command's getkeys_proc for the per-call flags; a row
    // without getKeys has only its specs, whose positions are still right.
    const r = keysFromSpecs(specs, argv);
    if (r !== null) {
      // A fixed-position key whose flags depend on the call (SET ... GET): Redis's getkeys_proc.
      if (variable && d.getKeyFlags) {
        const kf = d.getKeyFlags(argv, r.map((k) => k.pos));
        return r.map((k, i) => ({
          pos: k.pos,
          flags: keySpecFlags({ ...specs[0], flags: kf[i] }),
        }));
      }
      return r;
    }
  }
  if (d.getKeys) {
    const keys = d.getKeys(argv);
    if (d.getKeyFlags) {
      const kf = d.getKeyFlags(argv, keys);
      return keys.map((pos, i) => ({ pos, flags: keySpecFlags({ ...specs[0], flags: kf[i] }) }));
    }
    const flags = specs.length > 0 ? keySpecFlags(specs[0]) : [];
    return keys.map((pos) => ({ pos, flags }));
  }
  return [];
}

/** Redis's lookupCommandBySds: "name" or "container|sub", case-insensitive. */
export function lookupCommandByName(c: Client, name: string): CommandDef | undefined {
  const parts = name.split("|");
  if (parts.length > 2) return undefined;
  const base = c.server.commands.get(parts[0]);
  if (base === undefined) return undefined;
  if (parts.length === 1) return base;
  if (!base.subcommands) return undefined;
  const sub = parts[1].toLowerCase();
  return base.subcommands.find((s) => s.name === sub);
}

// ---- COMMAND INFO / DOCS replies -------------------------------------------------------------

function addStatusSet(c: Client, items: readonly string[]): void {
  c.addSetLen(items.length);
  for (const s of items) c.addStatus(s);
}

function addKeySpecs(c: Client, specs: KeySpec[]): void {
  c.addSetLen(specs.length);
  for (const spec of specs) {
    c.addMapLen(spec.notes ? 4 : 3);
    if (spec.notes) {
      c.addBulk("notes");
      c.addBulk(spec.notes);
    }
    c.addBulk("flags");
    addStatusSet(c, keySpecFlags(spec));
    c.addBulk("begin_search");
    c.addMapLen(2);
    c.addBulk("type");
    const bs = spec.beginSearch;
    c.addBulk(bs.type);
    c.addBulk("spec");
    if (bs.type === "unknown") c.addMapLen(0);
    else if (bs.type === "index") {
      c.addMapLen(1);
      c.addBulk("index");
      c.addInt(bs.index);
    } else {
      c.addMapLen(2);
      c.addBulk("keyword");
      c.addBulk(bs.keyword);
      c.addBulk("startfrom");
      c.addInt(bs.startFrom);
    }
    c.addBulk("find_keys");
    c.addMapLen(2);
    c.addBulk("type");
    const fk = spec.findKeys;
    c.addBulk(fk.type);
    c.addBulk("spec");
    if (fk.type === "unknown") c.addMapLen(0);
    else if (fk.type === "range") {
      c.addMapLen(3);
      c.addBulk("lastkey");
      c.addInt(fk.lastKey);
      c.addBulk("keystep");
      c.addInt(fk.step);
      c.addBulk("limit");
      c.addInt(fk.limit);
    } else {
      c.addMapLen(3);
      c.addBulk("keynumidx");
      c.addInt(fk.keyNumIdx);
      c.addBulk("firstkey");
      c.addInt(fk.firstKey);
      c.addBulk("keystep");
      c.addInt(fk.step);
    }
  }
}

/** One COMMAND INFO entry (null bulk for an unknown command). */
export function addCommandInfo(c: Client, d: CommandDef | undefined): void {
  if (d === undefined) return c.addNull();
  c.addArrayLen(10);
  c.addBulk(d.fullName!);
  c.addInt(d.arity);
  addStatusSet(c, SHOWN_FLAGS.filter((f) => d.flags.includes(f)));
  c.addInt(d.firstKey);
  c.addInt(d.lastKey);
  c.addInt(d.step);
  addStatusSet(c, d.categories!.map((cat) => "@" + cat));
  const tips = d.tips ?? [];
  c.addSetLen(tips.length);
  for (const t of tips) c.addBulk(t);
  addKeySpecs(c, effectiveKeySpecs(d));
  if (!d.subcommands) c.addSetLen(0);
  else {
    c.addArrayLen(d.subcommands.length);
    for (const s of d.subcommands) addCommandInfo(c, s);
  }
}

function addArgs(c: Client, args: ArgDoc[]): void {
  c.addArrayLen(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push("optional");
    if (a.multiple) flags.push("multiple");
    if (a.multipleToken) flags.push("multiple_token");
    const nested = a.type === "oneof" || a.type === "block";
    const n = 2 + (a.keySpecIndex !== undefined ? 1 : 0) + (a.token !== undefined ? 1 : 0) +
      (a.summary !== undefined ? 1 : 0) + (a.since !== undefined ? 1 : 0) +
      (a.deprecatedSince !== undefined ? 1 : 0) + (flags.length ? 1 : 0) + (nested ? 1 : 0);
    c.addMapLen(n);
    c.addBulk("name");
    c.addBulk(a.name);
    c.addBulk("type");
    c.addBulk(a.type);
    if (a.keySpecIndex !== undefined) {
      c.addBulk("key_spec_index");
      c.addInt(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      c.addBulk("token");
      c.addBulk(a.token);
    }
    if (a.summary !== undefined) {
      c.addBulk("summary");
      c.addBulk(a.summary);
    }
    if (a.since !== undefined) {
      c.addBulk("since");
      c.addBulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      c.addBulk("deprecated_since");
      c.addBulk(a.deprecatedSince);
    }
    if (flags.length) {
      c.addBulk("flags");
      addStatusSet(c, flags);
    }
    if (nested) {
      c.addBulk("arguments");
      addArgs(c, a.arguments ?? []);
    }
  }
}

/** One COMMAND DOCS value (the map after the name). */
export function addCommandDocs(c: Client, d: CommandDef): void {
  const n = 1 + (d.summary ? 1 : 0) + (d.since ? 1 : 0) + (d.complexity ? 1 : 0) +
    (d.docFlags?.length ? 1 : 0) + (d.deprecatedSince ? 1 : 0) + (d.replacedBy ? 1 : 0) +
    (d.history ? 1 : 0) + (d.arguments ? 1 : 0) + (d.subcommands ? 1 : 0);
  c.addMapLen(n);
  if (d.summary) {
    c.addBulk("summary");
    c.addBulk(d.summary);
  }
  if (d.since) {
    c.addBulk("since");
    c.addBulk(d.since);
  }
  c.addBulk("group");
  c.addBulk(d.group);
  if (d.complexity) {
    c.addBulk("complexity");
    c.addBulk(d.complexity);
  }
  if (d.docFlags?.length) {
    c.addBulk("doc_flags");
    addStatusSet(c, ["deprecated", "syscmd"].filter((f) => d.docFlags!.includes(f)));
  }
  if (d.deprecatedSince) {
    c.addBulk("deprecated_since");
    c.addBulk(d.deprecatedSince);
  }
  if (d.replacedBy) {
    c.addBulk("replaced_by");
    c.addBulk(d.replacedBy);
  }
  if (d.history) {
    c.addBulk("history");
    c.addSetLen(d.history.length);
    for (const [since, change] of d.history) {
      c.addArrayLen(2);
      c.addBulk(since);
      c.addBulk(change);
    }
  }
  if (d.arguments) {
    c.addBulk("arguments");
    addArgs(c, d.arguments);
  }
  if (d.subcommands) {
    c.addBulk("subcommands");
    c.addMapLen(d.subcommands.length);
    for (const s of d.subcommands) {
      c.addBulk(s.fullName!);
      addCommandDocs(c, s);
    }
  }
}

// ---- handlers --------------------------------------------------------------------------------

function commandCommand(c: Client): void {
  const table = c.server.commands;
  c.addArrayLen(table.size);
  for (const d of table.commands.values()) addCommandInfo(c, d);
}

function commandCountCommand(c: Client): void {
  c.addInt(c.server.commands.size);
}

function commandListCommand(c: Client, argv: string[]): void {
  let filter: ((d: CommandDef) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (argv[i].toLowerCase() !== "filterby" || more !== 2) return c.addErrorSyntax();
    const type = argv[i + 1].toLowerCase();
    const arg = argv[i + 2];
    if (type === "module") filter = () => false; // no modules
    else if (type === "aclcat") {
      const cat = arg.toLowerCase();
      filter = ACL_CATEGORIES.includes(cat) ? (d) => d.categories!.includes(cat) : () => false;
    } else if (type === "pattern") filter = (d) => stringMatch(arg, d.fullName!, true);
    else return c.addErrorSyntax();
    i += 2;
  }
  const at = c.deferLen();
  let n = 0;
  for (const d of c.server.commands.all()) {
    if (filter === null || filter(d)) {
      c.addBulk(d.fullName!);
      n++;
    }
  }
  c.setDeferredArray(at, n);
}

function commandInfoCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) return commandCommand(c);
  c.addArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) addCommandInfo(c, lookupCommandByName(c, argv[i]));
}

function commandDocsCommand(c: Client, argv: string[]): void {
  const found: CommandDef[] = [];
  if (argv.length === 2) found.push(...c.server.commands.commands.values());
  else {
    for (let i = 2; i < argv.length; i++) {
      const d = lookupCommandByName(c, argv[i]);
      if (d) found.push(d);
    }
  }
  c.addMapLen(found.length);
  for (const d of found) {
    c.addBulk(d.fullName!);
    addCommandDocs(c, d);
  }
}

function getKeysGeneric(c: Client, argv: string[], withFlags: boolean): void {
  const line = argv.slice(2);
  const d = c.server.commands.lookup(line);
  if (d === undefined) return c.addError("ERR Invalid command specified");
  if (!commandHasKeys(d)) return c.addError("ERR The command has no key arguments");
  if ((d.arity > 0 && d.arity !== line.length) || line.length < -d.arity) {
    return c.addError("ERR Invalid number of arguments specified for command");
  }
  const keys = getKeysWithFlags(d, line);
  if (keys.length === 0) {
    if (d.flagBits! & CMD_NO_MANDATORY_KEYS) return c.addEmptyArray();
    return c.addError("ERR Invalid arguments specified for command");
  }
  c.addArrayLen(keys.length);
  for (const k of keys) {
    if (!withFlags) c.addBulk(line[k.pos]);
    else {
      c.addArrayLen(2);
      c.addBulk(line[k.pos]);
      addStatusSet(c, k.flags);
    }
  }
}

const COMMAND_HELP = [
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
];

// ---- table rows ------------------------------------------------------------------------------

const G = "server";
const F = "loading stale";
const A = "connection";
const NAMES: ArgDoc = {
  name: "command-name",
  type: "string",
  optional: true,
  multiple: true,
};

export const commandCommands: CommandDef[] = [
  cmd("command", -1, F, [0, 0, 0], A, commandCommand, {
    summary: "Get array of Redis command details",
    since: "2.8.13",
    group: G,
    complexity: "O(N) where N is the total number of Redis commands",
    tips: ["nondeterministic_output_order"],
    subcommands: [
      cmd("count", 2, F, [0, 0, 0], A, commandCountCommand, {
        summary: "Get total number of Redis commands",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
      }),
      cmd("docs", -2, F, [0, 0, 0], A, commandDocsCommand, {
        summary: "Get array of specific Redis command documentation",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of commands to look up",
        tips: ["nondeterministic_output_order"],
        arguments: [NAMES],
      }),
      cmd("getkeys", -4, F, [0, 0, 0], A, (c, argv) => getKeysGeneric(c, argv, false), {
        summary: "Extract keys given a full Redis command",
        since: "2.8.13",
        group: G,
        complexity: "O(N) where N is the number of arguments to the command",
      }),
      cmd("getkeysandflags", -4, F, [0, 0, 0], A, (c, argv) => getKeysGeneric(c, argv, true), {
        summary: "Extract keys and access flags given a full Redis command",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of arguments to the command",
      }),
      cmd("help", 2, F, [0, 0, 0], A, (c, argv) => addReplyHelp(c, argv[0], COMMAND_HELP), {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("info", -2, F, [0, 0, 0], A, commandInfoCommand, {
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        since: "2.8.13",
        group: G,
        complexity: "O(N) where N is the number of commands to look up",
        history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
        tips: ["nondeterministic_output_order"],
        arguments: [NAMES],
      }),
      cmd("list", -2, F, [0, 0, 0], A, commandListCommand, {
        summary: "Get an array of Redis command names",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the total number of Redis commands",
        tips: ["nondeterministic_output_order"],
        arguments: [{
          name: "filterby",
          type: "oneof",
          token: "FILTERBY",
          optional: true,
          arguments: [
            { name: "module-name", type: "string", token: "MODULE" },
            { name: "category", type: "string", token: "ACLCAT" },
            { name: "pattern", type: "pattern", token: "PATTERN" },
          ],
        }],
      }),
    ],
  }),
];
