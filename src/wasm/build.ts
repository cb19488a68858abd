/**
 * Builds the AssemblyScript modules in wasm/ (targets of wasm/asconfig.json) into wasm/build/ with
 * the compiler pinned in deno.json (npm:assemblyscript). A target is rebuilt only when its .wasm is
 * missing or older than a source of its module folder, wasm/common/ or asconfig.json, so running this before
 * every `deno task start`/`test` costs a few stat calls. The compiler is imported lazily: nothing
 * loads it when the output is up to date.
 *
 * `deno run -A src/wasm/build.ts [--force]` (deno task build:wasm).
 */

const WASM_DIR = new URL("../../wasm/", import.meta.url);
const CONFIG = new URL("asconfig.json", WASM_DIR);

interface AsTarget {
  entries: string[];
  outFile: string;
}

function mtime(u: URL): number {
  try {
    return Deno.statSync(u).mtime?.getTime() ?? 0;
  } catch {
    return -1;
  }
}

/** Newest modification time among the files of a folder (recursive). */
function newestIn(dir: URL): number {
  let t = mtime(dir);
  for (const e of Deno.readDirSync(dir)) {
    const u = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    t = Math.max(t, e.isDirectory ? newestIn(u) : mtime(u));
  }
  return t;
}

function targets(): Record<string, AsTarget> {
  return JSON.parse(Deno.readTextFileSync(CONFIG)).targets;
}

/** Names of the targets whose output is missing or older than its sources. */
export function staleTargets(): string[] {
  const cfg = mtime(CONFIG);
  const out: string[] = [];
  for (const [name, t] of Object.entries(targets())) {
    const built = mtime(new URL(t.outFile, WASM_DIR));
    const dir = new URL(t.entries[0].replace(/[^/]*$/, ""), WASM_DIR);
    const sources = Math.max(cfg, newestIn(dir), newestIn(new URL("common/", WASM_DIR)));
    if (built < 0 || built < sources) out.push(name);
  }
  return out;
}

/**
 * Compile the stale targets (or all with force). Each output is written to a temporary name and
 * renamed, so parallel test processes never read a half-written module.
 */
export async function buildWasm(force = false): Promise<string[]> {
  const names = force ? Object.keys(targets()) : staleTargets();
  if (names.length === 0) return names;
  const { default: asc } = await import("assemblyscript/asc");
  const dir = WASM_DIR.pathname;
  for (const name of names) {
    const t = targets()[name];
    const tmpOut = `${t.outFile}.${Deno.pid}.tmp`;
    let stderr = "";
    const { error } = await asc.main(
      [
        ...t.entries,
        "--baseDir",
        dir,
        "--config",
        "asconfig.json",
        "--target",
        name,
        "--outFile",
        tmpOut,
      ],
      {
        stderr: { write: (s: string | Uint8Array) => (stderr += String(s), true) },
        stdout: { write: () => true },
      } as any,
    );
    if (error) throw new Error(`asc ${name}: ${error.message}\n${stderr}`);
    Deno.renameSync(`${dir}${tmpOut}`, `${dir}${t.outFile}`);
  }
  return names;
}

if (import.meta.main) {
  const built = await buildWasm(Deno.args.includes("--force"));
  if (built.length) console.log(`wasm: built ${built.join(", ")}`);
}
