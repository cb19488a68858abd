/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The state and the WATCH table live in
 * src/server/multi.ts; queueing happens in dispatch (src/server/dispatch.ts processCommand).
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import {
  discardGeneric,
  execGeneric,
  multiGeneric,
  unwatchGeneric,
  watchGeneric,
} from "../server/multi.ts";

const G = "transactions";

function multiCommand(c: Client): void {
  multiGeneric(c);
}

function execCommand(c: Client): void {
  execGeneric(c);
}

function discardCommand(c: Client): void {
  discardGeneric(c);
}

function watchCommand(c: Client, argv: string[]): void {
  watchGeneric(c, argv);
}

function unwatchCommand(c: Client): void {
  unwatchGeneric(c);
}

export const transactionCommands: CommandDef[] = [
  cmd(
    "multi",
    1,
    "noscript loading stale fast allow_busy",
    [0, 0, 0],
    "transaction",
    multiCommand,
    {
      summary: "Mark the start of a transaction block",
      since: "1.2.0",
      group: G,
      complexity: "O(1)",
    },
  ),
  cmd("exec", 1, "noscript loading stale skip_slowlog", [0, 0, 0], "transaction", execCommand, {
    summary: "Execute all commands issued after MULTI",
    since: "1.2.0",
    group: G,
    complexity: "Depends on commands in the transaction",
  }),
  cmd(
    "discard",
    1,
    "noscript loading stale fast allow_busy",
    [0, 0, 0],
    "transaction",
    discardCommand,
    {
      summary: "Discard all commands issued after MULTI",
      since: "2.0.0",
      group: G,
      complexity: "O(N), when N is the number of queued commands",
    },
  ),
  cmd(
    "watch",
    -2,
    "noscript loading stale fast allow_busy",
    [1, -1, 1],
    "transaction",
    watchCommand,
    {
      summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
      since: "2.2.0",
      group: G,
      complexity: "O(1) for every key.",
      keySpecs: [keySpec("RO", 1, -1)],
      arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
    },
  ),
  cmd(
    "unwatch",
    1,
    "noscript loading stale fast allow_busy",
    [0, 0, 0],
    "transaction",
    unwatchCommand,
    {
      summary: "Forget about all watched keys",
      since: "2.2.0",
      group: G,
      complexity: "O(1)",
    },
  ),
];
