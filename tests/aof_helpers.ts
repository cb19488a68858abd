/**
 * Helpers for the AOF and crash tests: start Rexis (or redis-server) in a given `dir` with AOF
 * settings (tests/helpers.ts forces `appendonly no`), and build AOF files by hand.
 */
import { freePort } from "./helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;

export interface Proc {
  port: number;
  process: Deno.ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number>;
  kill(): Promise<void>;
}

/** Start Rexis in `dir` with redis-server style `args`; resolves once it accepts or exits. */
export function startRexis(dir: string, args: string[] = []): Promise<Proc> {
  return spawn(Deno.execPath(), [
    "run",
    "--allow-all",
    `${ROOT}src/main.ts`,
    "--dir",
    dir,
    "--save",
    "",
    ...args,
  ], ROOT);
}

export const haveRedis = (() => {
  try {
    Deno.statSync("/usr/bin/redis-server");
    return true;
  } catch {
    return false;
  }
})();

/** Start the reference redis-server 7.0.15 in `dir`. */
export function startRedis(dir: string, args: string[] = []): Promise<Proc> {
  return spawn("/usr/bin/redis-server", [
    "--dir",
    dir,
    "--save",
    "",
    "--daemonize",
    "no",
    ...args,
  ], dir);
}

async function spawn(exe: string, args: string[], cwd: string): Promise<Proc> {
  const port = freePort();
  const process = new Deno.Command(exe, {
    args: [...args, "--port", String(port)],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) out += dec.decode(chunk);
  };
  const pumps = Promise.all([pump(process.stdout), pump(process.stderr)]);
  let code: number | null = null;
  const exited = process.status.then(async (s) => {
    code = s.code;
    await pumps;
    return s.code;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (code !== null) break;
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        process.kill("SIGKILL");
        throw new Error(`server did not start:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  return {
    port,
    process,
    output: () => out,
    exited,
    async kill() {
      try {
        process.kill("SIGKILL");
      } catch { /* already exited */ }
      await exited;
    },
  };
}

/** RESP encoding of one command, as the AOF holds it. */
export function resp(...argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`;
  return s;
}

/** Write `<dir>/appendonlydir/<name>` files (text) and create the directory. */
export function writeAofFiles(dir: string, files: Record<string, string>): void {
  Deno.mkdirSync(`${dir}/appendonlydir`, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    Deno.writeTextFileSync(`${dir}/appendonlydir/${name}`, text);
  }
}

/** Wait until `cond` holds (polling), or throw after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** INFO field value from an INFO reply text. */
export function infoField(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)\\r?$`, "m").exec(info);
  return m ? m[1].trim() : undefined;
}
