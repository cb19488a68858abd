/**
 * End-to-end tests of client-side caching (CLIENT TRACKING) against a started server: node-redis
 * 5's RESP3 client-side cache, ioredis in RESP2 REDIRECT mode with a subscriber on
 * __redis__:invalidate, and raw connections for the exact bytes of the pushes and their order.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assertEquals, assertMatch } from "../src/testing/assert.ts";
import { encodeCommand } from "../src/protocol/decode.ts";
import { type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** A raw connection that checks the exact bytes the server sends. */
class Raw {
  #buf = "";
  private constructor(readonly conn: Deno.TcpConn) {}
  static async connect(port: number): Promise<Raw> {
    return new Raw(await Deno.connect({ hostname: "127.0.0.1", port }));
  }
  async write(...argv: string[]): Promise<void> {
    const b = encodeCommand(argv);
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }
  /** Read until exactly `want` bytes arrived (fails on more, or after 5 s). */
  async expect(want: string): Promise<void> {
    const deadline = Date.now() + 5000;
    const chunk = new Uint8Array(64 * 1024);
    while (this.#buf.length < want.length) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.conn.read(chunk),
        new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), left))),
      ]);
      clearTimeout(timer);
      if (n === "timeout" || n === null) break;
      for (let i = 0; i < n; i++) this.#buf += String.fromCharCode(chunk[i]);
    }
    const got = this.#buf.slice(0, want.length);
    this.#buf = this.#buf.slice(want.length);
    assertEquals(got, want);
  }
  /** Send a command and expect exactly these bytes back. */
  async cmd(reply: string, ...argv: string[]): Promise<void> {
    await this.write(...argv);
    await this.expect(reply);
  }
  /** Nothing else is waiting: a PING's reply comes next. */
  async nothingPending(): Promise<void> {
    await this.cmd("+PONG\r\n", "PING");
  }
  /** Send a command and return everything up to and including the reply of a PING after it. */
  async text(...argv: string[]): Promise<string> {
    await this.write(...argv);
    await this.write("PING");
    const chunk = new Uint8Array(64 * 1024);
    const deadline = Date.now() + 5000;
    while (!this.#buf.endsWith("+PONG\r\n") && Date.now() < deadline) {
      const n = await this.conn.read(chunk);
      if (n === null) break;
      for (let i = 0; i < n; i++) this.#buf += String.fromCharCode(chunk[i]);
    }
    const out = this.#buf;
    this.#buf = "";
    return out;
  }
  async hello3(): Promise<void> {
    assertMatch(await this.text("HELLO", "3"), /^%7\r\n/);
  }
  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

const inval = (...keys: string[]) =>
  ">2\r\n$10\r\ninvalidate\r\n*" + keys.length + "\r\n" +
  keys.map((k) => `$${k.length}\r\n${k}\r\n`).join("");
const INVAL_ALL = ">2\r\n$10\r\ninvalidate\r\n_\r\n";
const message = (keys: string[] | null) =>
  "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" +
  (keys === null ? "$-1\r\n" : "*" + keys.length + "\r\n" +
    keys.map((k) => `$${k.length}\r\n${k}\r\n`).join(""));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("e2e node-redis RESP3 client-side cache: hits, invalidated by other writers and FLUSHALL", async () => {
  await withServer(async (s) => {
    const client = createClient({
      RESP: 3,
      clientSideCache: { ttl: 0, maxEntries: 0 },
      socket: { host: "127.0.0.1", port: s.port },
    });
    const writer = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    writer.on("error", () => {});
    await client.connect();
    await writer.connect();
    try {
      const cache = client.clientSideCache!;
      const invalidated: (string | null)[] = [];
      cache.on("invalidate", (k: unknown) => invalidated.push(k === null ? null : String(k)));
      await writer.set("k", "v1");
      assertEquals(await client.get("k"), "v1");
      assertEquals(await client.get("k"), "v1"); // from the cache
      assertEquals(cache.stats().hitCount, 1);
      const info = await writer.info("stats");
      assertMatch(info, /tracking_total_keys:1\r\n/);
      await writer.set("k", "v2");
      for (let i = 0; i < 50 && invalidated.length === 0; i++) await sleep(20);
      assertEquals(invalidated, ["k"]);
      assertEquals(await client.get("k"), "v2");
      assertEquals(await client.get("k"), "v2");
      assertEquals(cache.stats().hitCount, 2);
      await writer.flushAll();
      for (let i = 0; i < 50 && invalidated.length < 2; i++) await sleep(20);
      assertEquals(invalidated, ["k", null]);
      assertEquals(await client.get("k"), null);
    } finally {
      await client.quit();
      await writer.quit();
    }
  });
});

Deno.test("e2e ioredis RESP2 REDIRECT: messages on __redis__:invalidate, BCAST prefixes, flush", async () => {
  await withServer(async (s) => {
    const sub = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const main = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const other = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await Promise.all([sub.connect(), main.connect(), other.connect()]);
    try {
      const subId = await sub.client("ID");
      const got: unknown[] = [];
      // ioredis hands the raw message to "messageBuffer": an array of key Buffers, or null.
      sub.on("messageBuffer", (channel: Uint8Array, msg: unknown) => {
        assertEquals(new TextDecoder().decode(channel), "__redis__:invalidate");
        got.push(
          msg === null ? null : (msg as Uint8Array[]).map((b) => new TextDecoder().decode(b)),
        );
      });
      await sub.subscribe("__redis__:invalidate");
      const wait = async (n: number) => {
        for (let i = 0; i < 100 && got.length < n; i++) await sleep(20);
        assertEquals(got.length, n);
      };
      assertEquals(await main.client("TRACKING", "ON", "REDIRECT", String(subId)), "OK");
      assertEquals(await main.client("GETREDIR"), subId);
      await other.mset("a", "1", "b", "2");
      await main.get("a");
      await other.incr("b"); // not read: no message
      await other.incr("a");
      await wait(1);
      assertEquals(got[0], ["a"]);
      const list = await main.client("LIST", "ID", String(await main.client("ID"))) as string;
      assertMatch(list, / flags=t /);
      assertMatch(list, new RegExp(` redir=${subId} `));
      // BCAST with two prefixes: a MULTI touching both gives one message per prefix.
      await main.client("TRACKING", "OFF");
      await main.client(
        "TRACKING",
        "ON",
        "BCAST",
        "REDIRECT",
        String(subId),
        "PREFIX",
        "u:",
        "PREFIX",
        "s:",
      );
      await other.multi().set("u:1", "x").set("s:1", "y").set("u:2", "z").set("x:1", "no").exec();
      await wait(3);
      assertEquals(got.slice(1), [["s:1"], ["u:1", "u:2"]]);
      // FLUSHALL: a null key list ("everything").
      await other.flushall();
      await wait(4);
      assertEquals(got[3], null);
    } finally {
      sub.disconnect();
      main.disconnect();
      other.disconnect();
    }
  });
});

Deno.test("e2e raw: RESP3 push bytes, own writes after the reply, MULTI, NOLOOP, RESET", async () => {
  await withServer(async (s) => {
    const a = await Raw.connect(s.port);
    const w = await Raw.connect(s.port);
    try {
      await a.hello3();
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on");
      await w.cmd("+OK\r\n", "SET", "k", "1");
      await a.cmd("$1\r\n1\r\n", "GET", "k");
      await w.cmd(":2\r\n", "INCR", "k");
      await a.expect(inval("k"));
      // Its own write: the reply first, then the push.
      await a.cmd("$1\r\n2\r\n", "GET", "k");
      await a.cmd("+OK\r\n" + inval("k"), "SET", "k", "3");
      // Inside MULTI/EXEC the pushes come after the whole EXEC reply.
      await a.cmd("*2\r\n$1\r\n3\r\n_\r\n", "MGET", "k", "j");
      await a.cmd("+OK\r\n", "MULTI");
      await a.cmd("+QUEUED\r\n", "DEL", "k", "j");
      await a.cmd("+QUEUED\r\n", "SET", "j", "x");
      await a.write("EXEC");
      await a.expect("*2\r\n:1\r\n+OK\r\n" + inval("k") + inval("j"));
      // FLUSHDB from the client itself: OK, then "everything".
      await a.cmd("+OK\r\n" + INVAL_ALL, "FLUSHDB");
      // NOLOOP: its own writes are not reported, other writers' are.
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "NOLOOP");
      await a.cmd("*2\r\n_\r\n_\r\n", "MGET", "mine", "theirs");
      await a.cmd("+OK\r\n", "SET", "mine", "1");
      await w.cmd("+OK\r\n", "SET", "theirs", "1");
      await a.expect(inval("theirs"));
      await a.nothingPending();
      // RESET ends tracking.
      await a.cmd("+RESET\r\n", "RESET");
      await a.cmd(":-1\r\n", "CLIENT", "GETREDIR");
      assertMatch(await w.text("INFO", "clients"), /tracking_clients:0\r\n/);
    } finally {
      a.close();
      w.close();
    }
  });
});

Deno.test("e2e raw: OPTIN/OPTOUT, BCAST NOLOOP, expiry, redirect broken, table limit", async () => {
  await withServer(async (s) => {
    const a = await Raw.connect(s.port);
    const w = await Raw.connect(s.port);
    const red = await Raw.connect(s.port);
    try {
      await a.hello3();
      // OPTIN: only the command after CLIENT CACHING yes is remembered.
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "OPTIN");
      await a.cmd("_\r\n", "GET", "o1");
      await a.cmd("+OK\r\n", "CLIENT", "CACHING", "yes");
      await a.cmd("_\r\n", "GET", "o2");
      await w.cmd("+OK\r\n", "MSET", "o1", "x", "o2", "y");
      await a.expect(inval("o2"));
      await a.nothingPending();
      // OPTOUT: CLIENT CACHING no skips the next command only.
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "off");
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "OPTOUT");
      await a.cmd("+OK\r\n", "CLIENT", "CACHING", "no");
      await a.cmd("$1\r\nx\r\n", "GET", "o1");
      await a.cmd("$1\r\ny\r\n", "GET", "o2");
      await w.cmd(":2\r\n", "DEL", "o1", "o2");
      await a.expect(inval("o2"));
      await a.nothingPending();
      // BCAST + NOLOOP: keys changed by others, and keys that expire (no client changed them).
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "off");
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "e:", "NOLOOP");
      await a.cmd("+OK\r\n", "SET", "e:short", "1", "PX", "30");
      await a.cmd("+OK\r\n", "SET", "e:mine", "1");
      await w.cmd("+OK\r\n", "SET", "e:theirs", "1");
      await a.expect(inval("e:theirs"));
      await a.expect(inval("e:short")); // the active expiry cycle removes it
      await a.nothingPending();
      // Redirect to a client that then goes away: tracking-redir-broken, and flag R.
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "off");
      const redId = (await red.text("CLIENT", "ID")).split("\r\n")[0].slice(1);
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "REDIRECT", redId);
      await a.cmd("_\r\n", "GET", "r");
      await red.cmd("+OK\r\n", "QUIT");
      await sleep(50);
      await w.cmd("+OK\r\n", "SET", "r", "1");
      await a.expect(`>2\r\n$21\r\ntracking-redir-broken\r\n:${redId}\r\n`);
      const line = await a.text("CLIENT", "INFO");
      assertMatch(line, new RegExp(` flags=tR .* redir=${redId} resp=3`));
      // tracking-table-max-keys: keys over the limit are dropped with invalidation messages.
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "off");
      await a.cmd("+OK\r\n", "CLIENT", "TRACKING", "on");
      await a.cmd("*3\r\n_\r\n_\r\n_\r\n", "MGET", "t1", "t2", "t3");
      await w.cmd("+OK\r\n", "CONFIG", "SET", "tracking-table-max-keys", "1");
      await a.expect(inval("t1") + inval("t2"));
      await a.nothingPending();
      await w.cmd(
        "*2\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n1\r\n",
        "CONFIG",
        "GET",
        "tracking-table-max-keys",
      );
    } finally {
      a.close();
      w.close();
      red.close();
    }
  });
});

Deno.test("e2e raw: RESP2 redirect bytes to a subscriber, nothing without one", async () => {
  await withServer(async (s) => {
    const sub = await Raw.connect(s.port);
    const b = await Raw.connect(s.port);
    const w = await Raw.connect(s.port);
    try {
      const subId = (await sub.text("CLIENT", "ID")).split("\r\n")[0].slice(1);
      // A RESP2 redirect target that is not subscribed gets nothing.
      await b.cmd("+OK\r\n", "CLIENT", "TRACKING", "on", "REDIRECT", subId);
      await b.cmd("$-1\r\n", "GET", "k");
      await w.cmd("+OK\r\n", "SET", "k", "1");
      await sub.nothingPending();
      await sub.cmd(
        "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
        "SUBSCRIBE",
        "__redis__:invalidate",
      );
      await b.cmd("$1\r\n1\r\n", "GET", "k");
      await w.cmd("+OK\r\n", "SET", "k", "2");
      await sub.expect(message(["k"]));
      await w.cmd("+OK\r\n", "FLUSHALL");
      await sub.expect(message(null));
      // A RESP2 client without redirection is tracked but told nothing.
      await b.cmd("+OK\r\n", "CLIENT", "TRACKING", "off");
      await b.cmd("+OK\r\n", "CLIENT", "TRACKING", "on");
      await b.cmd("$-1\r\n", "GET", "k");
      await w.cmd("+OK\r\n", "SET", "k", "3");
      await b.nothingPending();
    } finally {
      sub.close();
      b.close();
      w.close();
    }
  });
});
