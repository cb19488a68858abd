/**
 * MODULE family: Rexis cannot load Redis modules (native .so libraries built against Redis's C
 * module API), so no module is ever loaded: LIST is empty, LOAD/LOADEX fail as a failed load does
 * in Redis (the reason goes to the log) and UNLOAD finds no module. LOAD, LOADEX and UNLOAD are
 * protected commands: `enable-module-command` (no/yes/local) decides who may call them
 * (src/server/dispatch.ts), as in Redis; LIST and HELP are always allowed.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { addReplyHelp } from "./command.ts";

const MODULE_HELP = [
  "LIST",
  "    Return a list of loaded modules.",
  "LOAD <path> [<arg> ...]",
  "    Load a module library from <path>, passing to it any optional arguments.",
  "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
  "    Load a module library from <path>, while passing it module configurations and optional arguments.",
  "UNLOAD <name>",
  "    Unload a module.",
];

function moduleHelpCommand(c: Client, argv: string[]): void {
  addReplyHelp(c, argv[0], MODULE_HELP);
}

function moduleListCommand(c: Client): void {
  c.addArrayLen(0);
}

function moduleLoadCommand(c: Client, argv: string[]): void {
  c.server.log.warning(
    `Module ${argv[2]} failed to load: Rexis cannot load Redis modules (native libraries)`,
  );
  c.addError("ERR Error loading the extension. Please check the server logs.");
}

function moduleUnloadCommand(c: Client): void {
  c.addError("ERR Error unloading module: no such module with that name");
}

const G = "server";
const LOAD_FLAGS = "admin noscript no_async_loading protected";

export const moduleCommands: CommandDef[] = [
  cmd("module", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for module commands",
    since: "4.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("help", 2, "loading stale", [0, 0, 0], "", moduleHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("list", 2, "admin noscript", [0, 0, 0], "", moduleListCommand, {
        summary: "List all modules loaded by the server",
        since: "4.0.0",
        group: G,
        complexity: "O(N) where N is the number of loaded modules.",
        tips: ["nondeterministic_output_order"],
      }),
      cmd("load", -3, LOAD_FLAGS, [0, 0, 0], "", moduleLoadCommand, {
        summary: "Load a module",
        since: "4.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [
          { name: "path", type: "string" },
          { name: "arg", type: "string", optional: true, multiple: true },
        ],
      }),
      cmd("loadex", -3, LOAD_FLAGS, [0, 0, 0], "", moduleLoadCommand, {
        summary: "Load a module with extended parameters",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [
          { name: "path", type: "string" },
          {
            name: "configs",
            type: "block",
            token: "CONFIG",
            optional: true,
            multiple: true,
            multipleToken: true,
            arguments: [{ name: "name", type: "string" }, { name: "value", type: "string" }],
          },
          {
            name: "args",
            type: "block",
            token: "ARGS",
            optional: true,
            multiple: true,
            arguments: [{ name: "arg", type: "string" }],
          },
        ],
      }),
      cmd("unload", 3, LOAD_FLAGS, [0, 0, 0], "", moduleUnloadCommand, {
        summary: "Unload a module",
        since: "4.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [{ name: "name", type: "string" }],
      }),
    ],
  }),
];
