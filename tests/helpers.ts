/**
 * End-to-end test helpers: start a real Rexis process on a free port, and a raw RESP connection
 * for protocol-level assertions. Real-client tests use node-redis / ioredis against `port`.
 */
import { decodeReply, encodeCommand, type RespValue } from "../src/protocol/decode.ts";

export { RespError } from "../src/protocol/decode.ts";

const ROOT = new URL("..", import.meta.url).pathname;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * A free port for a reference redis-server among the 50 from `from` (scripting tests use
 * 7700–7799), tried in random order.
 */
export function freeRefPort(from: number): number {
  const start = Math.floor(Math.random() * 50);
  for (let i = 0; i < 50; i++) {
    const port = from + (start + i) % 50;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch { /* taken */ }
  }
  throw new Error(`no free port in ${from}..${from + 49}`);
}

export interface RunningServer {
  port: number;
  process: Deno.ChildProcess;
  /** Everything the server printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Start `src/main.ts` with extra redis-server style arguments; resolves once it accepts. */
export async function startServer(args: string[] = []): Promise<RunningServer> {
  const port = freePort();
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      `${ROOT}src/main.ts`,
      ...args,
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  });
  const process = cmd.spawn();
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) out += dec.decode(chunk);
  };
  const pumps = Promise.all([pump(process.stdout), pump(process.stderr)]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        try {
          process.kill("SIGKILL");
        } catch { /* gone */ }
        throw new Error(`server did not start:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    process,
    output: () => out,
    async stop() {
      try {
        process.kill("SIGKILL");
      } catch { /* already exited */ }
      await process.status;
      await pumps;
    },
  };
}

/** A raw RESP connection: send commands or bytes, read decoded replies. */
export class RespConn {
  #buf = new Uint8Array(64 * 1024);
  #len = 0;
  #pos = 0;
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<RespConn> {
    return new RespConn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async send(...argv: (string | number)[]): Promise<RespValue> {
    await this.write(encodeCommand(argv));
    return await this.read();
  }

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? latin1Bytes(data) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Read one reply; rejects if the connection closes first or after `timeoutMs`. */
  async read(timeoutMs = 10_000): Promise<RespValue> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = decodeReply(this.#buf, this.#pos, this.#len);
      if (r !== null) {
        this.#pos = r[1];
        return r[0];
      }
      if (this.#pos > 0) {
        this.#buf.copyWithin(0, this.#pos, this.#len);
        this.#len -= this.#pos;
        this.#pos = 0;
      }
      if (this.#len === this.#buf.length) {
        const nb = new Uint8Array(this.#buf.length * 2);
        nb.set(this.#buf);
        this.#buf = nb;
      }
      const n = await withTimeout(
        this.conn.read(this.#buf.subarray(this.#len)),
        deadline - Date.now(),
      );
      if (n === null) throw new Error("connection closed");
      this.#len += n;
    }
  }

  /** True when the server closed the connection (reads EOF) within timeoutMs. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    try {
      const b = new Uint8Array(1024);
      const n = await withTimeout(this.conn.read(b), timeoutMs);
      return n === null;
    } catch (e) {
      if (e instanceof Deno.errors.ConnectionReset) return true;
      throw e;
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((
        _,
        rej,
      ) => (t = setTimeout(() => rej(new Error("timeout")), Math.max(1, ms)))),
    ]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * The server's output once it contains `text` (log lines go through an async logger, so a line can
 * trail the event it reports), or whatever it is after `ms`.
 */
export async function waitForOutput(s: RunningServer, text: string, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  let out = s.output();
  while (!out.includes(text) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    out = s.output();
  }
  return out;
}
