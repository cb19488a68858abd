/**
 * Propagation: the stream of commands the AOF (and later replicas) receive — Redis's
 * alsoPropagate / propagatePendingCommands.
 *
 * - dispatch.call() snapshots `server.dirty` before a handler runs; when the handler changed the
 *   dataset (dirty grew) the command is queued as executed: `c.propagateArgv` when the handler
 *   rewrote it (EXPIRE → PEXPIREAT...), else its argv. `c.preventPropagate` drops it (the handler
 *   queued its own commands with alsoPropagate instead).
 * - Commands queued while a call is nested (EXEC's queued commands, redis.call in a script) wait
 *   in `pending`; when the outermost call returns, the pending commands go to every sink, wrapped
 *   in MULTI ... EXEC when there is more than one (Redis 7.0's propagatePendingCommands).
 * - Sinks receive one command at a time with the db it ran in; emitting SELECT when the db
 *   changes is the sink's business (each sink has its own selected db).
 *
 * With no sink installed (no AOF, no replicas) call() pays one length test.
 */
import type { Server } from "./server.ts";

/** Receives the propagated commands one by one, in order. */
export type PropagationSink = (dbid: number, argv: string[]) => void;

export class Propagation {
  /** AOF, replication backlog...: empty when nothing listens. */
  readonly sinks: PropagationSink[] = [];
  /** Queued commands of the current outermost call: db ids and argvs, index-aligned. */
  pendingDb: number[] = [];
  pendingArgv: string[][] = [];
  /** Depth of nested call()s (EXEC, scripts); pending commands are flushed at depth 0. */
  depth = 0;

  get active(): boolean {
    return this.sinks.length !== 0;
  }

  addSink(sink: PropagationSink): void {
    this.sinks.push(sink);
  }

  removeSink(sink: PropagationSink): void {
    const i = this.sinks.indexOf(sink);
    if (i >= 0) this.sinks.splice(i, 1);
  }
}

/** Queue a command for propagation (Redis's alsoPropagate). No-op without sinks. */
export function alsoPropagate(server: Server, dbid: number, argv: string[]): void {
  const p = server.propagation;
  if (p.sinks.length === 0) return;
  p.pendingDb.push(dbid);
  p.pendingArgv.push(argv);
}

/**
 * Send the pending commands to the sinks (at the end of the outermost call, or right away for
 * commands with no call around them: active expiry, eviction by the cron). More than one command
 * is wrapped in MULTI/EXEC so a transaction or a script is applied atomically on load.
 */
export function propagatePending(server: Server): void {
  const p = server.propagation;
  const n = p.pendingArgv.length;
  if (n === 0) return;
  const dbs = p.pendingDb;
  const argvs = p.pendingArgv;
  p.pendingDb = [];
  p.pendingArgv = [];
  const sinks = p.sinks;
  const wrap = n > 1;
  for (const sink of sinks) {
    if (wrap) sink(dbs[0], ["MULTI"]);
    for (let i = 0; i < n; i++) sink(dbs[i], argvs[i]);
    if (wrap) sink(dbs[n - 1], ["EXEC"]);
  }
}
