/**
 * Scripting family: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FCALL, FCALL_RO (Redis 7.0's
 * eval.c and functions.c front ends). The engine is src/scripting/engine.ts; FUNCTION's
 * subcommands are in src/commands/function.ts.
 */
import type { Client } from "../server/client.ts";
import {
  type ArgDoc,
  cmd,
  CMD_DENYOOM,
  CMD_MAY_REPLICATE,
  CMD_STALE,
  CMD_WRITE,
  type CommandDef,
  type KeySpec,
} from "./types.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import {
  type CachedScript,
  extractShebangFlags,
  SCRIPT_FLAG_ALLOW_OOM,
  SCRIPT_FLAG_ALLOW_STALE,
  SCRIPT_FLAG_EVAL_COMPAT_MODE,
  SCRIPT_FLAG_NAMES,
  SCRIPT_FLAG_NO_WRITES,
  scriptEngine,
  sha1hex,
} from "../scripting/engine.ts";
import { feedMonitors } from "../server/monitor.ts";
import { fcallGeneric } from "../scripting/library.ts";

/** Parse numkeys at argv[2]; replies the error and returns -1 when invalid. */
export function parseNumKeys(c: Client, argv: string[]): number {
  const s = argv[2];
  // One digit (the usual case): no regular expression.
  if (s.length === 1) {
    const d = s.charCodeAt(0) - 48;
    if (d >= 0 && d <= 9 && d <= argv.length - 3) return d;
  }
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    c.addErrorNotInt();
    return -1;
  }
  const n = Number(s);
  if (n > argv.length - 3) {
    c.addError("ERR Number of keys can't be greater than number of args");
    return -1;
  }
  if (n < 0) {
    c.addError("ERR Number of keys can't be negative");
    return -1;
  }
  return n;
}

function evalGeneric(c: Client, argv: string[], evalsha: boolean, ro: boolean): void {
  // EVAL is skip_monitor: it is fed here, so the script's commands appear after it (as Redis).
  if (c.server.monitors.size !== 0) feedMonitors(c, argv);
  const numkeys = parseNumKeys(c, argv);
  if (numkeys < 0) return;
  const e = scriptEngine(c.server);
  let sha: string;
  let script: CachedScript | undefined;
  if (!evalsha) {
    sha = sha1hex(argv[1]);
    script = e.scripts.get(sha);
    if (script === undefined) {
      const err = e.createFunction(sha, argv[1]);
      if (err !== null) return c.addError(err);
      script = e.scripts.get(sha)!;
    }
  } else {
    sha = argv[1];
    script = e.scripts.get(sha);
    if (script === undefined && sha.length === 40) {
      sha = sha.toLowerCase();
      script = e.scripts.get(sha);
    }
    if (script === undefined) {
      return c.addError("NOSCRIPT No matching script. Please use EVAL.");
    }
  }
  if (!e.prepare(c, script.flags, ro)) return;
  e.setKeysArgv(argv, 3, numkeys);
  // Errors and the slow-script log name the script by its sha (Redis's lua_cur_script).
  e.callFunction(c, sha, script.flags, ro, true, script.ref, argv, evalRows.get(evalsha, ro));
}

/** The EVAL* rows (their failed_calls), found once the table below exists. */
const evalRows = {
  rows: [] as CommandDef[],
  get(evalsha: boolean, ro: boolean): CommandDef {
    return this.rows[(evalsha ? 2 : 0) + (ro ? 1 : 0)];
  },
};

function evalCommand(c: Client, argv: string[]): void {
  evalGeneric(c, argv, false, false);
}
function evalRoCommand(c: Client, argv: string[]): void {
  evalGeneric(c, argv, false, true);
}
function evalshaCommand(c: Client, argv: string[]): void {
  evalGeneric(c, argv, true, false);
}
function evalshaRoCommand(c: Client, argv: string[]): void {
  evalGeneric(c, argv, true, true);
}

function scriptLoadCommand(c: Client, argv: string[]): void {
  const e = scriptEngine(c.server);
  const sha = sha1hex(argv[2]);
  if (!e.scripts.has(sha)) {
    const err = e.createFunction(sha, argv[2]);
    if (err !== null) return c.addError(err);
  }
  c.addBulk(sha);
}

function scriptExistsCommand(c: Client, argv: string[]): void {
  const e = scriptEngine(c.server);
  c.addArrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.addInt(e.scripts.has(argv[i].toLowerCase()) ? 1 : 0);
}

function scriptFlushCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  if (argv.length === 3) {
    const m = argv[2].toLowerCase();
    if (m !== "sync" && m !== "async") {
      return c.addError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
  }
  scriptEngine(c.server).flushScripts();
  c.addOk();
}

/** SCRIPT DEBUG: the Lua debugger (LDB) is not implemented; NO is accepted. */
function scriptDebugCommand(c: Client, argv: string[]): void {
  const m = argv[2].toLowerCase();
  if (m === "no") return c.addOk();
  if (m === "yes" || m === "sync") return c.addError("ERR SCRIPT DEBUG is not supported");
  c.addError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

function scriptKillCommand(c: Client): void {
  scriptEngine(c.server).kill(c, true);
}

const SCRIPT_HELP = [
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
];

function scriptHelpCommand(c: Client): void {
  addReplyHelp(c, "SCRIPT", SCRIPT_HELP);
}

function fcallCommand(c: Client, argv: string[]): void {
  if (c.server.monitors.size !== 0) feedMonitors(c, argv);
  fcallGeneric(c, argv, false, fcallRows.fcall);
}
function fcallRoCommand(c: Client, argv: string[]): void {
  if (c.server.monitors.size !== 0) feedMonitors(c, argv);
  fcallGeneric(c, argv, true, fcallRows.fcallRo);
}

/** Redis's scriptFlagsToCmdFlags: declared script flags replace write/denyoom/stale. */
function scriptFlagsToCmdFlags(cmdFlags: number, scriptFlags: number): number {
  let f = cmdFlags & ~(CMD_STALE | CMD_DENYOOM | CMD_WRITE | CMD_MAY_REPLICATE);
  if (!(scriptFlags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) f |= CMD_DENYOOM;
  if (!(scriptFlags & SCRIPT_FLAG_NO_WRITES)) f |= CMD_WRITE;
  if (scriptFlags & SCRIPT_FLAG_ALLOW_STALE) f |= CMD_STALE;
  return f;
}

/** evalGetCommandFlags: the flags of the script EVAL/EVALSHA would run. */
function evalDynamicFlags(c: Client, argv: string[]): number {
  const row = c.server.commands.lookup(argv)!;
  const evalsha = row.name.startsWith("evalsha");
  if (evalsha && argv[1].length !== 40) return row.flagBits!;
  const e = scriptEngine(c.server);
  const sha = evalsha ? argv[1].toLowerCase() : sha1hex(argv[1]);
  let flags: number;
  const cached = e.scripts.get(sha);
  if (cached !== undefined) flags = cached.flags;
  else {
    if (evalsha) return row.flagBits!;
    const she = extractShebangFlags(argv[1]);
    if ("error" in she) return row.flagBits!;
    flags = she.flags;
  }
  if (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return row.flagBits!;
  return scriptFlagsToCmdFlags(row.flagBits!, flags);
}

/** fcallGetCommandFlags. */
function fcallDynamicFlags(c: Client, argv: string[]): number {
  const row = c.server.commands.lookup(argv)!;
  const reg = c.server.functions;
  const lib = reg.functionLibrary.get(argv[1].toLowerCase());
  if (lib === undefined) return row.flagBits!;
  const info = reg.libraries.get(lib)!.functions.get(argv[1].toLowerCase())!;
  let flags = 0;
  for (const [n, bit] of SCRIPT_FLAG_NAMES) if (info.flags.includes(n)) flags |= bit;
  return scriptFlagsToCmdFlags(row.flagBits!, flags);
}

/** EVAL/FCALL keys: argv[2] is numkeys, keys follow (Redis's evalGetKeys). */
export function evalGetKeys(argv: string[]): number[] {
  const n = Number(argv[2]);
  if (!Number.isInteger(n) || n <= 0 || n > argv.length - 3) return [];
  const keys: number[] = [];
  for (let i = 0; i < n; i++) keys.push(3 + i);
  return keys;
}

const G = "scripting";
const COMPLEXITY = "Depends on the script that is executed.";

function evalSpec(rw: boolean, notes: boolean, fn = false): KeySpec {
  const ks: KeySpec = {
    flags: rw ? ["RW", "ACCESS", "UPDATE"] : ["RO", "ACCESS"],
    beginSearch: { type: "index", index: 2 },
    findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
  };
  if (notes) {
    ks.notes = rw
      ? "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"
      : "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
  }
  void fn;
  return ks;
}

function evalArgs(first: string): ArgDoc[] {
  return [
    { name: first, type: "string" },
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", keySpecIndex: 0, optional: true, multiple: true },
    { name: "arg", type: "string", optional: true, multiple: true },
  ];
}

const RW_FLAGS = "noscript skip_monitor may_replicate no_mandatory_keys stale movablekeys";
const RO_FLAGS = "noscript skip_monitor no_mandatory_keys stale readonly movablekeys";

export const scriptingCommands: CommandDef[] = [
  cmd("eval", -3, RW_FLAGS, [0, 0, 0], "scripting", evalCommand, {
    summary: "Execute a Lua script server side",
    since: "2.6.0",
    group: G,
    complexity: COMPLEXITY,
    keySpecs: [evalSpec(true, true)],
    arguments: evalArgs("script"),
    getKeys: evalGetKeys,
  }),
  cmd("eval_ro", -3, RO_FLAGS, [0, 0, 0], "scripting", evalRoCommand, {
    summary: "Execute a read-only Lua script server side",
    since: "7.0.0",
    group: G,
    complexity: COMPLEXITY,
    keySpecs: [evalSpec(false, true)],
    arguments: evalArgs("script"),
    getKeys: evalGetKeys,
  }),
  cmd("evalsha", -3, RW_FLAGS, [0, 0, 0], "scripting", evalshaCommand, {
    summary: "Execute a Lua script server side",
    since: "2.6.0",
    group: G,
    complexity: COMPLEXITY,
    keySpecs: [evalSpec(true, false)],
    arguments: evalArgs("sha1"),
    getKeys: evalGetKeys,
  }),
  cmd("evalsha_ro", -3, RO_FLAGS, [0, 0, 0], "scripting", evalshaRoCommand, {
    summary: "Execute a read-only Lua script server side",
    since: "7.0.0",
    group: G,
    complexity: COMPLEXITY,
    keySpecs: [evalSpec(false, false)],
    arguments: evalArgs("sha1"),
    getKeys: evalGetKeys,
  }),
  cmd("fcall", -3, RW_FLAGS, [0, 0, 0], "scripting", fcallCommand, {
    summary: "Invoke a function",
    since: "7.0.0",
    group: G,
    complexity: "Depends on the function that is executed.",
    keySpecs: [evalSpec(true, true)],
    arguments: evalArgs("function"),
    getKeys: evalGetKeys,
  }),
  cmd("fcall_ro", -3, RO_FLAGS, [0, 0, 0], "scripting", fcallRoCommand, {
    summary: "Invoke a read-only function",
    since: "7.0.0",
    group: G,
    complexity: "Depends on the function that is executed.",
    keySpecs: [evalSpec(false, true)],
    arguments: evalArgs("function"),
    getKeys: evalGetKeys,
  }),
  cmd("script", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for Lua scripts management commands",
    since: "2.6.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("exists", -3, "noscript", [0, 0, 0], "scripting", scriptExistsCommand, {
        summary: "Check existence of scripts in the script cache.",
        since: "2.6.0",
        group: G,
        complexity:
          "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
        tips: ["request_policy:all_shards", "response_policy:agg_logical_and"],
        arguments: [{ name: "sha1", type: "string", multiple: true }],
      }),
      cmd("kill", 2, "noscript allow_busy", [0, 0, 0], "scripting", scriptKillCommand, {
        summary: "Kill the script currently in execution.",
        since: "2.6.0",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
      }),
      cmd("flush", -2, "noscript", [0, 0, 0], "scripting", scriptFlushCommand, {
        summary: "Remove all the scripts from the script cache.",
        since: "2.6.0",
        group: G,
        complexity: "O(N) with N being the number of scripts in cache",
        history: [["6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."]],
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        arguments: [{
          name: "async",
          type: "oneof",
          optional: true,
          since: "6.2.0",
          arguments: [
            { name: "async", type: "pure-token", token: "ASYNC" },
            { name: "sync", type: "pure-token", token: "SYNC" },
          ],
        }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "scripting", scriptHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("load", 3, "noscript stale", [0, 0, 0], "scripting", scriptLoadCommand, {
        summary: "Load the specified Lua script into the script cache.",
        since: "2.6.0",
        group: G,
        complexity: "O(N) with N being the length in bytes of the script body.",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        arguments: [{ name: "script", type: "string" }],
      }),
      cmd("debug", 3, "noscript", [0, 0, 0], "scripting", scriptDebugCommand, {
        summary: "Set the debug mode for executed scripts.",
        since: "3.2.0",
        group: G,
        complexity: "O(1)",
        arguments: [{
          name: "mode",
          type: "oneof",
          arguments: [
            { name: "yes", type: "pure-token", token: "YES" },
            { name: "sync", type: "pure-token", token: "SYNC" },
            { name: "no", type: "pure-token", token: "NO" },
          ],
        }],
      }),
    ],
  }),
];

evalRows.rows = ["eval", "eval_ro", "evalsha", "evalsha_ro"].map((n) =>
  scriptingCommands.find((r) => r.name === n)!
);
export const fcallRows = {
  fcall: scriptingCommands.find((r) => r.name === "fcall")!,
  fcallRo: scriptingCommands.find((r) => r.name === "fcall_ro")!,
};

for (const row of scriptingCommands) {
  if (row.name.startsWith("eval")) row.dynamicFlags = evalDynamicFlags;
  else if (row.name.startsWith("fcall")) row.dynamicFlags = fcallDynamicFlags;
}
