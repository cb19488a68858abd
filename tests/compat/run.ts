// Runner for the upstream Redis 7.0.15 TCL test suite against Rexis (or any
// server started by a command), in the suite's "external server" mode.
//
//   deno run --allow-all tests/compat/run.ts [options] [unit/file ...]
//
// Options:
//   --jobs N, -j N     run N files in parallel (default 1, env REXIS_COMPAT_JOBS)
//   --update           rewrite tests/compat/expected-failures.txt for the files that ran
//   --timeout SEC      hard timeout per file (default 600, env REXIS_COMPAT_TIMEOUT)
//   --stall SEC        harness "no progress" timeout (default 300)
//   --only NAME        passed to the harness (--only), may be repeated; not with --update
//   --verbose, -v      echo the harness output live
//   --suite DIR        unpacked redis source tree (default .compat/redis-src, env
//                      REXIS_COMPAT_SUITE); fetched with fetch_suite.sh when missing
//   --own-servers      run the files given on the command line in own-server mode (below);
//                      files.txt marks such files with "own-servers" after the name
//   --keep             keep the own-server overlay directory (server logs, data) after the run
//
// Two modes, chosen per file:
// - external (default): the runner starts one server on a free port and the harness talks to it
//   with --host/--port; blocks tagged external:skip are not run.
// - own-servers: the harness starts its servers itself, as in a Redis build tree: each
//   start_server writes a config file (tests/assets/default.conf + overrides, `dir` in tests/tmp)
//   and runs `src/redis-server <config> [args]`, waits for " PID: <pid>" and "Ready to accept" in
//   its log. The runner builds an overlay of the suite tree in a temp directory (symlinks to the
//   suite's files, a fresh tests/tmp) whose src/redis-server is a script exec'ing Rexis with those
//   arguments, and whose src/redis-cli, redis-benchmark, redis-check-aof and redis-check-rdb are
//   the installed tools. Nothing is written into the suite tree or the repo.
//
// Env REXIS_COMPAT_SERVER: server command (run by bash). External mode appends
// `--port N --save "" --appendonly no`, unless the command contains `{port}`,
// which is then replaced by the port and nothing is appended. Own-server mode execs it with the
// harness's arguments (so `REXIS_COMPAT_SERVER=redis-server` validates either mode).
// Default: `deno run --allow-all src/main.ts` (from the repo root).
//
// The last line printed is `compat: N passed, M failed`, where M counts the
// UNEXPECTED failures (not listed in expected-failures.txt). Exit code 1 when
// M > 0.

const HERE = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
const REPO = HERE.replace(/\/tests\/compat$/, "");
const EXPECTED_FILE = `${HERE}/expected-failures.txt`;
const FILES_FILE = `${HERE}/files.txt`;
const LOG_DIR = `${REPO}/.compat/logs`;
const DEFAULT_SERVER = "deno run --allow-all src/main.ts";
const TAGS = [
  "-needs:repl",
  "-needs:debug",
  "-needs:local-process",
].join(" ");
// Own-server mode: the server is a local process started with the suite's config (DEBUG enabled).
const OWN_TAGS = ["-needs:repl"].join(" ");
// Tools the suite runs from src/ besides the server (integration/aof uses redis-check-aof...).
const TOOLS = ["redis-cli", "redis-benchmark", "redis-check-aof", "redis-check-rdb"];

interface Options {
  jobs: number;
  update: boolean;
  timeoutSec: number;
  stallSec: number;
  only: string[];
  verbose: boolean;
  suite: string;
  files: string[];
  /** Files run in own-server mode. */
  own: Set<string>;
  /** Per file: harness --skiptest patterns (files.txt `skip=<pattern>`). */
  skips: Map<string, string[]>;
  keep: boolean;
}

interface Failure {
  name: string;
  detail: string;
}

interface FileResult {
  file: string;
  passed: string[];
  failures: Failure[];
  skipped: number;
  ignored: number;
  completed: boolean;
  ms: number;
  log: string;
  // filled by compare()
  expected: string[];
  unexpected: Failure[];
  nowPassing: string[];
  notRun: string[];
}

function usage(msg?: string): never {
  if (msg) console.error(`run.ts: ${msg}`);
  console.error(
    "usage: deno run --allow-all tests/compat/run.ts [--jobs N] [--update] [--timeout SEC]" +
      " [--stall SEC] [--only NAME] [--verbose] [--suite DIR] [--own-servers] [--keep]" +
      " [unit/file ...]",
  );
  Deno.exit(2);
}

function parseArgs(args: string[]): Options {
  const env = (k: string) => Deno.env.get(k);
  const o: Options = {
    jobs: Number(env("REXIS_COMPAT_JOBS") ?? 1),
    update: false,
    timeoutSec: Number(env("REXIS_COMPAT_TIMEOUT") ?? 600),
    stallSec: 300,
    only: [],
    verbose: false,
    suite: env("REXIS_COMPAT_SUITE") ?? `${REPO}/.compat/redis-src`,
    files: [],
    own: new Set(),
    skips: new Map(),
    keep: false,
  };
  let ownFlag = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = () => {
      if (i + 1 >= args.length) usage(`${a} needs a value`);
      return args[++i];
    };
    if (a === "--jobs" || a === "-j") o.jobs = Number(next());
    else if (a.startsWith("--jobs=")) o.jobs = Number(a.slice(7));
    else if (a === "--update") o.update = true;
    else if (a === "--timeout") o.timeoutSec = Number(next());
    else if (a === "--stall") o.stallSec = Number(next());
    else if (a === "--only") o.only.push(next());
    else if (a === "--verbose" || a === "-v") o.verbose = true;
    else if (a === "--suite") o.suite = next();
    else if (a === "--own-servers") ownFlag = true;
    else if (a === "--keep") o.keep = true;
    else if (a === "--help" || a === "-h") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else o.files.push(normalizeFile(a));
  }
  if (!Number.isInteger(o.jobs) || o.jobs < 1) usage("--jobs must be a positive integer");
  if (!(o.timeoutSec > 0)) usage("--timeout must be positive");
  if (!(o.stallSec > 0)) usage("--stall must be positive");
  if (o.update && o.only.length) usage("--update cannot be combined with --only");
  const listed = readList(FILES_FILE);
  if (o.files.length === 0) o.files = listed.map((e) => e.file);
  for (const e of listed) {
    if (e.own) o.own.add(e.file);
    if (e.skips.length !== 0) o.skips.set(e.file, e.skips);
  }
  if (ownFlag) { for (const f of o.files) o.own.add(f); }
  return o;
}

function normalizeFile(f: string): string {
  return f.trim().replace(/^\.?\/?tests\//, "").replace(/\.tcl$/, "");
}

/**
 * files.txt: `unit/file [own-servers] [skip=<pattern>...]` per line, `#` comments. `skip=` passes
 * `--skiptest <pattern>` to the harness (a test name without spaces, or `/regexp`): for a test that
 * cannot run at all and would cost minutes (the harness waits 2 min for a server that cannot start).
 */
function readList(path: string): { file: string; own: boolean; skips: string[] }[] {
  return Deno.readTextFileSync(path).split("\n").map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l).map((l) => {
      const [file, ...marks] = l.split(/\s+/);
      const skips: string[] = [];
      for (const m of marks) {
        if (m.startsWith("skip=")) skips.push(m.slice(5));
        else if (m !== "own-servers") usage(`files.txt: unknown mark ${m}`);
      }
      return { file: normalizeFile(file), own: marks.includes("own-servers"), skips };
    });
}

// ---------------------------------------------------------------- expected

type Expected = Map<string, Set<string>>;

function readExpected(): Expected {
  const m: Expected = new Map();
  let text = "";
  try {
    text = Deno.readTextFileSync(EXPECTED_FILE);
  } catch {
    return m;
  }
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const tab = line.indexOf("\t");
    if (tab < 0) {
      console.error(`expected-failures.txt: ignoring line without TAB: ${line}`);
      continue;
    }
    const file = normalizeFile(line.slice(0, tab));
    const name = line.slice(tab + 1).trim();
    if (!m.has(file)) m.set(file, new Set());
    m.get(file)!.add(name);
  }
  return m;
}

function writeExpected(results: FileResult[], order: string[]) {
  let lines: string[] = [];
  try {
    lines = Deno.readTextFileSync(EXPECTED_FILE).replace(/\n$/, "").split("\n");
  } catch {
    lines = [
      "# Upstream Redis test failures that are known/accepted for Rexis.",
      "# Format: unit/file<TAB>test name. Regenerate with:",
      "#   deno run --allow-all tests/compat/run.ts --update",
    ];
  }
  const ran = new Map(results.map((r) => [r.file, r]));
  const failing = new Map(results.map((r) => [r.file, new Set(r.failures.map((f) => f.name))]));
  // Entries still failing stay where they are, under their comments; entries now passing go;
  // new failures go after the file's last entry (or its "# unit/file" header), so the comment
  // lines keep describing the entries below them.
  const isHeader = (l: string) => /^# (unit|integration)\//.test(l);
  const isComment = (l: string) => l.trimStart().startsWith("#") && !isHeader(l);
  const drop = new Array<boolean>(lines.length).fill(false);
  const present = new Set<string>();
  lines.forEach((line, i) => {
    const tab = line.indexOf("\t");
    if (tab <= 0 || line.trimStart().startsWith("#")) return;
    const file = normalizeFile(line.slice(0, tab));
    const key = `${file}\t${line.slice(tab + 1).trim()}`;
    if (
      ran.has(file) && (!failing.get(file)!.has(key.slice(file.length + 1)) || present.has(key))
    ) {
      drop[i] = true;
    } else present.add(key);
  });
  // A comment block whose entries below are all gone goes with them.
  for (let i = 0; i < lines.length;) {
    if (!isComment(lines[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && isComment(lines[j])) j++;
    let k = j;
    while (k < lines.length && lines[k].indexOf("\t") > 0 && !lines[k].startsWith("#")) k++;
    if (k > j && drop.slice(j, k).every(Boolean)) { for (let x = i; x < j; x++) drop[x] = true; }
    i = Math.max(k, i + 1);
  }
  const kept: string[] = [];
  const lastAt = new Map<string, number>();
  lines.forEach((line, i) => {
    if (drop[i]) return;
    kept.push(line);
    const tab = line.indexOf("\t");
    if (tab > 0 && !line.startsWith("#")) {
      lastAt.set(normalizeFile(line.slice(0, tab)), kept.length - 1);
    }
    const header = /^# (\S+)/.exec(line);
    if (header && isHeader(line) && !lastAt.has(normalizeFile(header[1]))) {
      lastAt.set(normalizeFile(header[1]), kept.length - 1);
    }
  });
  const inserts = new Map<number, string[]>();
  const tail: string[] = [];
  for (const f of order) {
    const r = ran.get(f);
    if (!r) continue;
    const add = [...failing.get(f)!].filter((n) => !present.has(`${f}\t${n}`)).map((n) =>
      `${f}\t${n}`
    );
    if (add.length === 0) continue;
    const at = lastAt.get(f);
    if (at === undefined) tail.push("", `# ${f}`, ...add);
    else inserts.set(at, [...(inserts.get(at) ?? []), ...add]);
  }
  const out: string[] = [];
  kept.forEach((line, i) => {
    out.push(line);
    if (inserts.has(i)) out.push(...inserts.get(i)!);
  });
  out.push(...tail);
  Deno.writeTextFileSync(EXPECTED_FILE, out.join("\n") + "\n");
  console.log(`updated ${EXPECTED_FILE}`);
}

function compare(r: FileResult, expected: Expected) {
  const exp = expected.get(r.file) ?? new Set<string>();
  const failedNames = new Set(r.failures.map((f) => f.name));
  const passedNames = new Set(r.passed);
  r.expected = [...failedNames].filter((n) => exp.has(n));
  r.unexpected = r.failures.filter((f) => !exp.has(f.name));
  for (const n of exp) {
    if (failedNames.has(n)) continue;
    // pseudo entries like "(harness exception ...)" pass by not occurring
    if (passedNames.has(n) || (n.startsWith("(") && r.completed)) r.nowPassing.push(n);
    else r.notRun.push(n);
  }
}

// ---------------------------------------------------------------- processes

const active = new Set<number>(); // process group ids we started

function killGroup(pgid: number, sig: Deno.Signal = "SIGKILL") {
  try {
    Deno.kill(-pgid, sig);
  } catch { /* already gone */ }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

function serverCommand(port: number): string {
  const base = Deno.env.get("REXIS_COMPAT_SERVER")?.trim() || DEFAULT_SERVER;
  if (base.includes("{port}")) return base.replaceAll("{port}", String(port));
  return `${base} --port ${port} --save "" --appendonly no`;
}

async function waitForPort(
  port: number,
  exited: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) return false;
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

// ---------------------------------------------------------------- own-server mode

/** The command src/redis-server execs in own-server mode (the harness's arguments follow). */
function ownServerCommand(): string {
  const base = Deno.env.get("REXIS_COMPAT_SERVER")?.trim();
  if (base) return base.replaceAll(/\S*\{port\}\S*/g, "");
  return [
    shellQuote(Deno.execPath()),
    "run",
    "--allow-all",
    "--config",
    shellQuote(`${REPO}/deno.json`),
    shellQuote(`${REPO}/src/main.ts`),
  ].join(" ");
}

function which(cmd: string): string | null {
  const res = new Deno.Command("bash", { args: ["-c", `command -v ${cmd}`], stderr: "null" })
    .outputSync();
  const path = new TextDecoder().decode(res.stdout).trim();
  return res.success && path ? path : null;
}

/**
 * A temp directory that looks like a Redis build tree: every entry of the suite tree symlinked,
 * except src/ (the server wrapper and tools) and tests/tmp (fresh, where the servers' dirs go).
 */
function makeOverlay(suite: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "rexis-compat-" });
  for (const e of Deno.readDirSync(suite)) {
    if (e.name === "src" || e.name === "tests") continue;
    Deno.symlinkSync(`${suite}/${e.name}`, `${dir}/${e.name}`);
  }
  Deno.mkdirSync(`${dir}/tests/tmp`, { recursive: true });
  for (const e of Deno.readDirSync(`${suite}/tests`)) {
    if (e.name === "tmp") continue;
    Deno.symlinkSync(`${suite}/tests/${e.name}`, `${dir}/tests/${e.name}`);
  }
  Deno.mkdirSync(`${dir}/src`);
  const server = `${dir}/src/redis-server`;
  Deno.writeTextFileSync(server, `#!/bin/sh\nexec ${ownServerCommand()} "$@"\n`);
  Deno.chmodSync(server, 0o755);
  for (const tool of TOOLS) {
    const path = which(tool);
    if (path) Deno.symlinkSync(path, `${dir}/src/${tool}`);
  }
  return dir;
}

/** Removes the overlay; a server still exiting may write into it meanwhile, so retry a little. */
function removeOverlay(dir: string) {
  for (let i = 0;; i++) {
    try {
      Deno.removeSync(dir, { recursive: true });
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      if (i === 5) {
        console.error(`run.ts: could not remove ${dir}: ${(e as Error).message}`);
        return;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/** Keeps each server's stdout/stderr (tests/tmp/<server dir>/std*) under the file's log name. */
function saveServerLogs(overlay: string, to: string) {
  try {
    Deno.removeSync(to, { recursive: true });
  } catch { /* first run */ }
  const tmp = `${overlay}/tests/tmp`;
  for (const e of Deno.readDirSync(tmp)) {
    if (!e.isDirectory) continue;
    for (const f of ["stdout", "stderr"]) {
      try {
        const text = Deno.readFileSync(`${tmp}/${e.name}/${f}`);
        if (text.length === 0) continue;
        Deno.mkdirSync(to, { recursive: true });
        Deno.writeFileSync(`${to}/${e.name}.${f}`, text);
      } catch { /* no such file */ }
    }
  }
}

// ---------------------------------------------------------------- one file

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

async function runFile(file: string, slot: number, o: Options): Promise<FileResult> {
  const start = Date.now();
  const logBase = `${LOG_DIR}/${file.replaceAll("/", "_")}`;
  const r: FileResult = {
    file,
    passed: [],
    failures: [],
    skipped: 0,
    ignored: 0,
    completed: false,
    ms: 0,
    log: `${logBase}.log`,
    expected: [],
    unexpected: [],
    nowPassing: [],
    notRun: [],
  };
  const log = await Deno.open(r.log, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const writeLog = (s: string) => log.writeSync(enc.encode(s));

  const own = o.own.has(file);
  let server: Deno.ChildProcess | null = null;
  let serverExit: Deno.CommandStatus | null = null;
  let serverDone: Promise<unknown> = Promise.resolve();
  let overlay: string | null = null;
  // Own range of 64 ports per runner process and slot. In own-server mode the harness starts
  // servers on base..base+63 (checking port and port+10000 are free), so the range stays below the
  // kernel's ephemeral ports (32768+ here): an outgoing connection of any process on this machine
  // could otherwise take a port between the harness's check and the server's bind, and the
  // harness's retry after "Failed listening on port" can wait forever for a "Ready to accept" line
  // (it truncates the log but keeps the old count).
  const baseport = own
    ? 11000 + ((Deno.pid * 128 + 64 * slot) % 11700)
    : 20000 + ((Deno.pid * 64 + 64 * slot) % 20000);

  let lastTest = "";
  const after = () => (lastTest ? `after "${lastTest}"` : "before any test");
  try {
    const args = ["tclsh", "tests/test_helper.tcl"];
    if (own) {
      overlay = makeOverlay(o.suite);
      writeLog(`# own servers: ${overlay}/src/redis-server execs ${ownServerCommand()}\n`);
      args.push("--portcount", "64", "--tags", OWN_TAGS, "--dont-clean");
    } else {
      const port = freePort();
      const cmd = serverCommand(port);
      writeLog(`# server: ${cmd}\n`);
      server = new Deno.Command("setsid", {
        args: ["bash", "-c", `exec ${cmd} >${shellQuote(`${logBase}.server.log`)} 2>&1`],
        cwd: REPO,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      active.add(server.pid);
      serverDone = server.status.then((s) => (serverExit = s));
      const up = await waitForPort(port, () => serverExit !== null, 60_000);
      if (!up) {
        r.failures.push({
          name: "(server failed to start)",
          detail: serverExit
            ? `server exited with code ${(serverExit as Deno.CommandStatus).code}`
            : "port not open after 60s",
        });
        return r;
      }
      args.push("--host", "127.0.0.1", "--port", String(port), "--tags", TAGS);
    }
    args.push(
      "--baseport",
      String(baseport),
      "--durable",
      "--ignore-encoding",
      "--clients",
      "1",
      "--timeout",
      String(o.stallSec),
      "--single",
      file,
    );
    for (const n of o.only) args.push("--only", n);
    for (const n of o.skips.get(file) ?? []) args.push("--skiptest", n);
    writeLog(`# harness: ${args.join(" ")}\n`);
    const tcl = new Deno.Command("setsid", {
      args,
      cwd: overlay ?? o.suite,
      env: { TERM: "dumb" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    active.add(tcl.pid);

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(tcl.pid);
    }, o.timeoutSec * 1000);

    // parser state
    const suffix = ` in tests/${file}.tcl`;
    let current: Failure | null = null; // collecting detail lines
    let detailLines = 0;
    let exception: Failure | null = null;
    let harnessTimeout: Failure | null = null;
    const onLine = (raw: string) => {
      const line = raw.replace(ANSI, "").replace(/\r$/, "");
      writeLog(line + "\n");
      if (o.verbose) console.log(`[${file}] ${line}`);
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^\[ok\]: (.*) \(\d+ ms\)$/))) {
        current = null;
        r.passed.push(m[1].trim());
        lastTest = m[1].trim();
      } else if ((m = line.match(/^\[err\]: (.*)$/))) {
        const text = m[1];
        if (text.endsWith(suffix)) {
          const name = text.slice(0, -suffix.length).trim();
          current = { name, detail: "" };
          lastTest = name;
        } else {
          // error raised in a start_server block outside of any test: the
          // rest of that block is skipped by the harness.
          current = { name: `(error outside test, ${after()})`, detail: text };
        }
        detailLines = 0;
        r.failures.push(current);
      } else if ((m = line.match(/^\[exception\]: (.*)$/))) {
        exception = { name: `(harness exception, ${after()})`, detail: m[1] };
        current = exception;
        detailLines = 0;
      } else if (line.startsWith("[TIMEOUT]")) {
        harnessTimeout = { name: `(harness timeout, ${after()})`, detail: line };
        current = harnessTimeout;
        detailLines = 0;
      } else if (harnessTimeout && (m = line.match(/=> \(IN PROGRESS\) (.*)$/))) {
        harnessTimeout.name = `(harness timeout in "${m[1].trim()}")`;
      } else if ((m = line.match(/^\[skip\]: /))) {
        current = null;
        r.skipped++;
      } else if ((m = line.match(/^\[ignore\]: /))) {
        current = null;
        r.ignored++;
      } else if (/^\[\d+\/\d+ done\]: /.test(line)) {
        current = null;
        r.completed = true;
      } else if (/^\[ready\]: |^Testing |^Cleanup: |^Starting test server/.test(line)) {
        current = null;
      } else if (line.trim() === "The End") {
        current = null;
      } else if (current && detailLines < 6 && line.trim()) {
        current.detail += (current.detail ? "\n" : "") + line.trim();
        detailLines++;
      }
    };

    const pump = async (stream: ReadableStream<Uint8Array>, parse: boolean) => {
      let buf = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (parse) onLine(line);
          else writeLog(`[stderr] ${line}\n`);
        }
      }
      if (buf) parse ? onLine(buf) : writeLog(`[stderr] ${buf}\n`);
    };
    const [status] = await Promise.all([
      tcl.status,
      pump(tcl.stdout, true),
      pump(tcl.stderr, false),
    ]);
    clearTimeout(timer);
    killGroup(tcl.pid); // orphaned test client, if any
    active.delete(tcl.pid);

    if (exception) r.failures.push(exception);
    if (harnessTimeout) r.failures.push(harnessTimeout);
    if (timedOut) {
      r.failures.push({
        name: `(runner timeout, ${after()})`,
        detail: `killed after ${o.timeoutSec}s`,
      });
    } else if (!r.completed && !exception && !harnessTimeout) {
      r.failures.push({
        name: `(harness aborted, ${after()})`,
        detail: `tclsh exited with code ${status.code} without finishing the file`,
      });
    }
    if (serverExit) {
      r.failures.push({
        name: "(server exited during run)",
        detail: `exit code ${(serverExit as Deno.CommandStatus).code}` +
          `${(serverExit as Deno.CommandStatus).signal ?? ""}, see ${logBase}.server.log`,
      });
    }
    if (exception || harnessTimeout || timedOut || serverExit) r.completed = false;
    return r;
  } finally {
    if (server) {
      const pid = server.pid;
      killGroup(pid, "SIGTERM");
      const t = setTimeout(() => killGroup(pid, "SIGKILL"), 5000);
      await serverDone;
      clearTimeout(t);
      killGroup(pid, "SIGKILL");
      active.delete(pid);
    }
    if (overlay) {
      saveServerLogs(overlay, `${logBase}.servers`);
      if (o.keep) writeLog(`# overlay kept: ${overlay}\n`);
      else removeOverlay(overlay);
    }
    r.ms = Date.now() - start;
    log.close();
  }
}

// ---------------------------------------------------------------- main

function pad(s: string | number, n: number, left = false): string {
  const str = String(s);
  return left ? str.padStart(n) : str.padEnd(n);
}

async function ensureSuite(o: Options) {
  try {
    Deno.statSync(`${o.suite}/tests/test_helper.tcl`);
    return;
  } catch { /* fetch below */ }
  if (Deno.env.get("REXIS_COMPAT_SUITE")) {
    console.error(`suite not found at ${o.suite} (REXIS_COMPAT_SUITE)`);
    Deno.exit(2);
  }
  console.error("suite missing; running tests/compat/fetch_suite.sh");
  const res = await new Deno.Command("bash", {
    args: [`${HERE}/fetch_suite.sh`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!res.success) {
    console.error("fetch_suite.sh failed");
    Deno.exit(2);
  }
}

async function main() {
  const o = parseArgs(Deno.args);
  const tclsh = await new Deno.Command("bash", {
    args: ["-c", "command -v tclsh"],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!tclsh.success) {
    console.error("run.ts: tclsh not found (apt-get install -y tcl)");
    Deno.exit(2);
  }
  await ensureSuite(o);
  o.suite = Deno.realPathSync(o.suite);
  for (const f of o.files) {
    try {
      Deno.statSync(`${o.suite}/tests/${f}.tcl`);
    } catch {
      usage(`no such test file in suite: tests/${f}.tcl`);
    }
  }
  Deno.mkdirSync(LOG_DIR, { recursive: true });
  const expected = readExpected();

  const onSignal = () => {
    for (const pg of active) killGroup(pg);
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  console.log(
    `compat: ${o.files.length} file(s), jobs=${o.jobs}, suite=${o.suite}, server=` +
      `${Deno.env.get("REXIS_COMPAT_SERVER")?.trim() || DEFAULT_SERVER}`,
  );
  const results: FileResult[] = [];
  const queue = [...o.files];
  const worker = async (slot: number) => {
    while (queue.length) {
      const file = queue.shift()!;
      const r = await runFile(file, slot, o);
      compare(r, expected);
      results.push(r);
      const status = r.unexpected.length ? "FAIL" : "ok";
      console.log(
        `${status} ${file}: ${r.passed.length} passed, ${r.failures.length} failed` +
          ` (${r.unexpected.length} unexpected), ${r.ignored} ignored, ${r.skipped} skipped` +
          ` in ${(r.ms / 1000).toFixed(1)}s  log: ${r.log}`,
      );
      for (const f of r.unexpected) {
        const d = f.detail.split("\n").slice(0, 3).join(" | ");
        console.log(`    unexpected failure: ${f.name}${d ? `\n        ${d}` : ""}`);
      }
      for (const n of r.nowPassing) {
        console.log(`    now passes: remove from expected-failures: ${file}\t${n}`);
      }
      for (const n of r.notRun) {
        console.log(`    expected failure did not run (stale entry?): ${file}\t${n}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, o.files.length) }, (_, i) => worker(i)));
  results.sort((a, b) => o.files.indexOf(a.file) - o.files.indexOf(b.file));

  // summary table
  const w = Math.max(4, ...results.map((r) => r.file.length));
  const head = `${pad("file", w)}  ${pad("passed", 6, true)}  ${pad("failed", 6, true)}  ` +
    `${pad("expect", 6, true)}  ${pad("unexp", 6, true)}  ${pad("newpass", 7, true)}  ` +
    `${pad("time", 8, true)}  status`;
  console.log("");
  console.log(head);
  console.log("-".repeat(head.length));
  let passed = 0, failed = 0, unexpected = 0, exp = 0, newly = 0;
  for (const r of results) {
    passed += r.passed.length;
    failed += r.failures.length;
    unexpected += r.unexpected.length;
    exp += r.expected.length;
    newly += r.nowPassing.length;
    const status = r.unexpected.length ? "FAIL" : r.completed ? "ok" : "ok (aborted, expected)";
    console.log(
      `${pad(r.file, w)}  ${pad(r.passed.length, 6, true)}  ${pad(r.failures.length, 6, true)}  ` +
        `${pad(r.expected.length, 6, true)}  ${pad(r.unexpected.length, 6, true)}  ` +
        `${pad(r.nowPassing.length, 7, true)}  ${pad((r.ms / 1000).toFixed(1) + "s", 8, true)}  ` +
        status,
    );
  }
  console.log("-".repeat(head.length));
  console.log(
    `${pad("total", w)}  ${pad(passed, 6, true)}  ${pad(failed, 6, true)}  ${pad(exp, 6, true)}  ` +
      `${pad(unexpected, 6, true)}  ${pad(newly, 7, true)}`,
  );
  if (newly) {
    console.log(`${newly} expected failure(s) now pass: remove them from expected-failures.txt`);
  }
  if (o.update) {
    writeExpected(results, o.files);
    if (unexpected) console.log(`${unexpected} new failure(s) recorded as expected`);
    unexpected = 0;
  }
  console.log(`compat: ${passed} passed, ${unexpected} failed`);
  Deno.exit(unexpected > 0 ? 1 : 0);
}

if (import.meta.main) await main();
