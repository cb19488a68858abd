/**
 * Pub/Sub end to end: raw sessions compared with a real redis-server (RESP2 and RESP3 shapes,
 * counts, errors, binary names, pattern edge cases, RESET/QUIT/MULTI from subscribed mode,
 * COMMAND INFO/DOCS), then node-redis (RESP2 and RESP3) and ioredis as real clients, including
 * keyspace notifications. The redis-server comparisons are skipped with a message when it is not
 * installed (`.ci/run` installs it).
 */
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, type RunningServer, startServer } from "./helpers.ts";
import {
  RespBigNumber,
  RespDouble,
  RespError,
  RespPush,
  RespSet,
  type RespValue,
  RespVerbatim,
} from "../src/protocol/decode.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- a reference redis-server ---------------------------------------------------------------

async function redisAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("redis-server", { args: ["--version"], stdout: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  let port = 0;
  for (let i = 0; i < 100 && port === 0; i++) {
    const p = 17400 + Math.floor(Math.random() * 100);
    try {
      Deno.listen({ hostname: "127.0.0.1", port: p }).close();
      port = p;
    } catch { /* taken */ }
  }
  const proc = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await sleep(30);
    }
  }
  return {
    port,
    async stop() {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
      await proc.status;
    },
  };
}

/** A reply with its RESP type kept: pushes, arrays, maps, sets and errors print differently. */
function render(v: RespValue): string {
  if (v === null) return "nil";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v}:${v}`;
  if (v instanceof RespError) return `-${v.message}`;
  if (v instanceof RespPush) return `>[${v.items.map(render).join(",")}]`;
  if (v instanceof RespSet) return `~[${v.items.map(render).join(",")}]`;
  if (v instanceof RespDouble) return `,${v.raw}`;
  if (v instanceof RespBigNumber) return `(${v.raw}`;
  if (v instanceof RespVerbatim) return `=${v.format}:${v.text}`;
  if (v instanceof Map) return `%{${[...v].map(([k, x]) => render(k) + ":" + render(x))}}`;
  return `[${(v as RespValue[]).map(render).join(",")}]`;
}

/**
 * One step: [connection index, command, mode]. "skip": replies not compared (HELLO: ids differ).
 * "unordered": Redis iterates hash tables (a client's channels, the pattern table, PUBSUB
 * CHANNELS) in an order that depends on a per-process random hash seed, so the step compares
 * as a multiset: received items sorted, arrays sorted, (un)subscribe counts masked.
 */
type Step = [number, string[], ("skip" | "unordered")?];

function unorder(items: RespValue[]): string[] {
  const one = (v: RespValue): string => {
    const arr = v instanceof RespPush ? v.items : Array.isArray(v) ? v : null;
    if (arr === null) return render(v);
    if (arr.length === 3 && typeof arr[0] === "string" && arr[0].endsWith("subscribe")) {
      return render(
        v instanceof RespPush ? new RespPush([arr[0], arr[1], "#"]) : [
          arr[0],
          arr[1],
          "#",
        ],
      );
    }
    if (v instanceof RespPush || /^[ps]?message$/.test(String(arr[0]))) return render(v);
    return `[${arr.map(render).sort().join(",")}]`;
  };
  return items.map(one).sort();
}

/**
 * Run a session; after each step every connection is pinged so that everything it received
 * (replies and pushes) is collected up to the ping's answer.
 */
async function runSession(port: number, conns: number, steps: Step[]): Promise<string[]> {
  const cs: (RespConn | null)[] = [];
  for (let i = 0; i < conns; i++) cs.push(await RespConn.connect(port));
  const log: string[] = [];
  const inMulti = cs.map(() => false);
  try {
    for (const [i, argv, mode] of steps) {
      const show = (vs: RespValue[]) => mode === "unordered" ? unorder(vs) : vs.map(render);
      const c = cs[i];
      if (c === null) {
        log.push(`${i}: closed`);
        continue;
      }
      // Inside MULTI a PING would be queued: read exactly the one reply (+OK / +QUEUED).
      const name = argv[0].toUpperCase();
      const single = name === "MULTI" || (inMulti[i] && name !== "EXEC" && name !== "DISCARD");
      if (name === "MULTI") inMulti[i] = true;
      else if (name === "EXEC" || name === "DISCARD") inMulti[i] = false;
      await c.write(encode(argv));
      if (!single) await c.write(encode(["PING", "~sync~"]));
      const got: RespValue[] = [];
      let closed = false;
      for (;;) {
        let r: RespValue;
        try {
          r = await c.read(3000);
        } catch {
          closed = true;
          c.close();
          cs[i] = null;
          break;
        }
        if (isSync(r)) break;
        got.push(r);
        if (single) break;
      }
      const shown = show(got).join(" ") + (closed ? " <closed>" : "");
      log.push(`${i} ${argv.join(" ")} => ${mode === "skip" ? "(not compared)" : shown}`);
      // Other connections: collect what arrived for them (pushes from this step).
      for (let j = 0; j < cs.length; j++) {
        const o = cs[j];
        if (j === i || o === null || inMulti[j]) continue;
        await o.write(encode(["PING", "~sync~"]));
        const pushed: RespValue[] = [];
        for (;;) {
          const r = await o.read(3000);
          if (isSync(r)) break;
          pushed.push(r);
        }
        if (pushed.length) log.push(`  ${j} got ${show(pushed).join(" ")}`);
      }
    }
  } finally {
    for (const c of cs) c?.close();
  }
  return log;
}

function isSync(r: RespValue): boolean {
  const s = render(r);
  return s === '"~sync~"' || s === '["pong","~sync~"]' || s === '>["pong","~sync~"]';
}

function encode(argv: string[]): Uint8Array {
  const parts: string[] = [`*${argv.length}\r\n`];
  for (const a of argv) {
    parts.push(`$${a.length}\r\n`, a, "\r\n");
  }
  const s = parts.join("");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const SESSIONS: Record<string, { conns: number; steps: Step[] }> = {
  "resp2 subscribed mode: counts, guard, ping, unsubscribe all": {
    conns: 2,
    steps: [
      [0, ["SUBSCRIBE", "a", "b", "a"]],
      [0, ["PSUBSCRIBE", "p*", "p*"]],
      [0, ["SSUBSCRIBE", "s", "t"]],
      [0, ["GET", "x"]],
      [0, ["PUBSUB", "NUMSUB", "a"]],
      [0, ["PING"]],
      [1, ["PUBSUB", "NUMSUB", "a", "b", "zz"]],
      [1, ["PUBSUB", "NUMPAT"]],
      [1, ["PUBSUB", "SHARDNUMSUB", "s", "zz"]],
      [1, ["PUBSUB", "SHARDCHANNELS"], "unordered"],
      [1, ["PUBSUB", "CHANNELS", "[ab]"], "unordered"],
      [1, ["PUBLISH", "a", "hello"]],
      [1, ["PUBLISH", "pq", "hi"]],
      [1, ["SPUBLISH", "s", "shard"]],
      [1, ["SPUBLISH", "zz", "shard"]],
      [0, ["UNSUBSCRIBE"], "unordered"],
      [0, ["SUNSUBSCRIBE", "t", "zz"]],
      [0, ["PUNSUBSCRIBE"]],
      [0, ["SUNSUBSCRIBE"]],
      [0, ["UNSUBSCRIBE"]],
      [0, ["GET", "x"]],
    ],
  },
  "unsubscribing with no subscriptions": {
    conns: 1,
    steps: [
      [0, ["UNSUBSCRIBE"]],
      [0, ["PUNSUBSCRIBE"]],
      [0, ["SUNSUBSCRIBE"]],
      [0, ["UNSUBSCRIBE", "a", "b"]],
      [0, ["PUNSUBSCRIBE", "a"]],
      [0, ["SUNSUBSCRIBE", "a"]],
      [0, ["GET", "x"]],
    ],
  },
  "pattern edge cases": {
    conns: 2,
    steps: [
      [0, ["PSUBSCRIBE", "a\\*b", "h[a-c]llo", "h?llo", "h[^e]llo", "x\\?", "[", "*", "k[\\]]"]],
      [1, ["PUBLISH", "a*b", "1"], "unordered"],
      [1, ["PUBLISH", "axb", "2"], "unordered"],
      [1, ["PUBLISH", "hbllo", "3"], "unordered"],
      [1, ["PUBLISH", "hello", "4"], "unordered"],
      [1, ["PUBLISH", "x?", "5"], "unordered"],
      [1, ["PUBLISH", "xy", "6"], "unordered"],
      [1, ["PUBLISH", "[", "7"], "unordered"],
      [1, ["PUBLISH", "k]", "8"], "unordered"],
      [1, ["PUBSUB", "NUMPAT"]],
      [0, ["PUNSUBSCRIBE", "h?llo", "nope"]],
    ],
  },
  "binary-safe channels and messages": {
    conns: 2,
    steps: [
      [0, ["SUBSCRIBE", "\x00\xff\r\n"]],
      [0, ["PSUBSCRIBE", "\x00*"]],
      [1, ["PUBLISH", "\x00\xff\r\n", "bin\x00\r\n\xfe"]],
      [1, ["PUBSUB", "CHANNELS"]],
      [1, ["PUBSUB", "NUMSUB", "\x00\xff\r\n"]],
    ],
  },
  "RESET and QUIT from subscribed mode": {
    conns: 3,
    steps: [
      [0, ["SUBSCRIBE", "a"]],
      [0, ["PSUBSCRIBE", "b*"]],
      [0, ["RESET"]],
      [0, ["GET", "x"]],
      [2, ["PUBSUB", "NUMSUB", "a"]],
      [2, ["PUBSUB", "NUMPAT"]],
      [1, ["SUBSCRIBE", "a"]],
      [1, ["QUIT"]],
      [2, ["PUBSUB", "NUMSUB", "a"]],
      [2, ["PUBLISH", "a", "x"]],
    ],
  },
  "SUBSCRIBE and SSUBSCRIBE inside MULTI": {
    conns: 2,
    steps: [
      [0, ["MULTI"]],
      [0, ["SUBSCRIBE", "a"]],
      [0, ["SSUBSCRIBE", "s"]],
      [0, ["PSUBSCRIBE", "p*"]],
      [0, ["EXEC"]],
      [1, ["PUBSUB", "NUMSUB", "a"]],
      [1, ["PUBSUB", "SHARDNUMSUB", "s"]],
      [1, ["PUBLISH", "a", "m"]],
      [0, ["UNSUBSCRIBE"]],
      [0, ["PUNSUBSCRIBE"]],
      [0, ["MULTI"]],
      [0, ["SSUBSCRIBE", "s"]],
      [0, ["EXEC"]],
    ],
  },
  "errors and arity": {
    conns: 1,
    steps: [
      [0, ["PUBSUB", "FOO"]],
      [0, ["PUBSUB"]],
      [0, ["PUBSUB", "HELP"]],
      [0, ["PUBSUB", "HELP", "x"]],
      [0, ["PUBSUB", "NUMPAT", "x"]],
      [0, ["PUBSUB", "CHANNELS", "a", "b"]],
      [0, ["PUBSUB", "SHARDCHANNELS", "a", "b"]],
      [0, ["PUBSUB", "NUMSUB"]],
      [0, ["PUBSUB", "SHARDNUMSUB"]],
      [0, ["PUBLISH", "a"]],
      [0, ["SPUBLISH", "a"]],
      [0, ["SUBSCRIBE"]],
      [0, ["PSUBSCRIBE"]],
      [0, ["SSUBSCRIBE"]],
    ],
  },
  "RESP3: pushes and normal replies mixed on one connection": {
    conns: 2,
    steps: [
      [0, ["HELLO", "3"], "skip"],
      [0, ["SUBSCRIBE", "a", "b"]],
      [0, ["SET", "k", "v"]],
      [0, ["GET", "k"]],
      [1, ["PUBLISH", "a", "m1"]],
      [0, ["PSUBSCRIBE", "*"]],
      [0, ["PUBLISH", "a", "self"]],
      [0, ["PUBSUB", "NUMSUB", "a", "zz"]],
      [0, ["PUBSUB", "CHANNELS"], "unordered"],
      [0, ["SSUBSCRIBE", "s"]],
      [1, ["SPUBLISH", "s", "x"]],
      [0, ["UNSUBSCRIBE"], "unordered"],
      [0, ["PUNSUBSCRIBE"]],
      [0, ["SUNSUBSCRIBE"]],
      [0, ["UNSUBSCRIBE"]],
      [0, ["RESET"]],
    ],
  },
  "RESP3 keyspace notifications to self": {
    conns: 1,
    steps: [
      [0, ["CONFIG", "SET", "notify-keyspace-events", "KEA"]],
      [0, ["HELLO", "3"], "skip"],
      [0, ["PSUBSCRIBE", "__key*"]],
      [0, ["SET", "k", "v"]],
      [0, ["MULTI"]],
      [0, ["INCR", "n"]],
      [0, ["DEL", "k"]],
      [0, ["EXEC"]],
      [0, ["CONFIG", "SET", "notify-keyspace-events", ""]],
    ],
  },
  "COMMAND INFO and DOCS of the pub/sub commands": {
    conns: 1,
    steps: [
      [0, ["COMMAND", "INFO", "subscribe", "unsubscribe", "psubscribe", "punsubscribe"]],
      [0, ["COMMAND", "INFO", "publish", "ssubscribe", "sunsubscribe", "spublish"]],
      [0, ["COMMAND", "INFO", "pubsub|channels", "pubsub|numsub", "pubsub|numpat"]],
      [0, ["COMMAND", "INFO", "pubsub|shardchannels", "pubsub|shardnumsub", "pubsub|help"]],
      [0, ["COMMAND", "DOCS", "subscribe", "unsubscribe", "psubscribe", "punsubscribe"]],
      [0, ["COMMAND", "DOCS", "publish", "ssubscribe", "sunsubscribe", "spublish"]],
      [0, ["COMMAND", "DOCS", "pubsub|channels", "pubsub|numsub", "pubsub|numpat"]],
      [0, ["COMMAND", "DOCS", "pubsub|shardchannels", "pubsub|shardnumsub", "pubsub|help"]],
      [0, ["COMMAND", "GETKEYS", "SPUBLISH", "ch", "msg"]],
      [0, ["COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"]],
    ],
  },
};

Deno.test("pubsub sessions match redis-server (raw RESP2/RESP3)", async () => {
  if (!(await redisAvailable())) {
    console.log("SKIP pubsub sessions: redis-server is not installed");
    return;
  }
  const redis = await startRedis();
  let rexis: RunningServer | null = null;
  try {
    rexis = await startServer();
    const diffs: string[] = [];
    for (const [name, s] of Object.entries(SESSIONS)) {
      const want = await runSession(redis.port, s.conns, s.steps);
      const got = await runSession(rexis.port, s.conns, s.steps);
      if (Deno.env.get("PUBSUB_SESSIONS_LOG")) console.log(`## ${name}\n${got.join("\n")}`);
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        diffs.push(`## ${name}\nredis:\n${want.join("\n")}\nrexis:\n${got.join("\n")}`);
      }
    }
    assertEquals(diffs.length, 0, `${diffs.length} sessions differ:\n${diffs.join("\n\n")}`);
  } finally {
    await redis.stop();
    await rexis?.stop();
  }
});

// ---- real clients ------------------------------------------------------------------------------

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** Resolves with the first `n` values pushed into `into`, or rejects after `ms`. */
async function waitFor<T>(into: T[], n: number, ms = 5000): Promise<T[]> {
  const deadline = Date.now() + ms;
  while (into.length < n) {
    if (Date.now() > deadline) throw new Error(`got ${into.length} of ${n}: ${into}`);
    await sleep(10);
  }
  return into;
}

for (const RESP of [2, 3] as const) {
  Deno.test(`e2e node-redis RESP${RESP}: subscribe, pSubscribe, sSubscribe listeners`, async () => {
    await withServer(async (s) => {
      const pub = createClient({ socket: { host: "127.0.0.1", port: s.port }, RESP });
      pub.on("error", () => {});
      await pub.connect();
      const sub = pub.duplicate();
      sub.on("error", () => {});
      await sub.connect();
      const got: string[] = [];
      await sub.subscribe("news", (m, ch) => got.push(`message ${ch} ${m}`));
      await sub.pSubscribe("n*", (m, ch) => got.push(`pmessage ${ch} ${m}`));
      await sub.sSubscribe("shard", (m, ch) => got.push(`smessage ${ch} ${m}`));
      assertEquals(await pub.publish("news", "one"), 2);
      assertEquals(await pub.publish("nothing", "two"), 1);
      assertEquals(await pub.sPublish("shard", "three"), 1);
      await waitFor(got, 4);
      assertEquals(got.sort(), [
        "message news one",
        "pmessage news one",
        "pmessage nothing two",
        "smessage shard three",
      ]);
      assertEquals({ ...(await pub.pubSubNumSub(["news", "none"])) }, { news: 1, none: 0 });
      assertEquals(await pub.pubSubNumPat(), 1);
      assertEquals(await pub.pubSubChannels(), ["news"]);
      assertEquals(await pub.pubSubShardChannels(), ["shard"]);
      await sub.unsubscribe("news");
      await sub.pUnsubscribe();
      await sub.sUnsubscribe("shard");
      assertEquals(await pub.publish("news", "gone"), 0);
      assertEquals(await pub.pubSubNumPat(), 0);
      // Binary payloads as Buffers.
      const bin: Buffer[] = [];
      await sub.subscribe("bin", (m: Buffer) => bin.push(m), true);
      const payload = Buffer.from([0, 255, 13, 10, 128, 1]);
      await pub.publish("bin", payload);
      await waitFor(bin, 1);
      assertEquals([...bin[0]], [...payload]);
      await sub.unsubscribe();
      sub.destroy();
      pub.destroy();
    });
  });
}

Deno.test("e2e node-redis RESP3: commands on a subscribed connection, mixed with pushes", async () => {
  await withServer(async (s) => {
    const c = createClient({ socket: { host: "127.0.0.1", port: s.port }, RESP: 3 });
    c.on("error", () => {});
    await c.connect();
    const pub = c.duplicate();
    pub.on("error", () => {});
    await pub.connect();
    const got: string[] = [];
    await c.subscribe("mix", (m) => got.push(m));
    // RESP3 allows ordinary commands while subscribed; pushes interleave with their replies.
    const replies: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const [, r] = await Promise.all([pub.publish("mix", `m${i}`), c.incr("counter")]);
      replies.push(r);
    }
    await waitFor(got, 20);
    assertEquals(replies, Array.from({ length: 20 }, (_, i) => i + 1));
    assertEquals(got, Array.from({ length: 20 }, (_, i) => `m${i}`));
    assertEquals(await c.get("counter"), "20");
    c.destroy();
    pub.destroy();
  });
});

Deno.test("e2e node-redis: keyspace notifications through a real subscriber", async () => {
  await withServer(async (s) => {
    const c = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    c.on("error", () => {});
    await c.connect();
    await c.configSet("notify-keyspace-events", "KEA");
    const sub = c.duplicate();
    sub.on("error", () => {});
    await sub.connect();
    const events: string[] = [];
    await sub.pSubscribe("__key*__:*", (m, ch) => events.push(`${ch} ${m}`));
    await c.set("k", "v");
    await c.lPush("l", ["a"]);
    await c.pExpire("k", 20);
    await c.del("l");
    await waitFor(events, 10, 3000);
    assertEquals(events.slice(0, 10), [
      "__keyspace@0__:k set",
      "__keyevent@0__:set k",
      "__keyspace@0__:l lpush",
      "__keyevent@0__:lpush l",
      "__keyspace@0__:k expire",
      "__keyevent@0__:expire k",
      "__keyspace@0__:l del",
      "__keyevent@0__:del l",
      "__keyspace@0__:k expired",
      "__keyevent@0__:expired k",
    ]);
    sub.destroy();
    c.destroy();
  });
});

Deno.test("e2e ioredis: subscribe/psubscribe events and messageBuffer for binary payloads", async () => {
  await withServer(async (s) => {
    const sub = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    const pub = new Redis({ port: s.port, host: "127.0.0.1", lazyConnect: true });
    await sub.connect();
    await pub.connect();
    const got: string[] = [];
    const bufs: [Buffer, Buffer][] = [];
    sub.on("message", (ch: string, m: string) => got.push(`message ${ch} ${m}`));
    sub.on("pmessage", (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
    sub.on("messageBuffer", (ch: Buffer, m: Buffer) => bufs.push([ch, m]));
    assertEquals(await sub.subscribe("c1", "c2"), 2);
    assertEquals(await sub.psubscribe("c*"), 3);
    assertEquals(await pub.publish("c1", "hello"), 2);
    const payload = Buffer.from([0xff, 0, 0xfe, 13, 10, 0x80]);
    assertEquals(await pub.publish(Buffer.from("c2"), payload), 2);
    await waitFor(got, 4);
    assertEquals(got.slice(0, 2), ["message c1 hello", "pmessage c* c1 hello"]);
    await waitFor(bufs, 2);
    assertEquals(bufs[1][0].toString(), "c2");
    assertEquals([...bufs[1][1]], [...payload]);
    // Subscribed (RESP2): only pub/sub commands, with Redis's error.
    let err = "";
    try {
      await sub.get("x");
    } catch (e) {
      err = (e as Error).message;
    }
    assert(/subscriber mode/.test(err), err);
    // (ioredis's argument-less unsubscribe() waits for a count of 0 that an active pattern
    // subscription never gives, against redis-server too: name them.)
    assertEquals(await sub.unsubscribe("c1", "c2"), 1);
    assertEquals(await sub.punsubscribe("c*"), 0);
    assertEquals(await sub.get("x"), null);
    sub.disconnect();
    pub.disconnect();
  });
});
