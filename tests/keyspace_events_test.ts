/**
 * Differential test of keyspace notifications: the same command sequences run against Rexis and
 * against a real redis-server (7.0.x, started by the test), each watched by a PSUBSCRIBE * client
 * with notify-keyspace-events set; the ordered lists of (channel, payload) received must be equal.
 * Skipped (with a message) when redis-server is not installed; `.ci/run` installs it.
 */
import { assertEquals } from "../src/testing/assert.ts";
import { RespConn, type RunningServer, startServer } from "./helpers.ts";
import type { RespValue } from "../src/protocol/decode.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A step: a command on the main connection; or sleep; or a command on the second connection
 * sent without waiting (a blocking pop), and later its reply awaited. */
type Step = string[] | { sleep: number } | { bg: string[] } | { bgReply: true };

interface Case {
  name: string;
  steps: Step[];
  /** Compare as a multiset (the active cycle's order is random sampling in Redis). */
  unordered?: boolean;
}

const C = (name: string, ...steps: Step[]): Case => ({ name, steps });

// Commands of every family implemented so far, with the cases where Redis emits nothing.
export const CASES: Case[] = [
  // strings
  C("set new/overwrite", ["SET", "s", "1"], ["SET", "s", "2"]),
  C("set ex/px/keepttl/get", ["SET", "s", "1", "EX", "100"], ["SET", "s", "2", "KEEPTTL"], [
    "SET",
    "s",
    "3",
    "PX",
    "100000",
    "GET",
  ]),
  C("set nx/xx miss", ["SET", "s", "1", "XX"], ["SET", "s", "1", "NX"], ["SET", "s", "2", "NX"]),
  C("set get on wrong type", ["RPUSH", "l", "a"], ["SET", "l", "x", "GET"]),
  C("setnx setex psetex", ["SETNX", "a", "1"], ["SETNX", "a", "2"], ["SETEX", "b", "10", "v"], [
    "PSETEX",
    "c",
    "10000",
    "v",
  ]),
  C(
    "getset getdel getex",
    ["GETSET", "a", "1"],
    ["GETSET", "a", "2"],
    ["GETDEL", "a"],
    [
      "GETDEL",
      "a",
    ],
    ["SET", "b", "1"],
    ["GETEX", "b", "EX", "100"],
    ["GETEX", "b", "PERSIST"],
    ["GETEX", "b"],
    [
      "GETEX",
      "b",
      "PX",
      "0",
    ],
    ["GETEX", "nokey", "EX", "10"],
  ),
  C("getex past/persist no ttl", ["SET", "b", "1"], ["GETEX", "b", "PERSIST"], [
    "GETEX",
    "b",
    "PXAT",
    "1",
  ]),
  C("mset msetnx", ["MSET", "a", "1", "b", "2"], ["MSETNX", "a", "1", "c", "3"], [
    "MSETNX",
    "c",
    "3",
    "d",
    "4",
  ]),
  C(
    "incr family",
    ["INCR", "n"],
    ["DECR", "n"],
    ["INCRBY", "n", "5"],
    ["DECRBY", "n", "2"],
    ["INCRBYFLOAT", "f", "1.5"],
    ["INCRBYFLOAT", "f", "1"],
    ["SET", "x", "abc"],
    ["INCR", "x"],
  ),
  C(
    "append setrange",
    ["APPEND", "a", "x"],
    ["APPEND", "a", "y"],
    ["SETRANGE", "b", "3", "z"],
    [
      "SETRANGE",
      "b",
      "0",
      "",
    ],
    ["SETRANGE", "nokey", "0", ""],
    ["SETRANGE", "b", "1", "q"],
  ),
  C(
    "string reads (keymiss)",
    ["GET", "a"],
    ["MGET", "a", "b"],
    ["STRLEN", "a"],
    ["GETRANGE", "a", "0", "1"],
    ["SUBSTR", "a", "0", "1"],
    ["LCS", "a", "b"],
    ["SET", "a", "x"],
    ["GET", "a"],
    ["MGET", "a", "b"],
  ),
  // keys and expiry
  C(
    "del unlink exists type touch",
    ["SET", "a", "1"],
    ["SET", "b", "1"],
    ["DEL", "a", "zz"],
    [
      "UNLINK",
      "b",
      "zz",
    ],
    ["DEL", "zz"],
    ["EXISTS", "a", "zz"],
    ["TYPE", "zz"],
    ["TOUCH", "zz", "a"],
  ),
  C(
    "expire family",
    ["SET", "a", "1"],
    ["EXPIRE", "a", "100"],
    ["PEXPIRE", "a", "100000"],
    ["EXPIREAT", "a", "99999999999"],
    ["PEXPIREAT", "a", "99999999999999"],
    ["EXPIRE", "a", "100", "NX"],
    ["EXPIRE", "a", "200", "GT"],
    ["EXPIRE", "zz", "100"],
    ["TTL", "a"],
    ["PTTL", "zz"],
    ["EXPIRETIME", "zz"],
    ["PEXPIRETIME", "a"],
    ["PERSIST", "a"],
    ["PERSIST", "a"],
    ["PERSIST", "zz"],
    ["EXPIRE", "a", "-1"],
    ["SET", "b", "1"],
    ["PEXPIREAT", "b", "1"],
    ["SET", "c", "1"],
    ["EXPIRE", "c", "0"],
  ),
  C(
    "rename renamenx",
    ["SET", "a", "1"],
    ["RENAME", "a", "b"],
    ["SET", "c", "1"],
    ["RENAME", "b", "c"],
    ["RENAMENX", "c", "d"],
    ["SET", "e", "1"],
    ["RENAMENX", "d", "e"],
    ["RENAME", "zz", "y"],
    ["RENAME", "e", "e"],
    ["SET", "t", "1", "EX", "100"],
    ["RENAME", "t", "u"],
  ),
  C(
    "move copy",
    ["SET", "a", "1"],
    ["MOVE", "a", "1"],
    ["MOVE", "a", "1"],
    ["SET", "b", "1"],
    ["COPY", "b", "c"],
    ["COPY", "b", "c"],
    ["COPY", "b", "c", "REPLACE"],
    ["COPY", "b", "d", "DB", "2"],
    ["COPY", "zz", "q"],
    ["SELECT", "1"],
    ["DEL", "a"],
    ["SELECT", "0"],
  ),
  C("swapdb flush", ["SET", "a", "1"], ["SWAPDB", "0", "1"], ["FLUSHDB"], ["SELECT", "1"], [
    "FLUSHALL",
  ], ["SELECT", "0"]),
  C(
    "object/randomkey/keys/scan/dbsize emit nothing",
    ["OBJECT", "ENCODING", "zz"],
    ["OBJECT", "FREQ", "zz"],
    ["RANDOMKEY"],
    ["KEYS", "*"],
    ["SCAN", "0"],
    ["DBSIZE"],
  ),
  C(
    "lazy expiry on read",
    ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
    ["SET", "a", "1", "PX", "5"],
    [
      "SET",
      "b",
      "1",
      "PX",
      "5",
    ],
    ["SET", "c", "1", "PX", "5"],
    { sleep: 30 },
    ["GET", "a"],
    ["LPUSH", "b", "x"],
    [
      "EXISTS",
      "c",
    ],
    ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
  ),
  C(
    "lazy expiry on write lookups",
    ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
    [
      "HSET",
      "h",
      "f",
      "v",
    ],
    ["PEXPIRE", "h", "5"],
    ["SADD", "s", "m"],
    ["PEXPIRE", "s", "5"],
    { sleep: 30 },
    [
      "HSET",
      "h",
      "f",
      "v",
    ],
    ["SREM", "s", "m"],
    ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
  ),
  {
    ...C(
      "active expiry",
      ["SET", "a", "1", "PX", "20"],
      ["HSET", "h", "f", "v"],
      ["PEXPIRE", "h", "20"],
      ["SET", "b", "1", "PX", "20"],
      { sleep: 700 },
    ),
    unordered: true,
  },
  // lists
  C(
    "list pushes and pops",
    ["LPUSH", "l", "a", "b"],
    ["RPUSH", "l", "c"],
    ["LPUSHX", "l", "d"],
    ["RPUSHX", "l", "e"],
    ["LPUSHX", "zz", "d"],
    ["RPUSHX", "zz", "e"],
    ["LPOP", "l"],
    ["RPOP", "l", "2"],
    ["LPOP", "l", "5"],
    ["LPOP", "l"],
    ["RPOP", "zz"],
    ["LPUSH", "m", "a"],
    ["LPOP", "m", "0"],
  ),
  C(
    "list edits",
    ["RPUSH", "l", "a", "b", "c", "b"],
    ["LSET", "l", "0", "x"],
    ["LINSERT", "l", "BEFORE", "b", "y"],
    ["LINSERT", "l", "AFTER", "nope", "y"],
    ["LINSERT", "zz", "AFTER", "b", "y"],
    ["LREM", "l", "0", "b"],
    ["LREM", "l", "0", "nope"],
    ["LTRIM", "l", "0", "1"],
    ["LTRIM", "l", "0", "-1"],
    ["LTRIM", "l", "5", "1"],
    ["RPUSH", "m", "a"],
    ["LREM", "m", "1", "a"],
    ["LINDEX", "zz", "0"],
    ["LLEN", "zz"],
    ["LRANGE", "zz", "0", "1"],
    ["LPOS", "zz", "a"],
  ),
  C(
    "list moves",
    ["RPUSH", "src", "a", "b", "c"],
    ["RPOPLPUSH", "src", "dst"],
    ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["LMOVE", "src", "src", "LEFT", "RIGHT"],
    ["LMOVE", "src", "dst", "RIGHT", "LEFT"],
    ["RPOPLPUSH", "src", "dst"],
    ["LMOVE", "dst", "dst", "LEFT", "LEFT"],
  ),
  C(
    "lmpop",
    ["RPUSH", "l", "a", "b", "c"],
    ["LMPOP", "2", "zz", "l", "LEFT", "COUNT", "2"],
    ["LMPOP", "1", "l", "RIGHT"],
    ["LMPOP", "1", "l", "RIGHT"],
  ),
  C(
    "blocking pops non-blocking path",
    ["RPUSH", "l", "a", "b"],
    ["BLPOP", "l", "0"],
    ["BRPOP", "l", "0"],
    ["RPUSH", "l", "a"],
    ["BLMOVE", "l", "d", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "d", "e", "0"],
    ["BLMPOP", "0", "1", "e", "LEFT"],
  ),
  C("blpop served by lpush", { bg: ["BLPOP", "l", "0"] }, { sleep: 100 }, [
    "LPUSH",
    "l",
    "a",
    "b",
  ], { bgReply: true }),
  C(
    "blmove served by rpush",
    { bg: ["BLMOVE", "l", "d", "RIGHT", "LEFT", "0"] },
    {
      sleep: 100,
    },
    ["RPUSH", "l", "a"],
    { bgReply: true },
  ),
  C(
    "blmpop served inside multi",
    { bg: ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "5"] },
    {
      sleep: 100,
    },
    ["MULTI"],
    ["RPUSH", "l", "a"],
    ["RPUSH", "l", "b"],
    ["EXEC"],
    { bgReply: true },
  ),
  C("bzpopmin served by zadd", { bg: ["BZPOPMIN", "z", "0"] }, { sleep: 100 }, [
    "ZADD",
    "z",
    "1",
    "a",
  ], { bgReply: true }),
  C(
    "bzmpop served by zadd",
    { bg: ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "3"] },
    {
      sleep: 100,
    },
    ["ZADD", "z", "1", "a", "2", "b"],
    { bgReply: true },
  ),
  C(
    "blocked client served by SWAPDB",
    { bg: ["BLPOP", "l", "0"] },
    { sleep: 100 },
    ["SELECT", "1"],
    ["RPUSH", "l", "a", "b"],
    ["SWAPDB", "0", "1"],
    { bgReply: true },
    ["SELECT", "0"],
  ),
  C(
    "blocked client served by MOVE and COPY",
    { bg: ["BLMOVE", "l", "d", "LEFT", "LEFT", "0"] },
    { sleep: 100 },
    ["SELECT", "1"],
    ["RPUSH", "l", "a"],
    ["MOVE", "l", "0"],
    ["SELECT", "0"],
    { bgReply: true },
    { bg: ["BZPOPMAX", "z", "0"] },
    { sleep: 100 },
    ["ZADD", "y", "1", "m"],
    ["COPY", "y", "z"],
    { bgReply: true },
  ),
  C(
    "blocked client served by RENAME and SORT STORE",
    { bg: ["BRPOP", "dst", "0"] },
    { sleep: 100 },
    ["RPUSH", "src", "a", "b"],
    ["RENAME", "src", "dst"],
    { bgReply: true },
    { bg: ["BLPOP", "sorted", "0"] },
    { sleep: 100 },
    ["RPUSH", "l", "2", "1"],
    ["SORT", "l", "STORE", "sorted"],
    { bgReply: true },
  ),
  // hashes
  C(
    "hash writes",
    ["HSET", "h", "a", "1", "b", "2"],
    ["HSET", "h", "a", "1"],
    ["HSETNX", "h", "a", "1"],
    ["HSETNX", "h", "c", "1"],
    ["HMSET", "h", "d", "1"],
    ["HINCRBY", "h", "n", "2"],
    ["HINCRBYFLOAT", "h", "f", "1.5"],
    ["HINCRBY", "h", "a", "x"],
    ["HDEL", "h", "zz"],
    ["HDEL", "h", "a", "b"],
    ["HDEL", "zz", "a"],
    ["HDEL", "h", "c", "d", "n", "f"],
  ),
  C(
    "hash reads",
    ["HGET", "zz", "a"],
    ["HMGET", "zz", "a"],
    ["HGETALL", "zz"],
    ["HEXISTS", "zz", "a"],
    ["HLEN", "zz"],
    ["HKEYS", "zz"],
    ["HVALS", "zz"],
    ["HSTRLEN", "zz", "a"],
    ["HRANDFIELD", "zz"],
    ["HSCAN", "zz", "0"],
  ),
  // sets
  C(
    "set writes",
    ["SADD", "s", "a", "b"],
    ["SADD", "s", "a"],
    ["SREM", "s", "zz"],
    ["SREM", "s", "a"],
    ["SREM", "zz", "a"],
    ["SMOVE", "s", "t", "b"],
    ["SMOVE", "t", "t", "b"],
    ["SMOVE", "t", "s", "nope"],
    ["SADD", "u", "x"],
    ["SPOP", "u"],
    ["SADD", "u", "x", "y"],
    ["SPOP", "u", "5"],
    ["SPOP", "zz"],
    ["SADD", "v", "1", "2", "3", "4"],
    ["SPOP", "v", "0"],
    ["SADD", "w", "1"],
    ["SMOVE", "w", "v", "1"],
  ),
  C(
    "set stores",
    ["SADD", "a", "1", "2"],
    ["SADD", "b", "2", "3"],
    ["SINTERSTORE", "d", "a", "b"],
    ["SUNIONSTORE", "d", "a", "b"],
    ["SDIFFSTORE", "d", "a", "b"],
    ["SINTERSTORE", "d", "a", "zz"],
    ["SINTERSTORE", "d", "a", "zz"],
    ["SUNIONSTORE", "e", "zz"],
    ["SDIFFSTORE", "e", "zz", "a"],
    ["SINTERCARD", "2", "a", "zz"],
    ["SINTER", "zz"],
    ["SUNION", "zz"],
    ["SDIFF", "zz"],
    ["SMEMBERS", "zz"],
    ["SISMEMBER", "zz", "a"],
    ["SMISMEMBER", "zz", "a"],
    ["SCARD", "zz"],
    ["SRANDMEMBER", "zz"],
    ["SSCAN", "zz", "0"],
  ),
  // sorted sets
  C(
    "zset writes",
    ["ZADD", "z", "1", "a", "2", "b"],
    ["ZADD", "z", "1", "a"],
    ["ZADD", "z", "3", "a"],
    ["ZADD", "z", "XX", "1", "c"],
    ["ZADD", "z", "NX", "INCR", "1", "a"],
    ["ZADD", "z", "INCR", "1", "a"],
    ["ZINCRBY", "z", "1", "b"],
    ["ZINCRBY", "y", "1", "b"],
    ["ZREM", "z", "zz"],
    ["ZREM", "z", "a"],
    ["ZREM", "zz", "a"],
    ["ZADD", "q", "XX", "1", "a"],
    ["ZREM", "z", "b"],
  ),
  C(
    "zset remrange and pops",
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
    ["ZREMRANGEBYRANK", "z", "0", "0"],
    ["ZREMRANGEBYRANK", "z", "10", "20"],
    ["ZREMRANGEBYSCORE", "z", "2", "2"],
    ["ZREMRANGEBYSCORE", "z", "100", "200"],
    ["ZREMRANGEBYLEX", "z", "[c", "[c"],
    ["ZPOPMIN", "z"],
    ["ZPOPMAX", "z", "5"],
    ["ZPOPMIN", "z"],
    ["ZADD", "y", "1", "a", "2", "b"],
    ["ZMPOP", "2", "zz", "y", "MIN"],
    ["ZMPOP", "1", "y", "MAX", "COUNT", "10"],
    ["ZADD", "x", "1", "a"],
    ["ZREMRANGEBYRANK", "x", "0", "-1"],
    ["ZPOPMIN", "zz", "0"],
  ),
  C(
    "zset stores",
    ["ZADD", "a", "1", "x", "2", "y"],
    ["ZADD", "b", "1", "y", "2", "z"],
    ["ZUNIONSTORE", "d", "2", "a", "b"],
    ["ZINTERSTORE", "d", "2", "a", "b"],
    ["ZDIFFSTORE", "d", "2", "a", "b"],
    ["ZINTERSTORE", "d", "2", "a", "zz"],
    ["ZINTERSTORE", "d", "2", "a", "zz"],
    ["ZDIFFSTORE", "e", "1", "zz"],
    ["ZRANGESTORE", "f", "a", "0", "-1"],
    ["ZRANGESTORE", "f", "a", "5", "10"],
    ["ZRANGESTORE", "g", "zz", "0", "-1"],
  ),
  C(
    "zset reads",
    ["ZCARD", "zz"],
    ["ZCOUNT", "zz", "0", "1"],
    ["ZLEXCOUNT", "zz", "-", "+"],
    ["ZSCORE", "zz", "a"],
    ["ZMSCORE", "zz", "a"],
    ["ZRANK", "zz", "a"],
    ["ZREVRANK", "zz", "a"],
    ["ZRANGE", "zz", "0", "1"],
    ["ZRANGEBYSCORE", "zz", "0", "1"],
    ["ZREVRANGEBYSCORE", "zz", "1", "0"],
    ["ZRANGEBYLEX", "zz", "-", "+"],
    ["ZREVRANGEBYLEX", "zz", "+", "-"],
    ["ZREVRANGE", "zz", "0", "1"],
    ["ZRANDMEMBER", "zz"],
    ["ZUNION", "2", "zz", "yy"],
    ["ZINTER", "1", "zz"],
    ["ZDIFF", "1", "zz"],
    ["ZINTERCARD", "1", "zz"],
    ["ZSCAN", "zz", "0"],
  ),
  // SORT
  C(
    "sort store",
    ["RPUSH", "l", "3", "1", "2"],
    ["SORT", "l", "STORE", "d"],
    ["SORT", "zz", "STORE", "d"],
    ["SORT", "zz", "STORE", "d"],
    ["SORT", "l"],
    ["SORT_RO", "zz"],
    ["SORT", "l", "BY", "w_*", "GET", "o_*"],
  ),
  // transactions
  C("multi exec", ["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["DEL", "a"], ["EXEC"]),
  // db other than 0
  C("events in db 3", ["SELECT", "3"], ["SET", "a", "1"], ["EXPIRE", "a", "10"], ["DEL", "a"], [
    "GET",
    "a",
  ], ["SELECT", "0"]),
  C(
    "edge cases",
    ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
    ["SET", "a", "1", "PXAT", "1"],
    ["SET", "a", "1", "EXAT", "1", "GET"],
    ["BLPOP", "zz", "0.05"],
    ["RPUSH", "r", "x"],
    ["LMOVE", "r", "r", "LEFT", "RIGHT"],
    ["RPUSH", "l", "1"],
    ["SET", "d", "x"],
    ["SORT", "l", "BY", "nosort", "LIMIT", "5", "1", "STORE", "d"],
    ["ZADD", "z", "1", "a"],
    ["ZADD", "z", "NX", "INCR", "5", "a"],
    ["ZADD", "z", "GT", "0", "a"],
    ["LSET", "zz", "0", "x"],
    ["APPEND", "l", "x"],
    ["SET", "e", "1", "PX", "100000"],
    ["SET", "e", "2", "GET"],
    ["SADD", "s", "1"],
    ["SINTERSTORE", "s", "s", "zz"],
    ["DEL", "a", "d", "r", "z", "e"],
    ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
  ),
  // binary key
  C("binary key", ["SET", "k\x00\xff\r\n", "v"], ["DEL", "k\x00\xff\r\n"]),
];

interface Target {
  port: number;
  stop(): Promise<void>;
}

async function redisAvailable(): Promise<boolean> {
  try {
    const o = await new Deno.Command("redis-server", { args: ["--version"], stdout: "piped" })
      .output();
    return o.success;
  } catch {
    return false;
  }
}

function pickPort(): number {
  for (let i = 0; i < 100; i++) {
    const port = 17400 + Math.floor(Math.random() * 100);
    try {
      const l = Deno.listen({ hostname: "127.0.0.1", port });
      l.close();
      return port;
    } catch { /* taken */ }
  }
  throw new Error("no free port in 17400-17499");
}

async function startRedis(): Promise<Target> {
  const port = pickPort();
  const proc = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--enable-debug-command",
      "yes",
    ],
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

function show(v: RespValue): string {
  return JSON.stringify(
    v,
    (_k, x) => (typeof x === "object" && x && "message" in x ? x.message : x),
  );
}

/** Run every case against one server; returns per case the events seen and the replies. */
async function runCases(port: number, flags: string): Promise<Map<string, string[]>> {
  const sub = await RespConn.connect(port);
  const main = await RespConn.connect(port);
  const bg = await RespConn.connect(port);
  const out = new Map<string, string[]>();
  try {
    await main.send("CONFIG", "SET", "notify-keyspace-events", flags);
    await sub.send("PSUBSCRIBE", "*");
    for (const c of CASES) {
      await main.send("SELECT", "0");
      await main.send("FLUSHALL");
      const events: string[] = [];
      for (const step of c.steps) {
        if (Array.isArray(step)) {
          const r = await main.send(...step);
          events.push(`  reply ${step[0]}: ${show(r)}`);
        } else if ("sleep" in step) await sleep(step.sleep);
        else if ("bg" in step) await bg.write(encode(step.bg));
        else events.push(`  bg reply: ${show(await bg.read())}`);
      }
      await main.send("PUBLISH", "sentinel", c.name);
      for (;;) {
        const m = await sub.read() as string[];
        if (m[2] === "sentinel") break;
        events.push(`${m[2]} ${m[3]}`);
      }
      out.set(c.name, events);
    }
  } finally {
    sub.close();
    main.close();
    bg.close();
  }
  return out;
}

function encode(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

async function differential(flags: string): Promise<void> {
  if (!(await redisAvailable())) {
    console.log("SKIP keyspace events differential: redis-server is not installed");
    return;
  }
  const redis = await startRedis();
  let rexis: RunningServer | null = null;
  try {
    rexis = await startServer(["--enable-debug-command", "yes"]);
    const want = await runCases(redis.port, flags);
    const got = await runCases(rexis.port, flags);
    const diffs: string[] = [];
    for (const c of CASES) {
      const w = want.get(c.name)!.filter((l) => !l.startsWith("  "));
      const g = got.get(c.name)!.filter((l) => !l.startsWith("  "));
      if (c.unordered) {
        w.sort();
        g.sort();
      }
      if (JSON.stringify(w) !== JSON.stringify(g)) {
        diffs.push(
          `## ${c.name}\nredis:\n${want.get(c.name)!.join("\n")}\nrexis:\n${
            got.get(c.name)!.join("\n")
          }`,
        );
      }
    }
    assertEquals(
      diffs.length,
      0,
      `${diffs.length} cases differ (flags ${flags}):\n${diffs.join("\n\n")}`,
    );
  } finally {
    await redis.stop();
    await rexis?.stop();
  }
}

Deno.test("keyspace events match redis-server (KEA)", async () => {
  await differential("KEA");
});

Deno.test("keyspace events match redis-server (KEA plus m and n)", async () => {
  await differential("KEAmn");
});
