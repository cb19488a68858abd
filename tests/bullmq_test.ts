/**
 * BullMQ (npm, through its ioredis connection) against Rexis: its whole job life cycle is Lua
 * scripts (addStandardJob, moveToActive, moveToFinished, retryJob, moveStalledJobsToWait,
 * promote/delayed handling, job schedulers...), so this test fails when scripts misbehave. The
 * same scenario runs against a real redis-server 7.0.15 when one is installed, so the assertions
 * are known to hold on Redis.
 *
 * Scenario (bounded: each phase waits with a deadline): plain jobs, a delayed job that must not
 * run before its delay, prioritized jobs processed in priority order, a failing job retried with
 * a fixed backoff until it succeeds, a job that always fails, a repeatable job (job scheduler), a
 * stalled job (its worker dies holding the lock) recovered by another worker, QueueEvents
 * completion events, and the final job counts.
 */
import { type Job, Queue, QueueEvents, Worker } from "bullmq";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { freeRefPort, startServer } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function scenario(port: number): Promise<void> {
  const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
  const name = "q" + Math.floor(Math.random() * 1e9);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const closers: (() => Promise<unknown>)[] = [() => events.close(), () => queue.close()];
  try {
    await events.waitUntilReady();
    const completedEvents = new Set<string>();
    events.on("completed", ({ jobId }) => completedEvents.add(jobId));

    // --- Jobs added before any worker runs: plain, delayed, prioritized, retried, failing. ---
    const order: string[] = [];
    const attempts = new Map<string, number[]>();
    const plain = await queue.add("plain", { n: 1 });
    const delayed = await queue.add("delayed", { n: 2 }, { delay: 600 });
    await queue.add("p3", {}, { priority: 3 });
    await queue.add("p1", {}, { priority: 1 });
    await queue.add("p2", {}, { priority: 2 });
    const retried = await queue.add("flaky", {}, {
      attempts: 3,
      backoff: { type: "fixed", delay: 150 },
    });
    const doomed = await queue.add("doomed", {}, { attempts: 2, backoff: 50 });
    assertEquals(await queue.getJobCounts("wait", "prioritized", "delayed"), {
      wait: 3,
      prioritized: 3,
      delayed: 1,
    });

    const worker = new Worker(name, async (job: Job) => {
      await sleep(1);
      order.push(job.name);
      const t = attempts.get(job.id!) ?? [];
      t.push(Date.now());
      attempts.set(job.id!, t);
      if (job.name === "flaky" && t.length < 3) throw new Error(`flaky ${t.length}`);
      if (job.name === "doomed") throw new Error("always");
      return { doubled: (job.data.n ?? 0) * 2 };
    }, { connection, concurrency: 1, stalledInterval: 300 });
    closers.unshift(() => worker.close());

    await until("every job to settle", async () => {
      const c = await queue.getJobCounts("completed", "failed");
      return c.completed === 6 && c.failed === 1;
    });
    // The wait list in FIFO order first, then the prioritized jobs by priority (retries and the
    // delayed job come back later, possibly between them on a slow machine).
    assertEquals(order.slice(0, 3), ["plain", "flaky", "doomed"]);
    assertEquals(order.filter((n) => n.startsWith("p") && n !== "plain"), ["p1", "p2", "p3"]);
    assertEquals((await queue.getJob(plain.id!))!.returnvalue, { doubled: 2 });

    const d = (await queue.getJob(delayed.id!))!;
    assertEquals(d.returnvalue, { doubled: 4 });
    assert(
      d.processedOn! - d.timestamp >= 600,
      `delayed job ran after ${d.processedOn! - d.timestamp} ms`,
    );

    const r = (await queue.getJob(retried.id!))!;
    assertEquals(r.attemptsMade, 3);
    assertEquals(await r.getState(), "completed");
    const rt = attempts.get(retried.id!)!;
    assertEquals(rt.length, 3);
    for (let i = 1; i < 3; i++) assert(rt[i] - rt[i - 1] >= 140, `backoff ${rt[i] - rt[i - 1]} ms`);

    const f = (await queue.getJob(doomed.id!))!;
    assertEquals(await f.getState(), "failed");
    assertEquals(f.failedReason, "always");
    assertEquals(f.attemptsMade, 2);

    // --- A repeatable job (job scheduler) repeats. ---
    await queue.upsertJobScheduler("every-200", { every: 200 }, { name: "tick", data: {} });
    await until("the scheduler to repeat", () => order.filter((n) => n === "tick").length >= 3);
    assert(await queue.removeJobScheduler("every-200"));
    // Nothing left to run (the next tick went with the scheduler).
    await until("the queue to drain", async () => {
      const c = await queue.getJobCounts("wait", "delayed", "active", "prioritized");
      return c.wait + c.delayed + c.active + c.prioritized === 0;
    });

    // --- Completion events arrive through the events stream (XREAD BLOCK). ---
    await until("completed events", () => completedEvents.size >= 6);
    assert(completedEvents.has(plain.id!) && completedEvents.has(retried.id!));
    await worker.close();
    closers.shift();

    // --- A stalled job: its worker dies holding the lock; another worker takes it over (the
    // stalled check runs at most once per stalledInterval per queue: every worker uses 300 ms). ---
    let startedStuck = "";
    const stuckWorker = new Worker(name, async (job: Job) => {
      startedStuck = job.name;
      await new Promise(() => {}); // never settles
    }, { connection, lockDuration: 600, stalledInterval: 300, concurrency: 1 });
    const stuck = await queue.add("stuck", { n: 5 });
    await until("the stuck job to start", () => startedStuck !== "");
    assertEquals(startedStuck, "stuck");
    await stuckWorker.close(true); // force: the lock is not released, it expires
    let recovered = false;
    const rescuer = new Worker(name, (job: Job) => {
      if (job.id === stuck.id) recovered = true;
      return Promise.resolve("rescued");
    }, { connection, lockDuration: 600, stalledInterval: 300 });
    const stalled: string[] = [];
    rescuer.on("stalled", (jobId: string) => stalled.push(jobId));
    closers.unshift(() => rescuer.close());
    await until("the stalled job to be recovered", () => recovered);
    // It came back through moveStalledJobsToWait, not as a fresh job.
    assertEquals(stalled, [stuck.id!]);
    await until(
      "the recovered job to complete",
      async () => (await queue.getJob(stuck.id!))!.returnvalue === "rescued",
    );

    const counts = await queue.getJobCounts("completed", "failed", "active", "wait", "delayed");
    assertEquals(counts.failed, 1);
    assertEquals(counts.active, 0);
    assertEquals(counts.wait, 0);
    assertEquals(counts.delayed, 0);
    assert(counts.completed >= 10, `completed ${counts.completed}`); // 7 jobs + 3 ticks (or more)
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

Deno.test({
  name: "BullMQ: queue, worker, delayed, priorities, retries with backoff, scheduler, stalled",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s = await startServer();
    try {
      await scenario(s.port);
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name: "BullMQ: the same scenario against redis-server 7.0.15",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    let p: Deno.ChildProcess;
    const dir = Deno.makeTempDirSync();
    const port = freeRefPort(7750);
    try {
      p = new Deno.Command("redis-server", {
        args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch {
      console.log("redis-server not installed: skipped");
      return;
    }
    try {
      await until("redis-server", async () => {
        try {
          (await Deno.connect({ hostname: "127.0.0.1", port })).close();
          return true;
        } catch {
          return false;
        }
      }, 5000);
      await scenario(port);
    } finally {
      p.kill("SIGKILL");
      await p.status;
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
