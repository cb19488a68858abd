/**
 * Dispatch: the fixed order of guards Redis's processCommand() applies before a command runs
 * (unknown command → arity → auth → ... → call), then call() with its statistics. Handlers never
 * repeat a guard.
 */
import type { Client } from "./client.ts";
import { CMD_NO_AUTH, type CommandDef } from "../commands/types.ts";

/** Reply an error for a command refused before it ran (counts rejected_calls). */
export function rejectCommand(c: Client, cmd: CommandDef | undefined, msg: string): void {
  if (cmd) cmd.stats!.rejectedCalls++;
  c.addError(msg);
}

/** Redis's "%.128s" on a binary string. */
function trunc(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

export function unknownCommandError(argv: string[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += "'" + trunc(argv[i], 128 - args.length) + "' ";
  }
  return `ERR unknown command '${trunc(argv[0], 128)}', with args beginning with: ${args}`;
}

export function processCommand(c: Client, argv: string[]): void {
  const server = c.server;
  const cmd = server.commands.lookup(argv);
  if (cmd === undefined) {
    const container = server.commands.get(argv[0]);
    if (container?.subcommands) {
      rejectCommand(
        c,
        undefined,
        `ERR unknown subcommand '${
          trunc(argv[1], 128)
        }'. Try ${container.name.toUpperCase()} HELP.`,
      );
    } else rejectCommand(c, undefined, unknownCommandError(argv));
    return;
  }
  const arity = cmd.arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity) {
    rejectCommand(c, cmd, `ERR wrong number of arguments for '${cmd.fullName}' command`);
    return;
  }
  if (!c.authenticated && (cmd.flagBits! & CMD_NO_AUTH) === 0) {
    rejectCommand(c, cmd, "NOAUTH Authentication required.");
    return;
  }
  call(c, cmd, argv);
}

/** Run a command's handler and account for it. */
export function call(c: Client, cmd: CommandDef, argv: string[]): void {
  const server = c.server;
  const stats = server.stats;
  const errorsBefore = stats.totalErrorReplies;
  const outBefore = c.outLen;
  const start = performance.now();
  server.cmdTime = Date.now();
  c.lastCmd = cmd;
  cmd.handler!(c, argv);
  const dur = performance.now() - start;
  const st = cmd.stats!;
  st.calls++;
  st.usec += dur * 1000;
  if (stats.totalErrorReplies !== errorsBefore) st.failedCalls++;
  stats.numCommands++;
  c.commandsProcessed++;
  if (c.replyMode !== "on") {
    if (c.replyMode === "off") c.outLen = outBefore;
    else if (c.replySkipArmed) {
      c.outLen = outBefore;
      c.replyMode = "on";
      c.replySkipArmed = false;
    } else c.replySkipArmed = true;
  }
}
