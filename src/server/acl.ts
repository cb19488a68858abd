/**
 * ACL (Redis 7.0's acl.c): users, their selectors, the permission check dispatch runs before every
 * command, the ACL log, and the aclfile.
 *
 * A user has flags (on/off, nopass, sanitize-payload), SHA-256 password hashes (lower-case hex, as
 * Redis stores them) and selectors: the root selector (rules written outside parentheses) first,
 * then the `(...)` ones. A selector allows command rows (the command table's CommandDef objects,
 * subcommands included: Redis's command-id bitmap), first arguments of otherwise denied commands
 * (`+select|0`), key patterns with read/write permissions and channel patterns. A command runs when
 * one selector allows it all (command, every key, every channel).
 *
 * Hot path: `AclUser.unrestricted` is true when the root selector has allcommands, allkeys and
 * allchannels (the default user as shipped); dispatch then skips the check with one boolean test.
 *
 * ACL rules refer to the original command names: `rename-command` does not change them.
 *
 * Rexis extension: a password hash in an aclfile or `user` directive may also be an Argon2id PHC
 * string (`#$argon2id$v=19$...`); see `hashPassword` / `argon2` below and redis.conf.
 */
import { createHash, randomBytes } from "node:crypto";
import { argon2Verify } from "hash-wasm";
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { CMD_NO_AUTH, type CommandDef } from "../commands/types.ts";
import { ACL_CATEGORIES } from "../commands/table.ts";
import { commandHasKeys, getKeysWithFlags } from "../commands/command.ts";
import { stringMatch } from "../store/glob.ts";
import { splitArgs } from "../protocol/parser.ts";

export const ACL_OK = 0;
export const ACL_DENIED_CMD = 1;
export const ACL_DENIED_KEY = 2;
export const ACL_DENIED_AUTH = 3;
export const ACL_DENIED_CHANNEL = 4;

export type AclContext = "toplevel" | "multi" | "lua" | "module";

const READ = 1;
const WRITE = 2;
const ALL_PERM = READ | WRITE;

/** An ACLSetUser failure: Redis's errno classes, turned into its texts by `setUserErrorText`. */
class AclRuleError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export function setUserErrorText(code: string): string {
  switch (code) {
    case "ENOENT":
      return "Unknown command or category name in ACL";
    case "EINVAL":
      return "Syntax error";
    case "EEXIST":
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case "EISDIR":
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    case "ENODEV":
      return "The password you are trying to remove from the user does not exist";
    case "EBADMSG":
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    case "EALREADY":
      return "Duplicate user found. A user can only be defined once in config files";
    case "ECHILD":
      return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

interface KeyPattern {
  pattern: string;
  flags: number;
}

/** The command-table view ACL rules are resolved against (the original names). */
export interface AclCommands {
  /** Top-level rows in table order. */
  top: CommandDef[];
  lookup(name: string): CommandDef | undefined;
}

export class Selector {
  root: boolean;
  allKeys = false;
  allChannels = false;
  /** SELECTOR_FLAG_ALLCOMMANDS: set by +@all, cleared by any command taken away. */
  allCommands = false;
  /** Redis's reserved "future commands" bit: set by +@all, cleared only by -@all. */
  future = false;
  allowed = new Set<CommandDef>();
  firstArgs: Map<CommandDef, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(root: boolean, allChannels: boolean) {
    this.root = root;
    this.allChannels = allChannels;
  }

  copy(): Selector {
    const s = new Selector(this.root, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs) {
      s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    }
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = [...this.channels];
    return s;
  }
}

export class AclUser {
  readonly name: string;
  enabled = false;
  disabled = true;
  nopass = false;
  skipSanitize = false;
  sanitize = false;
  /** SHA-256 hex digests (or Argon2id PHC strings, a Rexis extension). */
  passwords: string[] = [];
  selectors: Selector[];
  /** The root selector allows every command, key and channel: dispatch skips the check. */
  unrestricted = false;
  /** ACL LIST text, cached until the next change. */
  #described: string | null = null;

  constructor(name: string, allChannels: boolean) {
    this.name = name;
    this.selectors = [new Selector(true, allChannels)];
  }

  get root(): Selector {
    return this.selectors[0];
  }

  changed(): void {
    this.#described = null;
    const r = this.root;
    this.unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.disabled = src.disabled;
    this.nopass = src.nopass;
    this.skipSanitize = src.skipSanitize;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.copy());
    this.changed();
  }

  get described(): string | null {
    return this.#described;
  }
  set described(v: string | null) {
    this.#described = v;
  }
}

/**
 * One ACL LOG entry. Similar denials (same reason, context, object and username within 60 s, among
 * the 10 newest entries) are grouped into one entry: count goes up and ctime (last update) and the
 * client info are refreshed. entryId and created are Redis 7.2's additions (entry-id,
 * timestamp-created): the id is a counter bumped per new entry, never reused, not reset by ACL
 * LOG RESET.
 */
export interface AclLogEntry {
  count: number;
  reason: number;
  context: AclContext;
  object: string;
  username: string;
  /** Time of the last update, ms (age-seconds, timestamp-last-updated). */
  ctime: number;
  cinfo: string;
  entryId: number;
  /** Time the entry was created, ms (timestamp-created). */
  created: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 of a binary string, lower-case hex (Redis's ACLHashPassword). */
export function hashPassword(pass: string): string {
  return createHash("sha256").update(binToBytes(pass)).digest("hex");
}

function binToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 32 || ch === 0) return true;
  }
  return false;
}

/** Binary comparison, as rax iteration orders user names. */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Acl {
  readonly server: Server;
  users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  log: AclLogEntry[] = [];
  /** Entries created so far: the next entry's entry-id. */
  logEntriesCreated = 0;
  /** `user` directives of the config, applied at start (Redis's UsersToLoad). */
  usersToLoad: string[][] = [];
  #cmds: AclCommands;

  constructor(server: Server) {
    this.server = server;
    const table = server.commands;
    const top = [...table.commands.values()];
    this.#cmds = {
      top,
      lookup: (name) => lookupOriginal(top, name),
    };
    this.defaultUser = this.createDefaultUser();
    this.users.set("default", this.defaultUser);
  }

  get pubsubDefaultAll(): boolean {
    try {
      return this.server.config.getString("acl-pubsub-default") === "allchannels";
    } catch {
      return false;
    }
  }

  get filename(): string {
    try {
      return this.server.config.getString("aclfile");
    } catch {
      return "";
    }
  }

  newUser(name: string): AclUser {
    const u = new AclUser(name, this.pubsubDefaultAll);
    u.changed();
    return u;
  }

  createDefaultUser(): AclUser {
    const u = this.newUser("default");
    for (const op of ["+@all", "~*", "&*", "on", "nopass"]) this.setUser(u, op);
    return u;
  }

  getUser(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => byteCompare(a.name, b.name));
  }

  // ---- rules --------------------------------------------------------------------------------

  /** Redis's ACLSetUser: one rule; throws AclRuleError. */
  setUser(u: AclUser, op: string): void {
    u.described = null;
    try {
      this.#setUser(u, op);
    } finally {
      u.changed();
    }
  }

  #setUser(u: AclUser, op: string): void {
    if (op.length === 0) return;
    const low = op.toLowerCase();
    if (low === "on") {
      u.enabled = true;
      u.disabled = false;
    } else if (low === "off") {
      u.disabled = true;
      u.enabled = false;
    } else if (low === "skip-sanitize-payload") {
      u.skipSanitize = true;
      u.sanitize = false;
    } else if (low === "sanitize-payload") {
      u.skipSanitize = false;
      u.sanitize = true;
    } else if (low === "nopass") {
      u.nopass = true;
      u.passwords = [];
    } else if (low === "resetpass") {
      u.nopass = false;
      u.passwords = [];
    } else if (op[0] === ">" || op[0] === "#") {
      let h: string;
      if (op[0] === ">") h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!HEX64.test(h) && !acceptsArgon2(h)) throw new AclRuleError("EBADMSG");
      }
      if (!u.passwords.includes(h)) u.passwords.push(h);
      u.nopass = false;
    } else if (op[0] === "<" || op[0] === "!") {
      let h: string;
      if (op[0] === "<") h = hashPassword(op.slice(1));
      else {
        h = op.slice(1);
        if (!HEX64.test(h) && !acceptsArgon2(h)) throw new AclRuleError("EBADMSG");
      }
      const i = u.passwords.indexOf(h);
      if (i < 0) throw new AclRuleError("ENODEV");
      u.passwords.splice(i, 1);
    } else if (op[0] === "(" && op[op.length - 1] === ")") {
      const s = new Selector(false, this.pubsubDefaultAll);
      const args = splitArgs(op.slice(1, -1)) ?? [];
      for (const a of args) this.setSelector(s, a);
      u.selectors.push(s);
    } else if (low === "clearselectors") {
      u.selectors.length = 1;
    } else if (low === "reset") {
      for (const r of ["resetpass", "resetkeys", "resetchannels"]) this.#setUser(u, r);
      if (this.pubsubDefaultAll) this.#setUser(u, "allchannels");
      for (const r of ["off", "sanitize-payload", "clearselectors", "-@all"]) this.#setUser(u, r);
    } else {
      this.setSelector(u.root, op);
    }
  }

  /** Redis's ACLSetSelector. */
  setSelector(s: Selector, op: string): void {
    const low = op.toLowerCase();
    if (low === "allkeys" || op === "~*") {
      s.allKeys = true;
      s.patterns = [];
    } else if (low === "resetkeys") {
      s.allKeys = false;
      s.patterns = [];
    } else if (low === "allchannels" || op === "&*") {
      s.allChannels = true;
      s.channels = [];
    } else if (low === "resetchannels") {
      s.allChannels = false;
      s.channels = [];
    } else if (low === "allcommands" || low === "+@all") {
      for (const d of this.#allRows()) s.allowed.add(d);
      s.allCommands = true;
      s.future = true;
      s.firstArgs = null;
    } else if (low === "nocommands" || low === "-@all") {
      s.allowed.clear();
      s.allCommands = false;
      s.future = false;
      s.firstArgs = null;
    } else if (op[0] === "~" || op[0] === "%") {
      if (s.allKeys) throw new AclRuleError("EEXIST");
      let flags = 0;
      let offset = 1;
      if (op[0] === "%") {
        let ok = true;
        for (; offset < op.length; offset++) {
          const ch = op[offset].toUpperCase();
          if (ch === "R" && !(flags & READ)) flags |= READ;
          else if (ch === "W" && !(flags & WRITE)) flags |= WRITE;
          else if (op[offset] === "~") {
            offset++;
            break;
          } else {
            ok = false;
            break;
          }
        }
        if (!flags || !ok) throw new AclRuleError("EINVAL");
      } else flags = ALL_PERM;
      const pat = op.slice(offset);
      if (hasSpaces(pat)) throw new AclRuleError("EINVAL");
      const have = s.patterns.find((p) => p.pattern === pat);
      if (have) have.flags |= flags;
      else s.patterns.push({ pattern: pat, flags });
      s.allKeys = false;
    } else if (op[0] === "&") {
      if (s.allChannels) throw new AclRuleError("EISDIR");
      const pat = op.slice(1);
      if (hasSpaces(pat)) throw new AclRuleError("EINVAL");
      if (!s.channels.includes(pat)) s.channels.push(pat);
      s.allChannels = false;
    } else if (op[0] === "+" && op[1] !== "@") {
      const bar = op.lastIndexOf("|");
      if (bar < 0) {
        const d = this.#cmds.lookup(op.slice(1));
        if (d === undefined) throw new AclRuleError("ENOENT");
        changePerm(s, d, true);
      } else {
        const base = op.slice(1, bar);
        const sub = op.slice(bar + 1);
        const d = this.#cmds.lookup(base);
        if (d === undefined) throw new AclRuleError("ENOENT");
        if (d.parent) throw new AclRuleError("ECHILD");
        if (sub.length === 0) throw new AclRuleError("EINVAL");
        if (d.subcommands) {
          const sd = this.#cmds.lookup(op.slice(1));
          if (sd === undefined) throw new AclRuleError("ENOENT");
          changePerm(s, sd, true);
        } else {
          this.server.log.warning(
            `Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future (offender: ${
              op.slice(1)
            })`,
          );
          if (s.firstArgs === null) s.firstArgs = new Map();
          const list = s.firstArgs.get(d) ?? [];
          if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
          s.firstArgs.set(d, list);
        }
      }
    } else if (op[0] === "-" && op[1] !== "@") {
      const d = this.#cmds.lookup(op.slice(1));
      if (d === undefined) throw new AclRuleError("ENOENT");
      changePerm(s, d, false);
    } else if ((op[0] === "+" || op[0] === "-") && op[1] === "@") {
      const cat = op.slice(2).toLowerCase();
      if (!ACL_CATEGORIES.includes(cat)) throw new AclRuleError("ENOENT");
      setCategory(this.#cmds.top, s, cat, op[0] === "+");
    } else throw new AclRuleError("EINVAL");
  }

  #allRows(): CommandDef[] {
    const out: CommandDef[] = [];
    for (const d of this.#cmds.top) {
      out.push(d);
      if (d.subcommands) out.push(...d.subcommands);
    }
    return out;
  }

  /**
   * Redis's ACLStringSetUser: apply rules to a copy, then to `u` (or a new user) all at once.
   * Returns the error text or null.
   */
  setUserFromRules(u: AclUser | undefined, name: string, rules: string[]): string | null {
    const merged = mergeSelectorArguments(rules);
    if (typeof merged === "number") {
      return `Unmatched parenthesis in acl selector starting at '${rules[merged]}'.`;
    }
    const temp = this.newUser(name);
    if (u) temp.copyFrom(u);
    for (const op of merged) {
      try {
        this.setUser(temp, op);
      } catch (e) {
        if (!(e instanceof AclRuleError)) throw e;
        return `Error in ACL SETUSER modifier '${op}': ${setUserErrorText(e.code)}`;
      }
    }
    if (u) this.killPubsubClientsIfNeeded(temp, u);
    if (!u) {
      u = this.newUser(name);
      this.users.set(name, u);
    }
    u.copyFrom(temp);
    return null;
  }

  /** Redis's ACLKillPubsubClientsIfNeeded (Redis 7: subscribers lose revoked channels). */
  killPubsubClientsIfNeeded(next: AclUser, original: AclUser): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming: string[] = [];
    for (const s of next.selectors) upcoming.push(...s.channels);
    let match = true;
    for (const s of original.selectors) {
      if (s.allChannels || s.channels.some((ch) => !upcoming.includes(ch))) {
        match = false;
        break;
      }
    }
    if (match) return;
    for (const c of [...this.server.clients.values()]) {
      if (c.aclUser !== original || c.subscriptions === 0 || c.pubsub === null) continue;
      let kill = false;
      for (const p of c.pubsub.patterns) {
        if (!channelAllowed(upcoming, p, true)) kill = true;
      }
      for (const ch of [...c.pubsub.channels, ...c.pubsub.shard]) {
        if (!channelAllowed(upcoming, ch, false)) kill = true;
      }
      if (kill) this.server.closeClient(c);
    }
  }

  /** Users deleted (or replaced by ACL LOAD): their clients are disconnected. */
  killClientsOf(u: AclUser, current: Client | null): void {
    for (const c of [...this.server.clients.values()]) {
      if (c.aclUser !== u) continue;
      c.aclUser = this.defaultUser;
      c.user = "default";
      c.authenticated = false;
      if (c === current) c.closeAfterReply = true;
      else this.server.closeClient(c);
    }
  }

  // ---- description --------------------------------------------------------------------------

  flagNames(u: AclUser): string[] {
    const out: string[] = [];
    if (u.enabled) out.push("on");
    if (u.disabled) out.push("off");
    if (u.nopass) out.push("nopass");
    if (u.skipSanitize) out.push("skip-sanitize-payload");
    if (u.sanitize) out.push("sanitize-payload");
    return out;
  }

  /** Redis's ACLDescribeUser (ACL LIST, ACL SAVE). */
  describeUser(u: AclUser): string {
    if (u.described !== null) return u.described;
    let res = "";
    for (const f of this.flagNames(u)) res += f + " ";
    for (const p of u.passwords) res += "#" + p + " ";
    for (const s of u.selectors) {
      const d = this.describeSelector(s);
      res += s.root ? d : ` (${d})`;
    }
    u.described = res;
    return res;
  }

  describeSelector(s: Selector): string {
    let res = "";
    if (s.allKeys) res += "~* ";
    else for (const p of s.patterns) res += patternString(p) + " ";
    if (s.allChannels) res += "&* ";
    else {
      res += "resetchannels ";
      for (const ch of s.channels) res += "&" + ch + " ";
    }
    return res + this.describeCommandRules(s);
  }

  /** Redis 7.0's ACLDescribeSelectorCommandRules: +@all/-@all, best-fit categories, commands. */
  describeCommandRules(s: Selector): string {
    let rules: string;
    const additive = !s.future;
    const fake = new Selector(false, false);
    if (!additive) {
      rules = "+@all ";
      this.setSelector(fake, "+@all");
    } else {
      rules = "-@all ";
      this.setSelector(fake, "-@all");
    }
    const temp = new Selector(false, false);
    temp.allowed = new Set(s.allowed);
    const applied = new Set<string>();
    const top = this.#cmds.top;
    for (;;) {
      let best: string | null = null;
      let mindiff = Infinity;
      let maxsame = 0;
      for (const cat of ACL_CATEGORIES) {
        if (applied.has(cat)) continue;
        const [on, off] = countCategoryBits(top, temp, cat);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = cat;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best === null) break;
      setCategory(top, fake, best, additive);
      setCategory(top, temp, best, !additive);
      rules += (additive ? "+@" : "-@") + best + " ";
      applied.add(best);
    }
    const single = (rows: CommandDef[]) => {
      for (const d of rows) {
        const userbit = s.allowed.has(d);
        const fakebit = fake.allowed.has(d);
        if (userbit !== fakebit) {
          rules += (userbit ? "+" : "-") + d.fullName + " ";
          changePerm(fake, d, userbit);
        }
        if (d.subcommands) single(d.subcommands);
        const fa = s.firstArgs?.get(d);
        if (!userbit && fa) { for (const a of fa) rules += `+${d.fullName}|${a} `; }
      }
    };
    single(top);
    return rules.slice(0, -1);
  }

  // ---- checks -------------------------------------------------------------------------------

  /**
   * Redis's ACLCheckAllUserCommandPerm: ACL_OK, or the reason with `pos` the argv index of the
   * key or channel refused (0 for a command).
   */
  checkCommand(u: AclUser, cmd: CommandDef, argv: string[]): { ret: number; pos: number } {
    if (u.unrestricted) return OK_RESULT;
    let relevant = ACL_DENIED_CMD;
    let lastIdx = 0;
    const cache: KeyCache = { keys: null };
    for (const s of u.selectors) {
      const r = selectorCheckCmd(s, cmd, argv, cache);
      if (r.ret === ACL_OK) return OK_RESULT;
      if (r.ret > relevant || (r.ret === relevant && r.pos > lastIdx)) {
        relevant = r.ret;
        lastIdx = r.pos;
      }
    }
    return { ret: relevant, pos: lastIdx };
  }

  /** Check a (non-pattern or pattern) channel for a user (Lua / PUBSUB helpers). */
  userCanChannel(u: AclUser, channel: string, isPattern: boolean): boolean {
    for (const s of u.selectors) {
      if (s.allChannels || channelAllowed(s.channels, channel, isPattern)) return true;
    }
    return false;
  }

  // ---- authentication -----------------------------------------------------------------------

  /**
   * Redis's ACLCheckUserCredentials. SHA-256 hashes are checked at once; Argon2id hashes (a Rexis
   * extension) only when none matched and `allowAsync` (not inside EXEC), as a promise.
   */
  checkCredentials(
    name: string,
    pass: string,
    allowAsync = false,
  ): boolean | Promise<boolean> {
    const u = this.users.get(name);
    if (u === undefined || u.disabled) return false;
    if (u.nopass) return true;
    const h = hashPassword(pass);
    const slow: string[] = [];
    for (const p of u.passwords) {
      if (p.length === 64) {
        if (timingSafeEq(p, h)) return true;
      } else if (isArgon2(p)) slow.push(p);
    }
    if (slow.length === 0 || !allowAsync) return false;
    return argon2Any(slow, pass).then((ok) => ok && this.users.get(name) === u && !u.disabled);
  }

  /**
   * Redis's ACLAuthenticateUser: on failure an `auth` entry goes to the ACL log. A promise when an
   * Argon2id hash has to be checked (the caller suspends the client meanwhile).
   */
  authenticate(c: Client, name: string, pass: string): boolean | Promise<boolean> {
    const ctx: AclContext = c.multiQueue !== null ? "multi" : "toplevel";
    const r = this.checkCredentials(name, pass, !this.server.inExec);
    if (typeof r === "boolean") return this.#authResult(c, name, ctx, r);
    return r.then((ok) => this.#authResult(c, name, ctx, ok));
  }

  #authResult(c: Client, name: string, ctx: AclContext, ok: boolean): boolean {
    if (ok) {
      c.authenticated = true;
      c.aclUser = this.users.get(name)!;
      c.user = name;
      return true;
    }
    this.addLogEntry(c, ACL_DENIED_AUTH, ctx, 0, { username: name, object: "AUTH" });
    return false;
  }

  /** requirepass: the default user's password (empty = nopass), Redis's ACLUpdateDefaultUserPassword. */
  updateDefaultPassword(pass: string): void {
    const u = this.defaultUser;
    this.setUser(u, "resetpass");
    this.setUser(u, pass !== "" ? ">" + pass : "nopass");
  }

  /** Clients must AUTH: the default user needs a password or is off. */
  authRequired(): boolean {
    return !this.defaultUser.nopass || this.defaultUser.disabled;
  }

  // ---- log ----------------------------------------------------------------------------------

  addLogEntry(
    c: Client,
    reason: number,
    context: AclContext,
    argpos: number,
    opts: { username?: string; object?: string; argv?: string[]; cmd?: CommandDef } = {},
  ): void {
    const argv = opts.argv ?? [];
    let object = opts.object;
    if (object === undefined) {
      if (reason === ACL_DENIED_CMD) object = opts.cmd?.fullName ?? argv[0] ?? "";
      else object = argv[argpos] ?? "";
    }
    const now = Date.now();
    const le: AclLogEntry = {
      count: 1,
      reason,
      context,
      object,
      username: opts.username ?? c.user,
      ctime: now,
      cinfo: this.server.clientInfo(c, argv),
      entryId: this.logEntriesCreated,
      created: now,
    };
    const log = this.log;
    for (let i = 0; i < log.length && i < 10; i++) {
      const cur = log[i];
      if (
        cur.reason === le.reason && cur.context === le.context &&
        Math.abs(cur.ctime - le.ctime) <= 60000 && cur.object === le.object &&
        cur.username === le.username
      ) {
        log.splice(i, 1);
        log.unshift(cur);
        cur.cinfo = le.cinfo;
        cur.ctime = le.ctime;
        cur.count++;
        return;
      }
    }
    log.unshift(le);
    this.logEntriesCreated++;
    const max = this.logMaxLen();
    while (log.length > max) log.pop();
  }

  logMaxLen(): number {
    try {
      return this.server.config.getNumber("acllog-max-len");
    } catch {
      return 128;
    }
  }

  /** Redis's ACLLoadUsersAtStartup: `user` directives or the aclfile, not both. */
  loadAtStartup(users: string[][]): string | null {
    const file = this.filename;
    if (file !== "" && users.length !== 0) {
      return "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.";
    }
    this.usersToLoad = users;
    const err = this.loadConfiguredUsers();
    if (err !== null) return `${err}\nCritical error while loading ACLs. Exiting.`;
    if (file !== "") {
      const errors = this.loadFromFile(file);
      if (errors !== null) return `Aborting Redis startup because of ACL errors: ${errors}`;
    }
    return null;
  }

  // ---- files --------------------------------------------------------------------------------

  /** `user` directives of the config (Redis's ACLLoadConfiguredUsers); returns an error or null. */
  loadConfiguredUsers(): string | null {
    for (const rules of this.usersToLoad) {
      const name = rules[0];
      if (hasSpaces(name)) return "Spaces not allowed in ACL usernames";
      let u = this.users.get(name);
      if (u === undefined) {
        u = this.newUser(name);
        this.users.set(name, u);
      } else this.setUser(u, "reset");
      const merged = mergeSelectorArguments(rules.slice(1));
      if (typeof merged === "number") return "Unmatched parenthesis in acl selector";
      for (const op of merged) {
        try {
          this.setUser(u, op);
        } catch (e) {
          if (!(e instanceof AclRuleError)) throw e;
          return `Error loading ACL rule '${op}' for the user named '${name}': ${
            setUserErrorText(e.code)
          }`;
        }
      }
      if (u.disabled) {
        this.server.log.notice(
          `The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`,
        );
      }
    }
    return null;
  }

  /** Redis's ACLLoadFromFile: all or nothing; returns the errors or null. */
  loadFromFile(filename: string, current: Client | null = null): string | null {
    let text: string;
    try {
      const b = Deno.readFileSync(filename);
      text = "";
      for (let i = 0; i < b.length; i += 8192) {
        text += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 8192)));
      }
    } catch (e) {
      return `Error loading ACLs, opening file '${filename}': ${errnoMessage(e)}`;
    }
    const fname = this.filename;
    const users = new Map<string, AclUser>();
    let errors = "";
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      const linenum = i + 1;
      if (line === "") continue;
      const argv = line.split(" ").filter((a) => a !== "");
      if (argv.length === 0) continue;
      if (argv[0] !== "user" || argv.length < 2) {
        errors += `${fname}:${linenum} should start with user keyword followed by the username. `;
        continue;
      }
      if (hasSpaces(argv[1])) {
        errors += `'${fname}:${linenum}: username '${argv[1]}' contains invalid characters. `;
        continue;
      }
      if (users.has(argv[1])) {
        errors += `WARNING: Duplicate user '${argv[1]}' found on line ${linenum}. `;
        continue;
      }
      const u = this.newUser(argv[1]);
      users.set(argv[1], u);
      const merged = mergeSelectorArguments(argv.slice(2));
      if (typeof merged === "number") {
        errors += `${fname}:${linenum}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const raw of merged) {
        const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, "");
        try {
          this.setUser(u, op);
        } catch (e) {
          if (!(e instanceof AclRuleError)) throw e;
          const msg = setUserErrorText(e.code);
          if (e.code === "ENOENT") {
            errors += `${fname}:${linenum}: Error in applying operation '${op}': ${msg}. `;
          } else if (!syntaxError) {
            errors += `${fname}:${linenum}: ${msg}. `;
            syntaxError = true;
          }
        }
      }
    }
    if (errors !== "") {
      return errors +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
    }
    // The default user object stays (clients reference it); the others are replaced, and clients
    // authenticated as a replaced user are disconnected.
    const newDefault = users.get("default") ?? this.createDefaultUser();
    this.defaultUser.copyFrom(newDefault);
    users.set("default", this.defaultUser);
    for (const [name, u] of this.users) {
      if (name !== "default") this.killClientsOf(u, current);
    }
    this.users = users;
    return null;
  }

  /** CONFIG REWRITE (rewriteConfigUserOption): `user` lines, or null with an aclfile. */
  configUserLines(): string[] | null {
    if (this.filename !== "") return null;
    return this.sortedUsers().map((u) => `user ${u.name} ${this.describeUser(u)}`);
  }

  /** The aclfile text (Redis's ACLSaveToFile). */
  fileText(): string {
    let s = "";
    for (const u of this.sortedUsers()) s += `user ${u.name} ${this.describeUser(u)}\n`;
    return s;
  }

  saveToFile(filename: string): boolean {
    const tmp = `${filename}.tmp-${Deno.pid}-${Date.now()}`;
    try {
      const s = this.fileText();
      const b = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
      Deno.writeFileSync(tmp, b, { mode: 0o644 });
      Deno.renameSync(tmp, filename);
      return true;
    } catch (e) {
      this.server.log.warning(`Writing ACL file for ACL SAVE: ${errnoMessage(e)}`);
      try {
        Deno.removeSync(tmp);
      } catch { /* not there */ }
      return false;
    }
  }
}

const OK_RESULT = { ret: ACL_OK, pos: 0 };

interface KeyCache {
  keys: { pos: number; flags: string[] }[] | null;
}

function selectorCheckCmd(
  s: Selector,
  cmd: CommandDef,
  argv: string[],
  cache: KeyCache,
): { ret: number; pos: number } {
  if (!s.allCommands && (cmd.flagBits! & CMD_NO_AUTH) === 0 && !s.allowed.has(cmd)) {
    const fa = s.firstArgs?.get(cmd);
    if (argv.length < 2 || fa === undefined) return { ret: ACL_DENIED_CMD, pos: 0 };
    const arg = argv[cmd.parent ? 2 : 1];
    if (arg === undefined) return { ret: ACL_DENIED_CMD, pos: 0 };
    const low = arg.toLowerCase();
    if (!fa.some((a) => a.toLowerCase() === low)) return { ret: ACL_DENIED_CMD, pos: 0 };
  }
  if (!s.allKeys && commandHasKeys(cmd)) {
    if (cache.keys === null) cache.keys = getKeysWithFlags(cmd, argv);
    for (const k of cache.keys) {
      if (!selectorCheckKey(s, argv[k.pos], k.flags)) return { ret: ACL_DENIED_KEY, pos: k.pos };
    }
  }
  if (!s.allChannels) {
    const spec = CHANNEL_SPECS[cmd.fullName!];
    if (spec !== undefined) {
      const last = spec.last < 0 ? argv.length - 1 : Math.min(spec.last, argv.length - 1);
      for (let i = 1; i <= last; i++) {
        if (!channelAllowed(s.channels, argv[i], spec.pattern)) {
          return { ret: ACL_DENIED_CHANNEL, pos: i };
        }
      }
    }
  }
  return OK_RESULT;
}

/** Redis's commands_with_channels that carry publish/subscribe flags (db.c). */
const CHANNEL_SPECS: Record<string, { pattern: boolean; last: number }> = {
  subscribe: { pattern: false, last: -1 },
  ssubscribe: { pattern: false, last: -1 },
  psubscribe: { pattern: true, last: -1 },
  publish: { pattern: false, last: 1 },
  spublish: { pattern: false, last: 1 },
};

function selectorCheckKey(s: Selector, key: string, specFlags: string[]): boolean {
  let want = 0;
  for (const f of specFlags) {
    if (f === "access") want |= READ;
    else if (f === "insert" || f === "delete" || f === "update") want |= WRITE;
  }
  for (const p of s.patterns) {
    if ((p.flags & want) !== want) continue;
    if (stringMatch(p.pattern, key)) return true;
  }
  return false;
}

/** Redis's ACLCheckChannelAgainstList: a pattern must be listed literally. */
function channelAllowed(list: string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) {
    if (isPattern ? p === channel : stringMatch(p, channel)) return true;
  }
  return false;
}

function changePerm(s: Selector, d: CommandDef, allow: boolean): void {
  if (allow) s.allowed.add(d);
  else {
    s.allowed.delete(d);
    s.allCommands = false;
  }
  s.firstArgs?.delete(d);
  if (d.subcommands) {
    for (const sub of d.subcommands) {
      if (allow) s.allowed.add(sub);
      else {
        s.allowed.delete(sub);
        s.allCommands = false;
      }
    }
  }
}

function setCategory(rows: CommandDef[], s: Selector, cat: string, allow: boolean): void {
  for (const d of rows) {
    if (d.categories!.includes(cat)) changePerm(s, d, allow);
    if (d.subcommands) setCategory(d.subcommands, s, cat, allow);
  }
}

function countCategoryBits(rows: CommandDef[], s: Selector, cat: string): [number, number] {
  let on = 0;
  let off = 0;
  for (const d of rows) {
    if (d.categories!.includes(cat)) {
      if (s.allowed.has(d)) on++;
      else off++;
    }
    if (d.subcommands) {
      const [a, b] = countCategoryBits(d.subcommands, s, cat);
      on += a;
      off += b;
    }
  }
  return [on, off];
}

function patternString(p: KeyPattern): string {
  if (p.flags === ALL_PERM) return "~" + p.pattern;
  if (p.flags === READ) return "%R~" + p.pattern;
  return "%W~" + p.pattern;
}

/** The key patterns and channels of a selector as ACL GETUSER shows them. */
export function selectorKeysText(s: Selector): string {
  if (s.allKeys) return "~*";
  return s.patterns.map(patternString).join(" ");
}

export function selectorChannelsText(s: Selector): string {
  if (s.allChannels) return "&*";
  return s.channels.map((c) => "&" + c).join(" ");
}

/** `name` or `container|sub` in the original table (rename-command does not apply). */
function lookupOriginal(top: CommandDef[], name: string): CommandDef | undefined {
  const low = name.toLowerCase();
  const bar = low.indexOf("|");
  const base = bar < 0 ? low : low.slice(0, bar);
  const d = top.find((x) => x.name === base);
  if (d === undefined || bar < 0) return d;
  const sub = low.slice(bar + 1);
  if (sub.includes("|") || !d.subcommands) return undefined;
  return d.subcommands.find((x) => x.name === sub);
}

/**
 * Redis's ACLMergeSelectorArguments: a selector spread over several arguments is joined; returns
 * the merged rules or the index of an unclosed `(`.
 */
export function mergeSelectorArguments(argv: string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let sel = "";
  for (let j = 0; j < argv.length; j++) {
    const op = argv[j];
    if (op[0] === "(" && op[op.length - 1] !== ")") {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += " " + op;
      if (op[op.length - 1] === ")") {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  return open !== -1 ? open : out;
}

function timingSafeEq(a: string, b: string): boolean {
  let d = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

function errnoMessage(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  return (e as Error).message;
}

/** Hex of `bits` random bits, rounded up to whole hex digits (ACL GENPASS). */
export function genPass(bits: number): string {
  const chars = Math.floor((bits + 3) / 4);
  return (randomBytes(Math.ceil(chars / 2)) as Uint8Array).reduce(
    (s: string, x: number) => s + x.toString(16).padStart(2, "0"),
    "",
  ).slice(0, chars);
}

// ---- Argon2id (Rexis extension) -----------------------------------------------------------------

/** An Argon2id PHC string as hash-wasm and the argon2 reference tools write it. */
const ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

function isArgon2(h: string): boolean {
  return h.startsWith("$argon2id$");
}

function acceptsArgon2(h: string): boolean {
  return ARGON2ID.test(h);
}

/** Verify against Argon2id hashes (asynchronous: hash-wasm runs the KDF in WebAssembly). */
async function argon2Any(hashes: string[], pass: string): Promise<boolean> {
  const password = binToBytes(pass);
  for (const hash of hashes) {
    try {
      if (await argon2Verify({ password, hash })) return true;
    } catch { /* malformed: no match */ }
  }
  return false;
}

// ---- dispatch -----------------------------------------------------------------------------------

/**
 * processCommand's ACL guard (server.c): null when `c`'s user may run this command line, else the
 * NOPERM error to reply, after logging the denial in the ACL log.
 */
export function aclDenialError(
  c: Client,
  cmd: CommandDef,
  argv: string[],
  context: AclContext,
): string | null {
  const acl = c.server.acl;
  const r = acl.checkCommand(c.aclUser, cmd, argv);
  if (r.ret === ACL_OK) return null;
  acl.addLogEntry(c, r.ret, context, r.pos, { argv, cmd });
  switch (r.ret) {
    case ACL_DENIED_CMD:
      return `NOPERM this user has no permissions to run the '${cmd.fullName}' command`;
    case ACL_DENIED_KEY:
      return "NOPERM this user has no permissions to access one of the keys used as arguments";
    case ACL_DENIED_CHANNEL:
      return "NOPERM this user has no permissions to access one of the channels used as arguments";
  }
  return "no permission";
}

/** EXEC re-checks each queued command (multi.c): the NOPERM text, or null when allowed. */
export function aclExecDenialError(c: Client, cmd: CommandDef, argv: string[]): string | null {
  const acl = c.server.acl;
  if (c.aclUser.unrestricted) return null;
  const r = acl.checkCommand(c.aclUser, cmd, argv);
  if (r.ret === ACL_OK) return null;
  acl.addLogEntry(c, r.ret, "multi", r.pos, { argv, cmd });
  const reason = r.ret === ACL_DENIED_CMD
    ? "no permission to execute the command or subcommand"
    : r.ret === ACL_DENIED_KEY
    ? "no permission to touch the specified keys"
    : r.ret === ACL_DENIED_CHANNEL
    ? "no permission to access one of the channels used as arguments"
    : "no permission";
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " +
    reason;
}

/**
 * Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess(CMD_KEY_ACCESS): some selector allows this
 * command line and reads every key (`~*` or `%R~*`). SORT's BY and GET need it.
 */
export function aclFullKeyAccess(c: Client, argv: string[]): boolean {
  const u = c.aclUser;
  if (u.unrestricted) return true;
  const cmd = c.server.commands.lookup(argv);
  if (cmd === undefined) return false;
  const cache: KeyCache = { keys: null };
  for (const s of u.selectors) {
    if (selectorCheckCmd(s, cmd, argv, cache).ret !== ACL_OK) continue;
    if (s.allKeys || s.patterns.some((p) => (p.flags & READ) !== 0 && p.pattern === "*")) {
      return true;
    }
  }
  return false;
}

/**
 * For redis.call / FCALL (Redis's scriptVerifyACL): `c` is the script's client, whose user is the
 * caller's. null when allowed, else the error text the script sees; the denial is logged with
 * context `lua`.
 */
export function aclScriptDenialError(c: Client, cmd: CommandDef, argv: string[]): string | null {
  if (c.aclUser.unrestricted) return null;
  const acl = c.server.acl;
  const r = acl.checkCommand(c.aclUser, cmd, argv);
  if (r.ret === ACL_OK) return null;
  acl.addLogEntry(c, r.ret, "lua", r.pos, { argv, cmd });
  const msg = r.ret === ACL_DENIED_CMD
    ? "can't run this command or subcommand"
    : r.ret === ACL_DENIED_KEY
    ? "can't access at least one of the keys mentioned in the command arguments"
    : r.ret === ACL_DENIED_CHANNEL
    ? "can't publish to the channel mentioned in the command"
    : "lacking the permissions for the command";
  return `The user executing the script ${msg}`;
}
