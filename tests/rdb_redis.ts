/**
 * A reference redis-server for the RDB tests (tests/rdb_*_test.ts): started on a free port with a
 * temp `dir`, no persistence rules; callers skip when redis-server is not installed.
 */
import { RespConn } from "./helpers.ts";

export async function redisAvailable(): Promise<boolean> {
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
    const port = 18000 + Math.floor(Math.random() * 100);
    try {
      const l = Deno.listen({ hostname: "127.0.0.1", port });
      l.close();
      return port;
    } catch { /* taken */ }
  }
  throw new Error("no free port in 18000-18099");
}

export interface Redis {
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(dir: string, extra: string[] = []): Promise<Redis> {
  for (let attempt = 0;; attempt++) {
    const port = pickPort();
    const proc = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, ...extra],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const stop = async () => {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
      await proc.status;
    };
    const deadline = Date.now() + 10_000;
    let ours = false;
    for (;;) {
      try {
        const c = await RespConn.connect(port);
        // Make sure we talk to the server just started (another may hold the port).
        const dirReply = await c.send("CONFIG", "GET", "dir") as string[];
        c.conn.close();
        ours = dirReply[1] === Deno.realPathSync(dir);
        break;
      } catch {
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    if (ours) return { port, stop };
    await stop();
    if (attempt === 5) throw new Error("redis-server did not start");
  }
}
