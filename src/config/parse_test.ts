import { assert, assertEquals, assertThrows } from "../testing/assert.ts";
import {
  commandLineToOptions,
  ConfigError,
  ConfigFileError,
  forEachDirective,
  formatFatal,
  formatMemory,
  memToBigInt,
  reprString,
  trimLine,
} from "./parse.ts";
import { absolutePath, Config, loadConfigText, parseServerConfig } from "./mod.ts";

function directives(text: string): string[][] {
  const out: string[][] = [];
  forEachDirective(text, (argv) => {
    out.push(argv);
    return null;
  });
  return out;
}

/** The ConfigError a call throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("no ConfigError thrown");
}

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "rexis_conf_" });
}

Deno.test("parse: comments, blank lines, trimming, case-insensitive names", () => {
  const text = "# comment\n\n   \t\r\n  PORT 6380  \r\n\tHz 20\n#port 1\nbind 127.0.0.1 ::1\n";
  assertEquals(directives(text), [["port", "6380"], ["hz", "20"], ["bind", "127.0.0.1", "::1"]]);
  assertEquals(trimLine(" \t a b \r\n"), "a b");
});

Deno.test("parse: quotes and escapes follow sdssplitargs", () => {
  assertEquals(directives('requirepass "a b\\tc\\x41\\n\\"q\\\\"'), [[
    "requirepass",
    'a b\tcA\n"q\\',
  ]]);
  assertEquals(directives("requirepass 'it\\'s \"x\"'"), [["requirepass", `it's "x"`]]);
  assertEquals(directives('save ""'), [["save", ""]]);
  assertEquals(directives("logfile ''"), [["logfile", ""]]);
  // Values keep their case; only the name is lowered.
  assertEquals(directives("LogLevel NOTICE"), [["loglevel", "NOTICE"]]);
});

Deno.test("parse: unbalanced quotes name the line", () => {
  const e = configError(() => directives('port 1\n# c\nrequirepass "abc\n'));
  assertEquals([e.lineNum, e.line, e.reason], [
    3,
    'requirepass "abc',
    "Unbalanced quotes in configuration line",
  ]);
  // A closing quote must be followed by a space.
  const e2 = configError(() => directives('requirepass "a"b'));
  assertEquals(e2.reason, "Unbalanced quotes in configuration line");
});

Deno.test("parse: FATAL block is Redis's, byte for byte", () => {
  assertEquals(
    formatFatal(new ConfigError("Bad directive or wrong number of arguments", 2, 'foo "bar"')),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
      "Reading the configuration file, at line 2\n" +
      ">>> 'foo \"bar\"'\n" +
      "Bad directive or wrong number of arguments\n",
  );
  // Checks after the last line have no line.
  assertEquals(
    formatFatal(new ConfigError("Can't open the log file: Permission denied")),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
      "Can't open the log file: Permission denied\n",
  );
});

Deno.test("parse: memory units", () => {
  const cases: [string, bigint | null][] = [
    ["0", 0n],
    ["", 0n],
    ["100", 100n],
    ["100b", 100n],
    ["1k", 1000n],
    ["1kb", 1024n],
    ["1K", 1000n],
    ["1KB", 1024n],
    ["1m", 1000000n],
    ["1mb", 1048576n],
    ["1g", 1000000000n],
    ["1gb", 1073741824n],
    ["2Gb", 2147483648n],
    ["-1", null],
    ["+1", null],
    ["1x", null],
    ["1 mb", null],
    ["1.5mb", null],
    ["mb", 0n], // no digits: strtoull gives 0, like Redis
  ];
  for (const [s, want] of cases) assertEquals(memToBigInt(s), want, s);
  assertEquals(formatMemory(1024 * 1024 * 1024), "1gb");
  assertEquals(formatMemory(512 * 1024 * 1024), "512mb");
  assertEquals(formatMemory(64 * 1024), "64kb");
  assertEquals(formatMemory(64), "64");
  assertEquals(formatMemory(0), "0");
  assertEquals(formatMemory(1536), "1536");
});

Deno.test("parse: reprString is sdscatrepr", () => {
  assertEquals(
    reprString('a "b" \\ \n\r\t\x07\x08\x00\xff'),
    '"a \\"b\\" \\\\ \\n\\r\\t\\a\\b\\x00\\xff"',
  );
  assertEquals(reprString(""), '""');
});

Deno.test("command line: options become lines after the file, values quoted", () => {
  assertEquals(commandLineToOptions([]), { file: null, stdin: false, options: "" });
  assertEquals(commandLineToOptions(["redis.conf", "--port", "6380", "--loglevel", "verbose"]), {
    file: "redis.conf",
    stdin: false,
    options: 'port "6380" \nloglevel "verbose" ',
  });
  // --save "" is an empty argument; --save with nothing after it too.
  assertEquals(
    commandLineToOptions(["--save", "", "--appendonly", "no"]).options,
    'save "" \nappendonly "no" ',
  );
  assertEquals(commandLineToOptions(["--port", "1", "--save"]).options, 'port "1" \nsave ""');
  assertEquals(commandLineToOptions(["--save", "--port", "1"]).options, 'save ""\nport "1" ');
  // Several values; a value may start with -- when the option has none yet.
  assertEquals(
    commandLineToOptions(["--save", "900", "1", "300", "10"]).options,
    'save "900" "1" "300" "10" ',
  );
  assertEquals(commandLineToOptions(["--requirepass", "--x"]).options, 'requirepass "--x" ');
  // Name and value in one argument.
  assertEquals(commandLineToOptions(["--port 6380"]).options, "port 6380 ");
  // Quoting keeps odd bytes intact.
  assertEquals(
    commandLineToOptions(["--requirepass", 'a "b"\n']).options,
    'requirepass "a \\"b\\"\\n" ',
  );
  // stdin: "-" first or last.
  assertEquals(commandLineToOptions(["-", "--port", "1"]).stdin, true);
  assertEquals(commandLineToOptions(["a.conf", "-"]), { file: "a.conf", stdin: true, options: "" });
});

Deno.test("command line: merged after the file, later lines win, errors name the line", () => {
  const dir = tempDir();
  try {
    const f = `${dir}/a.conf`;
    Deno.writeTextFileSync(f, "# a\nport 7000\nhz 20\n");
    const c = parseServerConfig([f, "--port", "7001", "--maxclients", "50"]);
    assertEquals([c.get("port"), c.get("hz"), c.get("maxclients")], [7001, 20, 50]);
    assertEquals(c.configFile, f);
    // Options start on the line after the file's last line + 1 (Redis appends "\n" + options).
    const e = configError(() => parseServerConfig([f, "--foo", "bar"]));
    assertEquals([e.lineNum, e.line, e.reason], [
      5,
      'foo "bar"',
      "Bad directive or wrong number of arguments",
    ]);
    const e2 = configError(() => parseServerConfig(["--foo", "bar"]));
    assertEquals(e2.lineNum, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("command line: Redis's introspection cases", () => {
  const err = (...argv: string[]) => {
    const e = configError(() => parseServerConfig(argv));
    return `${e.line}: ${e.reason}`;
  };
  assertEquals(err("--port"), "port: wrong number of arguments");
  assertEquals(err("--port", "6380", "--loglevel"), "loglevel: wrong number of arguments");
  assertEquals(err("--port", "6379", "6380"), 'port "6379" "6380": wrong number of arguments');
  assertEquals(
    err("--port", "--loglevel", "verbose"),
    'port "--loglevel" "verbose": wrong number of arguments',
  );
  assertEquals(
    err("--port", "--bla", "--loglevel", "verbose"),
    `port "--bla": argument couldn't be parsed into an integer`,
  );
  assert(err("--hz", "1", "--loglevel", "--bla").startsWith('loglevel "--bla": argument(s)'));
  // Accepted anyway: bare words after the file, name and value in one argument.
  const dir = tempDir();
  try {
    Deno.writeTextFileSync(`${dir}/a.conf`, "");
    const c = parseServerConfig([`${dir}/a.conf`, "loglevel", "verbose", "--hz '42'", "--save"]);
    assertEquals([c.get("loglevel"), c.get("hz"), c.get("save")], ["verbose", 42, ""]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("load: Redis's error reasons", () => {
  const err = (text: string) => {
    const e = configError(() => loadConfigText(new Config(), text));
    return [e.lineNum, e.line, e.reason];
  };
  assertEquals(err("port abc"), [1, "port abc", "argument couldn't be parsed into an integer"]);
  assertEquals(err("\n\nport 1 2"), [3, "port 1 2", "wrong number of arguments"]);
  assertEquals(err("port"), [1, "port", "wrong number of arguments"]);
  assertEquals(err("nosuch yes"), [1, "nosuch yes", "Bad directive or wrong number of arguments"]);
  assertEquals(err("include"), [1, "include", "Bad directive or wrong number of arguments"]);
  assertEquals(err("port 70000")[2], "argument must be between 0 and 65535 inclusive");
  assertEquals(err("maxclients 0")[2], "argument must be between 1 and 4294967295 inclusive");
  assertEquals(err("maxclients -1")[2], "argument must be between 1 and 4294967295 inclusive");
  assertEquals(err("protected-mode maybe")[2], "argument must be 'yes' or 'no'");
  assertEquals(
    err("loglevel loud")[2],
    "argument(s) must be one of the following: debug, verbose, notice, warning",
  );
  assertEquals(err("proto-max-bulk-len 1x")[2], "argument must be a memory value");
  assertEquals(
    err("proto-max-bulk-len 1000")[2],
    "argument must be between 1048576 and 9223372036854775807 inclusive",
  );
  assertEquals(err("unixsocketperm 800")[2], "argument couldn't be parsed as an octal number");
  assertEquals(err("unixsocketperm 1777")[2], "argument must be between 0 and 777 inclusive");
  assertEquals(err("bind " + "a ".repeat(17))[2], "Too many bind addresses specified.");
  assertEquals(err("save 100")[2], "Invalid save parameters");
  assertEquals(err("save 0 1")[2], "Invalid save parameters");
  assertEquals(err("dir /nonexistent/rexis")[2], "No such file or directory");
  assertEquals(
    err('latency-tracking-info-percentiles "1 200"')[2],
    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
  );
  assertEquals(
    err("latency-tracking-info-percentiles 1 x")[2],
    "Invalid latency-tracking-info-percentiles parameters",
  );
  // Features Rexis does not have yet are refused, not silently ignored.
  assertEquals(err("appendfilename a/b")[2], "appendfilename can't be a path, just a filename");
  assert(String(err("daemonize yes")[2]).startsWith("daemonize yes is not supported"));
});

Deno.test("load: save lines add up; an empty one resets", () => {
  const c = new Config();
  loadConfigText(c, ["save 3600 1", "save 300 100", 'save "60 10000"'].join("\n"));
  assertEquals(c.get("save"), "3600 1 300 100 60 10000");
  const d = new Config();
  loadConfigText(d, ["save 3600 1", 'save ""', "save 5 5"].join("\n"));
  assertEquals(d.get("save"), "5 5");
});

Deno.test("load: values by type, units, aliases, repeated lines, deprecated directives", () => {
  const c = new Config();
  loadConfigText(
    c,
    [
      'save ""',
      'save ""',
      "proto-max-bulk-len 1gb",
      "client-query-buffer-limit 2mb",
      "hash-max-ziplist-value 1k",
      "hash-max-ziplist-entries 100",
      "zset-max-ziplist-entries 7",
      "list-max-ziplist-size -3",
      "unixsocketperm 0700",
      "protected-mode NO",
      "loglevel WARNING",
      "bind 127.0.0.1 -::1",
      "latency-tracking-info-percentiles 50.5 99.90 100",
      "hz 1000",
      "list-max-ziplist-entries 512",
      "lua-replicate-commands yes",
      "port 1",
      "port 2",
    ].join("\n"),
  );
  assertEquals(c.get("save"), "");
  assertEquals(c.get("proto-max-bulk-len"), 1024 * 1024 * 1024);
  assertEquals(c.get("client-query-buffer-limit"), 2 * 1024 * 1024);
  assertEquals(c.get("hash-max-listpack-value"), 1000);
  assertEquals(c.get("hash-max-listpack-entries"), 100);
  assertEquals(c.get("hash-max-ziplist-entries"), 100);
  assertEquals(c.get("zset-max-listpack-entries"), 7);
  assertEquals(c.get("list-max-listpack-size"), -3);
  assertEquals(c.get("unixsocketperm"), 0o700);
  assertEquals(c.format("unixsocketperm"), "700");
  assertEquals(c.get("protected-mode"), false);
  assertEquals(c.format("protected-mode"), "no");
  assertEquals(c.get("loglevel"), "warning");
  assertEquals(c.get("bind"), "127.0.0.1 -::1");
  assertEquals(c.get("latency-tracking-info-percentiles"), "50.5 99.9 100");
  assertEquals(c.get("hz"), 500); // clamped like Redis
  assertEquals(c.get("port"), 2);
});

Deno.test("include: nested files, relative to the working directory, globs", () => {
  const dir = tempDir();
  try {
    Deno.mkdirSync(`${dir}/conf.d`);
    Deno.writeTextFileSync(`${dir}/conf.d/10-a.conf`, "hz 11\nport 1111\n");
    Deno.writeTextFileSync(`${dir}/conf.d/20-b.conf`, "hz 12\n");
    Deno.writeTextFileSync(`${dir}/conf.d/.hidden.conf`, "hz 99\n");
    Deno.writeTextFileSync(`${dir}/inner.conf`, "maxclients 77\n");
    // A path relative to the current working directory, as Redis resolves includes.
    const rel = "../".repeat(Deno.cwd().split("/").length) + dir.slice(1) + "/inner.conf";
    Deno.writeTextFileSync(
      `${dir}/main.conf`,
      `port 6000\ninclude ${rel}\ninclude ${dir}/conf.d/*.conf\ninclude ${dir}/none/*.conf\n`,
    );
    const c = parseServerConfig([`${dir}/main.conf`, "--timeout", "5"]);
    assertEquals([c.get("port"), c.get("maxclients"), c.get("hz"), c.get("timeout")], [
      1111,
      77,
      12,
      5,
    ]);
    // An error inside an included file names the included file's line.
    Deno.writeTextFileSync(`${dir}/bad.conf`, "# one\nhz 10\nhz abc\n");
    Deno.writeTextFileSync(`${dir}/main2.conf`, `port 1\ninclude ${dir}/bad.conf\n`);
    const e = configError(() => parseServerConfig([`${dir}/main2.conf`]));
    assertEquals([e.lineNum, e.line], [3, "hz abc"]);
    // A missing file is Redis's "can't open config file" (a log line, not the FATAL block).
    Deno.writeTextFileSync(`${dir}/main3.conf`, `include ${dir}/missing.conf\n`);
    for (const f of [`${dir}/main3.conf`, `${dir}/missing.conf`]) {
      assertThrows(() => {
        try {
          parseServerConfig([f]);
        } catch (e) {
          if (e instanceof ConfigFileError) {
            assert(e.message.startsWith("Fatal error, can't open config file '"));
            assert(e.message.endsWith("missing.conf': No such file or directory"));
          }
          throw e;
        }
      });
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("load: logfile must be openable (checked after the last line)", () => {
  const e = configError(() => parseServerConfig(["--logfile", "/nonexistent/dir/x.log"]));
  assertEquals([e.lineNum, e.reason], [
    undefined,
    "Can't open the log file: No such file or directory",
  ]);
});

Deno.test("absolutePath resolves like Redis's getAbsolutePath", () => {
  const cwd = Deno.cwd();
  assertEquals(absolutePath("/a/b.conf"), "/a/b.conf");
  assertEquals(absolutePath("./x.conf"), `${cwd}/x.conf`);
  const parent = cwd.split("/").slice(0, -1).join("/") || "";
  assertEquals(absolutePath("../x.conf"), `${parent}/x.conf`);
});
