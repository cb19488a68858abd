import { assert, assertEquals, assertMatch } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError, RespVerbatim } from "../protocol/decode.ts";

/** SLOWLOG GET entries → their argument arrays. */
function slowArgs(reply: unknown): string[][] {
  return (reply as unknown[][]).map((e) => e[3] as string[]);
}

Deno.test("SLOWLOG: threshold, max len, newest first, GET count, LEN, RESET", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 0);
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "0");
  t.exec(c, "SET", "a", "1");
  t.exec(c, "GET", "a");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 3);
  // SLOWLOG commands are logged too (after they replied).
  const all = t.exec(c, "SLOWLOG", "GET") as unknown[][];
  assertEquals(slowArgs(all), [
    ["SLOWLOG", "LEN"],
    ["GET", "a"],
    ["SET", "a", "1"],
    ["CONFIG", "SET", "slowlog-log-slower-than", "0"],
  ]);
  const [id, time, duration, , peer, name] = all[0];
  assertEquals(id, 3);
  assert(Math.abs((time as number) - Date.now() / 1000) < 5);
  assert(typeof duration === "number" && duration >= 0);
  assertEquals([peer, name], ["", ""]);
  assertEquals((t.exec(c, "SLOWLOG", "GET", "1") as unknown[]).length, 1);
  assertEquals((t.exec(c, "SLOWLOG", "GET", "0") as unknown[]).length, 0);
  assertEquals(
    t.exec(c, "SLOWLOG", "GET", "-2"),
    new RespError("ERR count should be greater than or equal to -1"),
  );
  assertEquals(
    t.exec(c, "SLOWLOG", "GET", "1", "2"),
    new RespError(
      "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
    ),
  );
  assertEquals(
    t.exec(c, "SLOWLOG", "GET", "x"),
    new RespError("ERR count should be greater than or equal to -1"),
  );
  // slowlog-max-len trims at once; -1 disables logging.
  t.exec(c, "CONFIG", "SET", "slowlog-max-len", "2");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 2);
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "-1");
  assertEquals(t.exec(c, "SLOWLOG", "RESET"), "OK");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 0);
  // While logging is off a shorter max length trims nothing; the next loggable command trims.
  t.exec(c, "CONFIG", "SET", "slowlog-max-len", "128");
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "0");
  t.exec(c, "SLOWLOG", "RESET");
  t.exec(c, "PING");
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "-1");
  t.exec(c, "CONFIG", "SET", "slowlog-max-len", "1");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 2); // SLOWLOG RESET and PING
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "100000");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 1);
  t.exec(c, "CONFIG", "SET", "slowlog-max-len", "2");
  // A high threshold logs nothing fast.
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "1000000");
  t.exec(c, "SLOWLOG", "RESET");
  t.exec(c, "PING");
  assertEquals(t.exec(c, "SLOWLOG", "LEN"), 0);
  assertEquals(t.exec(c, "CONFIG", "GET", "slowlog-*"), [
    "slowlog-log-slower-than",
    "1000000",
    "slowlog-max-len",
    "2",
  ]);
});

Deno.test("SLOWLOG: trimming of arguments, redaction, EXEC not logged, client name", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "0");
  t.exec(c, "CLIENT", "SETNAME", "me");
  const many = Array.from({ length: 33 }, (_, i) => String(i));
  t.exec(c, "SADD", "s", ...many);
  t.exec(c, "SET", "k", "A".repeat(130));
  t.exec(c, "AUTH", "user", "secret");
  t.exec(c, "CONFIG", "SET", "requirepass", "pw", "hz", "10");
  t.exec(c, "CONFIG", "SET", "requirepass", "");
  t.exec(c, "MULTI");
  t.exec(c, "INCR", "n");
  t.exec(c, "EXEC");
  const log = t.exec(c, "SLOWLOG", "GET", "-1") as unknown[][];
  const args = slowArgs(log);
  assertEquals(args[0], ["INCR", "n"]); // EXEC is skip_slowlog, MULTI is logged
  assertEquals(args[1], ["MULTI"]);
  assertEquals(args[2], ["CONFIG", "SET", "requirepass", "(redacted)"]);
  assertEquals(args[3], ["CONFIG", "SET", "requirepass", "(redacted)", "hz", "10"]);
  assertEquals(args[4], ["AUTH", "(redacted)", "(redacted)"]);
  assertEquals(args[5], ["SET", "k", "A".repeat(128) + "... (2 more bytes)"]);
  assertEquals(args[6].length, 32);
  assertEquals(args[6][31], "... (4 more arguments)");
  assertEquals(args[6].slice(0, 3), ["SADD", "s", "0"]);
  assertEquals(log[0][5], "me");
});

Deno.test("LATENCY: samples per second, LATEST, HISTORY, GRAPH, RESET, DOCTOR", () => {
  const t = testServer(["--enable-debug-command", "yes"]);
  const c = t.client();
  const mon = t.server.latencyMonitor;
  let now = 1_700_000_000;
  mon.now = () => now;
  assertMatch(
    (t.exec(c, "LATENCY", "DOCTOR") as RespVerbatim).toString(),
    /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/,
  );
  t.exec(c, "CONFIG", "SET", "latency-monitor-threshold", "10");
  mon.addSampleIfNeeded("command", 9); // under the threshold
  assertEquals(t.exec(c, "LATENCY", "LATEST"), []);
  mon.addSampleIfNeeded("command", 20);
  mon.addSampleIfNeeded("command", 30); // same second: keeps the larger
  mon.addSampleIfNeeded("command", 25);
  now += 2;
  mon.addSampleIfNeeded("command", 12);
  mon.addSampleIfNeeded("expire-cycle", 15);
  assertEquals(t.exec(c, "LATENCY", "LATEST"), [
    ["command", now, 12, 30],
    ["expire-cycle", now, 15, 15],
  ]);
  assertEquals(t.exec(c, "LATENCY", "HISTORY", "command"), [[now - 2, 30], [now, 12]]);
  assertEquals(t.exec(c, "LATENCY", "HISTORY", "nosuch"), []);
  assertEquals(
    t.exec(c, "LATENCY", "GRAPH", "nosuch"),
    new RespError("ERR No samples available for event 'nosuch'"),
  );
  // Redis 7.0.15 draws exactly this for the same samples.
  assertEquals(
    (t.exec(c, "LATENCY", "GRAPH", "command") as RespVerbatim).toString(),
    "command - high 30 ms, low 12 ms (all time high 30 ms)\n" +
      "-".repeat(80) + "\n" +
      "# \n| \n| \n|_\n  \n20\nss\n",
  );
  const doctor = (t.exec(c, "LATENCY", "DOCTOR") as RespVerbatim).toString();
  assertMatch(doctor, /^Dave, I have observed latency spikes in this Redis instance\./);
  assertMatch(
    doctor,
    /1\. command: 2 latency spikes \(average 21ms, mean deviation 9ms, period 1\.00 sec\)\. Worst all time event 30ms\./,
  );
  assertMatch(doctor, /2\. expire-cycle: 1 latency spikes/);
  assertMatch(doctor, /- Check your Slow Log/);
  assertEquals(t.exec(c, "LATENCY", "RESET", "COMMAND", "nosuch"), 1);
  assertEquals(t.exec(c, "LATENCY", "RESET"), 1);
  assertEquals(t.exec(c, "LATENCY", "LATEST"), []);
  // Sampled by call(): DEBUG SLEEP is a slow command.
  t.exec(c, "CONFIG", "SET", "latency-monitor-threshold", "5");
  t.exec(c, "DEBUG", "SLEEP", "0.01");
  t.exec(c, "PING");
  const latest = t.exec(c, "LATENCY", "LATEST") as unknown[][];
  assertEquals(latest.map((e) => e[0]), ["command"]);
  assert((latest[0][2] as number) >= 10);
  assertEquals(
    t.exec(c, "LATENCY", "HELP", "x"),
    new RespError("ERR wrong number of arguments for 'latency|help' command"),
  );
});

Deno.test("LATENCY HISTOGRAM: RESP2 and RESP3 shapes, subcommands, unknown names skipped", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "CONFIG", "RESETSTAT");
  t.exec(c, "SET", "a", "b");
  t.exec(c, "SET", "c", "d");
  t.exec(c, "CLIENT", "ID");
  const h2 = t.exec(c, "LATENCY", "HISTOGRAM", "set", "nosuch", "client") as unknown[];
  assertEquals(h2.length, 4);
  assertEquals([h2[0], h2[2]], ["set", "client|id"]);
  const set = h2[1] as unknown[];
  assertEquals(set.slice(0, 3), ["calls", 2, "histogram_usec"]);
  const buckets = set[3] as number[];
  assertEquals(buckets.length % 2, 0);
  assertEquals(buckets[buckets.length - 1], 2); // cumulative
  t.exec(c, "HELLO", "3");
  const h3 = t.exec(c, "LATENCY", "HISTOGRAM", "set") as Map<string, Map<string, unknown>>;
  assert(h3 instanceof Map);
  assertEquals(h3.get("set")!.get("calls"), 2);
  assert(h3.get("set")!.get("histogram_usec") instanceof Map);
  // With no argument: every command with data (config|resetstat, set, client|id, hello, latency|histogram).
  const all = t.exec(c, "LATENCY", "HISTOGRAM") as Map<string, unknown>;
  assert(all.has("config|resetstat") && all.has("client|id") && all.has("set"));
});

Deno.test("MONITOR: line format, MULTI/EXEC order, admin commands hidden, RESET, CLIENT LIST O", () => {
  const t = testServer();
  const m = t.client();
  const c = t.client();
  assertEquals(t.exec(m, "MONITOR"), "OK");
  assertEquals(t.exec(m, "MONITOR"), undefined); // already monitoring: no reply
  t.exec(c, "SET", 'k\x00\n"', "v v");
  t.exec(c, "SELECT", "2");
  t.exec(c, "MULTI");
  t.exec(c, "INCR", "n");
  t.exec(c, "EXEC");
  t.exec(c, "MULTI");
  t.exec(c, "NOSUCH");
  t.exec(c, "EXEC");
  t.exec(c, "CONFIG", "GET", "hz"); // admin: not shown
  t.exec(c, "HELLO", "2", "AUTH", "default", "x");
  const lines = t.feed(m, "") as string[];
  const strip = (l: string) => l.replace(/^\d+\.\d{6} /, "T ");
  assertEquals(lines.map(strip), [
    'T [0 ] "SET" "k\\x00\\n\\"" "v v"',
    'T [2 ] "SELECT" "2"',
    'T [2 ] "MULTI"',
    'T [2 ] "INCR" "n"',
    'T [2 ] "EXEC"',
    'T [2 ] "MULTI"',
    'T [2 ] "EXEC"',
    'T [2 ] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
  ]);
  const list = t.exec(c, "CLIENT", "LIST") as RespVerbatim;
  assertMatch(list.toString(), new RegExp(`id=${m.id} .* flags=O `));
  assertEquals(t.exec(m, "RESET"), "RESET");
  t.exec(c, "PING");
  assertEquals(t.feed(m, ""), []);
  assert(!(t.exec(c, "CLIENT", "LIST") as RespVerbatim).toString().includes("flags=O"));
  // A monitor that QUITs does not see its own QUIT (it is closing).
  const m2 = t.client();
  t.exec(m2, "MONITOR");
  assertEquals(t.exec(m2, "QUIT"), "OK");
  // Inside EXEC, MONITOR is refused (a transaction expects one reply per command).
  t.exec(c, "MULTI");
  t.exec(c, "MONITOR");
  assertEquals(t.exec(c, "EXEC"), [
    new RespError("ERR MONITOR isn't allowed for DENY BLOCKING client"),
  ]);
});

Deno.test("INFO commandstats: CONFIG RESETSTAT itself is not a failed call", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "NOSUCH");
  t.exec(c, "LPUSH");
  t.exec(c, "CONFIG", "RESETSTAT");
  const info = (t.exec(c, "INFO", "commandstats") as RespVerbatim).toString();
  assertMatch(
    info,
    /cmdstat_config\|resetstat:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/,
  );
});

Deno.test("SLOWLOG: blocked commands as Redis 7.0 logs them (served, CLIENT UNBLOCK, timeout)", async () => {
  const t = testServer();
  const c = t.client();
  const b = t.client();
  t.exec(c, "CONFIG", "SET", "slowlog-log-slower-than", "0");
  assertEquals(t.exec(b, "BLPOP", "q", "0"), undefined); // blocked: not logged yet
  t.exec(c, "SLOWLOG", "RESET");
  t.exec(c, "RPUSH", "q", "v");
  assertEquals(t.feed(b, ""), [["q", "v"]]);
  // Served: logged after the command that served it, with its arguments.
  assertEquals(slowArgs(t.exec(c, "SLOWLOG", "GET", "2")), [["BLPOP", "q", "0"], [
    "RPUSH",
    "q",
    "v",
  ]]);
  // CLIENT UNBLOCK: Redis 7.0 logs the entry after the arguments are gone.
  t.exec(b, "BLPOP", "q", "0");
  t.exec(c, "CLIENT", "UNBLOCK", String(b.id));
  assertEquals(slowArgs(t.exec(c, "SLOWLOG", "GET", "2")), [
    ["CLIENT", "UNBLOCK", String(b.id)],
    [],
  ]);
  // Timeout: nothing is logged.
  t.exec(c, "SLOWLOG", "RESET");
  t.exec(b, "BLPOP", "q", "0.01");
  await new Promise((r) => setTimeout(r, 100));
  assertEquals(t.feed(b, ""), [null]);
  assertEquals(slowArgs(t.exec(c, "SLOWLOG", "GET")), [["SLOWLOG", "RESET"]]);
});
