/**
 * Start-up: read the config (file + command-line directives, like redis-server), open the
 * listeners, start the cron, install signal handlers.
 */
import { loadServerConfig } from "./config/mod.ts";
import { Logger } from "./log.ts";
import { REDIS_COMPAT_VERSION, REXIS_VERSION, Server } from "./server/server.ts";
import { acceptLoop } from "./server/conn.ts";
import { shutdownServer } from "./server/shutdown.ts";

export async function startServer(args: string[]): Promise<Server> {
  const boot = new Logger("notice", "");
  boot.role = "C";
  const config = loadServerConfig(args);
  const log = new Logger(config.getString("loglevel") as "notice", config.getString("logfile"));
  config.onChange("loglevel", (v) => log.setLevel(String(v)));
  config.onChange("logfile", (v) => {
    try {
      log.setFile(String(v));
    } catch (e) {
      return `Failed to open log file: ${(e as Error).message}`;
    }
  });
  log.role = "C";
  log.warning("oO0OoO0OoO0Oo Rexis is starting oO0OoO0OoO0Oo");
  log.warning(
    `Rexis version=${REXIS_VERSION} (redis_version=${REDIS_COMPAT_VERSION}), bits=64, pid=${Deno.pid}, just started`,
  );
  log.warning(
    args.length
      ? "Configuration loaded"
      : "Warning: no config file specified, using the default config.",
  );
  log.role = "M";
  const server = new Server(config, log);
  await listen(server);
  server.startCron();
  log.notice(`Running mode=standalone, port=${server.port}.`);
  log.warning("Server initialized");
  log.notice("Ready to accept connections tcp");
  return server;
}

async function listen(server: Server): Promise<void> {
  const cfg = server.config;
  const port = cfg.getNumber("port");
  if (port !== 0) {
    const binds = cfg.getString("bind").split(/\s+/).filter((s) => s !== "");
    let bound = 0;
    for (let addr of binds) {
      const optional = addr.startsWith("-");
      if (optional) addr = addr.slice(1);
      if (addr === "*") addr = "0.0.0.0";
      try {
        const l = Deno.listen({ hostname: addr, port, transport: "tcp" });
        server.listeners.push(l);
        server.port = (l.addr as Deno.NetAddr).port;
        acceptLoop(server, l);
        bound++;
      } catch (e) {
        if (optional && !(e instanceof Deno.errors.AddrInUse)) continue;
        server.log.warning(
          `Warning: Could not create server TCP listening socket ${addr}:${port}: ${
            (e as Error).message
          }`,
        );
        server.log.warning(`Failed listening on port ${port} (tcp), aborting.`);
        Deno.exit(1);
      }
    }
    if (bound === 0) {
      server.log.warning(`Failed listening on port ${port} (tcp), aborting.`);
      Deno.exit(1);
    }
  }
  const unixPath = cfg.getString("unixsocket");
  if (unixPath) {
    try {
      Deno.removeSync(unixPath);
    } catch { /* not there */ }
    try {
      const l = Deno.listen({ path: unixPath, transport: "unix" });
      const perm = cfg.getNumber("unixsocketperm");
      if (perm) Deno.chmodSync(unixPath, perm);
      server.listeners.push(l);
      acceptLoop(server, l);
      server.log.notice(`The server is now ready to accept connections at ${unixPath}`);
    } catch (e) {
      server.log.warning(`Failed opening Unix socket: ${(e as Error).message}`);
      Deno.exit(1);
    }
  }
}

if (import.meta.main) {
  const server = await startServer(Deno.args);
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(sig, () => {
      server.log.warning(`Received ${sig} scheduling shutdown...`);
      shutdownServer(server, { nosave: false, now: false, force: false });
    });
  }
}
