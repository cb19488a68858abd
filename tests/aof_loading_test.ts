/**
 * Loading state (Redis's server.loading): while an AOF loads nothing expires, and EXPIRE/GETEX with
 * a time already past set that time instead of deleting the key, so later commands of the file act
 * on the same key, as in Redis. Also the replication config rows the upstream AOF tests set.
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn } from "./helpers.ts";
import { infoField, resp, startRexis, waitFor, writeAofFiles } from "./aof_helpers.ts";

const INCR = "appendonly.aof.1.incr.aof";

Deno.test("AOF load: a past PEXPIREAT / GETEX PXAT does not delete the key while loading", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-aofload-" });
  try {
    writeAofFiles(dir, {
      "appendonly.aof.manifest": `file ${INCR} seq 1 type i\n`,
      [INCR]: resp("rpush", "list", "foo") + resp("pexpireat", "list", "1000") +
        resp("rpush", "list", "bar") +
        resp("set", "s", "v") + resp("getex", "s", "pxat", "1000") + resp("append", "s", "x") +
        resp("set", "keep", "1") + resp("expire", "keep", "-1") + resp("set", "keep", "2"),
    });
    const p = await startRexis(dir, ["--appendonly", "yes"]);
    try {
      const c = await RespConn.connect(p.port);
      try {
        // Had the expire deleted the key during the load, RPUSH/APPEND would have made new keys
        // without a TTL: LLEN 1 and "x". Loaded as Redis does, the keys keep the past time.
        assertEquals(await c.send("LLEN", "list"), 0);
        assertEquals(await c.send("GET", "s"), null);
        // SET without KEEPTTL cleared the past time again.
        assertEquals(await c.send("GET", "keep"), "2");
        assertEquals(await c.send("TTL", "keep"), -1);
      } finally {
        c.close();
      }
      // The keys went on access after the load, and that is what was appended (DEL), not during it.
      const incr = Deno.readTextFileSync(`${dir}/appendonlydir/${INCR}`);
      const last = resp("set", "keep", "2");
      const appended = incr.slice(incr.indexOf(last) + last.length);
      assert(appended.includes(resp("DEL", "list")), appended);
      assert(appended.includes(resp("DEL", "s")), appended);
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config: replica-read-only (alias slave-read-only) keeps its value", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-aofload-" });
  try {
    const p = await startRexis(dir, ["--replica-read-only", "no"]);
    try {
      const c = await RespConn.connect(p.port);
      try {
        assertEquals(await c.send("CONFIG", "GET", "replica-read-only"), [
          "replica-read-only",
          "no",
        ]);
        assertEquals(await c.send("CONFIG", "GET", "slave-read-only"), ["slave-read-only", "no"]);
        assertEquals(await c.send("CONFIG", "SET", "slave-read-only", "yes"), "OK");
        assertEquals(await c.send("CONFIG", "GET", "*read-only"), [
          "replica-read-only",
          "yes",
          "slave-read-only",
          "yes",
        ]);
      } finally {
        c.close();
      }
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("AOF: killing the rewrite's stand-in child (pgrep -P) fails the rewrite as in Redis", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-aofload-" });
  try {
    const p = await startRexis(dir, ["--appendonly", "yes", "--rdb-key-save-delay", "10000000"]);
    try {
      const c = await RespConn.connect(p.port);
      try {
        for (let i = 0; i < 5; i++) await c.send("SET", `k${i}`, "v");
        const rewriteInfo = async () => (await c.send("INFO", "persistence")) as string;
        for (let round = 0; round < 2; round++) {
          assertEquals(
            await c.send("BGREWRITEAOF"),
            "Background append only file rewriting started",
          );
          const out = await new Deno.Command("pgrep", { args: ["-P", String(p.process.pid)] })
            .output();
          const pids = new TextDecoder().decode(out.stdout).trim().split("\n");
          assert(pids.length === 1 && /^[1-9]\d*$/.test(pids[0]), `children: ${pids}`);
          Deno.kill(Number(pids[0]), "SIGKILL");
          await waitFor(async () =>
            infoField(await rewriteInfo(), "aof_rewrite_in_progress") === "0"
          );
          assertEquals(infoField(await rewriteInfo(), "aof_last_bgrewrite_status"), "err");
        }
        // Each failed rewrite left its own new incr file; the base stays.
        assertEquals(
          Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.manifest`),
          "file appendonly.aof.1.base.rdb seq 1 type b\n" +
            "file appendonly.aof.1.incr.aof seq 1 type i\n" +
            "file appendonly.aof.2.incr.aof seq 2 type i\n" +
            "file appendonly.aof.3.incr.aof seq 3 type i\n",
        );
        assert(p.output().includes("Background AOF rewrite terminated by signal 9"), p.output());
        // A rewrite that is let run succeeds, and its stand-in is gone afterwards.
        assertEquals(await c.send("CONFIG", "SET", "rdb-key-save-delay", "0"), "OK");
        await c.send("BGREWRITEAOF");
        await waitFor(async () =>
          infoField(await rewriteInfo(), "aof_rewrite_in_progress") === "0"
        );
        assertEquals(infoField(await rewriteInfo(), "aof_last_bgrewrite_status"), "ok");
        // Each background job counts as a fork (INFO total_forks), as Redis's children do.
        assertEquals(infoField((await c.send("INFO", "stats")) as string, "total_forks"), "3");
        const left = await new Deno.Command("pgrep", { args: ["-P", String(p.process.pid)] })
          .output();
        assertEquals(new TextDecoder().decode(left.stdout).trim(), "");
        assertEquals(await c.send("DBSIZE"), 5);
      } finally {
        c.close();
      }
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("BGSAVE: killing its stand-in child fails the save; writes get MISCONF", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-aofload-" });
  try {
    // MISCONF needs save rules, as in Redis.
    const p = await startRexis(dir, ["--rdb-key-save-delay", "10000000", "--save", "900 1"]);
    try {
      const c = await RespConn.connect(p.port);
      try {
        for (let i = 0; i < 5; i++) await c.send("SET", `k${i}`, "v");
        assertEquals(await c.send("BGSAVE"), "Background saving started");
        const out = await new Deno.Command("pgrep", { args: ["-P", String(p.process.pid)] })
          .output();
        const pids = new TextDecoder().decode(out.stdout).trim().split("\n");
        assert(pids.length === 1 && /^[1-9]\d*$/.test(pids[0]), `children: ${pids}`);
        Deno.kill(Number(pids[0]), "SIGKILL");
        await waitFor(async () =>
          infoField((await c.send("INFO", "persistence")) as string, "rdb_bgsave_in_progress") ===
            "0"
        );
        const info = (await c.send("INFO", "persistence")) as string;
        assertEquals(infoField(info, "rdb_last_bgsave_status"), "err");
        assertEquals(infoField((await c.send("INFO", "stats")) as string, "total_forks"), "1");
        assertEquals(await c.send("GET", "k0"), "v");
        const err = await c.send("SET", "x", "y");
        assert(String((err as Error).message).startsWith("MISCONF "), String(err));
        assert(p.output().includes("Background saving terminated by signal 9"), p.output());
        // Scripts too (replies checked against redis-server 7.0.15): a write inside a script
        // without flags fails with the MISCONF text, a script with flags is refused up front,
        // a no-writes script runs.
        const misconf = String((err as Error).message);
        const e1 = await c.send("EVAL", "return redis.call('set','x',1)", "1", "x");
        assertEquals(
          (e1 as Error).message,
          `${misconf} script: 4cb91861d207e5689edc816618ab68f9d6de3b44, on @user_script:1.`,
        );
        const e2 = await c.send("EVAL", "#!lua\nreturn redis.call('set','x',1)", "1", "x");
        assertEquals((e2 as Error).message, misconf);
        assertEquals(
          await c.send("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k0')", "1", "k0"),
          "v",
        );
      } finally {
        c.close();
      }
    } finally {
      await p.kill();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
