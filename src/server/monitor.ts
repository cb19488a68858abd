/**
 * MONITOR: clients that receive every command the server runs, one status line per command, in
 * Redis 7.0's format (replicationFeedMonitors):
 *
 *   +<unix sec>.<usec> [<db> <peer>] "arg0" "arg1" ...
 *
 * where <peer> is the client's address, `lua` for a script's calls, or `unix:<unixsocket>` for a
 * unix-socket client, and every argument is quoted and escaped as sdscatrepr does.
 *
 * dispatch.call() feeds the monitors after a command ran (so a command inside EXEC appears before
 * EXEC, and SELECT shows the db it selected), with the argument vector the command redacted
 * (`redactArgument`: AUTH and HELLO passwords, sensitive CONFIG SET values), unless the command is
 * `admin` or `skip_monitor`. A refused EXEC (EXECABORT) is fed too, so that a MULTI seen by a
 * monitor is always closed. Output reaches a monitor through `scheduleFlush`: it is not the client
 * whose read loop is running. RESET and disconnecting leave monitor mode.
 */
import type { Client } from "./client.ts";
import { scheduleFlush } from "./conn.ts";

/** The argument text shown instead of a redacted one (Redis's shared.redacted). */
export const REDACTED = "(redacted)";

/** MONITOR: enter monitor mode (replies OK), or the reason it is refused. */
export function startMonitor(c: Client): void {
  const server = c.server;
  // Inside EXEC (and later Lua) a client expects one reply per command: Redis's DENY_BLOCKING.
  if (server.inExec) return c.addError("ERR MONITOR isn't allowed for DENY BLOCKING client");
  // A replica, or already monitoring: ignored without a reply, as in Redis.
  if (c.flagReplica || c.monitor) return;
  c.monitor = true;
  server.monitors.add(c);
  c.addOk();
}

/** RESET / disconnect: leave monitor mode. */
export function stopMonitor(c: Client): void {
  if (!c.monitor) return;
  c.monitor = false;
  c.server.monitors.delete(c);
}

/**
 * Replace argument `i` of the command being run by "(redacted)" in what SLOWLOG and MONITOR show
 * (Redis's redactClientCommandArgument). The command itself still sees `argv` unchanged.
 */
export function redactArgument(c: Client, argv: string[], i: number): void {
  if (i >= argv.length) return;
  if (c.originalArgv === null) c.originalArgv = argv.slice();
  c.originalArgv[i] = REDACTED;
}

/** Send one command to every monitor (dispatch.call()). */
export function feedMonitors(c: Client, argv: readonly string[]): void {
  const server = c.server;
  const now = performance.timeOrigin + performance.now();
  const sec = Math.floor(now / 1000);
  const usec = Math.floor((now - sec * 1000) * 1000);
  let line = `${sec}.${String(Math.min(usec, 999999)).padStart(6, "0")} [${c.db.id} `;
  if (c.flagScript) line += "lua] ";
  else if (c.unixSocket) line += `unix:${server.config.getString("unixsocket")}] `;
  else line += `${c.addr}] `;
  for (let j = 0; j < argv.length; j++) {
    if (j !== 0) line += " ";
    line += catRepr(argv[j]);
  }
  for (const m of server.monitors) {
    // A client about to close takes no more output (Redis's prepareClientToWrite).
    if (m.closed || m.closeAfterReply) continue;
    m.addStatus(line);
    if (m !== c) scheduleFlush(m);
  }
}

/**
 * Redis's sdscatrepr for a binary string: double quotes around it, `\\ \" \n \r \t \a \b`
 * escaped, other bytes outside isprint (32..126) as `\xhh`.
 */
export function catRepr(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    let esc: string | null = null;
    switch (ch) {
      case 0x5c:
        esc = "\\\\";
        break;
      case 0x22:
        esc = '\\"';
        break;
      case 0x0a:
        esc = "\\n";
        break;
      case 0x0d:
        esc = "\\r";
        break;
      case 0x09:
        esc = "\\t";
        break;
      case 0x07:
        esc = "\\a";
        break;
      case 0x08:
        esc = "\\b";
        break;
      default:
        if (ch < 32 || ch > 126) esc = "\\x" + ch.toString(16).padStart(2, "0");
    }
    if (esc !== null) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}
