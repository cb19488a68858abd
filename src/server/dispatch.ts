/**
 * Dispatch: the fixed order of guards Redis's processCommand() applies before a command runs
 * (unknown command → arity → auth → ... → call), then call() with its statistics. Handlers never
 * repeat a guard.
 */
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import {
  CMD_ADMIN,
  CMD_ALLOW_BUSY,
  CMD_FAST,
  CMD_MAY_REPLICATE,
  CMD_NO_AUTH,
  CMD_NO_MULTI,
  CMD_PROTECTED,
  CMD_SKIP_MONITOR,
  CMD_SKIP_SLOWLOG,
  CMD_WRITE,
  type CommandDef,
} from "../commands/types.ts";
import { recordCommandLatency } from "./latency.ts";
import { processInput, scheduleFlush } from "./conn.ts";
import { handleClientsBlockedOnKeys } from "./blocking.ts";
import { feedMonitors } from "./monitor.ts";
import { execCommandAbort, isExec, queueMultiCommand, runsInsideMulti } from "./multi.ts";
import { OOM_ERROR, refreshWrittenKeys, rejectForOom } from "./evict.ts";
import { trackingCallEnd, trackingCallStart, trackingCommandRejected } from "./tracking.ts";
import { aclDenialError } from "./acl.ts";
import { alsoPropagate, PROPAGATE_ALL, propagatePending } from "./propagate.ts";

/**
 * Reply an error for a command refused before it ran (counts rejected_calls). Inside MULTI the
 * transaction is flagged (EXEC replies EXECABORT); a refused EXEC (even outside MULTI) replies
 * EXECABORT with the reason and discards the transaction, as Redis's rejectCommand.
 */
export function rejectCommand(
  c: Client,
  cmd: CommandDef | undefined,
  msg: string,
  argv?: string[],
): void {
  if (c.multiQueue !== null) c.dirtyExec = true;
  if (cmd) cmd.stats!.rejectedCalls++;
  if (c.tracking !== null) trackingCommandRejected(c, cmd);
  if (isExec(cmd)) {
    // Redis formats the reason from its own text: "ERR " (added by the reply) is not part of it.
    execCommandAbort(c, msg.startsWith("ERR ") ? msg.slice(4) : msg);
    // Monitors saw the MULTI: they see the EXEC that ends it (Redis's execCommandAbort).
    if (argv && c.server.monitors.size !== 0) feedMonitors(c, argv);
  } else c.addError(msg);
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
    rejectCommand(c, cmd, `ERR wrong number of arguments for '${cmd.fullName}' command`, argv);
    return;
  }
  if (cmd.flagBits! & CMD_PROTECTED) {
    const err = protectedCommandError(c, cmd);
    if (err !== null) {
      rejectCommand(c, cmd, err, argv);
      return;
    }
  }
  if (!c.authenticated && (cmd.flagBits! & CMD_NO_AUTH) === 0) {
    rejectCommand(c, cmd, "NOAUTH Authentication required.", argv);
    return;
  }
  // ACL (src/server/acl.ts): one boolean for a user allowed everything (the default user).
  if (!c.aclUser.unrestricted) {
    const err = aclDenialError(c, cmd, argv, c.multiQueue !== null ? "multi" : "toplevel");
    if (err !== null) {
      rejectCommand(c, cmd, err, argv);
      return;
    }
  }
  if (c.multiQueue !== null && (cmd.flagBits! & CMD_NO_MULTI) !== 0) {
    rejectCommand(c, cmd, "ERR Command not allowed inside a transaction", argv);
    return;
  }
  // maxmemory: evict, then refuse denyoom commands while over the limit (src/server/evict.ts).
  if (server.evictor.maxmemory !== 0 && rejectForOom(c, cmd)) {
    rejectCommand(c, cmd, OOM_ERROR, argv);
    return;
  }
  // A failed save with stop-writes-on-bgsave-error: writes (and PING) get -MISCONF.
  if (
    server.diskError !== null && ((cmd.flagBits! & CMD_WRITE) !== 0 || cmd.name === "ping")
  ) {
    rejectCommand(c, cmd, server.diskError, argv);
    return;
  }
  // RESP2 subscribed mode: only the pub/sub controls, PING, QUIT and RESET (RESP3 has no limit).
  if (
    c.subscriptions !== 0 && c.resp === 2 &&
    (cmd.parent !== undefined || !ALLOWED_IN_PUBSUB.has(cmd.name))
  ) {
    rejectCommand(
      c,
      cmd,
      `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
    return;
  }
  // A script is running past busy-reply-threshold (src/scripting/engine.ts): only allow_busy.
  if (server.busyScriptError !== null && (cmd.flagBits! & CMD_ALLOW_BUSY) === 0) {
    rejectCommand(c, cmd, server.busyScriptError, argv);
    return;
  }
  // CLIENT PAUSE: after every other guard, before MULTI queueing or the call.
  if (server.pauseUntil !== 0 && mustWaitForPause(server, c, cmd, argv)) {
    c.postponedArgv = argv;
    c.lastCmd = cmd; // CLIENT LIST shows the command that waits
    server.postponedClients.add(c);
    return;
  }
  // MULTI: everything but the transaction and connection controls is queued (src/server/multi.ts).
  if (c.multiQueue !== null && !runsInsideMulti(cmd)) {
    c.lastCmd = cmd;
    queueMultiCommand(c, cmd, argv);
    c.addStatus("QUEUED");
    return;
  }
  call(c, cmd, argv);
}

const ALLOWED_IN_PUBSUB = new Set([
  "ping",
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

// ---- protected commands (DEBUG, MODULE) -----------------------------------------------------

/** null when `enable-debug-command` / `enable-module-command` lets this client run `cmd`. */
function protectedCommandError(c: Client, cmd: CommandDef): string | null {
  const top = cmd.parent ?? cmd;
  const name = top.name.toUpperCase();
  const option = top.name === "module" ? "enable-module-command" : "enable-debug-command";
  let v: unknown = "local"; // until the config table has the directive
  try {
    v = c.server.config.get(option);
  } catch { /* not declared yet */ }
  const mode = v === true || v === "yes" ? "yes" : v === "local" ? "local" : "no";
  if (mode === "yes" || (mode === "local" && isLocalClient(c))) return null;
  return `ERR ${name} command not allowed. If the ${option} option is set to "local", ` +
    "you can run it from a local connection, otherwise you need to set this option in the " +
    "configuration file, and then restart the server.";
}

/** Redis's islocalClient: unix socket, or a TCP peer on 127.0.0.1 / ::1 (in-memory clients too). */
export function isLocalClient(c: Client): boolean {
  if (c.conn === null || c.unixSocket) return true;
  return c.addr.startsWith("127.0.0.1:") || c.addr.startsWith("[::1]:");
}

// ---- CLIENT PAUSE ---------------------------------------------------------------------------
//
// While a pause is on, a command it covers is not run: the client keeps it in `postponedArgv`
// and stops parsing (conn.ts processInput), so later pipelined commands wait behind it, as with
// Redis's BLOCKED_POSTPONE. When the pause ends (its timer, CLIENT UNPAUSE) every postponed
// client re-enters processCommand in the order it was postponed, then parses the rest of its
// query buffer; replicas are never paused.

function mustWaitForPause(server: Server, c: Client, cmd: CommandDef, argv: string[]): boolean {
  if (c.flagReplica) return false;
  if (server.pauseUntil < Date.now()) {
    endPause(server);
    return false;
  }
  let flags = cmd.dynamicFlags ? cmd.dynamicFlags(c, argv) : cmd.flagBits!;
  // EXEC counts as a write when a write command is queued (Redis's mstate.cmd_flags).
  if (c.multiQueue !== null && isExec(cmd)) flags |= c.multiCmdFlags;
  return !server.pauseWrites || (flags & (CMD_WRITE | CMD_MAY_REPLICATE)) !== 0;
}

/**
 * CLIENT PAUSE: pause until `end` (ms timestamp; 0 or past means no new pause). An ongoing pause
 * keeps the furthest end and the most restrictive type (ALL over WRITE), as in Redis.
 */
export function pauseClients(server: Server, end: number, writesOnly: boolean): void {
  let until = end;
  let writes = writesOnly;
  if (server.pauseUntil !== 0) {
    until = Math.max(server.pauseUntil, end);
    writes = server.pauseWrites && writesOnly;
  }
  clearTimeout(server.pauseTimer);
  if (until < Date.now()) {
    endPause(server);
    return;
  }
  server.pauseUntil = until;
  server.pauseWrites = writes;
  armPauseTimer(server);
}

/** Timers hold at most 2^31-1 ms: a longer pause re-arms until its end. */
function armPauseTimer(server: Server): void {
  const left = server.pauseUntil - Date.now();
  const t = setTimeout(() => {
    if (server.pauseUntil - Date.now() >= 0 && server.pauseUntil !== 0) armPauseTimer(server);
    else endPause(server);
  }, Math.min(Math.max(0, left + 1), 0x7fffffff));
  Deno.unrefTimer(t);
  server.pauseTimer = t;
}

/**
 * CLIENT UNPAUSE (and the pause timer): end the pause; the postponed commands run, in order, once
 * the current command and its batch are done (as Redis resumes them in beforeSleep).
 */
export function endPause(server: Server): void {
  clearTimeout(server.pauseTimer);
  server.pauseTimer = undefined;
  server.pauseUntil = 0;
  server.pauseWrites = false;
  if (server.postponedClients.size > 0) queueMicrotask(() => resumePostponed(server));
}

/** Run the postponed commands (re-checked: a pause may have started again meanwhile). */
export function resumePostponed(server: Server): void {
  if (server.postponedClients.size === 0) return;
  const waiting = [...server.postponedClients];
  server.postponedClients.clear();
  for (const c of waiting) {
    const argv = c.postponedArgv;
    c.postponedArgv = null;
    if (c.closed || argv === null) continue;
    processCommand(c, argv);
    if (c.postponedArgv === null) processInput(server, c);
    scheduleFlush(c);
  }
}

/** A client going away must not be resumed. */
export function forgetPostponed(server: Server, c: Client): void {
  if (c.postponedArgv === null) return;
  c.postponedArgv = null;
  server.postponedClients.delete(c);
}

/**
 * CLIENT REPLY OFF|SKIP: drop what the command wrote from `from` on, except the pushes it produced
 * (pub/sub output, marked in keepRanges), which Redis never silences.
 */
function silenceReply(c: Client, from: number): void {
  const keep = c.keepRanges;
  c.keepRanges = null;
  if (keep === null) {
    c.outLen = from;
    return;
  }
  let w = from;
  for (let i = 0; i < keep.length; i += 2) {
    const s = Math.max(keep[i], from);
    const e = keep[i + 1];
    if (e <= s) continue;
    c.out.copyWithin(w, s, e);
    w += e - s;
  }
  c.outLen = w;
}

const TIME_ORIGIN = performance.timeOrigin;
let prevErrCount = 0;

/**
 * Errors counted so far belong to the command that just had them (Redis's incrCommandStatsOnError
 * updating prev_err_count): used by scripts after a command they called was rejected.
 */
export function syncErrorCount(server: Server): void {
  prevErrCount = server.stats.totalErrorReplies;
}

/** Run a command's handler and account for it. */
export function call(c: Client, cmd: CommandDef, argv: string[]): void {
  const server = c.server;
  const stats = server.stats;
  // Redis's static prev_err_count: an error replied by a command run inside EXEC counts as that
  // command's failure, not EXEC's.
  prevErrCount = stats.totalErrorReplies;
  const outBefore = c.outLen;
  if (c.keepRanges !== null) c.keepRanges = null;
  // Inside an input batch the previous command's end time is this one's start (a clock read
  // costs ~100 ns in Deno); cmdTime is the wall clock in whole ms, as Redis's mstime().
  const chained = server.batchClock !== 0;
  const start = chained ? server.batchClock : performance.now();
  // The command time stays fixed for a whole transaction (Redis's fixed_time_expire).
  if (!server.inExec) server.cmdTime = Math.floor(TIME_ORIGIN + start);
  if (!server.inExec) c.lastCmd = cmd; // CLIENT LIST shows EXEC while it runs
  c.originalArgv = null;
  // Client-side caching (src/server/tracking.ts): one check when no client tracks.
  const tracked = server.trackingClients !== 0;
  const prevCurrent = tracked ? trackingCallStart(c) : null;
  if (server.beforeWrite !== null && (cmd.flagBits! & CMD_WRITE) !== 0) {
    server.beforeWrite(c, cmd, argv);
  }
  // Propagation (src/server/propagate.ts): only while a sink (AOF, replicas) listens.
  if (server.propagation.sinks.length !== 0) callPropagating(c, cmd, argv);
  else cmd.handler!(c, argv);
  if (server.evictor.maxmemory !== 0 && (cmd.flagBits! & CMD_WRITE) !== 0) {
    refreshWrittenKeys(c, cmd, argv);
  }
  const end = performance.now();
  if (chained) server.batchClock = end;
  const dur = end - start;
  const st = cmd.stats!;
  st.calls++;
  st.usec += dur * 1000;
  // LATENCY events, SLOWLOG (a blocked command when it is unblocked), MONITOR (not admin
  // commands), in Redis's order, with the argument vector as the command redacted it.
  const lat = server.latencyMonitor;
  if (lat.threshold !== 0 && dur >= lat.threshold) {
    lat.addSample(cmd.flagBits! & CMD_FAST ? "fast-command" : "command", Math.floor(dur));
  }
  const slowlog = server.slowlog;
  if (c.blocked) {
    c.blockedArgv = c.originalArgv ?? argv;
    c.blockedUs = dur * 1000;
  } else if (slowlog.slowerThan >= 0 && (cmd.flagBits! & CMD_SKIP_SLOWLOG) === 0) {
    // Also trims to slowlog-max-len, as Redis does after every logged-or-not call.
    slowlog.pushIfNeeded(c, c.originalArgv ?? argv, dur * 1000);
  }
  if (server.monitors.size !== 0 && (cmd.flagBits! & (CMD_SKIP_MONITOR | CMD_ADMIN)) === 0) {
    feedMonitors(c, c.originalArgv ?? argv);
  }
  // A blocked client's latency is recorded when it is served (as Redis does).
  if (server.latencyTracking && !c.blocked) recordCommandLatency(cmd, dur);
  // ">" as Redis: CONFIG RESETSTAT zeroes the counter while it runs and must not count as failed.
  if (stats.totalErrorReplies > prevErrCount) st.failedCalls++;
  prevErrCount = stats.totalErrorReplies;
  stats.numCommands++;
  c.commandsProcessed++;
  if (c.replyMode !== "on" && !server.inExec) {
    if (c.replyMode === "off") silenceReply(c, outBefore);
    else if (c.replySkipArmed) {
      silenceReply(c, outBefore);
      c.replyMode = "on";
      c.replySkipArmed = false;
    } else c.replySkipArmed = true;
  }
  if (tracked) trackingCallEnd(c, cmd, argv, prevCurrent);
  // Serve clients blocked on keys this command made ready (not inside EXEC: after it).
  if (server.readyDbs.size !== 0 && !server.inExec) handleClientsBlockedOnKeys(server);
}

/**
 * Run the handler while a sink listens (src/server/propagate.ts): queue the command as executed
 * (or its rewrite) when it changed the dataset, and flush at the outermost call. The client's
 * propagation flags are restored afterwards (EXEC runs its commands on the same client).
 */
const TOUCHES_ARBITRARY_KEYS = new Set(["scan", "randomkey"]);

function callPropagating(c: Client, cmd: CommandDef, argv: string[]): void {
  const server = c.server;
  const prop = server.propagation;
  const prevArgv = c.propagateArgv;
  const prevPrevent = c.preventPropagate;
  const prevForce = c.forcePropagate;
  c.propagateArgv = null;
  c.preventPropagate = false;
  c.forcePropagate = 0;
  const dirtyBefore = server.dirty;
  prop.depth++;
  let ok = false;
  try {
    cmd.handler!(c, argv);
    ok = true;
  } finally {
    prop.depth--;
    // A handler that threw propagates what it queued, not itself.
    if (ok && !c.preventPropagate && !isExec(cmd)) {
      const targets = ((server.dirty > dirtyBefore ? PROPAGATE_ALL : 0) | c.forcePropagate) &
        c.propagateTargets;
      if (targets !== 0) alsoPropagate(server, c.db.id, c.propagateArgv ?? argv, targets);
    }
    c.propagateArgv = prevArgv;
    c.preventPropagate = prevPrevent;
    c.forcePropagate = prevForce;
    // SCAN/RANDOMKEY run directly: the DELs of the expired keys they met are not a transaction.
    if (prop.depth === 0) {
      propagatePending(server, !(cmd.parent === undefined && TOUCHES_ARBITRARY_KEYS.has(cmd.name)));
    }
  }
}
