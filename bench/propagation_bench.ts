/**
 * What propagation costs per command (src/server/propagate.ts), in process, through dispatch:
 * no sink (the default: one length test in call()), a sink that drops what it gets (the cost of
 * queueing and rewriting), and a sink that encodes each command as RESP into a buffer (about what
 * an AOF writer does before its write):
 *
 *   deno bench -A bench/propagation_bench.ts
 *
 * Target: without a sink, no measurable cost; with a sink, well under the command's own cost.
 */
import { Server } from "../src/server/server.ts";
import { loadServerConfig } from "../src/config/mod.ts";
import { Logger } from "../src/log.ts";
import { processCommand } from "../src/server/dispatch.ts";

type Mode = "none" | "drop" | "resp";

function setup(mode: Mode) {
  const server = new Server(loadServerConfig([]), new Logger("warning", "/dev/null"));
  const buf = new Uint8Array(1 << 20);
  let len = 0;
  if (mode === "drop") server.propagation.addSink(() => {});
  if (mode === "resp") {
    server.propagation.addSink((_db, argv) => {
      let s = `*${argv.length}\r\n`;
      for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
      if (len + s.length > buf.length) len = 0;
      for (let i = 0; i < s.length; i++) buf[len++] = s.charCodeAt(i);
    });
  }
  const c = server.createClient(null);
  const run = (argv: string[]) => {
    processCommand(c, argv);
    c.outLen = 0;
  };
  return run;
}

const WORKLOADS: [string, string[][]][] = [
  ["SET k v", [["SET", "k", "v"]]],
  ["SET k v EX 100 (rewritten to PXAT)", [["SET", "k", "v", "EX", "100"]]],
  ["INCRBYFLOAT (rewritten to SET)", [["INCRBYFLOAT", "f", "1.5"]]],
  ["GET k (not propagated)", [["GET", "k"]]],
  ["MULTI SET SET EXEC (wrapped)", [["MULTI"], ["SET", "a", "1"], ["SET", "b", "2"], ["EXEC"]]],
];

for (const [name, cmds] of WORKLOADS) {
  for (const mode of ["none", "drop", "resp"] as Mode[]) {
    const run = setup(mode);
    run(["SET", "k", "v"]);
    Deno.bench(`${name}: sink ${mode}`, { group: name, baseline: mode === "none" }, () => {
      for (const argv of cmds) run(argv);
    });
  }
}
