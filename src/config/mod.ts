/**
 * Configuration: the public face of src/config/. (Initial contract; the full table, the redis.conf
 * parser and CONFIG REWRITE live in table.ts / parse.ts.)
 */
export type ConfigValue = string | number | boolean;

/** Called when a value changes through CONFIG SET; returns an error text to refuse the change. */
export type ConfigListener = (value: ConfigValue, config: Config) => string | void;

interface Entry {
  name: string;
  value: ConfigValue;
}

export class Config {
  #values = new Map<string, Entry>();
  #listeners = new Map<string, ConfigListener[]>();

  constructor(defaults: Record<string, ConfigValue>) {
    for (const [k, v] of Object.entries(defaults)) this.#values.set(k, { name: k, value: v });
  }

  get(name: string): ConfigValue {
    const e = this.#values.get(name);
    if (!e) throw new Error(`unknown config ${name}`);
    return e.value;
  }

  getNumber(name: string): number {
    return this.get(name) as number;
  }

  getBool(name: string): boolean {
    return this.get(name) as boolean;
  }

  getString(name: string): string {
    return String(this.get(name));
  }

  onChange(name: string, fn: ConfigListener): void {
    const l = this.#listeners.get(name) ?? [];
    l.push(fn);
    this.#listeners.set(name, l);
  }
}

export function loadServerConfig(_argv: string[]): Config {
  return new Config({
    port: 6379,
    bind: "127.0.0.1 -::1",
    databases: 16,
    hz: 10,
    timeout: 0,
    maxclients: 10000,
    "proto-max-bulk-len": 512 * 1024 * 1024,
    "client-query-buffer-limit": 1024 * 1024 * 1024,
    requirepass: "",
    loglevel: "notice",
    logfile: "",
    "unixsocket": "",
    "unixsocketperm": 0,
    "tcp-keepalive": 300,
    "protected-mode": true,
  });
}
