/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP. The directives, their parsing, bounds and error
 * texts live in src/config/ (the config table); this file only parses the command and replies.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { addReplyHelp } from "./command.ts";
import { isLocalClient } from "../server/dispatch.ts";
import { redactArgument } from "../server/monitor.ts";

const CONFIG_HELP = [
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
];

function configGetCommand(c: Client, argv: string[]): void {
  const pairs = c.server.config.getMatching(argv.slice(2));
  c.addMapLen(pairs.length);
  for (const [name, value] of pairs) {
    c.addBulk(name);
    c.addBulk(value);
  }
}

function configSetCommand(c: Client, argv: string[]): void {
  if (argv.length & 1) return c.addErrorSyntax();
  const pairs: [string, string][] = [];
  const config = c.server.config;
  for (let i = 2; i < argv.length; i += 2) {
    pairs.push([argv[i], argv[i + 1]]);
    // Secrets never reach SLOWLOG or MONITOR, even when the CONFIG SET fails.
    if (config.lookup(argv[i])?.sensitive) redactArgument(c, argv, i + 1);
  }
  const err = c.server.config.setMany(pairs, { local: isLocalClient(c) });
  if (err !== null) c.addError(err);
  else c.addOk();
}

function configResetStatCommand(c: Client): void {
  const server = c.server;
  server.stats.resetStats();
  for (const d of server.commands.all()) {
    const st = d.stats;
    if (!st) continue;
    st.calls = 0;
    st.usec = 0;
    st.rejectedCalls = 0;
    st.failedCalls = 0;
    st.latency = undefined;
  }
  c.addOk();
}

function configRewriteCommand(c: Client): void {
  const err = c.server.config.rewrite();
  if (err !== null) {
    if (c.server.config.configFile !== null) {
      c.server.log.warning(
        `CONFIG REWRITE failed: ${err.replace(/^ERR Rewriting config file: /, "")}`,
      );
    }
    return c.addError(err);
  }
  c.server.log.warning("CONFIG REWRITE executed with success.");
  c.addOk();
}

const G = "server";
const F = "admin noscript loading stale";

export const configCommands: CommandDef[] = [
  cmd("config", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for server configuration commands",
    since: "2.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("get", -3, F, [0, 0, 0], "", configGetCommand, {
        summary: "Get the values of configuration parameters",
        since: "2.0.0",
        group: G,
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        arguments: [{
          name: "parameter",
          type: "block",
          multiple: true,
          arguments: [{ name: "parameter", type: "string" }],
        }],
      }),
      cmd("set", -4, F, [0, 0, 0], "", configSetCommand, {
        summary: "Set configuration parameters to the given values",
        since: "2.0.0",
        group: G,
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        arguments: [{
          name: "parameter_value",
          type: "block",
          multiple: true,
          arguments: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
        }],
      }),
      cmd("resetstat", 2, F, [0, 0, 0], "", configResetStatCommand, {
        summary: "Reset the stats returned by INFO",
        since: "2.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("rewrite", 2, F, [0, 0, 0], "", configRewriteCommand, {
        summary: "Rewrite the configuration file with the in memory configuration",
        since: "2.8.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", (c, argv) => {
        addReplyHelp(c, argv[0], CONFIG_HELP);
      }, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
    ],
  }),
];
