/**
 * Start-up: read the config (file + command-line directives, like redis-server), open the
 * listeners, start the cron, install signal handlers.
 */
import { ConfigError, formatFatal, loadServerConfig } from "./config/mod.ts";
import { errnoText } from "./config/parse.ts";
import { Logger } from "./log.ts";
import { REDIS_COMPAT_VERSION, REXIS_VERSION, Server } from "./server/server.ts";
import { acceptLoop } from "./server/conn.ts";
import { shutdownServer } from "./server/shutdown.ts";
import { persistenceOf } from "./persist/snapshot.ts";
import { aofOf } from "./persist/aof.ts";
import { listenTlsPort, tlsConfigError } from "./server/tls.ts";

export function startServer(args: string[]): Promise<Server> {
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
    config.configFile !== null
      ? "Configuration loaded"
      : "Warning: no config file specified, using the default config.",
  );
  log.role = "M";
  let server: Server;
  try {
    server = new Server(config, log);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const f = formatFatal(e).replace("Reading the configuration file, at line 0\n", "");
    Deno.stderr.writeSync(new TextEncoder().encode(f));
    Deno.exit(1);
  }
  const aclErr = server.acl.loadAtStartup(config.users);
  if (aclErr !== null) {
    log.warning(aclErr);
    Deno.exit(1);
  }
  const tlsErr = tlsConfigError(server);
  if (tlsErr !== null) {
    log.warning(`Failed to configure TLS: ${tlsErr}`);
    Deno.exit(1);
  }
  // Listen first, as Redis's initServer: clients that connect while the data loads (synchronously)
  // wait in the accept queue and are served once it is in memory.
  listen(server);
  createPidFile(server);
  // The banner (with the PID the upstream suite waits for) and "Server initialized" come before
  // the data loads, as in Redis's main(): a server that fails to load has printed them already.
  startBanner(server);
  log.warning("Server initialized");
  // Data: the AOF when `appendonly yes` (it wins over dump.rdb, as in Redis), else the RDB
  // (`dir`/`dbfilename`; the working directory is `dir`); then the AOF files are opened for
  // appending and the save rules and AOF crons run.
  const persistence = persistenceOf(server);
  const aof = aofOf(server);
  aof.loadManifestFromDisk();
  if (config.getBool("appendonly")) {
    if (!aof.loadAtStartup()) Deno.exit(1);
  } else {
    server.loading = true; // nothing expires while the RDB loads (the AOF loader sets it itself)
    const ok = persistence.loadAtStartup();
    server.loading = false;
    if (!ok) Deno.exit(1);
  }
  aof.openOnServerStart();
  aof.delHistoryFiles();
  persistence.startCron();
  aof.startCron();
  server.startCron();
  log.notice("Ready to accept connections tcp");
  return Promise.resolve(server);
}

/**
 * Redis's redisAsciiArt(): a banner with the port and pid when `always-show-logo yes` or when the
 * log goes to a terminal, else one "Running mode" line. The upstream suite's own-server mode waits
 * for the banner's " PID: <pid>".
 */
function startBanner(server: Server): void {
  const cfg = server.config;
  const port = server.port || cfg.getNumber("tls-port");
  const show = cfg.getBool("always-show-logo") ||
    (cfg.getString("logfile") === "" && Deno.stdout.isTerminal());
  if (!show) {
    server.log.notice(`Running mode=standalone, port=${port}.`);
    return;
  }
  server.log.raw(
    `\n    Rexis ${REXIS_VERSION} (Redis ${REDIS_COMPAT_VERSION} compatible) 64 bit\n` +
      `    Running in standalone mode\n    Port: ${port}\n    PID: ${Deno.pid}\n\n`,
  );
}

/** TCP listeners currently open, by "host port" (Redis's server.ipfd). */
const tcpListeners = new Map<string, Deno.Listener>();
/** Bumped by every openTcp(): a deferred bind from an older call gives up. */
let tcpGeneration = 0;

function listen(server: Server): void {
  const cfg = server.config;
  // CONFIG SET port / bind: Redis's changeListenPort / changeBindAddr.
  cfg.onChange("port", (v) => {
    if (!openTcp(server, cfg.getString("bind"), v as number)) {
      return "Unable to listen on this port. Check server logs.";
    }
  });
  cfg.onChange("bind", (v) => {
    if (!openTcp(server, v as string, cfg.getNumber("port"))) {
      return "Failed to bind to specified addresses.";
    }
  });
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
  // TCP last: a client that reaches the TCP port finds the unix socket (with its permissions) and
  // the TLS port ready too.
  const tlsErr = listenTlsPort(server);
  if (tlsErr !== null) {
    server.log.warning(tlsErr);
    Deno.exit(1);
  }
  if (!openTcp(server, cfg.getString("bind"), cfg.getNumber("port"))) {
    server.log.warning(`Failed listening on port ${cfg.getNumber("port")} (tcp), aborting.`);
    Deno.exit(1);
  }
  if (tcpListeners.size === 0 && !unixPath && cfg.getNumber("tls-port") === 0) {
    server.log.warning("Configured to not listen anywhere, exiting.");
    Deno.exit(1);
  }
}

interface TcpAddr {
  key: string;
  host: string;
  addr: string;
  optional: boolean;
}

/**
 * Listen on `port` at every address of `bind` (Redis's listenToPort), replacing the current TCP
 * listeners; all or nothing: on failure the current ones stay. Port 0 or an empty bind means no
 * TCP. `*` is 0.0.0.0, `::*` is ::, a leading `-` makes an address optional (skipped when this
 * host lacks it).
 *
 * Deno frees a closed listener's port only on the next turn of the event loop, and CONFIG SET
 * applies synchronously: a listener already open on the same address and port is kept, and an
 * address that collides with one of our own listeners about to close (`*` -> `127.0.0.1` on one
 * port) is bound right after, on the next turns.
 */
function openTcp(server: Server, bind: string, port: number): boolean {
  const addrs: TcpAddr[] = [];
  for (let addr of port === 0 ? [] : bind.split(" ").filter((s) => s !== "")) {
    const optional = addr.startsWith("-");
    if (optional) addr = addr.slice(1);
    const host = addr === "*" ? "0.0.0.0" : addr === "::*" ? "::" : addr;
    const key = `${host} ${port}`;
    if (!addrs.some((a) => a.key === key)) addrs.push({ key, host, addr, optional });
  }
  const closing = [...tcpListeners.keys()].filter((k) => !addrs.some((a) => a.key === k));
  const selfConflict = closing.some((k) => k.endsWith(` ${port}`));
  const keep = new Map<string, Deno.Listener>();
  const opened: [string, Deno.Listener][] = [];
  const deferred: TcpAddr[] = [];
  for (const a of addrs) {
    const current = tcpListeners.get(a.key);
    if (current) {
      keep.set(a.key, current);
      continue;
    }
    const r = tryListen(server, a, port, [...keep.keys(), ...opened.map(([k]) => k)]);
    if (r === "skip") continue;
    if (r instanceof Deno.errors.AddrInUse && selfConflict) {
      deferred.push(a);
      continue;
    }
    if (r instanceof Error) {
      logBindError(server, a, port, r);
      for (const [, l] of opened) l.close();
      return false;
    }
    opened.push([a.key, r]);
  }
  tcpGeneration++;
  for (const k of closing) {
    const l = tcpListeners.get(k)!;
    try {
      l.close();
    } catch { /* closed */ }
    server.listeners = server.listeners.filter((x) => x !== l);
    tcpListeners.delete(k);
  }
  for (const [k, l] of opened) addTcpListener(server, k, l);
  if (deferred.length) bindLater(server, deferred, port, tcpGeneration, 0);
  server.port = port;
  return true;
}

/** A listener, "skip" for an address to pass over, or the error. */
function tryListen(
  server: Server,
  a: TcpAddr,
  port: number,
  bound: string[],
): Deno.Listener | "skip" | Error {
  try {
    return Deno.listen({ hostname: a.host, port, transport: "tcp" });
  } catch (e) {
    // Deno's :: socket is dual-stack, so :: and 0.0.0.0 on one port collide: keep the first.
    const other = a.host === "::" ? "0.0.0.0" : a.host === "0.0.0.0" ? "::" : "";
    if (other && e instanceof Deno.errors.AddrInUse && bound.includes(`${other} ${port}`)) {
      return "skip";
    }
    const msg = (e as Error).message;
    // EADDRNOTAVAIL on an optional address; ENOPROTOOPT, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
    // EPFNOSUPPORT, EAFNOSUPPORT anywhere: this host lacks the address family.
    if (
      (a.optional && e instanceof Deno.errors.AddrNotAvailable) ||
      /\(os error (92|93|94|96|97)\)/.test(msg)
    ) {
      logBindError(server, a, port, e as Error);
      return "skip";
    }
    return e as Error;
  }
}

function logBindError(server: Server, a: TcpAddr, port: number, e: Error): void {
  server.log.warning(
    `Warning: Could not create server TCP listening socket ${a.addr}:${port}: ${e.message}`,
  );
}

function addTcpListener(server: Server, key: string, l: Deno.Listener): void {
  tcpListeners.set(key, l);
  server.listeners.push(l);
  acceptLoop(server, l);
}

/** Bind addresses that waited for our own closed listeners to let go of the port. */
function bindLater(server: Server, addrs: TcpAddr[], port: number, gen: number, n: number): void {
  setTimeout(() => {
    if (gen !== tcpGeneration) return;
    const left: TcpAddr[] = [];
    for (const a of addrs) {
      const r = tryListen(server, a, port, [...tcpListeners.keys()]);
      if (r === "skip") continue;
      if (r instanceof Deno.errors.AddrInUse && n < 20) left.push(a);
      else if (r instanceof Error) logBindError(server, a, port, r);
      else addTcpListener(server, a.key, r);
    }
    if (left.length) bindLater(server, left, port, gen, n + 1);
  }, n === 0 ? 0 : 10);
}

/** Redis's createPidFile: write the pid when `pidfile` is set; removed again at exit. */
function createPidFile(server: Server): void {
  const path = server.config.getString("pidfile");
  if (path === "") return;
  try {
    Deno.writeTextFileSync(path, `${Deno.pid}\n`);
  } catch (e) {
    server.log.warning(`Failed to write PID file: ${errnoText(e)}`);
    return;
  }
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
  });
}

/**
 * `deno task start` sets REXIS_DEFAULT_CONFIG=redis.conf: that file is used unless the command
 * line names a config file itself (so `deno task start other.conf --port 6380` works too).
 */
function withDefaultConfig(args: string[]): string[] {
  let def: string | undefined;
  try {
    if (
      Deno.permissions.querySync({ name: "env", variable: "REXIS_DEFAULT_CONFIG" }).state ===
        "granted"
    ) {
      def = Deno.env.get("REXIS_DEFAULT_CONFIG");
    }
  } catch { /* no permission: no default */ }
  if (!def || (args.length > 0 && args[0][0] !== "-")) return args;
  return [def, ...args];
}

if (import.meta.main) {
  const server = await startServer(withDefaultConfig(Deno.args));
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(sig, () => {
      server.log.warning(`Received ${sig} scheduling shutdown...`);
      shutdownServer(server, { nosave: false, now: false, force: false });
    });
  }
}
