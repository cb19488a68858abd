/**
 * Introspection family: MONITOR, SLOWLOG and LATENCY, with Redis 7.0's replies and errors. The
 * state lives in src/server/ (monitor.ts, slowlog.ts, latency_monitor.ts; the per-command
 * histograms in latency.ts); dispatch.call() feeds it.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { parseI64 } from "./args.ts";
import { addReplyHelp, addReplySubcommandSyntaxError, lookupCommandByName } from "./command.ts";
import { startMonitor } from "../server/monitor.ts";
import { latencyCdf, type LatencyHistogram } from "../server/latency.ts";

// ---- MONITOR ---------------------------------------------------------------------------------

function monitorCommand(c: Client): void {
  startMonitor(c);
}

// ---- SLOWLOG ---------------------------------------------------------------------------------

function slowlogGetCommand(c: Client, argv: string[]): void {
  // The arity allows more arguments; Redis's handler then answers as for an unknown form.
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  const log = c.server.slowlog;
  let count = 10;
  if (argv.length === 3) {
    const v = parseI64(argv[2]);
    // getRangeLongFromObjectOrReply: one message for "not a number" and "out of range".
    if (v === null || v < -1) return c.addError("ERR count should be greater than or equal to -1");
    count = v === -1 ? log.entries.length : Number(v);
  }
  const n = Math.min(count, log.entries.length);
  c.addArrayLen(n);
  for (let i = 0; i < n; i++) {
    const e = log.entries[i];
    c.addArrayLen(6);
    c.addInt(e.id);
    c.addInt(e.time);
    c.addInt(e.duration);
    c.addBulkArray(e.args);
    c.addBulk(e.peer);
    c.addBulk(e.name);
  }
}

function slowlogLenCommand(c: Client): void {
  c.addInt(c.server.slowlog.entries.length);
}

function slowlogResetCommand(c: Client): void {
  c.server.slowlog.reset();
  c.addOk();
}

const SLOWLOG_HELP = [
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
];

// ---- LATENCY ---------------------------------------------------------------------------------

function latencyHistoryCommand(c: Client, argv: string[]): void {
  const mon = c.server.latencyMonitor;
  const ts = mon.events.get(argv[2]);
  if (ts === undefined) return c.addEmptyArray();
  const samples = mon.samples(ts);
  c.addArrayLen(samples.length);
  for (const [time, latency] of samples) {
    c.addArrayLen(2);
    c.addInt(time);
    c.addInt(latency);
  }
}

function latencyLatestCommand(c: Client): void {
  const mon = c.server.latencyMonitor;
  c.addArrayLen(mon.events.size);
  for (const [event, ts] of mon.events) {
    const last = (ts.idx + ts.times.length - 1) % ts.times.length;
    c.addArrayLen(4);
    c.addBulk(event);
    c.addInt(ts.times[last]);
    c.addInt(ts.latencies[last]);
    c.addInt(ts.max);
  }
}

function latencyGraphCommand(c: Client, argv: string[]): void {
  const mon = c.server.latencyMonitor;
  const ts = mon.events.get(argv[2]);
  if (ts === undefined) return c.addError(`ERR No samples available for event '${argv[2]}'`);
  c.addVerbatim(mon.graph(argv[2], ts));
}

function latencyDoctorCommand(c: Client): void {
  const server = c.server;
  c.addVerbatim(
    server.latencyMonitor.doctor({ slowlogSlowerThan: server.slowlog.slowerThan, hz: server.hz }),
  );
}

function latencyResetCommand(c: Client, argv: string[]): void {
  const mon = c.server.latencyMonitor;
  if (argv.length === 2) return c.addInt(mon.reset(null));
  let n = 0;
  for (let j = 2; j < argv.length; j++) n += mon.reset(argv[j]);
  c.addInt(n);
}

/** One command's entry: name → {calls, histogram_usec: {usec: cumulative count}}. */
function addCommandCdf(c: Client, d: CommandDef, h: LatencyHistogram): void {
  c.addBulk(d.fullName!);
  c.addMapLen(2);
  c.addBulk("calls");
  c.addInt(h.total);
  c.addBulk("histogram_usec");
  const cdf = latencyCdf(h);
  c.addMapLen(cdf.length);
  for (const [usec, count] of cdf) {
    c.addInt(usec);
    c.addInt(count);
  }
}

function latencyHistogramCommand(c: Client, argv: string[]): void {
  const at = c.deferLen();
  let n = 0;
  const add = (d: CommandDef) => {
    const h = d.stats!.latency;
    if (h === undefined || h.total === 0) return;
    addCommandCdf(c, d, h);
    n++;
  };
  if (argv.length === 2) {
    for (const d of c.server.commands.all()) add(d);
  } else {
    for (let j = 2; j < argv.length; j++) {
      const d = lookupCommandByName(c, argv[j]);
      if (d === undefined) continue;
      add(d);
      if (d.subcommands) { for (const s of d.subcommands) add(s); }
    }
  }
  c.setDeferredMap(at, n);
}

const LATENCY_HELP = [
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "GRAPH <event>",
  "    Return an ASCII latency graph for the <event> class.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
];

// ---- table rows (subcommands in the order Redis 7.0 lists them in COMMAND INFO/DOCS) ------------------------------------------------------------------------------

const G = "server";
const ADMIN = "admin loading stale";
const LAT = "admin noscript loading stale";
const LAT_TIPS = [
  "nondeterministic_output",
  "request_policy:all_nodes",
  "response_policy:special",
];

export const introspectionCommands: CommandDef[] = [
  cmd("monitor", 1, "admin noscript loading stale", [0, 0, 0], "", monitorCommand, {
    summary: "Listen for all requests received by the server in real time",
    since: "1.0.0",
    group: G,
  }),
  cmd("slowlog", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for slow log commands",
    since: "2.2.12",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("reset", 2, ADMIN, [0, 0, 0], "", slowlogResetCommand, {
        summary: "Clear all entries from the slow log",
        since: "2.2.12",
        group: G,
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      }),
      cmd("len", 2, ADMIN, [0, 0, 0], "", slowlogLenCommand, {
        summary: "Get the slow log's length",
        since: "2.2.12",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", (c, argv) => {
        addReplyHelp(c, argv[0], SLOWLOG_HELP);
      }, {
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("get", -2, ADMIN, [0, 0, 0], "", slowlogGetCommand, {
        summary: "Get the slow log's entries",
        since: "2.2.12",
        group: G,
        complexity: "O(N) where N is the number of entries returned",
        history: [["4.0.0", "Added client IP address, port and name to the reply."]],
        tips: ["request_policy:all_nodes", "nondeterministic_output"],
        arguments: [{ name: "count", type: "integer", optional: true }],
      }),
    ],
  }),
  cmd("latency", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for latency diagnostics commands",
    since: "2.8.13",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("reset", -2, LAT, [0, 0, 0], "", latencyResetCommand, {
        summary: "Reset latency data for one or more events.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        arguments: [{ name: "event", type: "string", optional: true, multiple: true }],
      }),
      cmd("latest", 2, LAT, [0, 0, 0], "", latencyLatestCommand, {
        summary: "Return the latest latency samples for all events.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
        tips: LAT_TIPS,
      }),
      cmd("doctor", 2, LAT, [0, 0, 0], "", latencyDoctorCommand, {
        summary: "Return a human readable latency analysis report.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
        tips: LAT_TIPS,
      }),
      cmd("histogram", -2, LAT, [0, 0, 0], "", latencyHistogramCommand, {
        summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
        since: "7.0.0",
        group: G,
        complexity:
          "O(N) where N is the number of commands with latency information being retrieved.",
        tips: LAT_TIPS,
        arguments: [{ name: "command", type: "string", optional: true, multiple: true }],
      }),
      cmd("history", 3, LAT, [0, 0, 0], "", latencyHistoryCommand, {
        summary: "Return timestamp-latency samples for the event.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
        tips: LAT_TIPS,
        arguments: [{ name: "event", type: "string" }],
      }),
      cmd("graph", 3, LAT, [0, 0, 0], "", latencyGraphCommand, {
        summary: "Return a latency graph for the event.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
        tips: LAT_TIPS,
        arguments: [{ name: "event", type: "string" }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", (c, argv) => {
        addReplyHelp(c, argv[0], LATENCY_HELP);
      }, {
        summary: "Show helpful text about the different subcommands.",
        since: "2.8.13",
        group: G,
        complexity: "O(1)",
      }),
    ],
  }),
];
