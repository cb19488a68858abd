/**
 * The command table: built once from the families' rows (src/commands/mod.ts). Lookup by name,
 * derived ACL categories and flag bits, key extraction. COMMAND, ACL, dispatch and cluster routing
 * all read this; nothing else keeps a list of command names.
 */
import {
  CMD_ADMIN,
  CMD_BLOCKING,
  CMD_FAST,
  CMD_MOVABLE_KEYS,
  CMD_PUBSUB,
  CMD_READONLY,
  CMD_WRITE,
  type CommandDef,
  FLAG_BITS,
} from "./types.ts";

/** Redis's ACL categories, in Redis's bit order (the order COMMAND INFO prints them). */
export const ACL_CATEGORIES = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

export class CommandTable {
  readonly commands = new Map<string, CommandDef>();
  readonly #byName = new Map<string, CommandDef>();

  constructor(defs: CommandDef[]) {
    for (const d of defs) this.add(d);
  }

  add(d: CommandDef, parent?: CommandDef): void {
    finish(d, parent);
    if (parent) return;
    if (this.commands.has(d.name)) throw new Error(`duplicate command ${d.name}`);
    this.commands.set(d.name, d);
    // Clients send names in upper case as often as lower: both spellings hit on the first get.
    this.#byName.set(d.name, d);
    this.#byName.set(d.name.toUpperCase(), d);
  }

  /**
   * rename-command: the row answers to `to` ("" removes it); its own name (COMMAND INFO, ACL
   * rules) stays the original, as in Redis. Returns Redis's error text or null.
   */
  rename(from: string, to: string): string | null {
    const d = this.get(from);
    if (d === undefined) return "No such command in rename-command";
    for (const [k, v] of this.commands) if (v === d) this.commands.delete(k);
    for (const [k, v] of this.#byName) if (v === d) this.#byName.delete(k);
    if (to === "") return null;
    const low = to.toLowerCase();
    if (this.commands.has(low)) return "Target command name already exists";
    this.commands.set(low, d);
    this.#byName.set(low, d);
    this.#byName.set(to.toUpperCase(), d);
    return null;
  }

  /** Top-level lookup by lower-cased name. */
  get(name: string): CommandDef | undefined {
    let d = this.#byName.get(name);
    if (d === undefined) {
      const lower = name.toLowerCase();
      if (lower !== name) d = this.commands.get(lower);
    }
    return d;
  }

  /**
   * Resolve argv to the command row as Redis's lookupCommand does: a container with argc ≥ 2
   * resolves to its subcommand (undefined when unknown); with argc 1, to the container itself.
   */
  lookup(argv: string[]): CommandDef | undefined {
    const d = this.get(argv[0]);
    if (d === undefined || !d.subcommands || argv.length === 1) return d;
    const sub = argv[1].toLowerCase();
    for (const s of d.subcommands) if (s.name === sub) return s;
    return undefined;
  }

  /** Every row, subcommands included. */
  *all(): Generator<CommandDef> {
    for (const d of this.commands.values()) {
      yield d;
      if (d.subcommands) yield* d.subcommands;
    }
  }

  get size(): number {
    return this.commands.size;
  }
}

function finish(d: CommandDef, parent?: CommandDef): void {
  d.parent = parent;
  d.fullName = parent ? `${parent.name}|${d.name}` : d.name;
  if (d.getKeys && !d.flags.includes("movablekeys")) d.flags.push("movablekeys");
  let bits = 0;
  for (const f of d.flags) {
    const b = FLAG_BITS[f];
    if (b === undefined) throw new Error(`unknown flag ${f} on ${d.fullName}`);
    bits |= b;
  }
  d.flagBits = bits;
  const cats = new Set(d.acl);
  for (const c of cats) {
    if (!ACL_CATEGORIES.includes(c)) throw new Error(`unknown ACL category ${c} on ${d.fullName}`);
  }
  if (bits & CMD_WRITE) cats.add("write");
  if (bits & CMD_READONLY && !cats.has("scripting")) cats.add("read");
  if (bits & CMD_ADMIN) {
    cats.add("admin");
    cats.add("dangerous");
  }
  if (bits & CMD_PUBSUB) cats.add("pubsub");
  if (bits & CMD_FAST) cats.add("fast");
  if (bits & CMD_BLOCKING) cats.add("blocking");
  if (!cats.has("fast")) cats.add("slow");
  d.categories = ACL_CATEGORIES.filter((c) => cats.has(c));
  d.stats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
  if (d.subcommands) { for (const s of d.subcommands) finish(s, d); }
}

/** Key positions of argv for a command row (0-based indexes into argv). */
export function getKeyPositions(d: CommandDef, argv: string[]): number[] {
  if (d.flagBits! & CMD_MOVABLE_KEYS && d.getKeys) return d.getKeys(argv);
  if (d.firstKey <= 0) return [];
  const last = d.lastKey < 0 ? argv.length + d.lastKey : d.lastKey;
  const out: number[] = [];
  for (let i = d.firstKey; i <= last && i < argv.length; i += d.step) out.push(i);
  return out;
}
