import { assert, assertEquals, assertMatch } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError, RespVerbatim } from "../protocol/decode.ts";
import { bytesToHuman, DEFAULT_INFO_SECTIONS, genInfoString } from "./server.ts";

/** INFO text -> { section: { field: value } }. */
function parseInfo(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) out.set(line.slice(2), cur = new Map());
    else if (line !== "") {
      const i = line.indexOf(":");
      cur!.set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return out;
}

Deno.test("INFO: default, all, everything and several sections, CRLF lines", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "SET", "k", "v");
  t.exec(c, "nosuchcommand");
  const def = t.exec(c, "INFO") as string;
  assert(!def.includes("\n\n") && def.split("\n").every((l) => l === "" || l.endsWith("\r")));
  assertEquals([...parseInfo(def).keys()], [
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Errorstats",
    "Cluster",
    "Keyspace",
  ]);
  assertEquals(
    [...parseInfo(t.exec(c, "INFO", "default") as string).keys()],
    [...parseInfo(def).keys()],
  );
  const all = parseInfo(t.exec(c, "INFO", "all") as string);
  assertEquals([...all.keys()], [
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Commandstats",
    "Errorstats",
    "Latencystats",
    "Cluster",
    "Keyspace",
  ]);
  assertEquals([...parseInfo(t.exec(c, "INFO", "everything") as string).keys()], [...all.keys()]);
  const server = all.get("Server")!;
  assertEquals(server.get("redis_version"), "7.0.15");
  assertEquals(server.get("redis_mode"), "standalone");
  assertEquals(server.get("run_id"), t.server.runId);
  assertEquals(server.get("process_id"), String(Deno.pid));
  assertEquals(all.get("Memory")!.get("mem_allocator"), "v8");
  assertEquals(all.get("Keyspace")!.get("db0"), "keys=1,expires=0,avg_ttl=0");
  assertEquals(all.get("Errorstats")!.get("errorstat_ERR"), "count=1");
  assertMatch(
    all.get("Commandstats")!.get("cmdstat_set")!,
    /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/,
  );
  assertMatch(
    all.get("Latencystats")!.get("latency_percentiles_usec_set")!,
    /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/,
  );
  assertEquals(all.get("Persistence")!.get("rdb_changes_since_last_save"), String(t.server.dirty));
  const cpu = parseInfo(t.exec(c, "INFO", "cpu", "sentinel", "CPU") as string);
  assertEquals([...cpu.keys()], ["CPU"]);
  assertMatch(cpu.get("CPU")!.get("used_cpu_user")!, /^\d+\.\d{6}$/);
  const cs = parseInfo(t.exec(c, "INFO", "commandSTATS") as string);
  assertEquals([...cs.keys()], ["Commandstats"]);
  assertEquals(t.exec(c, "INFO", "nosuch"), "");
  const mixed = parseInfo(t.exec(c, "INFO", "cpu", "default") as string);
  assertEquals(mixed.size, DEFAULT_INFO_SECTIONS.length);
});

Deno.test("INFO: a verbatim string in RESP3", () => {
  const t = testServer();
  const c = t.client();
  t.exec(c, "HELLO", "3");
  const r = t.exec(c, "INFO", "server") as RespVerbatim;
  assert(r instanceof RespVerbatim);
  assertEquals(r.format, "txt");
  assert(r.text.startsWith("# Server\r\nredis_version:7.0.15\r\nrexis_version:"));
});

Deno.test("INFO keyspace lists only non-empty dbs; latencystats honours latency-tracking", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(genInfoString(t.server, ["keyspace"]), "# Keyspace\r\n");
  t.exec(c, "SELECT", "2");
  t.exec(c, "SET", "a", "1");
  assertEquals(
    genInfoString(t.server, ["keyspace"]),
    "# Keyspace\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n",
  );
  t.server.latencyTracking = false;
  assertEquals(genInfoString(t.server, ["latencystats"]), "# Latencystats\r\n");
});

Deno.test("bytesToHuman as Redis formats it", () => {
  assertEquals(bytesToHuman(0), "0B");
  assertEquals(bytesToHuman(1023), "1023B");
  assertEquals(bytesToHuman(1024), "1.00K");
  assertEquals(bytesToHuman(941016), "918.96K");
  assertEquals(bytesToHuman(1048576), "1.00M");
  assertEquals(bytesToHuman(25276063744), "23.54G");
});

Deno.test("TIME: seconds and microseconds as bulk strings", () => {
  const t = testServer();
  const [sec, usec] = t.exec(t.client(), "TIME") as [string, string];
  assertMatch(sec, /^\d+$/);
  assertMatch(usec, /^\d+$/);
  assert(Math.abs(Number(sec) - Date.now() / 1000) < 2);
  assert(Number(usec) < 1e6);
});

Deno.test("SHUTDOWN: syntax, ABORT, SAVE without persistence is refused", () => {
  const t = testServer();
  const c = t.client();
  const syntax = new RespError("ERR syntax error");
  assertEquals(t.exec(c, "SHUTDOWN", "foo"), syntax);
  assertEquals(t.exec(c, "SHUTDOWN", "NOSAVE", "SAVE"), syntax);
  assertEquals(t.exec(c, "SHUTDOWN", "ABORT", "NOW"), syntax);
  assertEquals(t.exec(c, "SHUTDOWN", "ABORT"), new RespError("ERR No shutdown in progress."));
  assertEquals(
    t.exec(c, "SHUTDOWN", "SAVE"),
    new RespError("ERR Errors trying to SHUTDOWN. Check logs."),
  );
  assert(!t.server.shuttingDown);
});

Deno.test("DEBUG: refused unless enable-debug-command allows it", () => {
  const t = testServer();
  const c = t.client();
  assertMatch(
    String(t.exec(c, "DEBUG", "LOG", "x")),
    /^ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local", you can run it from a local connection/,
  );
  const st = t.server.commands.get("debug")!.stats!;
  assertEquals(st.rejectedCalls, 1);
});

Deno.test("DEBUG SLEEP blocks; SET-ACTIVE-EXPIRE; PAUSE-CRON; LOG; HELP; unknown subcommands", () => {
  const t = testServer(["--enable-debug-command", "yes"]);
  const c = t.client();
  const start = performance.now();
  assertEquals(t.exec(c, "DEBUG", "SLEEP", "0.1"), "OK");
  assert(performance.now() - start >= 95);
  assertEquals(t.exec(c, "DEBUG", "SLEEP", "abc"), "OK");
  assertEquals(t.exec(c, "DEBUG", "SET-ACTIVE-EXPIRE", "0"), "OK");
  assertEquals(t.server.activeExpireEnabled, false);
  assertEquals(t.exec(c, "DEBUG", "SET-ACTIVE-EXPIRE", "1"), "OK");
  assertEquals(t.server.activeExpireEnabled, true);
  assertEquals(t.exec(c, "DEBUG", "LOG", "### Starting test"), "OK");
  const help = t.exec(c, "debug", "help") as string[];
  assertEquals(help[0], "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assertEquals(help.length, 25);
  assertEquals(t.exec(c, "DEBUG", "PAUSE-CRON", "1"), "OK");
  assertEquals(t.server.cronPaused, true);
  assertEquals(t.exec(c, "DEBUG", "PAUSE-CRON", "0"), "OK");
  assertEquals(t.server.cronPaused, false);
  assertEquals(
    t.exec(c, "DEBUG", "nosuchsub"),
    new RespError(
      "ERR unknown subcommand or wrong number of arguments for 'nosuchsub'. Try DEBUG HELP.",
    ),
  );
  assertEquals(
    t.exec(c, "DEBUG", "sleep"),
    new RespError(
      "ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.",
    ),
  );
});

Deno.test("DEBUG OBJECT: Redis's line, serializedlength from the RDB writer, ql_* for lists", () => {
  const t = testServer(["--enable-debug-command", "yes"]);
  const c = t.client();
  t.exec(c, "SET", "s1", "hello");
  t.exec(c, "SET", "s2", "12345");
  t.exec(c, "SET", "s4", "a".repeat(93));
  t.exec(c, "SET", "small", "7");
  t.exec(c, "RPUSH", "l1", "a", "b", "c", "1", "2", "3");
  t.exec(c, "HSET", "h1", "f", "v", "g", "1");
  t.exec(c, "SADD", "st1", "1", "2", "3");
  t.exec(c, "SADD", "st2", "a", "b", "c");
  t.exec(c, "ZADD", "z1", "1", "a", "2", "b");
  const line = (k: string) => String(t.exec(c, "DEBUG", "OBJECT", k));
  // Figures checked against redis-server 7.0.15 with the same commands (address and lru aside).
  const re =
    /^Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\S+) serializedlength:(\d+) lru:\d+ lru_seconds_idle:\d+(.*)$/;
  const fields = (k: string) => re.exec(line(k))!.slice(1);
  assertEquals(fields("s1"), ["1", "embstr", "6", ""]);
  assertEquals(fields("s2"), ["1", "int", "3", ""]);
  assertEquals(fields("s4"), ["1", "raw", "13", ""]); // LZF-compressed
  assertEquals(fields("small"), ["2147483647", "int", "2", ""]);
  assertEquals(fields("l1"), [
    "1",
    "quicklist",
    "25",
    " ql_nodes:1 ql_avg_node:6.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:22",
  ]);
  assertEquals(fields("h1"), ["1", "listpack", "19", ""]);
  assertEquals(fields("st1"), ["1", "intset", "15", ""]);
  assertEquals(fields("st2"), ["1", "hashtable", "7", ""]);
  assertEquals(fields("z1"), ["1", "listpack", "18", ""]);
  // The address stays while the key's value changes in place (unit/type/incr checks it).
  const at = line("s2").split(" ")[1];
  t.exec(c, "INCR", "s2");
  assertEquals(line("s2").split(" ")[1], at);
  assertEquals(t.exec(c, "DEBUG", "OBJECT", "nokey"), new RespError("ERR no such key"));
});

Deno.test("DEBUG DIGEST / DIGEST-VALUE: the same hex as redis-server for the same data", () => {
  const t = testServer(["--enable-debug-command", "yes"]);
  const c = t.client();
  assertEquals(t.exec(c, "DEBUG", "DIGEST"), "0".repeat(40));
  t.exec(c, "SET", "s1", "hello");
  t.exec(c, "SET", "s2", "12345");
  t.exec(c, "SETEX", "s3", "1000", "xx");
  t.exec(c, "RPUSH", "l1", "a", "b", "c", "1", "2", "3");
  t.exec(c, "HSET", "h1", "f", "v", "g", "1");
  t.exec(c, "SADD", "st1", "1", "2", "3");
  t.exec(c, "SADD", "st2", "a", "b", "c");
  t.exec(c, "ZADD", "z1", "1", "a", "2.5", "b", "-inf", "c");
  t.exec(c, "XADD", "x1", "1-1", "f", "v", "a", "b");
  t.exec(c, "XADD", "x1", "2-5", "g", "w");
  t.exec(c, "SELECT", "3");
  t.exec(c, "SET", "other", "1");
  t.exec(c, "SELECT", "0");
  // Hex strings printed by redis-server 7.0.15 after the same commands.
  assertEquals(t.exec(c, "DEBUG", "DIGEST"), "12644e112683ea1edcd610bb037ef8f65aa6192b");
  assertEquals(t.exec(c, "DEBUG", "DIGEST-VALUE", "s1", "s3", "l1", "z1", "x1", "nokey"), [
    "36b23a1456b2dce2c3ed252c456761301dba8060",
    "6a58a605c9067994edf0348ed8a16768bbb13dc8",
    "28150a3b2cc0efbc98d23e7962f278329e3b583b",
    "f2ad7cda97b68291b8199d655f83d19f6e41e93c",
    "613c55e5aab72a6939824bd85802c2f623af8ead",
    "0".repeat(40),
  ]);
});
