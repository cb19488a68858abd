import { assert, assertEquals } from "../testing/assert.ts";
import { Config, loadConfigText } from "./mod.ts";
import { CONFIG_TABLE } from "./table.ts";
import { REWRITE_SIGNATURE } from "./rewrite.ts";

function config(text = ""): Config {
  const c = new Config();
  loadConfigText(c, text);
  return c;
}

const failed = (name: string, why: string) =>
  `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;

Deno.test("table: every row is well formed, names and aliases unique", () => {
  const seen = new Set<string>();
  for (const d of CONFIG_TABLE) {
    for (const n of d.alias ? [d.name, d.alias] : [d.name]) {
      assert(!seen.has(n), `duplicate ${n}`);
      assert(n === n.toLowerCase(), n);
      seen.add(n);
    }
    if (["int", "memory", "octal"].includes(d.type)) {
      assert(d.min !== undefined && d.max !== undefined, d.name);
    }
    if (d.type === "special") assert(d.parse && d.rewrite, d.name);
    if (d.type === "enum") assert(d.values?.includes(d.default as string), d.name);
  }
});

Deno.test("CONFIG GET: defaults print like redis-server", () => {
  const c = config();
  const get = (p: string) => Object.fromEntries(c.getMatching([p]));
  assertEquals(get("bind"), { bind: "* -::*" });
  assertEquals(get("save"), { save: "3600 1 300 100 60 10000" });
  assertEquals(get("appendonly"), { appendonly: "no" });
  assertEquals(get("protected-mode"), { "protected-mode": "yes" });
  assertEquals(get("unixsocketperm"), { unixsocketperm: "0" });
  assertEquals(get("unixsocket"), { unixsocket: "" });
  assertEquals(get("proto-max-bulk-len"), { "proto-max-bulk-len": "536870912" });
  assertEquals(get("client-query-buffer-limit"), { "client-query-buffer-limit": "1073741824" });
  assertEquals(get("latency-tracking-info-percentiles"), {
    "latency-tracking-info-percentiles": "50 99 99.9",
  });
  assertEquals(get("list-max-listpack-size"), { "list-max-listpack-size": "-2" });
  assertEquals(get("dir"), { dir: Deno.cwd() });
  assertEquals(get("enable-debug-command"), { "enable-debug-command": "no" });
  assertEquals(get("hz"), { hz: "10" });
});

Deno.test("CONFIG GET: globs match names and aliases, exact names answer as asked", () => {
  const c = config();
  const names = (...p: string[]) => c.getMatching(p).map(([n]) => n).sort();
  assertEquals(names("*max-ziplist-entries*"), [
    "hash-max-ziplist-entries",
    "zset-max-ziplist-entries",
  ]);
  assertEquals(names("*max-listpack*"), [
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "list-max-listpack-size",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
  ]);
  assertEquals(names("hash-max-*-entries"), [
    "hash-max-listpack-entries",
    "hash-max-ziplist-entries",
  ]);
  // Case-insensitive; each entry once across patterns.
  assertEquals(c.getMatching(["PORT"]), [["PORT", "6379"]]);
  assertEquals(c.getMatching(["port", "PORT", "p?rt"]), [["port", "6379"]]);
  assertEquals(c.getMatching(["P*T"]), [["port", "6379"]]);
  assertEquals(names("port", "hz", "nosuch", "timeout"), ["hz", "port", "timeout"]);
  assertEquals(c.getMatching(["nosuch"]), []);
  assertEquals(c.getMatching(["[pt]ort"]), [["port", "6379"]]);
  // "*" lists every name and alias.
  const all = names("*");
  assertEquals(all.length, CONFIG_TABLE.length + CONFIG_TABLE.filter((d) => d.alias).length);
});

Deno.test("CONFIG SET: values, aliases, types", () => {
  const c = config();
  assertEquals(c.setMany([["hz", "20"], ["maxclients", "50"], ["loglevel", "VERBOSE"]]), null);
  assertEquals([c.get("hz"), c.get("maxclients"), c.get("loglevel")], [20, 50, "verbose"]);
  assertEquals(c.set("hash-max-ziplist-entries", "64"), null);
  assertEquals(c.get("hash-max-listpack-entries"), 64);
  assertEquals(c.set("proto-max-bulk-len", "2mb"), null);
  assertEquals(c.format("proto-max-bulk-len"), "2097152");
  assertEquals(c.set("hash-max-listpack-value", ""), null); // memtoull("") is 0, as in Redis
  assertEquals(c.get("hash-max-listpack-value"), 0);
  assertEquals(c.set("protected-mode", "no"), null);
  assertEquals(c.format("protected-mode"), "no");
  assertEquals(c.set("save", ""), null);
  assertEquals(c.set("bind", "127.0.0.1 ::1"), null);
  assertEquals(c.get("bind"), "127.0.0.1 ::1");
  assertEquals(c.set("bind", ""), null);
  assertEquals(c.get("bind"), "");
  assertEquals(c.set("latency-tracking-info-percentiles", ""), null);
  assertEquals(c.format("latency-tracking-info-percentiles"), "");
  assertEquals(c.set("latency-tracking-info-percentiles", "50 99 99.9"), null);
  // hz is clamped, not refused.
  assertEquals(c.set("hz", "0"), null);
  assertEquals(c.get("hz"), 1);
  assertEquals(c.set("hz", "1000"), null);
  assertEquals(c.get("hz"), 500);
});

Deno.test("CONFIG SET: Redis's error texts", () => {
  const c = config();
  assertEquals(
    c.set("port", "70000"),
    failed("port", "argument must be between 0 and 65535 inclusive"),
  );
  assertEquals(
    c.set("hz", "-1"),
    failed("hz", "argument must be between 0 and 2147483647 inclusive"),
  );
  assertEquals(
    c.set("maxclients", "abc"),
    failed("maxclients", "argument couldn't be parsed into an integer"),
  );
  assertEquals(
    c.set("maxclients", "0"),
    failed("maxclients", "argument must be between 1 and 4294967295 inclusive"),
  );
  assertEquals(
    c.set("hash-max-listpack-entries", "-1"),
    failed(
      "hash-max-listpack-entries",
      "argument must be between 0 and 9223372036854775807 inclusive",
    ),
  );
  assertEquals(
    c.set("list-max-listpack-size", "99999999999"),
    failed(
      "list-max-listpack-size",
      "argument must be between -2147483648 and 2147483647 inclusive",
    ),
  );
  assertEquals(
    c.set("proto-max-bulk-len", "1x"),
    failed("proto-max-bulk-len", "argument must be a memory value"),
  );
  assertEquals(
    c.set("proto-max-bulk-len", "99999999999999999999999"),
    failed(
      "proto-max-bulk-len",
      "argument must be between 1048576 and 9223372036854775807 inclusive",
    ),
  );
  assertEquals(
    c.set("protected-mode", "maybe"),
    failed("protected-mode", "argument must be 'yes' or 'no'"),
  );
  assertEquals(
    c.set("loglevel", "foo"),
    failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning"),
  );
  assertEquals(c.set("save", "100"), failed("save", "Invalid save parameters"));
  assertEquals(c.set("save", "100 10"), null);
  assertEquals(c.get("save"), "100 10");
  assertEquals(c.set("save", ""), null);
  assertEquals(
    c.set("appendfsync", "sometimes"),
    failed("appendfsync", "argument(s) must be one of the following: always, everysec, no"),
  );
  assertEquals(
    c.set("latency-tracking-info-percentiles", "1.5  2"),
    failed(
      "latency-tracking-info-percentiles",
      "Invalid latency-tracking-info-percentiles parameters",
    ),
  );
  assertEquals(
    c.set("foo", "bar"),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assertEquals(c.set("databases", "3"), failed("databases", "can't set immutable config"));
  assertEquals(
    c.set("unixsocketperm", "777"),
    failed("unixsocketperm", "can't set immutable config"),
  );
  assertEquals(c.set("daemonize", "no"), failed("daemonize", "can't set immutable config"));
  // The error names the entry as spelled in the table (alias or name), or as typed for the checks
  // made before parsing.
  assertEquals(
    c.set("HASH-MAX-ZIPLIST-ENTRIES", "x"),
    failed("hash-max-ziplist-entries", "argument couldn't be parsed into an integer"),
  );
  assertEquals(c.set("PORT", "x"), failed("port", "argument couldn't be parsed into an integer"));
  assertEquals(c.set("DataBases", "3"), failed("DataBases", "can't set immutable config"));
});

Deno.test("CONFIG SET: several pairs, all or nothing", () => {
  const c = config();
  assertEquals(
    c.setMany([["hz", "20"], ["port", "abc"]]),
    failed("port", "argument couldn't be parsed into an integer"),
  );
  assertEquals(c.get("hz"), 10);
  assertEquals(c.setMany([["hz", "20"], ["hz", "30"]]), failed("hz", "duplicate parameter"));
  assertEquals(c.setMany([["HZ", "20"], ["hz", "30"]]), failed("hz", "duplicate parameter"));
  // A name and its alias are two entries, as in Redis: the last one wins.
  assertEquals(
    c.setMany([["hash-max-ziplist-entries", "1"], ["hash-max-listpack-entries", "2"]]),
    null,
  );
  assertEquals(c.get("hash-max-listpack-entries"), 2);
  // The first problem decides the message: unknown before immutable, immutable before unknown.
  assertEquals(
    c.setMany([["foo", "1"], ["databases", "1"]]),
    "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assertEquals(
    c.setMany([["databases", "1"], ["foo", "1"]]),
    failed("databases", "can't set immutable config"),
  );
  assertEquals(c.get("hz"), 10);
});

Deno.test("CONFIG SET: a refusing listener rolls everything back and re-applies", () => {
  const c = config();
  const calls: string[] = [];
  c.onChange("hz", (v) => void calls.push(`hz=${v}`));
  c.onChange("port", (v) => {
    calls.push(`port=${v}`);
    if (v === 7777) return "Unable to listen on this port. Check server logs.";
  });
  c.onChange("timeout", (v) => void calls.push(`timeout=${v}`));
  assertEquals(
    c.setMany([["hz", "20"], ["port", "7777"], ["timeout", "5"]]),
    failed("port", "Unable to listen on this port. Check server logs."),
  );
  assertEquals([c.get("hz"), c.get("port"), c.get("timeout")], [10, 6379, 0]);
  // Applied in order until the refusal, then the applied ones again with the old values.
  assertEquals(calls, ["hz=20", "port=7777", "hz=10", "port=6379"]);
  calls.length = 0;
  // Unchanged values are not applied.
  assertEquals(c.setMany([["hz", "10"], ["port", "6380"]]), null);
  assertEquals(calls, ["port=6380"]);
});

Deno.test("CONFIG SET: protected configs follow enable-protected-configs", () => {
  const dir = Deno.cwd();
  const no = config();
  assertEquals(no.set("dir", dir, { local: true }), failed("dir", "can't set protected config"));
  assertEquals(no.set("dir", dir), null); // internal callers are trusted
  const local = config("enable-protected-configs local");
  assertEquals(
    local.set("dir", dir, { local: false }),
    failed("dir", "can't set protected config"),
  );
  assertEquals(local.set("dir", dir, { local: true }), null);
  const yes = config("enable-protected-configs yes");
  assertEquals(yes.set("dir", dir, { local: false }), null);
  assertEquals(yes.set("dir", "/nonexistent/rexis"), failed("dir", "No such file or directory"));
  assertEquals(Deno.cwd(), dir);
  assertEquals(
    yes.set("enable-protected-configs", "no"),
    failed("enable-protected-configs", "can't set immutable config"),
  );
});

Deno.test("CONFIG REWRITE: keeps comments and order, like Redis", () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis_rw_" });
  try {
    const path = `${dir}/r.conf`;
    const original = [
      "# top comment",
      "port 7501",
      "",
      "# save section",
      'save ""',
      'save ""',
      "hash-max-ziplist-entries 100",
      "  loglevel notice  ",
      "include /dev/null",
      "lua-replicate-commands yes",
      "requirepass secret",
      "# end",
      "",
    ].join("\n");
    Deno.writeTextFileSync(path, original);
    const c = config(original);
    c.configFile = path;
    assertEquals(
      c.setMany([["hz", "20"], ["requirepass", ""], ["hash-max-listpack-entries", "64"]]),
      null,
    );
    assertEquals(c.set("proto-max-bulk-len", "2mb"), null);
    assertEquals(c.set("latency-tracking", "no"), null);
    assertEquals(c.set("protected-mode", "no"), null);
    assertEquals(c.rewrite(), null);
    const expected = [
      "# top comment",
      "port 7501",
      "",
      "# save section",
      'save ""',
      "",
      "hash-max-listpack-entries 64",
      "loglevel notice",
      "include /dev/null",
      "# ??? lua-replicate-commands yes",
      "", // requirepass is unset now: its line is blanked
      "# end",
      "",
      REWRITE_SIGNATURE,
      "protected-mode no",
      `dir "${Deno.cwd()}"`,
      "latency-tracking no",
      "latency-tracking-info-percentiles 50 99 99.9",
      "proto-max-bulk-len 2mb",
      "hz 20",
      "",
    ].join("\n");
    assertEquals(Deno.readTextFileSync(path), expected);
    // The rewritten file loads back to the same values. A second rewrite keeps everything; like
    // Redis's, it reads the final newline as one more (empty) line, so one blank line is added at
    // the end, once.
    const again = config(Deno.readTextFileSync(path));
    again.configFile = path;
    for (const d of CONFIG_TABLE) assertEquals(again.format(d.name), c.format(d.name), d.name);
    assertEquals(again.rewrite(), null);
    assertEquals(Deno.readTextFileSync(path), expected + "\n");
    assertEquals(again.rewrite(), null);
    assertEquals(Deno.readTextFileSync(path), expected + "\n");
    // Back to defaults: lines of changed-back directives are kept with the default value.
    assertEquals(again.setMany([["hz", "10"], ["protected-mode", "yes"]]), null);
    assertEquals(again.rewrite(), null);
    const text = Deno.readTextFileSync(path);
    assert(text.includes("\nhz 10\n") && text.includes("\nprotected-mode yes\n"));
    assertEquals(text.split(REWRITE_SIGNATURE).length, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE: a name and its alias in the file become one line", () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis_rw_" });
  try {
    for (
      const text of [
        "hash-max-listpack-entries 20\nhash-max-ziplist-entries 21\n",
        "hash-max-ziplist-entries 20\nhash-max-listpack-entries 21\n",
      ]
    ) {
      const path = `${dir}/a.conf`;
      Deno.writeTextFileSync(path, text);
      const c = config(text);
      c.configFile = path;
      assertEquals(c.format("hash-max-ziplist-entries"), "21");
      assertEquals(c.set("hash-max-listpack-entries", "100"), null);
      assertEquals(c.rewrite(), null);
      const out = Deno.readTextFileSync(path);
      assertEquals(out.split("\n").slice(0, 2), ["hash-max-listpack-entries 100", ""]);
      assertEquals(config(out).get("hash-max-listpack-entries"), 100);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("CONFIG REWRITE: memory, strings, bind, a missing file, no file", () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis_rw_" });
  try {
    const path = `${dir}/new.conf`; // does not exist yet: Redis starts from an empty file
    const c = config('bind 127.0.0.1 -::1\nrequirepass "a b\\"c"\nclient-query-buffer-limit 1mb');
    c.configFile = path;
    assertEquals(c.rewrite(), null);
    const text = Deno.readTextFileSync(path);
    // The built-in save rules are written out, as Redis's rewriteConfigSaveOption does.
    assertEquals(text.split("\n").slice(0, 5), [
      REWRITE_SIGNATURE,
      "bind 127.0.0.1 -::1",
      "save 3600 1",
      "save 300 100",
      "save 60 10000",
    ]);
    assert(text.includes('\nrequirepass "a b\\"c"\n'));
    assert(text.includes("\nclient-query-buffer-limit 1mb\n"));
    // Default bind: its lines go away.
    assertEquals(c.set("bind", "* -::*"), null);
    assertEquals(c.rewrite(), null);
    assert(!Deno.readTextFileSync(path).includes("bind"));
    c.configFile = `${dir}/nodir/x.conf`;
    assertEquals(c.rewrite(), "ERR Rewriting config file: No such file or directory");
    c.configFile = null;
    assertEquals(c.rewrite(), "ERR The server is running without a config file");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
