/** String family. */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";

function getCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]);
  if (v === undefined) {
    c.server.stats.keyspaceMisses++;
    return c.addNull();
  }
  c.server.stats.keyspaceHits++;
  if (typeof v !== "string") return c.addErrorWrongType();
  c.addBulk(v);
}

function setCommand(c: Client, argv: string[]): void {
  c.db.set(argv[1], argv[2]);
  c.server.signalModifiedKey(c.db, argv[1]);
  c.server.notify("$", "set", argv[1], c.db.id);
  c.server.dirty++;
  c.addOk();
}

const G = "string";
export const stringCommands: CommandDef[] = [
  cmd("get", 2, "readonly fast", [1, 1, 1], "string", getCommand, {
    summary: "Get the value of a key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
  }),
  cmd("set", -3, "write denyoom", [1, 1, 1], "string", setCommand, {
    summary: "Set the string value of a key",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
  }),
];
