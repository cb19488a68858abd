/**
 * Every command family, imported explicitly. The table (src/commands/table.ts) is built from this
 * list; a duplicate name stops the process at start.
 */
import type { CommandDef } from "./types.ts";
import { connectionCommands } from "./connection.ts";
import { stringCommands } from "./strings.ts";
import { listCommands } from "./lists.ts";
import { keyspaceCommands } from "./keys.ts";
import { configCommands } from "./config.ts";
import { commandCommands } from "./command.ts";
import { clientCommands } from "./client.ts";
import { serverCommands } from "./server.ts";
import { functionCommands } from "./function.ts";
import { scriptingCommands } from "./scripting.ts";
import { transactionCommands } from "./transactions.ts";
import { setCommands } from "./sets.ts";
import { hashCommands } from "./hashes.ts";
import { sortCommands } from "./sort.ts";
import { zsetCommands } from "./zsets.ts";
import { geoCommands } from "./geo.ts";
import { memoryCommands } from "./memory.ts";
import { pubsubCommands } from "./pubsub.ts";
import { introspectionCommands } from "./introspection.ts";
import { bitmapCommands } from "./bitops.ts";
import { hyperloglogCommands } from "./hyperloglog.ts";
import { streamCommands } from "./streams.ts";
import { dumpCommands } from "./dump.ts";
import { persistenceCommands } from "./persistence.ts";
import { aclCommands } from "./acl.ts";
import { moduleCommands } from "./module.ts";
import { migrateCommands } from "./migrate.ts";

export const ALL_COMMANDS: CommandDef[] = [
  ...connectionCommands,
  ...stringCommands,
  ...listCommands,
  ...keyspaceCommands,
  ...configCommands,
  ...commandCommands,
  ...clientCommands,
  ...serverCommands,
  ...functionCommands,
  ...scriptingCommands,
  ...transactionCommands,
  ...setCommands,
  ...hashCommands,
  ...sortCommands,
  ...zsetCommands,
  ...geoCommands,
  ...memoryCommands,
  ...pubsubCommands,
  ...introspectionCommands,
  ...bitmapCommands,
  ...hyperloglogCommands,
  ...streamCommands,
  ...dumpCommands,
  ...persistenceCommands,
  ...aclCommands,
  ...moduleCommands,
  ...migrateCommands,
];
