import { assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";

const NOT_ALLOWED =
  'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

Deno.test("MODULE: LOAD/LOADEX/UNLOAD are protected by enable-module-command, LIST is not", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "MODULE", "LOAD", "/x.so"), new RespError(NOT_ALLOWED));
  assertEquals(t.exec(c, "MODULE", "UNLOAD", "m"), new RespError(NOT_ALLOWED));
  assertEquals(t.exec(c, "MODULE", "LIST"), []);
});

Deno.test("MODULE: nothing is ever loaded; errors as a failed load in Redis", () => {
  const t = testServer(["--enable-module-command", "yes"]);
  const c = t.client();
  const loadErr = new RespError("ERR Error loading the extension. Please check the server logs.");
  assertEquals(t.exec(c, "MODULE", "LOAD", "/x.so", "a"), loadErr);
  assertEquals(t.exec(c, "MODULE", "LOADEX", "/x.so", "CONFIG", "a", "b", "ARGS", "c"), loadErr);
  assertEquals(
    t.exec(c, "MODULE", "UNLOAD", "m"),
    new RespError("ERR Error unloading module: no such module with that name"),
  );
  assertEquals(t.exec(c, "MODULE", "LIST"), []);
  assertEquals(
    t.exec(c, "MODULE", "LIST", "x"),
    new RespError("ERR wrong number of arguments for 'module|list' command"),
  );
  assertEquals(
    t.exec(c, "MODULE", "foo"),
    new RespError("ERR unknown subcommand 'foo'. Try MODULE HELP."),
  );
  const help = t.exec(c, "MODULE", "HELP") as string[];
  assertEquals(help[0], "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assertEquals(help.slice(1, 3), ["LIST", "    Return a list of loaded modules."]);
  assertEquals(help.length, 11);
});
