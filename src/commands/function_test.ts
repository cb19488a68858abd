import { assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";

Deno.test("FUNCTION FLUSH clears the library registry", () => {
  const t = testServer();
  const c = t.client();
  t.server.functions.libraries.set("lib", {
    name: "lib",
    engine: "LUA",
    code: "",
    functions: new Map([["f", { name: "f", description: null, flags: [] }]]),
  });
  assertEquals(t.server.functions.functionCount, 1);
  const dirty = t.server.dirty;
  assertEquals(t.exec(c, "FUNCTION", "FLUSH"), "OK");
  assertEquals(t.server.functions.libraryCount, 0);
  assertEquals(t.server.dirty, dirty + 1);
  assertEquals(t.exec(c, "FUNCTION", "FLUSH", "ASYNC"), "OK");
  assertEquals(t.exec(c, "FUNCTION", "FLUSH", "sync"), "OK");
  assertEquals(
    t.exec(c, "FUNCTION", "FLUSH", "x"),
    new RespError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
  );
  assertEquals(
    t.exec(c, "FUNCTION", "FLUSH", "sync", "x"),
    new RespError(
      "ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.",
    ),
  );
  assertEquals(
    t.exec(c, "FUNCTION", "LOAD", "x"),
    new RespError("ERR unknown subcommand 'LOAD'. Try FUNCTION HELP."),
  );
});
