/**
 * FUNCTION family. Only FLUSH [ASYNC|SYNC] exists for now (the upstream test harness flushes
 * functions before every server block); LOAD, LIST, DELETE, DUMP, RESTORE, STATS, KILL and HELP
 * come with scripting, on the same registry (src/scripting/functions.ts).
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { addReplySubcommandSyntaxError } from "./command.ts";

function functionFlushCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  if (argv.length === 3) {
    const mode = argv[2].toLowerCase();
    if (mode !== "sync" && mode !== "async") {
      return c.addError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
  }
  // ASYNC frees in the background in Redis; dropping the references is all there is to do here.
  c.server.functions.flush();
  c.server.dirty++;
  c.addOk();
}

const G = "scripting";
export const functionCommands: CommandDef[] = [
  cmd("function", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for function commands",
    since: "7.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
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
    ],
  }),
];
