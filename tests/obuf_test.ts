/**
 * client-output-buffer-limit end to end, after Redis's tests/unit/obuf-limits.tcl (tagged
 * external:skip upstream, so the compat runner never runs it): pub/sub subscribers that never
 * read are closed at the hard limit and after the soft limit's seconds (also with no traffic, by
 * the cron); normal clients get no reply at all when a reply passes the limit (single command,
 * pipeline), transactions still run completely, HRANDFIELD/KEYS stop mid-run; memory stays
 * bounded and other clients keep working; the log line is Redis's.
 */
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withServer(fn: (s: RunningServer, r: RespConn) => Promise<void>): Promise<void> {
  const s = await startServer();
  const r = await RespConn.connect(s.port);
  try {
    await fn(s, r);
  } finally {
    r.close();
    await s.stop();
  }
}

/** The CLIENT LIST line of the client named `name`, or undefined. */
async function clientLine(r: RespConn, name: string): Promise<string | undefined> {
  const list = await r.send("CLIENT", "LIST") as string;
  return list.split("\n").find((l) => l.includes(` name=${name} `));
}

function field(line: string, f: string): number {
  return Number(new RegExp(` ${f}=(\\d+)`).exec(line)![1]);
}

/** Read and discard until the server closes the connection (true) or `ms` pass (false). */
async function drainUntilClosed(r: RespConn, ms: number): Promise<boolean> {
  const buf = new Uint8Array(256 * 1024);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let t: ReturnType<typeof setTimeout> | undefined;
    try {
      const n = await Promise.race([
        r.conn.read(buf),
        new Promise<undefined>((
          res,
        ) => (t = setTimeout(() => res(undefined), deadline - Date.now()))),
      ]);
      if (n === null) return true;
      if (n === undefined) return false;
    } catch {
      return true;
    } finally {
      clearTimeout(t);
    }
  }
  return false;
}

async function namedSubscriber(port: number, name: string, channel: string): Promise<RespConn> {
  const sub = await RespConn.connect(port);
  assertEquals(await sub.send("CLIENT", "SETNAME", name), "OK");
  assertEquals(await sub.send("SUBSCRIBE", channel), ["subscribe", channel, 1]);
  return sub;
}

Deno.test("obuf: CONFIG SET client-output-buffer-limit errors and canonical form", async () => {
  await withServer(async (_s, r) => {
    const err = async (v: string, re: RegExp) => {
      const e = await r.send("CONFIG", "SET", "client-output-buffer-limit", v);
      assert(e instanceof RespError, `${v}: ${e}`);
      assertMatch(e.message, re);
    };
    await err("wrong number", /Wrong.*arguments/);
    await err("invalid_class 10mb 10mb 60", /Invalid.*client.*class/);
    await err("master 10mb 10mb 60", /Invalid.*client.*class/);
    await err("normal 10mbs 10mb 60", /Error.*hard/);
    await err("replica 10mb 10mbs 60", /Error.*soft/);
    await err("pubsub 10mb 10mb 60s", /Error.*soft_seconds/);
    assertEquals(
      await r.send(
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal 1mb 2mb 60 replica 3mb 4mb 70 pubsub 5mb 6mb 80",
      ),
      "OK",
    );
    assertEquals(await r.send("CONFIG", "GET", "client-output-buffer-limit"), [
      "client-output-buffer-limit",
      "normal 1048576 2097152 60 slave 3145728 4194304 70 pubsub 5242880 6291456 80",
    ]);
  });
});

Deno.test("obuf: a subscriber that never reads is closed at the hard limit", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "pubsub 100000 0 0");
    const sub = await namedSubscriber(s.port, "slowsub", "foo");
    let omem = 0;
    let maxOmem = 0;
    for (let i = 0; i < 200_000; i++) {
      await r.send("PUBLISH", "foo", "bar");
      if (i % 50 !== 0) continue;
      const line = await clientLine(r, "slowsub");
      if (line === undefined) break;
      omem = field(line, "omem");
      maxOmem = Math.max(maxOmem, omem);
      assert(omem < 200_000, `omem ${omem}`);
    }
    assertEquals(await clientLine(r, "slowsub"), undefined);
    assert(maxOmem >= 70_000, `omem grew to ${maxOmem} before the close`);
    assert(await drainUntilClosed(sub, 5000));
    assertMatch(
      s.output(),
      /# Client id=\d+ addr=\S+ laddr=\S+ fd=\d+ name=slowsub .* scheduled to be closed ASAP for overcoming of output buffer limits\./,
    );
    assertEquals(await r.send("PING"), "PONG");
    sub.close();
  });
});

Deno.test("obuf: soft limit closes a subscriber only after its seconds", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 100000 2");
    const sub = await namedSubscriber(s.port, "softsub", "foo");
    const payload = "x".repeat(1000);
    let start = 0;
    let lastUnder = Date.now();
    let omem = 0;
    for (;;) {
      await r.send("PUBLISH", "foo", payload);
      const line = await clientLine(r, "softsub");
      const elapsed = start === 0 ? 0 : Date.now() - start;
      assert(elapsed <= 2000 + 3000, `still connected after ${elapsed} ms`);
      if (line === undefined) {
        // Closed: not before the limit was passed for its 2 seconds (whole-second clock).
        assert(omem >= 100_000, `omem ${omem}`);
        assert(elapsed >= 2000, `closed after ${elapsed} ms`);
        break;
      }
      omem = field(line, "omem");
      if (omem > 100_000) {
        if (start === 0) start = lastUnder;
        await sleep(10);
      } else {
        start = 0;
        lastUnder = Date.now();
      }
    }
    assert(await drainUntilClosed(sub, 5000));
    sub.close();
  });
});

Deno.test("obuf: soft limit is enforced by the cron when traffic stops", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 100000 1");
    const sub = await namedSubscriber(s.port, "idlesub", "foo");
    const payload = "x".repeat(1000);
    for (;;) {
      await r.send("PUBLISH", "foo", payload);
      const line = await clientLine(r, "idlesub");
      assert(line !== undefined, "closed while traffic was still flowing below 1 s");
      if (field(line, "omem") > 100_000) break;
    }
    // INFO's client_recent_max_output_buffer is the same omem measure as CLIENT LIST (the cron
    // samples it each tick).
    await sleep(250);
    const line = await clientLine(r, "idlesub");
    if (line !== undefined) {
      const info = await r.send("INFO", "clients") as string;
      const recent = Number(/client_recent_max_output_buffer:(\d+)/.exec(info)![1]);
      assert(recent >= 100_000 && recent <= field(line, "omem"), `${recent} vs ${line}`);
    }
    // No more traffic: the soft limit expires by the clock alone.
    const deadline = Date.now() + 4000;
    while ((await clientLine(r, "idlesub")) !== undefined) {
      assert(Date.now() < deadline, "soft limit timed out but client still connected");
      await sleep(50);
    }
    assertMatch(s.output(), /name=idlesub .* closed for overcoming of output buffer limits\./);
    sub.close();
  });
});

Deno.test("obuf: large messages to a stalled subscriber keep memory bounded; others keep working", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 0 0");
    const sub = await namedSubscriber(s.port, "bigsub", "big");
    const other = await namedSubscriber(s.port, "goodsub", "big");
    const payload = "y".repeat(256 * 1024);
    const base = Number(/used_memory:(\d+)/.exec(await r.send("INFO", "memory") as string)![1]);
    let received = 0;
    for (let i = 0; i < 200; i++) {
      await r.send("PUBLISH", "big", payload);
      // The reading subscriber keeps up.
      const m = await other.read() as string[];
      assertEquals(m[0], "message");
      assertEquals(m[2].length, payload.length);
      received++;
    }
    assertEquals(received, 200);
    assertEquals(await clientLine(r, "bigsub"), undefined);
    assert(await clientLine(r, "goodsub") !== undefined);
    const used = Number(/used_memory:(\d+)/.exec(await r.send("INFO", "memory") as string)![1]);
    // 200 × 256 KB = 50 MB went out; the stalled subscriber held at most its 4 MB limit.
    assert(used < base + 30 * 1024 * 1024, `used_memory ${base} -> ${used}`);
    assertEquals(await r.send("SET", "k", "v"), "OK");
    assertEquals(await r.send("GET", "k"), "v");
    sub.close();
    other.close();
  });
});

Deno.test("obuf: no response for a single command over the normal hard limit", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0");
    const item = "x".repeat(1000);
    for (let i = 0; i < 150; i++) await r.send("LPUSH", "mylist", item);
    const rd = await RespConn.connect(s.port);
    assertEquals(await rd.send("CLIENT", "SETNAME", "mybiglist"), "OK");
    await rd.write("*4\r\n$6\r\nLRANGE\r\n$6\r\nmylist\r\n$1\r\n0\r\n$2\r\n-1\r\n");
    await sleep(100);
    assertEquals(await clientLine(r, "mybiglist"), undefined);
    // Not a byte of the reply: the connection just ends.
    assert(await rd.closedByServer(3000));
    rd.close();
  });
});

Deno.test("obuf: no response for a pipeline whose replies pass the normal limit", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0");
    await r.send("SET", "bigkey", "x".repeat(10000));
    const rd = await RespConn.connect(s.port);
    assertEquals(await rd.send("CLIENT", "SETNAME", "multicommands"), "OK");
    let buf = "";
    for (let i = 0; i < 15; i++) buf += `set ${i} ${i}\r\nget ${i}\r\ndel ${i}\r\nget bigkey\r\n`;
    await rd.write(buf);
    await sleep(100);
    assertEquals(await r.send("PING"), "PONG");
    assertEquals(await clientLine(r, "multicommands"), undefined);
    assert(await rd.closedByServer(3000));
    rd.close();
  });
});

Deno.test("obuf: a transaction runs completely even if the limit closes the client", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0");
    const item = "x".repeat(1000);
    for (let i = 0; i < 150; i++) await r.send("LPUSH", "mylist2", item);
    const t = await RespConn.connect(s.port);
    await t.send("CLIENT", "SETNAME", "transactionclient");
    await t.send("SET", "k1", "v1");
    await t.send("MULTI");
    await t.send("SET", "k2", "v2");
    await t.send("GET", "k2");
    await t.send("LRANGE", "mylist2", "0", "-1");
    await t.send("SET", "k3", "v3");
    await t.send("DEL", "k1");
    await t.write("*1\r\n$4\r\nEXEC\r\n");
    assert(await t.closedByServer(3000));
    t.close();
    assertEquals(await clientLine(r, "transactionclient"), undefined);
    assertEquals(await r.send("GET", "k1"), null);
    assertEquals(await r.send("GET", "k2"), "v2");
    assertEquals(await r.send("GET", "k3"), "v3");
  });
});

Deno.test("obuf: HRANDFIELD with a huge count and KEYS stop mid-run", async () => {
  await withServer(async (s, r) => {
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "normal 1000000 0 0");
    await r.send("HSET", "myhash", "a", "b");
    const h = await RespConn.connect(s.port);
    const t0 = Date.now();
    await h.write("*3\r\n$10\r\nHRANDFIELD\r\n$6\r\nmyhash\r\n$10\r\n-999999999\r\n");
    assert(await h.closedByServer(10_000));
    assert(Date.now() - t0 < 5000, `HRANDFIELD ran for ${Date.now() - t0} ms`);
    h.close();
    await r.send("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0");
    const prefix = "long-key-name-prefix-of-100-chars-".padEnd(100, "-");
    // 1500 keys of ~105 bytes: a KEYS * reply of ~160 KB.
    for (let i = 0; i < 1500; i++) await r.send("SET", `${prefix}:${i}`, "v");
    const k = await RespConn.connect(s.port);
    await k.write("*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n");
    assert(await k.closedByServer(5000));
    k.close();
    assertEquals(await r.send("PING"), "PONG");
  });
});
