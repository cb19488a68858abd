/**
 * SLOWLOG: the last `slowlog-max-len` commands that ran for at least `slowlog-log-slower-than`
 * microseconds (-1 disables it, 0 logs everything), newest first, as Redis 7.0's slowlog.c.
 *
 * An entry keeps at most 32 arguments (the 32nd then says "... (N more arguments)"), each cut to
 * 128 bytes ("... (N more bytes)"), with the redactions the command made (AUTH, CONFIG SET of a
 * sensitive directive), the client's address and name. dispatch.call() pushes the entry after the
 * command ran; a command that blocked is pushed when it is unblocked (src/server/blocking.ts), with
 * the time it ran plus the time its reply took. `skip_slowlog` commands (EXEC) are never logged:
 * the commands inside a transaction are.
 */
import type { Client } from "./client.ts";
import type { Config } from "../config/mod.ts";

const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  /** Microseconds. */
  duration: number;
  args: string[];
  peer: string;
  name: string;
}

export class SlowLog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  nextId = 0;
  /** `slowlog-log-slower-than` (µs, -1 = off) and `slowlog-max-len`. */
  slowerThan = 10000;
  maxLen = 128;

  /** Follows the two directives of `config` (CONFIG SET takes effect at once). */
  constructor(config?: Config) {
    if (!config) return;
    this.slowerThan = config.getNumber("slowlog-log-slower-than");
    this.maxLen = config.getNumber("slowlog-max-len");
    config.onChange("slowlog-log-slower-than", (v) => {
      this.slowerThan = v as number;
    });
    // As in Redis, a shorter max length trims the log at the next command that may be logged.
    config.onChange("slowlog-max-len", (v) => {
      this.maxLen = v as number;
    });
  }

  /** slowlogPushEntryIfNeeded: `duration` in microseconds; trims to the max length. */
  pushIfNeeded(c: Client, argv: readonly string[], duration: number): void {
    if (this.slowerThan < 0) return;
    if (duration >= this.slowerThan) this.entries.unshift(this.#entry(c, argv, duration));
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }

  #entry(c: Client, argv: readonly string[], duration: number): SlowlogEntry {
    const argc = Math.min(argv.length, MAX_ARGC);
    const args: string[] = new Array(argc);
    for (let j = 0; j < argc; j++) {
      if (argc !== argv.length && j === argc - 1) {
        args[j] = `... (${argv.length - argc + 1} more arguments)`;
      } else {
        const a = argv[j];
        args[j] = a.length > MAX_STRING
          ? a.slice(0, MAX_STRING) + `... (${a.length - MAX_STRING} more bytes)`
          : a;
      }
    }
    return {
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      duration: Math.floor(duration),
      args,
      peer: c.addr,
      name: c.name,
    };
  }
}
