/** Start-up as redis-server does it: log format, unix socket, bad config, shutdown on SIGTERM. */
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, startServer, waitForOutput } from "./helpers.ts";

Deno.test("log lines use Redis's format and the banner names version, port and pid", async () => {
  const s = await startServer(["--loglevel", "notice"]);
  try {
    // The port accepts before the log line has gone through the async logger: wait for it.
    const out = await waitForOutput(s, "Ready to accept connections");
    assertMatch(
      out,
      /^\d+:C \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} # oO0OoO0OoO0Oo Rexis is starting/m,
    );
    assertMatch(
      out,
      /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections tcp$/m,
    );
    assertMatch(out, new RegExp(`Running mode=standalone, port=${s.port}\\.`));
    assertMatch(out, /pid=\d+/);
  } finally {
    await s.stop();
  }
});

Deno.test("unixsocket: the server answers on the socket path too", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rexis.sock`;
  const s = await startServer(["--unixsocket", path, "--unixsocketperm", "700"]);
  try {
    const st = await Deno.stat(path);
    assertEquals(st.mode! & 0o777, 0o700);
    const conn = await Deno.connect({ transport: "unix", path });
    await conn.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    const buf = new Uint8Array(16);
    const n = await conn.read(buf);
    assertEquals(new TextDecoder().decode(buf.subarray(0, n!)), "+PONG\r\n");
    conn.close();
  } finally {
    await s.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGTERM shuts down cleanly with Redis's log lines", async () => {
  const s = await startServer();
  const c = await RespConn.connect(s.port);
  assertEquals(await c.send("SET", "k", "v"), "OK");
  c.close();
  s.process.kill("SIGTERM");
  const st = await s.process.status;
  assertEquals(st.code, 0);
  await s.stop();
  assertMatch(s.output(), /Received SIGTERM scheduling shutdown/);
  assert(s.output().includes("ready to exit, bye bye"));
});
