import { assertEquals } from "../src/testing/assert.ts";
import { RespConn, RespError, startServer } from "./helpers.ts";

Deno.test("e2e: ping, set/get, unknown command over raw RESP", async () => {
  const s = await startServer();
  const c = await RespConn.connect(s.port);
  try {
    assertEquals(await c.send("PING"), "PONG");
    assertEquals(await c.send("SET", "k\x00\xff", "v\r\n\x80"), "OK");
    assertEquals(await c.send("GET", "k\x00\xff"), "v\r\n\x80");
    const e = await c.send("FOO", "a", "b");
    assertEquals(
      (e as RespError).message,
      "ERR unknown command 'FOO', with args beginning with: 'a' 'b' ",
    );
  } finally {
    c.close();
    await s.stop();
  }
});
