/**
 * The latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR), Redis 7.0's latency.c: while
 * `latency-monitor-threshold` (ms) is not 0, every sampled event that took at least that long is
 * recorded in a 160-slot ring per event name, one sample per second (a later one in the same
 * second keeps the larger latency), with the all-time maximum.
 *
 * Events sampled now: `command` / `fast-command` (dispatch.call(), by the command's `fast` flag)
 * and `expire-cycle` (src/store/expire.ts). Features that add slow paths (eviction, persistence)
 * call `addSampleIfNeeded` with Redis's event names.
 */
import type { Config } from "../config/mod.ts";

export const LATENCY_TS_LEN = 160;
const GRAPH_COLS = 80;

export class LatencySeries {
  idx = 0;
  max = 0;
  readonly times = new Int32Array(LATENCY_TS_LEN);
  readonly latencies = new Uint32Array(LATENCY_TS_LEN);
}

export interface LatencyReportContext {
  slowlogSlowerThan: number;
  hz: number;
}

export class LatencyMonitor {
  /** Event name → its series, in creation order (LATENCY LATEST order). */
  readonly events = new Map<string, LatencySeries>();
  /** `latency-monitor-threshold` in ms; 0 = off. */
  threshold = 0;
  /** Clock in seconds (tests replace it). */
  now: () => number = () => Math.floor(Date.now() / 1000);

  constructor(config?: Config) {
    if (!config) return;
    this.threshold = config.getNumber("latency-monitor-threshold");
    config.onChange("latency-monitor-threshold", (v) => {
      this.threshold = v as number;
    });
  }

  /** latencyAddSampleIfNeeded: `ms` is whole milliseconds. */
  addSampleIfNeeded(event: string, ms: number): void {
    if (this.threshold !== 0 && ms >= this.threshold) this.addSample(event, ms);
  }

  addSample(event: string, ms: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencySeries();
      this.events.set(event, ts);
    }
    const now = this.now();
    if (ms > ts.max) ts.max = ms;
    const prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    if (ts.times[prev] === now) {
      if (ms > ts.latencies[prev]) ts.latencies[prev] = ms;
      return;
    }
    ts.times[ts.idx] = now;
    ts.latencies[ts.idx] = ms;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /** latencyResetEvent: one event (case-insensitive) or all (null); the number reset. */
  reset(event: string | null): number {
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (event === null || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /** The samples of a series, oldest first: [time, latency] pairs. */
  samples(ts: LatencySeries): [number, number][] {
    const out: [number, number][] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (ts.idx + j) % LATENCY_TS_LEN;
      if (ts.times[i] === 0) continue;
      out.push([ts.times[i], ts.latencies[i]]);
    }
    return out;
  }

  /** LATENCY GRAPH: the header, a rule and the sparkline, as latencyCommandGenSparkeline. */
  graph(event: string, ts: LatencySeries): string {
    const seq: SparkSample[] = [];
    let min = 0;
    let max = 0;
    const now = this.now();
    for (const [time, latency] of this.samples(ts)) {
      if (seq.length === 0) min = max = latency;
      else {
        if (latency > max) max = latency;
        if (latency < min) min = latency;
      }
      const elapsed = now - time;
      let label: string;
      if (elapsed < 60) label = `${elapsed}s`;
      else if (elapsed < 3600) label = `${Math.trunc(elapsed / 60)}m`;
      else if (elapsed < 3600 * 24) label = `${Math.trunc(elapsed / 3600)}h`;
      else label = `${Math.trunc(elapsed / (3600 * 24))}d`;
      seq.push({ value: latency, label });
    }
    let graph = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
    graph += "-".repeat(GRAPH_COLS) + "\n";
    return graph + sparklineRender(seq, GRAPH_COLS, 4);
  }

  /** LATENCY DOCTOR: createLatencyReport's text. */
  doctor(ctx: LatencyReportContext): string {
    if (this.events.size === 0 && this.threshold === 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
    }
    let report = "";
    let advices = 0;
    const advise = new Set<string>();
    let eventnum = 0;
    for (const [event, ts] of this.events) {
      eventnum++;
      if (eventnum === 1) {
        report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
      }
      const ls = this.#analyze(ts);
      report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, ` +
        `mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). ` +
        `Worst all time event ${ts.max}ms.`;
      const e = event.toLowerCase();
      if (e === "command") {
        if (ctx.slowlogSlowerThan < 0) {
          advise.add("slowlog_enabled");
          advices++;
        } else if (Math.trunc(ctx.slowlogSlowerThan / 1000) > this.threshold) {
          advise.add("slowlog_tuning");
          advices++;
        }
        advise.add("slowlog_inspect");
        advise.add("large_objects");
        advices += 2;
      }
      if (e === "fast-command") {
        advise.add("scheduler");
        advices++;
      }
      if (e === "expire-cycle") {
        advise.add("hz");
        advise.add("large_objects");
        advices += 2;
      }
      if (e === "eviction-del") {
        advise.add("large_objects");
        advices++;
      }
      if (e === "eviction-cycle") {
        advise.add("mass_eviction");
        advices++;
      }
      report += "\n";
    }
    // Non-event advice: transparent huge pages in use by this process.
    if (anonHugePagesKb() > 0) {
      advise.add("disable_thp");
      advices++;
    }
    if (eventnum === 0 && advices === 0) {
      return report +
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
    }
    if (eventnum > 0 && advices === 0) {
      return report +
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
    }
    report += "\nI have a few advices for you:\n\n";
    if (advise.has("slowlog_enabled")) {
      report +=
        `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${
          this.threshold * 1000
        }'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
    }
    if (advise.has("slowlog_tuning")) {
      report +=
        `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${
          this.threshold * 1000
        }'.\n`;
    }
    if (advise.has("slowlog_inspect")) {
      report +=
        "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n";
    }
    if (advise.has("scheduler")) {
      report +=
        "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
        "  1) Lower the system load.\n" +
        "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n";
    }
    if (advise.has("hz") && ctx.hz < 100) {
      report +=
        "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    }
    if (advise.has("large_objects")) {
      report +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
    }
    if (advise.has("mass_eviction")) {
      report +=
        "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
    }
    if (advise.has("disable_thp")) {
      report +=
        "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
    }
    return report;
  }

  /** analyzeLatencyForEvent (integer arithmetic as in C). */
  #analyze(ts: LatencySeries) {
    let samples = 0;
    let min = 0;
    let max = 0;
    let sum = 0;
    let period = 0;
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      if (ts.times[j] === 0) continue;
      const l = ts.latencies[j];
      samples++;
      if (samples === 1) min = max = l;
      else {
        if (min > l) min = l;
        if (max < l) max = l;
      }
      sum += l;
      if (period === 0 || ts.times[j] < period) period = ts.times[j];
    }
    let avg = 0;
    if (samples) {
      avg = Math.trunc(sum / samples);
      period = this.now() - period;
      if (period === 0) period = 1;
    }
    let dev = 0;
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      if (ts.times[j] === 0) continue;
      dev += Math.abs(avg - ts.latencies[j]);
    }
    const mad = samples ? Math.trunc(dev / samples) : 0;
    return { samples, min, max, avg, mad, period };
  }
}

/** Redis's THPGetAnonHugePagesSize: the AnonHugePages total of /proc/self/smaps (kB), 0 if unknown. */
function anonHugePagesKb(): number {
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/self/smaps");
  } catch {
    return 0;
  }
  let kb = 0;
  for (const m of text.matchAll(/^AnonHugePages:\s+(\d+) kB/gm)) kb += Number(m[1]);
  return kb;
}

// ---- sparklines (Redis's sparkline.c, filled style) -----------------------------------------

interface SparkSample {
  value: number;
  label: string;
}

const CHARSET_LEN = 3;
const CHARSET_FILL = "_o#";
const LABEL_MARGIN_TOP = 1;

/** sparklineRender with SPARKLINE_FILL: rows of `columns` samples, blank line between them. */
export function sparklineRender(seq: SparkSample[], columns: number, rows: number): string {
  let out = "";
  if (seq.length === 0) return out;
  let min = seq[0].value;
  let max = seq[0].value;
  for (const s of seq) {
    if (s.value < min) min = s.value;
    else if (s.value > max) max = s.value;
  }
  for (let j = 0; j < seq.length; j += columns) {
    const len = Math.min(seq.length - j, columns);
    if (j !== 0) out += "\n";
    out += renderRange(seq, min, max, rows, j, len);
  }
  return out;
}

function renderRange(
  seq: SparkSample[],
  min: number,
  max: number,
  rows: number,
  offset: number,
  len: number,
): string {
  let relmax = max - min;
  if (relmax === 0) relmax = 1;
  const steps = CHARSET_LEN * rows;
  let out = "";
  for (let row = 0;; row++) {
    let loop = false;
    const chars = new Array<string>(len).fill(" ");
    for (let j = 0; j < len; j++) {
      const s = seq[j + offset];
      const relval = s.value - min;
      // C: step = (int) (relval*steps)/relmax, stored in an int.
      let step = Math.trunc(Math.trunc(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const charidx = step - (rows - row - 1) * CHARSET_LEN;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_LEN) chars[j] = CHARSET_FILL[charidx];
        else if (charidx >= CHARSET_LEN) chars[j] = "|";
      } else {
        // Every sample has a label: keep one blank line between the graph and the labels.
        if (row - rows < LABEL_MARGIN_TOP) {
          loop = true;
          break;
        }
        const labelChar = row - rows - LABEL_MARGIN_TOP;
        if (s.label.length > labelChar) {
          loop = true;
          chars[j] = s.label[labelChar];
        }
      }
    }
    if (!loop) break;
    out += chars.join("") + "\n";
  }
  return out;
}
