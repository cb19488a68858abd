/**
 * Orderly exit (SHUTDOWN, SIGTERM/SIGINT), after Redis's prepareForShutdown/finishShutdown:
 * save a final snapshot when asked to (SAVE) or when save points are configured (unless NOSAVE),
 * then close listeners and clients, log, exit.
 *
 * A save that fails stops the shutdown (the server keeps running and the caller gets an error),
 * unless FORCE is given. There are no replicas to wait for, so NOW changes nothing yet and a
 * shutdown is never left "in progress" (SHUTDOWN ABORT always finds none).
 */
import type { Server } from "./server.ts";

export interface ShutdownOptions {
  nosave: boolean;
  /** SHUTDOWN SAVE: save even when no save points are configured. */
  save?: boolean;
  now: boolean;
  force: boolean;
}

/** The reply a client gets when the shutdown was refused (the reason is in the log). */
export const SHUTDOWN_ERROR = "ERR Errors trying to SHUTDOWN. Check logs.";

/** True when `save` has at least one save point (read tolerantly: absent means none). */
function saveParamsConfigured(server: Server): boolean {
  try {
    const v = server.config.get("save");
    return typeof v === "string" ? v.trim() !== "" : Boolean(v);
  } catch {
    return false;
  }
}

/** SHUTDOWN ABORT: true when a shutdown in progress was cancelled. None ever is (see above). */
export function abortShutdown(server: Server): boolean {
  if (!server.shuttingDown) return false;
  server.log.notice("Shutdown manually aborted.");
  return true;
}

/** Returns an error text when the shutdown cannot proceed; otherwise never returns. */
export function shutdownServer(server: Server, opts: ShutdownOptions): string | null {
  server.log.warning("User requested shutdown...");
  if (server.prepareShutdown !== null && server.prepareShutdown(opts.force) !== null) {
    server.log.warning(
      "Errors trying to shut down the server. Check the logs for more information.",
    );
    return SHUTDOWN_ERROR;
  }
  if (opts.save || (!opts.nosave && saveParamsConfigured(server))) {
    server.log.notice("Saving the final RDB snapshot before exiting.");
    const err = server.saveSnapshot
      ? server.saveSnapshot()
      : "RDB persistence is not available in this version of Rexis";
    if (err !== null) {
      server.log.warning(`Failed saving the DB: ${err}`);
      if (opts.force) {
        server.log.warning("Error trying to save the DB. Exit anyway.");
      } else {
        server.log.warning("Error trying to save the DB, can't exit.");
        server.log.warning(
          "Errors trying to shut down the server. Check the logs for more information.",
        );
        return SHUTDOWN_ERROR;
      }
    }
  }
  server.shuttingDown = true;
  server.stopCron();
  for (const l of server.listeners) {
    try {
      l.close();
    } catch { /* closed */ }
  }
  const unixPath = server.config.getString("unixsocket");
  if (unixPath) {
    try {
      Deno.removeSync(unixPath);
    } catch { /* gone */ }
  }
  for (const c of [...server.clients.values()]) server.closeClient(c);
  server.log.warning("Rexis is now ready to exit, bye bye...");
  Deno.exit(0);
}
