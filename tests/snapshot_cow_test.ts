/**
 * BGSAVE copy-on-write covers every path that changes a key, not only the keys a write command
 * names: a script writing keys it did not declare, a blocked BLMOVE served later into its
 * destination, keys evicted meanwhile. The file must hold the dataset as it was when BGSAVE started.
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, startServer } from "./helpers.ts";

async function waitBgsave(x: RespConn): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const i = await x.send("INFO", "persistence") as string;
    if (i.includes("rdb_bgsave_in_progress:0")) {
      assert(i.includes("rdb_last_bgsave_status:ok"), i);
      return;
    }
    assert(Date.now() < deadline, i);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("BGSAVE: keys changed without being named by the command keep their snapshot value", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let rexis = await startServer(["--dir", dir]);
    let x = await RespConn.connect(rexis.port);
    const b = await RespConn.connect(rexis.port);
    for (let i = 0; i < 200; i++) await x.send("SET", `k${i}`, `v${i}`);
    await x.send("RPUSH", "dst", "old");
    // A client blocked on "src"; it will move into "dst" when served.
    const moved = b.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", 0);
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 2000);
    assertEquals(await x.send("BGSAVE"), "Background saving started");
    // Undeclared keys (numkeys 0): the command names none of them.
    assertEquals(
      await x.send(
        "EVAL",
        "redis.call('set', 'k150', 'script') redis.call('del', 'k151') " +
          "redis.call('set', 'fresh', 'x') redis.call('expire', 'k152', 1000) return 1",
        0,
      ),
      1,
    );
    // RPUSH names "src" only; serving the blocked BLMOVE changes "dst".
    await x.send("RPUSH", "src", "new");
    assertEquals(await moved, "new");
    assertEquals(await x.send("LRANGE", "dst", 0, -1), ["old", "new"]);
    await x.send("CONFIG", "SET", "rdb-key-save-delay", 0);
    await waitBgsave(x);
    b.conn.close();
    x.conn.close();
    await rexis.stop();

    rexis = await startServer(["--dir", dir]);
    x = await RespConn.connect(rexis.port);
    assertEquals(await x.send("DBSIZE"), 201);
    for (let i = 0; i < 200; i++) assertEquals(await x.send("GET", `k${i}`), `v${i}`);
    assertEquals(await x.send("TTL", "k152"), -1);
    assertEquals(await x.send("EXISTS", "fresh", "src"), 0);
    assertEquals(await x.send("LRANGE", "dst", 0, -1), ["old"]);
    x.conn.close();
    await rexis.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
