/** Orderly exit (SHUTDOWN, SIGTERM/SIGINT): close listeners and clients, log, exit. */
import type { Server } from "./server.ts";

export interface ShutdownOptions {
  nosave: boolean;
  now: boolean;
  force: boolean;
}

/** Returns an error text when the shutdown cannot proceed; otherwise never returns. */
export function shutdownServer(server: Server, _opts: ShutdownOptions): string | null {
  server.shuttingDown = true;
  server.log.warning("User requested shutdown...");
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
