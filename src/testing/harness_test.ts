import { assertEquals } from "./assert.ts";
import { testServer } from "./harness.ts";
import { RespError } from "../protocol/decode.ts";

Deno.test("in-memory harness: dispatch guards", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "PING"), "PONG");
  assertEquals(t.exec(c, "get"), new RespError("ERR wrong number of arguments for 'get' command"));
  assertEquals(t.feed(c, "PING\r\nECHO hi\r\n"), ["PONG", "hi"]);
});
