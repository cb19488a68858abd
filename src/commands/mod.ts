/**
 * Every command family, imported explicitly. The table (src/commands/table.ts) is built from this
 * list; a duplicate name stops the process at start.
 */
import type { CommandDef } from "./types.ts";
import { connectionCommands } from "./connection.ts";
import { stringCommands } from "./strings.ts";

export const ALL_COMMANDS: CommandDef[] = [
  ...connectionCommands,
  ...stringCommands,
];
