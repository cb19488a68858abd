/** Server-wide counters behind INFO stats / errorstats / commandstats. */
export class Stats {
  numCommands = 0;
  numConnections = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReached = 0;
  expireCycleCpuMs = 0;
  evictedKeys = 0;
  /** Background saves and AOF rewrites started (Redis's forks; INFO total_forks). */
  totalForks = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  readsProcessed = 0;
  writesProcessed = 0;
  clientQbufLimitDisconnections = 0;
  clientOutbufLimitDisconnections = 0;
  /** Error prefix ("ERR", "WRONGTYPE") → count. Capped at 128 prefixes like Redis. */
  errors = new Map<string, number>();
  /** Ops/sec sampling (instantaneous_ops_per_sec). */
  opsSamples: number[] = [];
  lastSampleTime = 0;
  lastSampleCmds = 0;
  inSamples: number[] = [];
  outSamples: number[] = [];
  lastSampleIn = 0;
  lastSampleOut = 0;

  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(" ");
    const prefix = sp < 0 ? msg : msg.slice(0, sp);
    const n = this.errors.get(prefix);
    if (n !== undefined) this.errors.set(prefix, n + 1);
    else if (this.errors.size < 128) this.errors.set(prefix, 1);
  }

  resetStats(): void {
    const fresh = new Stats();
    Object.assign(this, fresh);
  }

  /** Called from the server cron every 100 ms. */
  sample(now: number): void {
    if (this.lastSampleTime === 0) {
      this.lastSampleTime = now;
      this.lastSampleCmds = this.numCommands;
      this.lastSampleIn = this.netInputBytes;
      this.lastSampleOut = this.netOutputBytes;
      return;
    }
    const dt = now - this.lastSampleTime;
    if (dt <= 0) return;
    const push = (a: number[], v: number) => {
      a.push(v);
      if (a.length > 16) a.shift();
    };
    push(this.opsSamples, ((this.numCommands - this.lastSampleCmds) * 1000) / dt);
    push(this.inSamples, ((this.netInputBytes - this.lastSampleIn) * 1000) / dt / 1024);
    push(this.outSamples, ((this.netOutputBytes - this.lastSampleOut) * 1000) / dt / 1024);
    this.lastSampleTime = now;
    this.lastSampleCmds = this.numCommands;
    this.lastSampleIn = this.netInputBytes;
    this.lastSampleOut = this.netOutputBytes;
  }

  static avg(a: number[]): number {
    if (a.length === 0) return 0;
    let s = 0;
    for (const v of a) s += v;
    return s / a.length;
  }
}
