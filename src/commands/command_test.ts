import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError, RespSet } from "../protocol/decode.ts";
import { cmd, type CommandDef } from "./types.ts";
import { CommandTable } from "./table.ts";
import { getKeysWithFlags } from "./command.ts";

Deno.test("COMMAND COUNT / INFO: every top-level row, Redis 7.0 entry shape", () => {
  const t = testServer();
  const c = t.client();
  const n = t.exec(c, "COMMAND", "COUNT") as number;
  assertEquals(n, t.server.commands.size);
  const all = t.exec(c, "COMMAND") as unknown[];
  assertEquals(all.length, n);
  assertEquals((t.exec(c, "COMMAND", "INFO") as unknown[]).length, n);
  const [info, missing, sub] = t.exec(c, "COMMAND", "INFO", "info", "nosuch", "CLIENT|list") as [
    unknown[],
    unknown,
    unknown[],
  ];
  assertEquals(info, [
    "info",
    -1,
    ["loading", "stale"],
    0,
    0,
    0,
    ["@slow", "@dangerous"],
    ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    [],
    [],
  ]);
  assertEquals(missing, null);
  assertEquals(sub, [
    "client|list",
    -2,
    ["admin", "noscript", "loading", "stale"],
    0,
    0,
    0,
    ["@admin", "@slow", "@dangerous", "@connection"],
    ["nondeterministic_output"],
    [],
    [],
  ]);
});

Deno.test("COMMAND INFO: key specs and hidden flags", () => {
  const t = testServer();
  const c = t.client();
  const [get] = t.exec(c, "COMMAND", "INFO", "get") as unknown[][];
  assertEquals(get.slice(0, 6), ["get", 2, ["readonly", "fast"], 1, 1, 1]);
  const spec = (get[8] as unknown[])[0] as unknown[];
  assertEquals(spec.slice(0, 2), ["flags", ["RO", "access"]]);
  assertEquals(spec.slice(2), [
    "begin_search",
    ["type", "index", "spec", ["index", 1]],
    "find_keys",
    ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]],
  ]);
  // DEBUG is "protected", which Redis never prints.
  const [debug] = t.exec(c, "COMMAND", "INFO", "debug") as unknown[][];
  assertEquals(debug[2], ["admin", "noscript", "loading", "stale"]);
  // RESP3: flags, categories, tips and key specs are sets, specs maps.
  t.exec(c, "HELLO", "3");
  const [get3] = t.exec(c, "COMMAND", "INFO", "get") as unknown[][];
  assert(get3[2] instanceof RespSet);
  assert((get3[8] as RespSet).items[0] instanceof Map);
});

Deno.test("COMMAND DOCS: map of name -> doc, subcommands as a map", () => {
  const t = testServer();
  const c = t.client();
  const docs = t.exec(c, "COMMAND", "DOCS", "time", "nosuch", "command|info") as unknown[];
  assertEquals(docs, [
    "time",
    [
      "summary",
      "Return the current server time",
      "since",
      "2.6.0",
      "group",
      "server",
      "complexity",
      "O(1)",
    ],
    "command|info",
    [
      "summary",
      "Get array of specific Redis command details, or all when no argument is given.",
      "since",
      "2.8.13",
      "group",
      "server",
      "complexity",
      "O(N) where N is the number of commands to look up",
      "history",
      [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
      "arguments",
      [["name", "command-name", "type", "string", "flags", ["optional", "multiple"]]],
    ],
  ]);
  const [, fn] = t.exec(c, "COMMAND", "DOCS", "function") as [string, unknown[]];
  assertEquals(fn.slice(-2, -1), ["subcommands"]);
  assert((fn.at(-1) as unknown[]).includes("function|flush"));
  const [, debug] = t.exec(c, "COMMAND", "DOCS", "debug") as [string, unknown[]];
  assertEquals(debug.slice(-2), ["doc_flags", ["syscmd"]]);
  const [, kill] = t.exec(c, "COMMAND", "DOCS", "client|kill") as [string, unknown[]];
  const args = kill.at(-1) as unknown[][];
  const oldForm = ((args[0].at(-1) as unknown[])[0]) as unknown[];
  assertEquals(oldForm, ["name", "ip:port", "type", "string", "deprecated_since", "2.8.12"]);
  // With no names: every top-level command.
  const everything = t.exec(c, "COMMAND", "DOCS") as unknown[];
  assertEquals(everything.length, 2 * t.server.commands.size);
});

Deno.test("COMMAND LIST with FILTERBY", () => {
  const t = testServer();
  const c = t.client();
  const all = t.exec(c, "COMMAND", "LIST") as string[];
  assert(all.includes("client|list") && all.includes("get") && all.includes("client"));
  assertEquals(all.length, [...t.server.commands.all()].length);
  const clients = t.exec(c, "COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|*") as string[];
  assert(clients.length > 5 && clients.every((n) => n.startsWith("client|")));
  const fast = t.exec(c, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "FAST") as string[];
  assert(fast.includes("get") && fast.includes("time") && !fast.includes("set"));
  assertEquals(t.exec(c, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"), []);
  assertEquals(t.exec(c, "COMMAND", "LIST", "FILTERBY", "MODULE", "x"), []);
  const syntax = new RespError("ERR syntax error");
  assertEquals(t.exec(c, "COMMAND", "LIST", "FILTERBY", "foo", "x"), syntax);
  assertEquals(t.exec(c, "COMMAND", "LIST", "x"), syntax);
  assertEquals(t.exec(c, "COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "y"), syntax);
});

Deno.test("COMMAND GETKEYS / GETKEYSANDFLAGS and their errors", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "COMMAND", "GETKEYS", "get", "k"), ["k"]);
  assertEquals(t.exec(c, "COMMAND", "GETKEYSANDFLAGS", "get", "k"), [["k", ["RO", "access"]]]);
  assertEquals(
    t.exec(c, "COMMAND", "GETKEYS", "nosuch", "a"),
    new RespError("ERR Invalid command specified"),
  );
  assertEquals(
    t.exec(c, "COMMAND", "GETKEYS", "get", "a", "b"),
    new RespError("ERR Invalid number of arguments specified for command"),
  );
  assertEquals(
    t.exec(c, "COMMAND", "GETKEYS", "ping", "x"),
    new RespError("ERR The command has no key arguments"),
  );
  assertEquals(
    t.exec(c, "COMMAND", "GETKEYS", "get"),
    new RespError("ERR wrong number of arguments for 'command|getkeys' command"),
  );
});

Deno.test("key extraction follows key specs (keyword, keynum) and derives legacy ranges", () => {
  const noop = () => {};
  const table = new CommandTable([
    cmd("legacy", -2, "write", [1, -1, 2], "", noop, { summary: "", since: "", group: "generic" }),
    cmd("kw", -2, "readonly", [0, 0, 0], "", noop, {
      summary: "",
      since: "",
      group: "generic",
      keySpecs: [{
        flags: ["RO", "ACCESS"],
        beginSearch: { type: "keyword", keyword: "STREAMS", startFrom: 1 },
        findKeys: { type: "range", lastKey: -1, step: 1, limit: 2 },
      }],
    }),
    cmd("num", -3, "write", [0, 0, 0], "", noop, {
      summary: "",
      since: "",
      group: "generic",
      keySpecs: [{
        flags: ["RW", "UPDATE"],
        beginSearch: { type: "index", index: 1 },
        findKeys: { type: "keynum", keyNumIdx: 0, firstKey: 1, step: 1 },
      }],
    }),
  ]);
  const get = (name: string) => table.get(name) as CommandDef;
  assertEquals(getKeysWithFlags(get("legacy"), ["legacy", "a", "1", "b", "2"]), [
    { pos: 1, flags: [] },
    { pos: 3, flags: [] },
  ]);
  assertEquals(
    getKeysWithFlags(get("kw"), ["kw", "COUNT", "1", "streams", "s1", "s2", "0", "0"]).map((k) =>
      k.pos
    ),
    [4, 5],
  );
  assertEquals(getKeysWithFlags(get("num"), ["num", "2", "a", "b", "x"]), [
    { pos: 2, flags: ["RW", "update"] },
    { pos: 3, flags: ["RW", "update"] },
  ]);
  assertEquals(getKeysWithFlags(get("num"), ["num", "9", "a"]), []);
});

Deno.test("COMMAND HELP", () => {
  const t = testServer();
  const c = t.client();
  const help = t.exec(c, "command", "help") as string[];
  assertEquals(help[0], "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assertEquals(help.slice(-2), ["HELP", "    Prints this help."]);
  assertEquals(help.length, 21);
});
