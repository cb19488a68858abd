/**
 * FUNCTION family (Redis 7.0's functions.c front end): LOAD, DELETE, FLUSH, LIST, STATS, KILL,
 * DUMP, RESTORE, HELP, on the registry of src/scripting/functions.ts (loading and linking in
 * src/scripting/library.ts). DUMP/RESTORE payloads are the RDB function records of
 * src/persist/rdb.ts with the DUMP trailer (RDB version + CRC64).
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import {
  deleteLibrary,
  flushLibraries,
  functionLoad,
  restoreLibraries,
} from "../scripting/library.ts";
import {
  createFunctionsDumpPayload,
  loadFunctionsDumpPayload,
  verifyDumpPayload,
} from "../persist/rdb.ts";
import { libraryCodes } from "../persist/rdb_file.ts";
import { objLimits, saveOptions } from "../persist/options.ts";
import { bytesToStr, strToBytes } from "../persist/bytes.ts";
import { scriptEngine } from "../scripting/engine.ts";

function functionFlushCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  if (argv.length === 3) {
    const mode = argv[2].toLowerCase();
    if (mode !== "sync" && mode !== "async") {
      return c.addError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
  }
  // ASYNC frees in the background in Redis; dropping the references is all there is to do here.
  flushLibraries(c.server);
  c.server.dirty++;
  c.addOk();
}

function functionLoadCommand(c: Client, argv: string[]): void {
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if (argv[i].toLowerCase() === "replace") replace = true;
    else return c.addError(`ERR Unknown option given: ${argv[i]}`);
  }
  if (i >= argv.length) return c.addError("ERR Function code is missing");
  const r = functionLoad(c, argv[i], replace);
  if ("error" in r) return c.addError(r.error);
  c.server.dirty++;
  c.addBulk(r.name);
}

function functionDeleteCommand(c: Client, argv: string[]): void {
  if (!deleteLibrary(c.server, argv[2])) return c.addError("ERR Library not found");
  c.server.dirty++;
  c.addOk();
}

function functionListCommand(c: Client, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === "withcode" && !withCode) withCode = true;
    else if (a === "libraryname" && pattern === null) {
      if (i + 1 >= argv.length) return c.addError("ERR library name argument was not given");
      pattern = argv[++i];
    } else return c.addError(`ERR Unknown argument ${argv[i]}`);
  }
  const libs = [...c.server.functions.libraries.values()].filter((l) =>
    pattern === null || globMatch(pattern, l.name)
  );
  c.addArrayLen(libs.length);
  for (const lib of libs) {
    c.addMapLen(withCode ? 4 : 3);
    c.addBulk("library_name");
    c.addBulk(lib.name);
    c.addBulk("engine");
    c.addBulk(lib.engine);
    c.addBulk("functions");
    c.addArrayLen(lib.functions.size);
    for (const f of lib.functions.values()) {
      c.addMapLen(3);
      c.addBulk("name");
      c.addBulk(f.name);
      c.addBulk("description");
      c.addBulkOrNull(f.description);
      c.addBulk("flags");
      c.addSetLen(f.flags.length);
      for (const fl of f.flags) c.addBulk(fl);
    }
    if (withCode) {
      c.addBulk("library_code");
      c.addBulk(lib.code);
    }
  }
}

/** Glob match for LIBRARYNAME (*, ?, no classes needed by clients in practice). */
function globMatch(p: string, s: string): boolean {
  const re = new RegExp(
    "^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") +
      "$",
    "s",
  );
  return re.test(s);
}

function functionStatsCommand(c: Client): void {
  const reg = c.server.functions;
  c.addMapLen(2);
  c.addBulk("running_script");
  const run = scriptEngine(c.server).run;
  if (run === null || run.evalMode) c.addNull();
  else {
    c.addMapLen(3);
    c.addBulk("name");
    c.addBulk(run.funcname);
    c.addBulk("command");
    c.addBulkArray(run.argv);
    c.addBulk("duration_ms");
    c.addInt(Math.floor(performance.now() - run.start));
  }
  c.addBulk("engines");
  c.addMapLen(1);
  c.addBulk("LUA");
  c.addMapLen(2);
  c.addBulk("libraries_count");
  c.addInt(reg.libraryCount);
  c.addBulk("functions_count");
  c.addInt(reg.functionCount);
}

/** FUNCTION DUMP: the libraries' FUNCTION2 records + RDB version + CRC64, as DUMP payloads. */
function functionDumpCommand(c: Client): void {
  const p = createFunctionsDumpPayload(libraryCodes(c.server), saveOptions(c.server.config));
  c.addBulk(bytesToStr(p));
}

/** FUNCTION RESTORE <payload> [FLUSH|APPEND|REPLACE] (default APPEND). */
function functionRestoreCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) return addReplySubcommandSyntaxError(c, argv);
  let policy: "flush" | "append" | "replace" = "append";
  if (argv.length === 4) {
    const p = argv[3].toLowerCase();
    if (p !== "flush" && p !== "append" && p !== "replace") {
      return c.addError(
        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
      );
    }
    policy = p;
  }
  const payload = strToBytes(argv[2]);
  if (!verifyDumpPayload(payload)) {
    return c.addError("ERR DUMP payload version or checksum are wrong");
  }
  const codes = loadFunctionsDumpPayload(payload, objLimits(c.server.config));
  if ("error" in codes) return c.addError("ERR " + codes.error);
  const err = restoreLibraries(c.server, codes, policy);
  if (err !== null) return c.addError("ERR " + err);
  c.server.dirty++;
  c.addOk();
}

function functionKillCommand(c: Client): void {
  scriptEngine(c.server).kill(c, false);
}

const FUNCTION_HELP = [
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
];

function functionHelpCommand(c: Client): void {
  addReplyHelp(c, "FUNCTION", FUNCTION_HELP);
}

const G = "scripting";
export const functionCommands: CommandDef[] = [
  cmd("function", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for function commands",
    since: "7.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("delete", 3, "write noscript", [0, 0, 0], "scripting", functionDeleteCommand, {
        summary: "Delete a function by name",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        arguments: [{ name: "library-name", type: "string" }],
      }),
      cmd("flush", -2, "write noscript", [0, 0, 0], "scripting", functionFlushCommand, {
        summary: "Deleting all functions",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of functions deleted",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        arguments: [{
          name: "async",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "async", type: "pure-token", token: "ASYNC" },
            { name: "sync", type: "pure-token", token: "SYNC" },
          ],
        }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "scripting", functionHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("kill", 2, "noscript allow_busy", [0, 0, 0], "scripting", functionKillCommand, {
        summary: "Kill the function currently in execution.",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
      }),
      cmd("list", -2, "noscript", [0, 0, 0], "scripting", functionListCommand, {
        summary: "List information about all the functions",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of functions",
        tips: ["nondeterministic_output_order"],
        arguments: [
          { name: "library-name-pattern", type: "string", token: "LIBRARYNAME", optional: true },
          { name: "withcode", type: "pure-token", token: "WITHCODE", optional: true },
        ],
      }),
      cmd("load", -3, "write denyoom noscript", [0, 0, 0], "scripting", functionLoadCommand, {
        summary: "Create a function with the given arguments (name, code, description)",
        since: "7.0.0",
        group: G,
        complexity: "O(1) (considering compilation time is redundant)",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        arguments: [
          { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
          { name: "function-code", type: "string" },
        ],
      }),
      cmd("stats", 2, "noscript allow_busy", [0, 0, 0], "scripting", functionStatsCommand, {
        summary:
          "Return information about the function currently running (name, description, duration)",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
      }),
      cmd("restore", -3, "write denyoom noscript", [0, 0, 0], "scripting", functionRestoreCommand, {
        summary: "Restore all the functions on the given payload",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of functions on the payload",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        arguments: [{ name: "serialized-value", type: "string" }, {
          name: "policy",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "flush", type: "pure-token", token: "FLUSH" },
            { name: "append", type: "pure-token", token: "APPEND" },
            { name: "replace", type: "pure-token", token: "REPLACE" },
          ],
        }],
      }),
      cmd("dump", 2, "noscript", [0, 0, 0], "scripting", functionDumpCommand, {
        summary: "Dump all functions into a serialized binary payload",
        since: "7.0.0",
        group: G,
        complexity: "O(N) where N is the number of functions",
      }),
    ],
  }),
];

// Subcommands in the order one Redis 7.0.15 process lists them (its dict order).
const FUNCTION_ORDER = [
  "kill",
  "flush",
  "list",
  "stats",
  "delete",
  "help",
  "load",
  "restore",
  "dump",
];
functionCommands[0].subcommands!.sort((a, b) =>
  FUNCTION_ORDER.indexOf(a.name) - FUNCTION_ORDER.indexOf(b.name)
);
