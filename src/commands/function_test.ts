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
  assertEquals(t.exec(c, "FUNCTION", "LOAD", "x"), new RespError("ERR Missing library metadata"));
});

Deno.test("FUNCTION LOAD, FCALL, LIST, DELETE", () => {
  const t = testServer();
  const c = t.client();
  const code = "#!lua name=mylib\n" +
    "redis.register_function('f1', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n" +
    "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";
  assertEquals(t.exec(c, "FUNCTION", "LOAD", code), "mylib");
  assertEquals(
    t.exec(c, "FUNCTION", "LOAD", code),
    new RespError("ERR Library 'mylib' already exists"),
  );
  assertEquals(t.exec(c, "FCALL", "f1", "1", "k", "v"), "OK");
  assertEquals(t.exec(c, "FCALL_RO", "ro", "1", "k"), "v");
  assertEquals(
    t.exec(c, "FCALL_RO", "f1", "1", "k", "v"),
    new RespError("ERR Can not execute a script with write flag using *_ro command."),
  );
  assertEquals(t.server.functions.functionCount, 2);
  assertEquals(t.exec(c, "FUNCTION", "DELETE", "mylib"), "OK");
  assertEquals(t.exec(c, "FCALL", "f1", "1", "k", "v"), new RespError("ERR Function not found"));
});
