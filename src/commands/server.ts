/**
 * Server family: INFO, TIME, SHUTDOWN, DEBUG (SLEEP, SET-ACTIVE-EXPIRE, LOG, OBJECT,
 * DIGEST, DIGEST-VALUE, RELOAD, HELP).
 *
 * INFO prints Redis 7.0.15's sections and field names in Redis's order, with Rexis's real values
 * where it has them and Redis's idle values (0, "ok", -1) for machinery that does not exist yet
 * (forks, AOF, replication links, defrag). `redis_version` is the Redis version we are compatible
 * with (clients gate features on it); `rexis_version` is ours. Memory figures come from V8
 * (`mem_allocator:v8`): used_memory is heap in use plus external memory.
 */
import { existingScriptEngine } from "../scripting/engine.ts";
import os from "node:os";
import process from "node:process";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { REDIS_COMPAT_VERSION, REXIS_VERSION } from "../server/version.ts";
import { Stats } from "../server/stats.ts";
import { cmd, type CommandDef } from "./types.ts";
import { latencyInfoLine, readLatencyPercentiles } from "../server/latency.ts";
import { abortShutdown, shutdownServer } from "../server/shutdown.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import { clientsInTimeoutTable } from "../server/blocking.ts";
import { trackingInfo } from "../server/tracking.ts";
import { persistenceOf } from "../persist/snapshot.ts";
import { aofOf } from "../persist/aof.ts";
import { objLimits, saveOptions } from "../persist/options.ts";
import { rdbObjectType, RdbReader, rdbSaveObject, RdbWriter } from "../persist/rdb.ts";
import { encodingOf, objectRefcount } from "./keys.ts";
import { formatFixed } from "../types/geohash.ts";
import type { RValue } from "../store/db.ts";
import { datasetDigest, keyDigest } from "../server/digest.ts";
import { migrateCachedSockets } from "./migrate.ts";

// ---- formatting helpers ----------------------------------------------------------------------

/** Redis's bytesToHuman: 100B, 1.50K, 2.00M, ... */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let d = n;
  for (const u of units) {
    d /= 1024;
    if (d < 1024) return `${d.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

/** C's "%ld.%06ld" of a duration in microseconds. */
function secondsUs(us: number): string {
  const s = Math.floor(us / 1e6);
  return `${s}.${String(Math.floor(us - s * 1e6)).padStart(6, "0")}`;
}

/** Redis's getSafeInfoString: '#', ':', CR and LF become '_'. */
function safeInfo(s: string): string {
  return s.replace(/[#:\r\n]/g, "_");
}

/** A config value read tolerantly (directives that are not in the table yet). */
function conf<T>(server: Server, name: string, fallback: T): T | string | number | boolean {
  try {
    return server.config.get(name);
  } catch {
    return fallback;
  }
}

function flag(v: unknown): number {
  return v === true || v === "yes" || v === 1 ? 1 : 0;
}

/** Wall-clock time in microseconds (ms from the clock, the sub-ms part from the monotonic one). */
export function nowUs(): number {
  return Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
}

// ---- INFO ------------------------------------------------------------------------------------

/** `INFO` / `INFO default`: everything but commandstats and latencystats. */
export const DEFAULT_INFO_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "module_list",
  "errorstats",
  "cluster",
  "keyspace",
];

function osName(): string {
  let type = "";
  try {
    type = os.type();
  } catch { /* unknown */ }
  let machine: string = Deno.build.arch;
  if (Deno.build.os === "darwin" && machine === "aarch64") machine = "arm64";
  return `${type} ${Deno.osRelease()} ${machine}`;
}

function pollerName(): string {
  switch (Deno.build.os) {
    case "linux":
    case "android":
      return "epoll";
    case "windows":
      return "iocp";
    default:
      return "kqueue";
  }
}

/** A stable 16-hex-digit build id (FNV-1a over the versions), like Redis's redis_build_id. */
function buildId(): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of `${REXIS_VERSION}/${Deno.version.deno}/${Deno.version.v8}`) {
    h ^= BigInt(ch.charCodeAt(0));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}
let BUILD_ID = ""; // computed on first use: REXIS_VERSION is not initialized while modules load

/** user/system CPU of the main thread in microseconds (Linux), else null. */
function mainThreadCpuUs(): { user: number; sys: number } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/self/task/${Deno.pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command name start at field 3 (state): utime is 14, stime 15.
    const ticks = 100; // USER_HZ on Linux
    return { user: (Number(f[11]) / ticks) * 1e6, sys: (Number(f[12]) / ticks) * 1e6 };
  } catch {
    return null;
  }
}

function clientsMemory(server: Server): number {
  let n = 0;
  for (const c of server.clients.values()) n += c.query.buf.length + c.out.length;
  return n;
}

function blockedClients(server: Server): number {
  let n = 0;
  for (const c of server.clients.values()) if (c.blocked || c.postponedArgv !== null) n++;
  return n;
}

function lines(header: string, fields: [string, string | number][]): string {
  let s = `# ${header}\r\n`;
  for (const [k, v] of fields) s += `${k}:${v}\r\n`;
  return s;
}

function serverSection(server: Server): string {
  const now = Date.now();
  const uptime = Math.floor(now / 1000) - Math.floor(server.startTime / 1000);
  const fields: [string, string | number][] = [
    ["redis_version", REDIS_COMPAT_VERSION],
    ["rexis_version", REXIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", BUILD_ID ||= buildId()],
    ["redis_mode", "standalone"],
    ["os", osName()],
    ["arch_bits", 64],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", pollerName()],
    ["atomicvar_api", "none"],
    ["gcc_version", "0.0.0"],
    ["process_id", Deno.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    ["tcp_port", server.port || Number(conf(server, "port", 0))],
    ["server_time_usec", nowUs()],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", server.hz],
    ["configured_hz", Number(conf(server, "hz", server.hz))],
    ["lru_clock", Math.floor(now / 1000) & 0xffffff],
    ["executable", Deno.execPath()],
    ["config_file", server.config.configFile ?? ""],
    ["io_threads_active", 0],
  ];
  return lines("Server", fields);
}

function clientsSection(server: Server): string {
  let normal = 0;
  for (const c of server.clients.values()) if (!c.flagReplica) normal++;
  return lines("Clients", [
    ["connected_clients", normal],
    ["cluster_connections", 0],
    ["maxclients", server.maxClients],
    ["client_recent_max_input_buffer", Math.max(...server.recentMaxInput)],
    ["client_recent_max_output_buffer", Math.max(...server.recentMaxOutput)],
    ["blocked_clients", blockedClients(server)],
    ["tracking_clients", server.trackingClients],
    ["clients_in_timeout_table", clientsInTimeoutTable(server)],
  ]);
}

function memorySection(server: Server): string {
  const m = Deno.memoryUsage();
  const used = server.usedMemory();
  const peak = Math.max(server.memPeak, used);
  const startup = Math.min(server.memStartup, used);
  const clientsMem = clientsMemory(server);
  const overhead = startup + clientsMem;
  const dataset = Math.max(0, used - overhead);
  const net = used - startup;
  const allocated = m.heapUsed + m.external;
  const active = m.heapTotal + m.external;
  const resident = m.rss;
  let total = 0;
  try {
    total = Deno.systemMemoryInfo().total;
  } catch { /* unknown */ }
  const maxmemory = Number(conf(server, "maxmemory", 0));
  const fn = server.functions;
  const se = existingScriptEngine(server);
  const lua = se ? se.luaMemory() : 0;
  const scriptsMem = se ? se.scriptsBytes + se.scripts.size * 100 : 0;
  let fnMem = 0;
  for (const lib of fn.libraries.values()) fnMem += lib.code.length + 200 * lib.functions.size;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0).toFixed(2);
  return lines("Memory", [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", m.rss],
    ["used_memory_rss_human", bytesToHuman(m.rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_peak_perc", `${ratio(used * 100, peak)}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", startup],
    ["used_memory_dataset", dataset],
    ["used_memory_dataset_perc", `${ratio(dataset * 100, net)}%`],
    ["allocator_allocated", allocated],
    ["allocator_active", active],
    ["allocator_resident", resident],
    ["total_system_memory", total],
    ["total_system_memory_human", bytesToHuman(total)],
    ["used_memory_lua", lua],
    ["used_memory_vm_eval", lua],
    ["used_memory_lua_human", bytesToHuman(lua)],
    ["used_memory_scripts_eval", scriptsMem],
    ["number_of_cached_scripts", se ? se.scripts.size : 0],
    ["number_of_functions", fn.functionCount],
    ["number_of_libraries", fn.libraryCount],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", lua],
    ["used_memory_vm_total_human", bytesToHuman(lua)],
    ["used_memory_functions", fnMem],
    ["used_memory_scripts", scriptsMem + fnMem],
    ["used_memory_scripts_human", bytesToHuman(scriptsMem + fnMem)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", String(conf(server, "maxmemory-policy", "noeviction"))],
    ["allocator_frag_ratio", ratio(active, allocated)],
    ["allocator_frag_bytes", active - allocated],
    ["allocator_rss_ratio", ratio(resident, active)],
    ["allocator_rss_bytes", resident - active],
    ["rss_overhead_ratio", ratio(m.rss, resident)],
    ["rss_overhead_bytes", m.rss - resident],
    ["mem_fragmentation_ratio", ratio(m.rss, used)],
    ["mem_fragmentation_bytes", m.rss - used],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", clientsMem],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", 0],
    ["mem_allocator", "v8"],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ]);
}

function persistenceSection(server: Server): string {
  return lines("Persistence", [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ...persistenceOf(server).info(),
    ...aofOf(server).info(),
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
    ...aofOf(server).infoEnabled(),
  ]);
}

function statsSection(server: Server): string {
  const tracking = trackingInfo(server);
  const st = server.stats;
  return lines("Stats", [
    ["total_connections_received", st.numConnections],
    ["total_commands_processed", st.numCommands],
    ["instantaneous_ops_per_sec", Math.floor(Stats.avg(st.opsSamples))],
    ["total_net_input_bytes", st.netInputBytes],
    ["total_net_output_bytes", st.netOutputBytes],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", Stats.avg(st.inSamples).toFixed(2)],
    ["instantaneous_output_kbps", Stats.avg(st.outSamples).toFixed(2)],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", st.rejectedConnections],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", st.expiredKeys],
    ["expired_stale_perc", (st.expiredStalePerc * 100).toFixed(2)],
    ["expired_time_cap_reached_count", st.expiredTimeCapReached],
    ["expire_cycle_cpu_milliseconds", Math.floor(st.expireCycleCpuMs)],
    ["evicted_keys", st.evictedKeys],
    ["evicted_clients", 0],
    ["total_eviction_exceeded_time", Math.floor(server.evictor.totalExceededMs)],
    ["current_eviction_exceeded_time", server.evictor.currentExceededMs()],
    ["keyspace_hits", st.keyspaceHits],
    ["keyspace_misses", st.keyspaceMisses],
    ["pubsub_channels", 0],
    ["pubsub_patterns", 0],
    ["pubsubshard_channels", 0],
    ["latest_fork_usec", 0],
    ["total_forks", st.totalForks],
    ["migrate_cached_sockets", migrateCachedSockets()],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", tracking.keys],
    ["tracking_total_items", tracking.items],
    ["tracking_total_prefixes", tracking.prefixes],
    ["unexpected_error_replies", st.unexpectedErrorReplies],
    ["total_error_replies", st.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", st.readsProcessed],
    ["total_writes_processed", st.writesProcessed],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
  ]);
}

function replicationSection(server: Server): string {
  return lines("Replication", [
    ["role", server.role()],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", server.replId],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", Number(conf(server, "repl-backlog-size", 1048576))],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ]);
}

function cpuSection(): string {
  const u = process.cpuUsage();
  const main = mainThreadCpuUs() ?? { user: u.user, sys: u.system };
  return lines("CPU", [
    ["used_cpu_sys", secondsUs(u.system)],
    ["used_cpu_user", secondsUs(u.user)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", secondsUs(main.sys)],
    ["used_cpu_user_main_thread", secondsUs(main.user)],
  ]);
}

function commandStatsSection(server: Server): string {
  let s = "# Commandstats\r\n";
  for (const d of server.commands.all()) {
    const st = d.stats!;
    if (!st.calls && !st.failedCalls && !st.rejectedCalls) continue;
    const usec = Math.floor(st.usec);
    s += `cmdstat_${safeInfo(d.fullName!)}:calls=${st.calls},usec=${usec},usec_per_call=${
      (st.calls === 0 ? 0 : usec / st.calls).toFixed(2)
    },rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}\r\n`;
  }
  return s;
}

function errorStatsSection(server: Server): string {
  let s = "# Errorstats\r\n";
  const names = [...server.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const k of names) s += `errorstat_${safeInfo(k)}:count=${server.stats.errors.get(k)}\r\n`;
  return s;
}

function latencyStatsSection(server: Server): string {
  let s = "# Latencystats\r\n";
  if (!server.latencyTracking) return s;
  const percentiles = readLatencyPercentiles(server);
  for (const d of server.commands.all()) {
    const h = d.stats!.latency;
    if (h) s += latencyInfoLine(safeInfo(d.fullName!), h, percentiles) + "\r\n";
  }
  return s;
}

function keyspaceSection(server: Server): string {
  let s = "# Keyspace\r\n";
  for (const db of server.dbs) {
    const keys = db.size;
    const expires = db.volatileSize;
    if (keys || expires) {
      s += `db${db.id}:keys=${keys},expires=${expires},avg_ttl=${Math.floor(db.avgTtl)}\r\n`;
    }
  }
  return s;
}

/**
 * The INFO text for the requested section names (lower case; "default", "all", "everything"
 * expanded as Redis's genInfoSectionDict does). No arguments means the default sections.
 */
export function genInfoString(server: Server, args: string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) { for (const s of DEFAULT_INFO_SECTIONS) wanted.add(s); }
  for (const a of args) {
    const s = a.toLowerCase();
    if (s === "default") { for (const d of DEFAULT_INFO_SECTIONS) wanted.add(d); }
    else if (s === "all" || s === "everything") all = true;
    else wanted.add(s);
  }
  const has = (name: string) => all || wanted.has(name);
  const parts: string[] = [];
  if (has("server")) parts.push(serverSection(server));
  if (has("clients")) parts.push(clientsSection(server));
  if (has("memory")) parts.push(memorySection(server));
  if (has("persistence")) parts.push(persistenceSection(server));
  if (has("stats")) parts.push(statsSection(server));
  if (has("replication")) parts.push(replicationSection(server));
  if (has("cpu")) parts.push(cpuSection());
  if (all || wanted.has("module_list") || wanted.has("modules")) parts.push("# Modules\r\n");
  if (has("commandstats")) parts.push(commandStatsSection(server));
  if (has("errorstats")) parts.push(errorStatsSection(server));
  if (has("latencystats")) parts.push(latencyStatsSection(server));
  if (has("cluster")) {
    parts.push(lines("Cluster", [["cluster_enabled", flag(conf(server, "cluster-enabled", 0))]]));
  }
  if (has("keyspace")) parts.push(keyspaceSection(server));
  return parts.join("\r\n");
}

function infoCommand(c: Client, argv: string[]): void {
  c.addVerbatim(genInfoString(c.server, argv.slice(1)));
}

// ---- TIME ------------------------------------------------------------------------------------

function timeCommand(c: Client): void {
  const us = nowUs();
  const sec = Math.floor(us / 1e6);
  c.addArrayLen(2);
  c.addBulk(String(sec));
  c.addBulk(String(us - sec * 1e6));
}

// ---- SHUTDOWN --------------------------------------------------------------------------------

function shutdownCommand(c: Client, argv: string[]): void {
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === "nosave") nosave = true;
    else if (opt === "save") save = true;
    else if (opt === "now") now = true;
    else if (opt === "force") force = true;
    else if (opt === "abort") abort = true;
    else return c.addErrorSyntax();
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) return c.addErrorSyntax();
  if (abort) {
    if (abortShutdown(c.server)) c.addOk();
    else c.addError("ERR No shutdown in progress.");
    return;
  }
  const err = shutdownServer(c.server, { nosave, save, now, force });
  if (err !== null) c.addError(err);
}

// ---- DEBUG -----------------------------------------------------------------------------------

const DEBUG_HELP = [
  "AOF-FLUSH-SLEEP <microsec>",
  "    Server will sleep before flushing the AOF, this is used for testing.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "RELOAD",
  "    Save the RDB on disk and reload it back to memory.",
];

/** C's atoi: optional spaces and sign, then digits; 0 when there are none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? parseInt(m[1], 10) | 0 : 0;
}

/** Block the whole thread for `ms`, like Redis's nanosleep in DEBUG SLEEP. */
export function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function debugCommand(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  if (sub === "help" && argv.length === 2) return addReplyHelp(c, argv[0], DEBUG_HELP);
  if (sub === "log" && argv.length === 3) {
    c.server.log.warning(`DEBUG LOG: ${argv[2]}`);
    return c.addOk();
  }
  if (sub === "sleep" && argv.length === 3) {
    const secs = parseFloat(argv[2].trimStart()); // strtod without an end check
    const us = Math.trunc((Number.isNaN(secs) ? 0 : secs) * 1e6);
    sleepSync(us / 1000);
    return c.addOk();
  }
  if (sub === "pause-cron" && argv.length === 3) {
    c.server.cronPaused = atoi(argv[2]) !== 0;
    return c.addOk();
  }
  if (sub === "object" && argv.length === 3) return debugObject(c, argv[2]);
  if (sub === "digest" && argv.length === 2) return c.addStatus(datasetDigest(c.server.dbs));
  if (sub === "digest-value") {
    c.addArrayLen(argv.length - 2);
    for (let j = 2; j < argv.length; j++) c.addStatus(keyDigest(c.db, argv[j]));
    return;
  }
  if (sub === "reload") {
    const err = persistenceOf(c.server).debugReload();
    return err === null ? c.addOk() : c.addError(err);
  }
  if (sub === "aof-flush-sleep" && argv.length === 3) {
    aofOf(c.server).flushSleepUs = atoi(argv[2]);
    return c.addOk();
  }
  if (sub === "loadaof") {
    aofOf(c.server).debugLoad();
    return c.addOk();
  }
  if (sub === "set-active-expire" && argv.length === 3) {
    c.server.activeExpireEnabled = atoi(argv[2]) !== 0;
    return c.addOk();
  }
  addReplySubcommandSyntaxError(c, argv);
}

/**
 * DEBUG OBJECT: Redis's line. The key is found without expiring it (dictFind). `at:` is a stable
 * per-key stand-in for the object address (a JS value has none; it stays while the key is changed in
 * place, as Redis's INCR of a non-shared integer does); serializedlength is the length of the RDB
 * object payload the writer produces (rdbSavedObjectLen); lru is the key's LRU clock or LFU field.
 * For lists the ql_* fields describe the quicklist nodes the RDB writer splits the list into.
 */
function debugObject(c: Client, key: string): void {
  const v = c.db.getRaw(key);
  if (v === undefined) return c.addError("ERR no such key");
  const cfg = c.server.config;
  const w = new RdbWriter(saveOptions(cfg));
  try {
    rdbSaveObject(w, v, rdbObjectType(v));
  } catch (e) {
    return c.addError(`ERR DEBUG OBJECT: ${(e as Error).message}`); // a type RDB can't save yet
  }
  const enc = encodingOf(v);
  const extra = enc === "quicklist" ? quicklistFields(c, v, w.view()) : "";
  c.addStatus(
    `Value at:${fakeAddress(c.db.id, key)} refcount:${objectRefcount(c, v)} encoding:${enc} ` +
      `serializedlength:${w.pos} lru:${c.db.getLru(key) ?? 0} ` +
      `lru_seconds_idle:${c.db.idleSeconds(key)}${extra}`,
  );
}

/** " ql_nodes:… ql_avg_node:… ql_listpack_max:… ql_compressed:… ql_uncompressed_size:…". */
function quicklistFields(c: Client, v: RValue, payload: Uint8Array): string {
  const cfg = c.server.config;
  const r = new RdbReader(payload, objLimits(cfg));
  const nodes = r.len();
  let size = 0;
  for (let i = 0; i < nodes; i++) {
    r.len(); // container: plain or packed
    size += r.stringBytes().length;
  }
  const count = (v as { length: number }).length;
  return ` ql_nodes:${nodes} ql_avg_node:${formatFixed(count / nodes, 2)}` +
    ` ql_listpack_max:${cfg.getNumber("list-max-listpack-size")}` +
    ` ql_compressed:${cfg.getNumber("list-compress-depth") !== 0 ? 1 : 0}` +
    ` ql_uncompressed_size:${size}`;
}

/** A %p-looking hex number derived from the db and key (FNV-1a), the same for the key's life. */
function fakeAddress(db: number, key: string): string {
  let h = 0x811c9dc5 ^ db;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return `0x7f${(h >>> 0).toString(16).padStart(8, "0")}0`;
}

// ---- table rows ------------------------------------------------------------------------------

const G = "server";

export const serverCommands: CommandDef[] = [
  cmd("info", -1, "loading stale", [0, 0, 0], "dangerous", infoCommand, {
    summary: "Get information and statistics about the server",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    arguments: [{ name: "section", type: "string", optional: true, multiple: true }],
  }),
  cmd("time", 1, "loading stale fast", [0, 0, 0], "", timeCommand, {
    summary: "Return the current server time",
    since: "2.6.0",
    group: G,
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
  }),
  cmd(
    "shutdown",
    -1,
    "admin noscript loading stale no_multi allow_busy",
    [0, 0, 0],
    "",
    shutdownCommand,
    {
      summary: "Synchronously save the dataset to disk and then shut down the server",
      since: "1.0.0",
      group: G,
      complexity:
        "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
      history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
      arguments: [
        {
          name: "nosave_save",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "nosave", type: "pure-token", token: "NOSAVE" },
            { name: "save", type: "pure-token", token: "SAVE" },
          ],
        },
        { name: "now", type: "pure-token", token: "NOW", since: "7.0.0", optional: true },
        { name: "force", type: "pure-token", token: "FORCE", since: "7.0.0", optional: true },
        { name: "abort", type: "pure-token", token: "ABORT", since: "7.0.0", optional: true },
      ],
    },
  ),
  cmd("debug", -2, "admin noscript loading stale protected", [0, 0, 0], "", debugCommand, {
    summary: "A container for debugging commands",
    since: "1.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
  }),
];
