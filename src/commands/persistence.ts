/**
 * SAVE, BGSAVE [SCHEDULE], LASTSAVE, BGREWRITEAOF (the server group). The work is in
 * src/persist/snapshot.ts and src/persist/aof.ts.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { eqi } from "./args.ts";
import { persistenceOf } from "../persist/snapshot.ts";
import { aofOf } from "../persist/aof.ts";

const G = "server";

function saveCommand(c: Client): void {
  const p = persistenceOf(c.server);
  if (p.bg !== null) return c.addError("ERR Background save already in progress");
  if (p.save() === null) c.addOk();
  else c.addError("ERR");
}

function bgsaveCommand(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && eqi(argv[1], "SCHEDULE")) schedule = true;
    else return c.addErrorSyntax();
  }
  const p = persistenceOf(c.server);
  if (p.bg !== null) return c.addError("ERR Background save already in progress");
  if (p.aofRewrite !== null || c.server.inExec) {
    if (schedule || c.server.inExec) {
      p.bgScheduled = true;
      return c.addStatus("Background saving scheduled");
    }
    return c.addError(
      "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
    );
  }
  if (p.bgsave() === null) c.addStatus("Background saving started");
  else c.addError("ERR");
}

function bgrewriteaofCommand(c: Client): void {
  aofOf(c.server).bgrewriteaofCommand(c);
}

function lastsaveCommand(c: Client): void {
  c.addInt(c.server.lastSave);
}

export const persistenceCommands: CommandDef[] = [
  cmd("save", 1, "admin noscript no_async_loading no_multi", [0, 0, 0], "", saveCommand, {
    summary: "Synchronously save the dataset to disk",
    since: "1.0.0",
    group: G,
    complexity: "O(N) where N is the total number of keys in all databases",
  }),
  cmd("bgsave", -1, "admin noscript no_async_loading", [0, 0, 0], "", bgsaveCommand, {
    summary: "Asynchronously save the dataset to disk",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    history: [["3.2.2", "Added the `SCHEDULE` option."]],
    arguments: [
      { name: "schedule", type: "pure-token", token: "SCHEDULE", optional: true, since: "3.2.2" },
    ],
  }),
  cmd("bgrewriteaof", 1, "admin noscript no_async_loading", [0, 0, 0], "", bgrewriteaofCommand, {
    summary: "Asynchronously rewrite the append-only file",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
  }),
  cmd("lastsave", 1, "loading stale fast", [0, 0, 0], "admin dangerous", lastsaveCommand, {
    summary: "Get the UNIX time stamp of the last successful save to disk",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
  }),
];
