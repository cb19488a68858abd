/**
 * Logging in Redis's line format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message`, with
 * level characters `.` debug, `-` verbose, `*` notice, `#` warning. Written through sonic-boom to
 * stdout or to `logfile`.
 */
import sonicBoom from "sonic-boom";

// The CommonJS export is the constructor itself.
const SonicBoom = sonicBoom as unknown as new (opts: Record<string, unknown>) => {
  write(s: string): boolean;
};

export const LOG_LEVELS = ["debug", "verbose", "notice", "warning", "nothing"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LEVEL_CHAR = [".", "-", "*", "#"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

export function formatLogLine(level: number, msg: string, role = "M", date = new Date()): string {
  const d = date;
  const ts = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${Deno.pid}:${role} ${ts} ${LEVEL_CHAR[level]} ${msg}\n`;
}

export class Logger {
  #level = 2;
  #stream: { write(s: string): boolean; flushSync?(): void } | null = null;
  #file = "";
  role = "M";

  constructor(level: LogLevel = "notice", file = "") {
    this.setLevel(level);
    this.setFile(file);
  }

  setLevel(level: string): void {
    const i = LOG_LEVELS.indexOf(level as LogLevel);
    if (i >= 0) this.#level = i;
  }

  setFile(file: string): void {
    this.#file = file;
    // Synchronous writes keep log lines ordered with process exit (SHUTDOWN, fatal errors).
    this.#stream = file === "" ? new SonicBoom({ fd: 1, sync: true }) : new SonicBoom({
      dest: file,
      append: true,
      mkdir: false,
      sync: true,
    });
  }

  get file(): string {
    return this.#file;
  }

  log(level: number, msg: string): void {
    if (level < this.#level) return;
    this.#stream?.write(formatLogLine(level, msg, this.role));
  }

  /** A raw line without the prefix (the start-up banner). */
  raw(text: string): void {
    this.#stream?.write(text);
  }

  debug(msg: string): void {
    this.log(0, msg);
  }
  verbose(msg: string): void {
    this.log(1, msg);
  }
  notice(msg: string): void {
    this.log(2, msg);
  }
  warning(msg: string): void {
    this.log(3, msg);
  }
}
