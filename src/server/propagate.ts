/**
 * Propagation: the stream of commands the AOF (and later replicas) receive — Redis 7.0's
 * alsoPropagate / propagatePendingCommands, with the same effects replication.
 *
 * - dispatch.call() snapshots `server.dirty` before a handler runs; when the handler changed the
 *   dataset (dirty grew) the command is queued as executed: `c.propagateArgv` when the handler
 *   rewrote it (Redis's rewriteClientCommandVector: EXPIRE → PEXPIREAT, SET EX → SET PXAT, SPOP →
 *   SREM, INCRBYFLOAT → SET KEEPTTL, XADD * → the ID...), else its argv. `c.preventPropagate` drops
 *   it (the handler queued its own commands with alsoPropagate, or a script ran: EVAL/FCALL are
 *   never propagated, the commands they ran are). `c.forcePropagate` queues it (for some targets) although nothing
 *   changed (FLUSHALL/FLUSHDB of empty dbs, as Redis's forceCommandPropagation). EXEC itself is
 *   never queued: the commands it ran are.
 * - What a handler queues with alsoPropagate during its run (the DEL of a key found expired, SPOP's
 *   SREMs, XREADGROUP's XCLAIMs) comes before the command itself, as in Redis.
 * - Commands queued while a call is nested (EXEC's queued commands, redis.call in a script) wait in
 *   `pending`; when the outermost call returns, the pending commands go to every sink, wrapped in
 *   MULTI ... EXEC when there is more than one (propagatePendingCommands). SCAN and RANDOMKEY run
 *   directly do not wrap the expired keys' DELs they cause (CMD_TOUCHES_ARBITRARY_KEYS).
 * - Outside any call (active expiry, eviction, serving a blocked client after the command that
 *   woke it, a busy script's later slices), `depth` is 0 and each queued command is sent at once:
 *   expired and evicted keys are never wrapped in a transaction (Redis's propagate_no_multi). A
 *   served blocked client's commands (BLMOVE → LMOVE, plus a DEL of an expired destination) are
 *   flushed together per client (`holdPropagation`/`releasePropagation` around it), as a busy
 *   script's whole run is.
 * - Sinks receive one command at a time with the db it ran in; emitting SELECT when the db changes
 *   is the sink's business (each sink has its own selected db). The MULTI of a wrapped group carries
 *   the first command's db, its EXEC the last command's, as in Redis.
 * - Targets (Redis's PROPAGATE_AOF / PROPAGATE_REPL): a sink is an AOF sink unless added with
 *   PROPAGATE_REPL. Every command goes to both, except PUBLISH (replicas only) and what a script
 *   ran after redis.set_repl() narrowed it (`c.propagateTargets` of the script client); MULTI/EXEC
 *   go to both. A command for targets no sink stands for is not queued (Redis's shouldPropagate):
 *   without replicas, a script's PUBLISH does not make its one write a transaction.
 *
 * With no sink installed (no AOF, no replicas) call() pays one length test and nothing is queued.
 */
import type { Server } from "./server.ts";

/** Receives the propagated commands one by one, in order. */
export type PropagationSink = (dbid: number, argv: string[]) => void;

/** Propagation targets (Redis's PROPAGATE_AOF, PROPAGATE_REPL). */
export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;
export const PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

export class Propagation {
  /** AOF, replication backlog...: empty when nothing listens. */
  readonly sinks: PropagationSink[] = [];
  /** The target each sink stands for (index-aligned with `sinks`). */
  readonly sinkTargets: number[] = [];
  /**
   * The targets some sink stands for: a command for no present target is not queued at all (so it
   * does not make a group a transaction), as Redis's shouldPropagate.
   */
  targets = 0;
  /** Queued commands of the current outermost call: db ids, argvs, targets, index-aligned. */
  pendingDb: number[] = [];
  pendingArgv: string[][] = [];
  pendingTarget: number[] = [];
  /** Depth of nested call()s (EXEC, scripts) and holds; pending commands are flushed at 0. */
  depth = 0;

  get active(): boolean {
    return this.sinks.length !== 0;
  }

  /** `target`: PROPAGATE_AOF (the AOF) or PROPAGATE_REPL (a replica link). */
  addSink(sink: PropagationSink, target = PROPAGATE_AOF): void {
    this.sinks.push(sink);
    this.sinkTargets.push(target);
    this.targets |= target;
  }

  removeSink(sink: PropagationSink): void {
    const i = this.sinks.indexOf(sink);
    if (i < 0) return;
    this.sinks.splice(i, 1);
    this.sinkTargets.splice(i, 1);
    this.targets = 0;
    for (const t of this.sinkTargets) this.targets |= t;
    if (this.sinks.length === 0) {
      this.pendingDb = [];
      this.pendingArgv = [];
      this.pendingTarget = [];
    }
  }
}

/**
 * Queue a command for propagation (Redis's alsoPropagate). No-op without sinks. Outside any call
 * (depth 0) it is sent at once, on its own.
 */
export function alsoPropagate(
  server: Server,
  dbid: number,
  argv: string[],
  target = PROPAGATE_ALL,
): void {
  const p = server.propagation;
  target &= p.targets;
  if (target === 0) return;
  p.pendingDb.push(dbid);
  p.pendingArgv.push(argv);
  p.pendingTarget.push(target);
  if (p.depth === 0) propagatePending(server);
}

/**
 * A key was deleted because it expired (Redis's propagateDeletion): `DEL key`, or `UNLINK key`
 * when the matching lazyfree option is on.
 */
export function propagateDeletion(server: Server, dbid: number, key: string, lazy: boolean): void {
  if (server.propagation.sinks.length === 0) return;
  alsoPropagate(server, dbid, [lazy ? "UNLINK" : "DEL", key]);
}

/**
 * Send one command to every sink now, outside of what is queued (Redis's performEvictions flushes
 * its deletions on its own, never inside the unit of the command being run).
 */
export function propagateNow(server: Server, dbid: number, argv: string[]): void {
  for (const sink of server.propagation.sinks) sink(dbid, argv);
}

/** Keep what is queued from now on until the matching releasePropagation (one unit). */
export function holdPropagation(server: Server): void {
  server.propagation.depth++;
}

/** End of a unit started by holdPropagation: flush when no call is running any more. */
export function releasePropagation(server: Server): void {
  const p = server.propagation;
  if (p.depth > 0) p.depth--;
  if (p.depth === 0) propagatePending(server);
}

/**
 * Send the pending commands to the sinks. More than one command is wrapped in MULTI/EXEC (unless
 * `wrap` is false) so a transaction or a script is applied atomically on load.
 */
export function propagatePending(server: Server, wrap = true): void {
  const p = server.propagation;
  const n = p.pendingArgv.length;
  if (n === 0) return;
  const dbs = p.pendingDb;
  const argvs = p.pendingArgv;
  const targets = p.pendingTarget;
  p.pendingDb = [];
  p.pendingArgv = [];
  p.pendingTarget = [];
  const sinks = p.sinks;
  const multi = wrap && n > 1;
  for (let k = 0; k < sinks.length; k++) {
    const sink = sinks[k];
    const want = p.sinkTargets[k];
    if (multi) sink(dbs[0], ["MULTI"]);
    for (let i = 0; i < n; i++) if (targets[i] & want) sink(dbs[i], argvs[i]);
    if (multi) sink(dbs[n - 1], ["EXEC"]);
  }
}

/** lazyfree-lazy-<what> (expire, eviction, user-del, user-flush): DEL or UNLINK. */
export function lazyfree(server: Server, what: string): boolean {
  return server.config.get("lazyfree-lazy-" + what) === true;
}
