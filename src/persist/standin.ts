/**
 * Stand-in child process for a background save or AOF rewrite. Redis runs them in a forked child,
 * and the upstream suite kills that child (`kill -9 [get_child_pid 0]`, i.e. `pgrep -P <server>`)
 * to make one fail. Rexis saves in-process; while a BGSAVE / BGREWRITEAOF runs it keeps this child
 * (`tail --pid=<server pid> -f /dev/null`: it exits by itself within a second once the server is
 * gone, so a SIGKILLed server leaves no orphan), and when the child dies of something else than
 * kill() the job is abandoned as if its child had been killed. Without `tail` (or the permission
 * to run it) the job runs without a stand-in.
 */
export interface StandIn {
  /** End the stand-in (the job finished or was stopped); onDeath is not called. */
  kill(): void;
}

/** Spawn a stand-in; `onDeath(signal)` when it dies on its own (signal number, -1 for an exit). */
export function spawnStandIn(onDeath: (signal: number) => void): StandIn | null {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("tail", {
      args: [`--pid=${Deno.pid}`, "-f", "/dev/null"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return null;
  }
  child.unref();
  let live = true;
  child.status.then((st) => {
    if (!live) return;
    live = false;
    onDeath(st.signal !== null ? st.code - 128 : -1);
  });
  return {
    kill() {
      if (!live) return;
      live = false;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    },
  };
}
