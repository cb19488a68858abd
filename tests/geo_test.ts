/**
 * End-to-end tests of the geo family: node-redis 5 and ioredis against a started Rexis, and a
 * differential test that sends the same randomized GEOADD / GEOSEARCH / GEORADIUS / STORE
 * traffic to Rexis and to a real redis-server (started here when it is installed) and requires
 * byte-identical replies, in RESP2 and RESP3. GEO_SEED=n replays a run; GEO_SCALE=k loads k times
 * more points.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals, assertMatch } from "../src/testing/assert.ts";
import { decodeReply, encodeCommand } from "../src/protocol/decode.ts";
import { type RunningServer, startServer } from "./helpers.ts";

async function withServer(fn: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

const SICILY = [
  { longitude: 13.361389, latitude: 38.115556, member: "Palermo" },
  { longitude: 15.087269, latitude: 37.502669, member: "Catania" },
];

Deno.test("e2e node-redis: geo commands", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port } });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals<unknown>(await client.geoAdd("Sicily", SICILY), 2);
      assertEquals<unknown>(
        await client.geoAdd("Sicily", { longitude: 13.5, latitude: 38, member: "Palermo" }, {
          CH: true,
          condition: "XX",
        }),
        1,
      );
      await client.geoAdd("Sicily", SICILY[0]);
      // The score is the 52-bit geohash Redis stores.
      assertEquals<unknown>(await client.zScore("Sicily", "Palermo"), 3479099956230698);
      assertEquals<unknown>(await client.geoDist("Sicily", "Palermo", "Catania"), 166274.1516);
      assertEquals<unknown>(await client.geoDist("Sicily", "Palermo", "Catania", "km"), 166.2742);
      assertEquals<unknown>(await client.geoDist("Sicily", "Palermo", "nope"), null);
      assertEquals<unknown>(await client.geoHash("Sicily", ["Palermo", "Catania", "nope"]), [
        "sqc8b49rny0",
        "sqdtr74hyu0",
        null,
      ]);
      assertEquals<unknown>(await client.geoPos("Sicily", ["Palermo", "nope"]), [
        { longitude: "13.36138933897018433", latitude: "38.11555639549629859" },
        null,
      ]);
      assertEquals<unknown>(
        await client.geoSearch("Sicily", { longitude: 15, latitude: 37 }, {
          radius: 200,
          unit: "km",
        }, { SORT: "ASC" }),
        ["Catania", "Palermo"],
      );
      assertEquals<unknown>(
        await client.geoSearch("Sicily", "Palermo", { width: 400, height: 400, unit: "km" }, {
          SORT: "DESC",
          COUNT: 1,
        }),
        ["Catania"],
      );
      const withs = await client.geoSearchWith(
        "Sicily",
        { longitude: 15, latitude: 37 },
        { radius: 200, unit: "km" },
        ["WITHDIST", "WITHHASH", "WITHCOORD"],
        { SORT: "ASC" },
      );
      assertEquals<unknown>(withs[0].member, "Catania");
      assertEquals<unknown>(withs[0].distance, "56.4413");
      assertEquals<unknown>(withs[0].hash, 3479447370796909);
      assertEquals<unknown>(withs[0].coordinates, {
        longitude: "15.08726745843887329",
        latitude: "37.50266842333162032",
      });
      assertEquals<unknown>(
        await client.geoSearchStore("dst", "Sicily", "Palermo", { radius: 200, unit: "km" }, {
          STOREDIST: true,
        }),
        2,
      );
      assertEquals<unknown>(await client.sendCommand(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]), [
        "Palermo",
        "0",
        "Catania",
        "166.27415156960032",
      ]);
      try {
        await client.sendCommand(["GEOADD", "Sicily", "200", "100", "x"]);
        throw new Error("expected an error");
      } catch (e) {
        assertEquals<unknown>(
          (e as Error).message,
          "ERR invalid longitude,latitude pair 200.000000,100.000000",
        );
      }
    } finally {
      client.destroy();
    }
  });
});

Deno.test("e2e node-redis RESP3: coordinates are doubles, distances stay strings", async () => {
  await withServer(async (s) => {
    const client = createClient({ socket: { host: "127.0.0.1", port: s.port }, RESP: 3 });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.geoAdd("Sicily", SICILY);
      const r = await client.sendCommand([
        "GEOSEARCH",
        "Sicily",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "100",
        "km",
        "WITHCOORD",
        "WITHDIST",
      ]) as unknown[];
      // RESP3 doubles (",15.08726745843887329"): node-redis parses them itself, a few ulps off
      // Number(); the exact bytes are checked by the differential test below.
      assertEquals<unknown>(r.length, 1);
      const [member, dist, coord] = r[0] as [string, string, [number, number]];
      assertEquals<unknown>([member, dist], ["Catania", "56.4413"]);
      assert(typeof coord[0] === "number" && Math.abs(coord[0] - 15.08726745843887329) < 1e-12);
      assert(typeof coord[1] === "number" && Math.abs(coord[1] - 37.50266842333162032) < 1e-12);
      assertEquals<unknown>(await client.sendCommand(["GEOPOS", "Sicily", "nope"]), [null]);
    } finally {
      client.destroy();
    }
  });
});

Deno.test("e2e ioredis: geo commands, STORE options and errors", async () => {
  await withServer(async (s) => {
    const r = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    r.on("error", () => {});
    await r.connect();
    try {
      assertEquals<unknown>(
        await r.geoadd("Sicily", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"),
        2,
      );
      assertEquals<unknown>(await r.geoadd("Sicily", "NX", 0, 0, "Palermo"), 0);
      assertEquals<unknown>(
        await r.call("GEODIST", "Sicily", "Palermo", "Catania", "mi"),
        "103.3182",
      );
      assertEquals<unknown>(await r.geopos("Sicily", "Catania"), [[
        "15.08726745843887329",
        "37.50266842333162032",
      ]]);
      assertEquals<unknown>(
        await r.georadius("Sicily", 15, 37, 200, "km", "WITHDIST", "ASC"),
        [["Catania", "56.4413"], ["Palermo", "190.4424"]],
      );
      assertEquals<unknown>(
        await r.georadiusbymember("Sicily", "Palermo", 100, "km", "WITHHASH"),
        [["Palermo", 3479099956230698]],
      );
      assertEquals<unknown>(await r.georadius("Sicily", 15, 37, 200, "km", "STORE", "near"), 2);
      assertEquals<unknown>(await r.zrange("near", 0, -1, "WITHSCORES"), [
        "Palermo",
        "3479099956230698",
        "Catania",
        "3479447370796909",
      ]);
      assertEquals<unknown>(
        await r.georadius("Sicily", 15, 37, 200, "km", "COUNT", 1, "STOREDIST", "near"),
        1,
      );
      assertEquals<unknown>(await r.zrange("near", 0, -1, "WITHSCORES"), [
        "Catania",
        "56.441257870158204",
      ]);
      // An empty result deletes the destination.
      assertEquals<unknown>(await r.georadius("Sicily", 0, 0, 1, "km", "STORE", "near"), 0);
      assertEquals<unknown>(await r.exists("near"), 0);
      assertEquals<unknown>(await r.georadius_ro("Sicily", 15, 37, 200, "km", "COUNT", 1), [
        "Catania",
      ]);
      const errs: [string[], RegExp][] = [
        [
          ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "STORE", "x"],
          /^ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options$/,
        ],
        [["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "x"], /^ERR syntax error$/],
        [
          ["GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"],
          /^ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH$/,
        ],
        [
          ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "ASC", "DESC", "WITHDIST"],
          /^ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH$/,
        ],
        [
          ["GEOSEARCH", "Sicily", "FROMMEMBER", "x", "BYRADIUS", "1", "km"],
          /^ERR could not decode requested zset member$/,
        ],
        [
          ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "-1", "km"],
          /^ERR height or width cannot be negative$/,
        ],
        [
          ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "parsec"],
          /^ERR unsupported unit provided. please use M, KM, FT, MI$/,
        ],
        [
          ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "ANY"],
          /^ERR the ANY argument requires COUNT argument$/,
        ],
        [[
          "GEOSEARCHSTORE",
          "d",
          "Sicily",
          "FROMMEMBER",
          "Palermo",
          "BYRADIUS",
          "1",
          "km",
          "WITHCOORD",
        ], /^ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options$/],
        [["GEORADIUS", "Sicily", "15", "37", "-1", "km"], /^ERR radius cannot be negative$/],
        [["GEOADD", "Sicily", "XX", "NX", "1", "2", "m"], /^ERR syntax error$/],
      ];
      for (const [argv, re] of errs) {
        try {
          await r.call(argv[0], ...argv.slice(1));
          throw new Error(`expected an error from ${argv.join(" ")}`);
        } catch (e) {
          assertMatch((e as Error).message, re);
        }
      }
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("e2e: geo keyspace events", async () => {
  await withServer(async (s) => {
    const r = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    const sub = new Redis({ host: "127.0.0.1", port: s.port, lazyConnect: true });
    r.on("error", () => {});
    sub.on("error", () => {});
    await r.connect();
    await sub.connect();
    try {
      await r.config("SET", "notify-keyspace-events", "KEA");
      const events: string[] = [];
      sub.on("pmessage", (_p: string, ch: string, msg: string) => {
        if (ch.startsWith("__keyevent@0__:")) events.push(`${ch.slice(15)} ${msg}`);
      });
      await sub.psubscribe("__keyevent@0__:*");
      await r.geoadd("g", 13.361389, 38.115556, "Palermo");
      await r.geoadd("g", 15.087269, 37.502669, "Catania");
      await r.call("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "300", "km");
      await r.georadius("g", 15, 37, 300, "km", "STORE", "d2");
      await r.call("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km");
      await r.ping();
      const deadline = Date.now() + 3000;
      while (events.length < 5 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 20));
      }
      // "KEA" has no "n" (new) events, as in Redis.
      assertEquals<unknown>(events, [
        "zadd g",
        "zadd g",
        "geosearchstore d",
        "georadiusstore d2",
        "del d",
      ]);
    } finally {
      r.disconnect();
      sub.disconnect();
    }
  });
});

// ---- differential: Rexis vs redis-server --------------------------------------------------------

/** A pipelining raw connection that returns each reply's exact bytes. */
class RawConn {
  #buf = new Uint8Array(1 << 16);
  #len = 0;
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<RawConn> {
    return new RawConn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async batch(cmds: string[][]): Promise<string[]> {
    const parts = cmds.map((c) => encodeCommand(c));
    const total = parts.reduce((n, p) => n + p.length, 0);
    const req = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      req.set(p, off);
      off += p.length;
    }
    for (let w = 0; w < req.length;) w += await this.conn.write(req.subarray(w));
    const out: string[] = [];
    let pos = 0;
    while (out.length < cmds.length) {
      const r = decodeReply(this.#buf, pos, this.#len);
      if (r !== null) {
        let s = "";
        for (let i = pos; i < r[1]; i++) s += String.fromCharCode(this.#buf[i]);
        out.push(s);
        pos = r[1];
        continue;
      }
      if (this.#len === this.#buf.length) {
        const nb = new Uint8Array(this.#buf.length * 2);
        nb.set(this.#buf);
        this.#buf = nb;
      }
      const n = await this.conn.read(this.#buf.subarray(this.#len));
      if (n === null) throw new Error("connection closed");
      this.#len += n;
    }
    this.#buf.copyWithin(0, pos, this.#len);
    this.#len -= pos;
    return out;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

function redisServerPath(): string | null {
  for (const p of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* absent */ }
  }
  return null;
}

/** Start redis-server on a free port in 17700-17799; null when it cannot be started. */
async function startRedis(): Promise<{ port: number; stop: () => Promise<void> } | null> {
  const bin = redisServerPath();
  if (bin === null) return null;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 17700 + Math.floor(Math.random() * 100);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
    } catch {
      continue;
    }
    const p = new Deno.Command(bin, {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return {
          port,
          stop: async () => {
            try {
              p.kill("SIGKILL");
            } catch { /* gone */ }
            await p.status;
          },
        };
      } catch {
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    try {
      p.kill("SIGKILL");
    } catch { /* gone */ }
    await p.status;
  }
  return null;
}

/** mulberry32: a small seeded PRNG so a failing run can be replayed (GEO_SEED=...). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GEO_COMMANDS = [
  "geoadd",
  "geodist",
  "geohash",
  "geopos",
  "georadius",
  "georadius_ro",
  "georadiusbymember",
  "georadiusbymember_ro",
  "geosearch",
  "geosearchstore",
];

/** Randomized geo traffic: points (with clusters, duplicates and edges) and queries. */
function workload(rand: () => number): string[][] {
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
  const num = (x: number) => String(x);
  const cmds: string[][] = [];
  // Command metadata and key positions, byte for byte.
  for (const name of GEO_COMMANDS) {
    cmds.push(["COMMAND", "INFO", name], ["COMMAND", "DOCS", name]);
  }
  cmds.push(
    ["COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b"],
    ["COMMAND", "GETKEYSANDFLAGS", "GEORADIUS", "k", "1", "2", "3", "km", "STOREDIST", "b"],
    ["COMMAND", "GETKEYSANDFLAGS", "GEORADIUSBYMEMBER", "k", "m", "3", "km", "store", "b"],
    ["COMMAND", "GETKEYS", "GEORADIUS", "k", "1", "2", "3", "km", "STORE"],
    ["COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "m"],
  );
  const members: string[] = [];
  const key = "pts";
  cmds.push(["DEL", key, "dst"]);
  const centres: [number, number][] = [];
  for (let i = 0; i < 4; i++) centres.push([rand() * 340 - 170, rand() * 160 - 80]);
  let n = 0;
  const batches = 12 * Number(Deno.env.get("GEO_SCALE") ?? 1);
  for (let b = 0; b < batches; b++) {
    const argv = ["GEOADD", key];
    if (b > batches - 4) argv.push(pick(["NX", "XX", "CH", "NX", "CH"]));
    for (let i = 0; i < 60; i++) {
      let lon: number;
      let lat: number;
      const r = rand();
      if (r < 0.45) {
        const [cx, cy] = pick(centres);
        lon = Math.max(-180, Math.min(180, cx + (rand() - 0.5) * 4));
        lat = Math.max(-85, Math.min(85, cy + (rand() - 0.5) * 4));
      } else if (r < 0.55) {
        // Duplicates of one spot: equal distances, so sort order among ties matters.
        [lon, lat] = centres[0];
      } else if (r < 0.6) {
        lon = pick([-180, 180, 179.9999999, -179.9999999, 0]);
        lat = pick([-85.05112878, 85.05112878, 0, 84.9, -84.9]);
      } else {
        lon = rand() * 360 - 180;
        lat = rand() * 170.1 - 85.05;
      }
      const m = rand() < 0.1 && members.length ? pick(members) : `m${n++}`;
      members.push(m);
      argv.push(num(lon), num(lat), m);
    }
    cmds.push(argv);
  }
  const units = ["m", "km", "mi", "ft", "KM"];
  const toUnit: Record<string, number> = { m: 1, km: 1000, mi: 1609.34, ft: 0.3048, KM: 1000 };
  for (let q = 0; q < 400; q++) {
    const unit = pick(units);
    const meters = pick([1000, 50_000, 200_000, 500_000, 3_000_000, 9_000_000]) * (0.5 + rand());
    const size = num(Math.round((meters / toUnit[unit]) * 1000) / 1000);
    const opts: string[] = [];
    if (rand() < 0.5) opts.push("WITHDIST");
    if (rand() < 0.3) opts.push("WITHCOORD");
    if (rand() < 0.3) opts.push("WITHHASH");
    const r = rand();
    if (r < 0.35) opts.push("ASC");
    else if (r < 0.55) opts.push("DESC");
    if (rand() < 0.5) {
      opts.push("COUNT", String(1 + Math.floor(rand() * 12)));
      if (rand() < 0.3) opts.push("ANY");
    }
    const [cx, cy] = rand() < 0.7 ? pick(centres) : [rand() * 360 - 180, rand() * 170 - 85];
    const from = rand() < 0.3
      ? ["FROMMEMBER", pick(members)]
      : ["FROMLONLAT", num(cx + (rand() - 0.5)), num(Math.max(-85, Math.min(85, cy)))];
    const by = rand() < 0.5
      ? ["BYRADIUS", size, unit]
      : ["BYBOX", size, num(Math.round(Number(size) * (0.3 + rand() * 2) * 1000) / 1000), unit];
    const kind = rand();
    if (kind < 0.5) cmds.push(["GEOSEARCH", key, ...from, ...by, ...opts]);
    else if (kind < 0.65) {
      const storeOpts = opts.filter((o) => !o.startsWith("WITH"));
      if (rand() < 0.5) storeOpts.push("STOREDIST");
      cmds.push(["GEOSEARCHSTORE", "dst", key, ...from, ...by, ...storeOpts]);
      cmds.push(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    } else if (kind < 0.8) {
      cmds.push(["GEORADIUS", key, num(cx), num(cy), size, unit, ...opts]);
    } else if (kind < 0.9) {
      cmds.push(["GEORADIUSBYMEMBER_RO", key, pick(members), size, unit, ...opts]);
    } else {
      const storeOpts = opts.filter((o) => !o.startsWith("WITH"));
      cmds.push([
        "GEORADIUSBYMEMBER",
        key,
        pick(members),
        size,
        unit,
        ...storeOpts,
        rand() < 0.5 ? "STORE" : "STOREDIST",
        "dst",
      ]);
      cmds.push(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    }
    if (q % 20 === 0) {
      cmds.push(["GEOPOS", key, pick(members), pick(members), "nope"]);
      cmds.push(["GEOHASH", key, pick(members), "nope", pick(members)]);
      cmds.push(["GEODIST", key, pick(members), pick(members), pick(units)]);
    }
  }
  return cmds;
}

Deno.test("differential: randomized geo traffic gives Redis's exact bytes", async (t) => {
  const redis = await startRedis();
  if (redis === null) {
    console.log("redis-server not installed: differential geo test skipped");
    return;
  }
  const rexis = await startServer();
  const seed = Number(Deno.env.get("GEO_SEED") ?? Date.now() % 1_000_000);
  try {
    for (const proto of ["2", "3"]) {
      await t.step(`RESP${proto}, seed ${seed}`, async () => {
        const a = await RawConn.connect(redis.port);
        const b = await RawConn.connect(rexis.port);
        try {
          await a.batch([["HELLO", proto]]);
          await b.batch([["HELLO", proto]]);
          const cmds = workload(rng(seed + Number(proto)));
          let nonEmpty = 0;
          for (let i = 0; i < cmds.length; i += 100) {
            const chunk = cmds.slice(i, i + 100);
            const ra = await a.batch(chunk);
            const rb = await b.batch(chunk);
            for (let j = 0; j < chunk.length; j++) {
              if (ra[j] !== rb[j]) {
                throw new Error(
                  `GEO_SEED=${seed}: reply to ${chunk[j].join(" ")} differs\nredis: ${
                    JSON.stringify(ra[j].slice(0, 2000))
                  }\nrexis: ${JSON.stringify(rb[j].slice(0, 2000))}`,
                );
              }
              if (ra[j].length > 8) nonEmpty++;
            }
          }
          // The workload must actually find things, or the comparison proves little.
          assert(nonEmpty > cmds.length / 3, `only ${nonEmpty} non-trivial replies`);
        } finally {
          a.close();
          b.close();
        }
      });
    }
  } finally {
    await rexis.stop();
    await redis.stop();
  }
});
