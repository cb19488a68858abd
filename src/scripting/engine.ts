/**
 * Running scripts (Redis 7.0's script.c + eval.c + the run part of function_lua.c).
 *
 * One ScriptEngine per Server (`scriptEngine(server)`), holding the one Lua state, the EVAL script
 * cache (sha → body and shebang flags; the compiled function is the hidden global `f_<sha>`), the
 * script client (`flagScript`: MONITOR shows it as `lua`) and the run context of the script
 * running now.
 *
 * redis.call / redis.pcall enter `scriptCall`, which applies Redis's script guards in its order
 * (unknown command / arity, noscript, read-only script, OOM before the first write) and then runs
 * the command through dispatch's `call()` on the script client, so statistics, SLOWLOG, MONITOR,
 * keyspace events, WATCH invalidation and tracking are those of any command. `server.inExec` is set
 * while a script runs: blocking commands do not block (Redis's DENY_BLOCKING), the command time
 * stays that of the script, and blocked clients are served after the script as a whole. The reply
 * the command wrote into the script client is then converted into Lua values (RESP2 or RESP3 by
 * redis.setresp) and the script's return value into the caller's reply, by Redis's tables.
 *
 * Scripts run to completion synchronously: there is no busy-script mode yet (SCRIPT KILL and
 * FUNCTION KILL answer NOTBUSY), see docs/architecture.md.
 */
import { createHash } from "node:crypto";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { Client as ClientClass } from "../server/client.ts";
import { call, syncErrorCount } from "../server/dispatch.ts";
import { resumeClient } from "../server/conn.ts";
import { handleClientsBlockedOnKeys } from "../server/blocking.ts";
import type { Db } from "../store/db.ts";
import { scriptCaller } from "../server/tracking.ts";
import { ACL_OK, aclScriptDenialError } from "../server/acl.ts";
import {
  CMD_DENYOOM,
  CMD_MAY_REPLICATE,
  CMD_NOSCRIPT,
  CMD_WRITE,
  type CommandDef,
} from "../commands/types.ts";
import { EVICT_FAIL, OOM_ERROR } from "../server/evict.ts";
import { holdPropagation, PROPAGATE_ALL, releasePropagation } from "../server/propagate.ts";
import { REDIS_COMPAT_VERSION as REDIS_VERSION } from "../server/version.ts";
import { LAZY_LIBS } from "./prelude.lua.ts";
import {
  loadLuaModule,
  Lua,
  LUA_TBOOLEAN,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LUA_YIELD,
  luaNumberArg,
  newLua,
} from "./lua.ts";

const luaModule = await loadLuaModule();

export const SCRIPT_FLAG_NO_WRITES = 1 << 0;
export const SCRIPT_FLAG_ALLOW_OOM = 1 << 1;
export const SCRIPT_FLAG_ALLOW_STALE = 1 << 2;
export const SCRIPT_FLAG_NO_CLUSTER = 1 << 3;
export const SCRIPT_FLAG_EVAL_COMPAT_MODE = 1 << 4;
export const SCRIPT_FLAG_ALLOW_CROSS_SLOT = 1 << 5;

export const SCRIPT_FLAG_NAMES: [string, number][] = [
  ["no-writes", SCRIPT_FLAG_NO_WRITES],
  ["allow-oom", SCRIPT_FLAG_ALLOW_OOM],
  ["allow-stale", SCRIPT_FLAG_ALLOW_STALE],
  ["no-cluster", SCRIPT_FLAG_NO_CLUSTER],
  ["allow-cross-slot-keys", SCRIPT_FLAG_ALLOW_CROSS_SLOT],
];

export interface CachedScript {
  body: string;
  flags: number;
  /** The compiled function: a reference in the Lua registry (luaL_ref). */
  ref: number;
}

export interface RunCtx {
  caller: Client;
  funcname: string;
  argv: string[];
  start: number;
  sliceStart: number;
  killed: boolean;
  /** Passed busy-reply-threshold (other clients get -BUSY while it yields). */
  timedOut: boolean;
  /** Top-level call from a connection (not inside EXEC): the script may yield. */
  canYield: boolean;
  /** The script client's db between slices (SELECT inside the script). */
  db: Db;
  readOnly: boolean;
  allowOom: boolean;
  /** OOM was detected when the script started (Redis's pre_command_oom_state). */
  oomAtStart: boolean;
  writeDirty: boolean;
  evalMode: boolean;
}

export function sha1hex(s: string): string {
  return createHash("sha1").update(s, "latin1").digest("hex");
}

/** Redis's luaPushErrorBuff: "-CODE msg" or "msg" (code ERR), trimmed of CR/LF. */
function errorText(s: string): string {
  let code = "ERR";
  let msg = s;
  if (s.startsWith("-")) {
    const sp = s.indexOf(" ");
    if (sp < 0) msg = s.slice(1);
    else {
      code = s.slice(1, sp);
      msg = s.slice(sp + 1);
    }
  }
  return code + " " + msg.replace(/^[\r\n]+|[\r\n]+$/g, "");
}

/** Parse a `#!lua [flags=a,b]` shebang; returns flags and the shebang length, or an error. */
export function extractShebangFlags(
  body: string,
): { flags: number; len: number } | { error: string } {
  if (!body.startsWith("#!")) return { flags: SCRIPT_FLAG_EVAL_COMPAT_MODE, len: 0 };
  const end = body.indexOf("\n");
  if (end < 0) return { error: "Invalid script shebang" };
  const parts = body.slice(0, end).split(/[ \t]+/).filter((p) => p !== "");
  if (parts.length === 0) return { error: "Invalid engine in script shebang" };
  if (parts[0] !== "#!lua") return { error: `Unexpected engine in script shebang: ${parts[0]}` };
  let flags = 0;
  for (let j = 1; j < parts.length; j++) {
    if (!parts[j].startsWith("flags=")) return { error: `Unknown lua shebang option: ${parts[j]}` };
    const list = parts[j].slice(6);
    if (list === "") continue;
    for (const f of list.split(",")) {
      const e = SCRIPT_FLAG_NAMES.find(([n]) => n === f);
      if (!e) return { error: `Unexpected flag in script shebang: ${f}` };
      flags |= e[1];
    }
  }
  return { flags, len: end };
}

export class ScriptEngine {
  readonly server: Server;
  readonly lua: Lua;
  readonly scripts = new Map<string, CachedScript>();
  /** Bytes of script bodies (INFO used_memory_scripts_eval). */
  scriptsBytes = 0;
  readonly sc: Client;
  run: RunCtx | null = null;
  /** Set while FUNCTION LOAD runs a library: where redis.register_function puts functions. */
  loading: { functions: Map<string, { flags: string[]; description: string | null }> } | null =
    null;

  constructor(server: Server) {
    this.server = server;
    this.sc = new ClientClass(server, 0, null, server.dbs[0], Date.now());
    this.sc.flagScript = true;
    this.sc.authenticated = true;
    this.lua = newLua(luaModule, (lua) => this.#defineHost(lua));
    this.#co = this.lua.newThread("__co");
    this.#threshold = server.config.getNumber("busy-reply-threshold");
    server.config.onChange("busy-reply-threshold", (v) => {
      this.#threshold = v as number;
    });
  }

  #defineHost(lua: Lua): void {
    lua.defineFunction("__rcall", (l) => {
      const n = this.#bridge(l, true);
      if (n === 2 && l.toBool(-1)) {
        l.pop();
        return l.x.lua_error(l.L);
      }
      return n;
    });
    lua.defineFunction("__rpcall", (l) => this.#bridge(l, false));
    lua.defineFunction("__sha1hex", (l) => {
      const s = l.type(1) === LUA_TNUMBER ? luaNumberArg(l.toNum(1)) : l.toStr(1) ?? "";
      l.pushStr(sha1hex(s));
      return 1;
    });
    lua.defineFunction("__log", (l) => {
      const level = l.toNum(1);
      const msg = l.toStr(2) ?? "";
      this.server.log.log(level, msg);
      return 0;
    });
    lua.defineFunction("__setresp", (l) => {
      this.sc.resp = l.toNum(1) as 2 | 3;
      return 0;
    });
    // redis.set_repl: where the commands run from now on are propagated (AOF and/or replicas).
    lua.defineFunction("__setrepl", (l) => {
      this.sc.propagateTargets = l.toNum(1);
      return 0;
    });
    lua.defineFunction("__aclcheck", (l) => {
      const n = l.top();
      const argv: string[] = [];
      for (let i = 1; i <= n; i++) argv.push(l.toStr(i) ?? "");
      const cmd = this.server.commands.lookup(argv);
      if (cmd === undefined) return 0;
      // Redis's luaRedisAclCheckCmdPermissionsCommand: the running script's user, nothing logged.
      const caller = scriptCaller.current;
      const ok = caller === null || caller.aclUser.unrestricted ||
        this.server.acl.checkCommand(caller.aclUser, cmd, argv).ret === ACL_OK;
      l.pushBool(ok);
      return 1;
    });
    lua.defineFunction("__libsrc", (l) => {
      l.pushStr(LAZY_LIBS[l.toStr(1) ?? ""] ?? "return nil");
      return 1;
    });
    lua.defineFunction("__inh", () => {
      this.inHandler = true;
      return 0;
    });
    lua.defineFunction("__regfn", (l) => {
      const n = this.#registerFunction(l);
      // An error table was pushed: raise it (Redis's luaError).
      return n === 1 ? l.x.lua_error(l.L) : n;
    });
    lua.pushStr(REDIS_VERSION);
    lua.setGlobal("__version");
    const [a, b, c] = REDIS_VERSION.split(".").map(Number);
    lua.pushInt((a << 16) | (b << 8) | c);
    lua.setGlobal("__version_num");
  }

  /** FUNCTION LOAD running a library's code: globals resolve to the load API. */
  setLoading(on: boolean): void {
    const l = this.lua;
    const base = l.top();
    l.getGlobal("__host");
    l.getField(-1, "setloading");
    l.pushBool(on);
    l.pcall(1, 0, 0);
    l.setTop(base);
  }

  /** Bytes the Lua heap holds (collectgarbage("count"), Redis's lua_gc LUA_GCCOUNT). */
  luaMemory(): number {
    const l = this.lua;
    const base = l.top();
    l.getGlobal("collectgarbage");
    l.pushStr("count");
    const kb = l.pcall(1, 1, 0) === 0 ? l.toNum(-1) : 0;
    l.setTop(base);
    return Math.floor(kb * 1024);
  }

  /** Push Redis's error table {err=..., [ignore_error_stats_update=true]}. */
  pushError(msg: string, ignoreStats = false): void {
    const l = this.lua;
    l.newTable(0, 2);
    l.pushStr(errorText(msg));
    l.setField(-2, "err");
    if (ignoreStats) {
      l.pushBool(true);
      l.setField(-2, "ignore_error_stats_update");
    }
  }

  // ---- redis.call / redis.pcall -------------------------------------------------------------

  #bridge(l: Lua, raise: boolean): number {
    const ctx = this.run;
    if (ctx === null) {
      this.pushError("redis.call/pcall can only be called inside a script invocation");
      l.pushBool(raise);
      return 2;
    }
    const n = l.top();
    if (n === 0) {
      this.pushError("Please specify at least one argument for this redis lib call");
      l.pushBool(raise);
      return 2;
    }
    const argv = new Array<string>(n);
    for (let i = 1; i <= n; i++) {
      const t = l.type(i);
      let s: string | null;
      if (t === LUA_TNUMBER) s = luaNumberArg(l.toNum(i));
      else if (t === LUA_TSTRING) s = l.toStr(i);
      else s = null;
      if (s === null) {
        l.setTop(0);
        this.pushError("Lua redis lib command arguments must be strings or integers");
        l.pushBool(raise);
        return 2;
      }
      argv[i - 1] = s;
    }
    l.setTop(0);
    const err = this.#scriptCall(ctx, argv);
    if (err !== null) {
      this.pushError(err, true);
      l.pushBool(raise);
      return 2;
    }
    const sc = this.sc;
    const out = sc.out;
    const isErr = out[0] === 45; // '-'
    this.#pushReply(out, 0, sc.outLen);
    sc.outLen = 0;
    if (raise && isErr) {
      l.pushBool(true);
      return 2;
    }
    return 1;
  }

  /** Redis's scriptCall: the guards, then call(); returns an error text or null. */
  #scriptCall(ctx: RunCtx, argv: string[]): string | null {
    const server = this.server;
    const sc = this.sc;
    const cmd: CommandDef | undefined = server.commands.lookup(argv);
    let err: string | null = null;
    if (cmd === undefined) err = "Unknown Redis command called from script";
    else if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
      err = "Wrong number of args calling Redis command from script";
    } else {
      const f = cmd.flagBits!;
      if (f & CMD_NOSCRIPT) err = "This Redis command is not allowed from script";
      else if ((err = aclScriptDenialError(ctx.caller, cmd, argv)) !== null) {
        // ACL of the user running the script (logged in ACL LOG with context "lua").
      } else if (ctx.readOnly && (f & (CMD_WRITE | CMD_MAY_REPLICATE))) {
        err = "Write commands are not allowed from read-only scripts.";
      } else if (f & CMD_WRITE && server.diskError !== null) {
        err = "-" + server.diskError; // a failed save / AOF write (scriptVerifyWriteCommandAllow)
      } else if (
        !ctx.allowOom && server.evictor.maxmemory !== 0 && !ctx.writeDirty && ctx.oomAtStart &&
        (f & CMD_DENYOOM)
      ) err = "-" + OOM_ERROR;
    }
    if (err !== null) {
      // afterErrorReply + incrCommandStatsOnError(REJECTED)
      server.stats.countError(errorText(err));
      if (cmd) cmd.stats!.rejectedCalls++;
      syncErrorCount(server);
      return err;
    }
    if (cmd!.flagBits! & CMD_WRITE) ctx.writeDirty = true;
    sc.outLen = 0;
    call(sc, cmd!, argv);
    return null;
  }

  /** Convert one RESP reply in `b[p..end)` to a Lua value on the stack; returns the next offset. */
  #pushReply(b: Uint8Array, p: number, end: number): number {
    const l = this.lua;
    l.x.lua_checkstack(l.L, 4);
    const type = b[p];
    let nl = p + 1;
    while (nl < end && b[nl] !== 13) nl++;
    const next = nl + 2;
    // Integer header (":", "$", "*"...) of up to 15 digits: read straight from the bytes.
    if (type !== 43 && type !== 45 && type !== 44 && type !== 40 && nl - p <= 16) {
      let q = p + 1;
      const neg = b[q] === 45;
      if (neg) q++;
      let v = 0;
      while (q < nl) v = v * 10 + b[q++] - 48;
      if (neg) v = -v;
      if (type === 58) {
        l.pushInt(v);
        return next;
      }
      if (type === 36) {
        if (v < 0) l.pushBool(false);
        else {
          l.pushBytes(b, next, next + v);
          return next + v + 2;
        }
        return next;
      }
    }
    const line = (): string => {
      let s = "";
      for (let i = p + 1; i < nl; i++) s += String.fromCharCode(b[i]);
      return s;
    };
    switch (type) {
      case 43: // '+'
        l.newTable(0, 1);
        l.pushBytes(b, p + 1, nl);
        l.setField(-2, "ok");
        return next;
      case 45: // '-'
        l.newTable(0, 2);
        l.pushBytes(b, p + 1, nl);
        l.setField(-2, "err");
        l.pushBool(true);
        l.setField(-2, "ignore_error_stats_update");
        return next;
      case 58: { // ':'
        const s = line();
        const n = Number(s);
        // An integer: prints as Lua 5.1 prints a number (no ".0").
        if (Number.isSafeInteger(n)) l.pushInt(n);
        else l.pushNum(n);
        return next;
      }
      case 36: { // '$'
        const n = Number(line());
        if (n < 0) {
          l.pushBool(false);
          return next;
        }
        l.pushBytes(b, next, next + n);
        return next + n + 2;
      }
      case 42: // '*'
      case 126: // '~'
      case 37: // '%'
      case 62: { // '>'
        const n = Number(line());
        if (n < 0) {
          l.pushBool(false);
          return next;
        }
        let q = next;
        if (type === 37) {
          l.newTable(0, 1);
          l.newTable(0, n);
          for (let i = 0; i < n; i++) {
            q = this.#pushReply(b, q, end);
            q = this.#pushReply(b, q, end);
            this.#rawSet(-3);
          }
          l.setField(-2, "map");
          return q;
        }
        if (type === 126) {
          l.newTable(0, 1);
          l.newTable(0, n);
          for (let i = 0; i < n; i++) {
            q = this.#pushReply(b, q, end);
            l.pushBool(true);
            this.#rawSet(-3);
          }
          l.setField(-2, "set");
          return q;
        }
        l.newTable(n, 0);
        for (let i = 1; i <= n; i++) {
          q = this.#pushReply(b, q, end);
          l.rawSetI(-2, i);
        }
        return q;
      }
      case 95: // '_'
        l.pushNil();
        return next;
      case 35: // '#'
        l.pushBool(b[p + 1] === 116);
        return next;
      case 44: { // ','
        l.newTable(0, 1);
        const s = line();
        l.pushNum(s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s));
        l.setField(-2, "double");
        return next;
      }
      case 40: // '('
        l.newTable(0, 1);
        l.pushBytes(b, p + 1, nl);
        l.setField(-2, "big_number");
        return next;
      case 61: { // '='
        const n = Number(line());
        l.newTable(0, 1);
        l.newTable(0, 2);
        l.pushBytes(b, next, next + 3);
        l.setField(-2, "format");
        l.pushBytes(b, next + 4, next + n);
        l.setField(-2, "string");
        l.setField(-2, "verbatim_string");
        return next + n + 2;
      }
      case 124: { // '|' attribute: skipped
        const n = Number(line());
        let q = next;
        for (let i = 0; i < 2 * n; i++) {
          q = this.#pushReply(b, q, end);
          l.pop();
        }
        return this.#pushReply(b, q, end);
      }
    }
    l.pushNil();
    return end;
  }

  #rawSet(t: number): void {
    this.lua.x.lua_rawset(this.lua.L, t);
  }

  // ---- Lua value → caller's reply -------------------------------------------------------------

  /** Redis's luaReplyToRedisReply: consume the top of the stack into c's reply. */
  replyFromLua(c: Client, depth = 0): void {
    const l = this.lua;
    const t = l.type(-1);
    if (depth > 1000 || l.x.lua_checkstack(l.L, 4) === 0) {
      c.addError("ERR reached lua stack limit");
      l.pop();
      return;
    }
    switch (t) {
      case LUA_TSTRING:
        c.addBulk(l.toStr(-1)!);
        break;
      case LUA_TBOOLEAN:
        if (this.sc.resp === 2) {
          if (l.toBool(-1)) c.addInt(1);
          else c.addNull();
        } else c.addBool(l.toBool(-1));
        break;
      case LUA_TNUMBER: {
        const n = Math.trunc(l.toNum(-1));
        if (Number.isSafeInteger(n)) c.addInt(n);
        else if (Number.isFinite(n) && Math.abs(n) < 2 ** 63) c.addInt(BigInt(n));
        else c.addInt(-(2n ** 63n));
        break;
      }
      case LUA_TTABLE:
        this.#replyTable(c, depth);
        return;
      default:
        c.addNull();
    }
    l.pop();
  }

  #replyTable(c: Client, depth: number): void {
    const l = this.lua;
    const t = l.absIndex(-1);
    if (l.rawGetField(t, "err") === LUA_TSTRING) {
      const msg = l.toStr(-1)!;
      l.pop();
      const ignore = l.rawGetField(t, "ignore_error_stats_update") === LUA_TBOOLEAN && l.toBool(-1);
      l.pop(2);
      replyScriptError(c, msg, ignore, this.#row);
      return;
    }
    l.pop();
    if (l.rawGetField(t, "ok") === LUA_TSTRING) {
      c.addStatus(l.toStr(-1)!.replace(/[\r\n]/g, " "));
      l.pop(2);
      return;
    }
    l.pop();
    if (l.rawGetField(t, "double") === LUA_TNUMBER) {
      c.addDouble(l.toNum(-1));
      l.pop(2);
      return;
    }
    l.pop();
    if (l.rawGetField(t, "big_number") === LUA_TSTRING) {
      c.addBigNumber(l.toStr(-1)!.replace(/[\r\n]/g, " "));
      l.pop(2);
      return;
    }
    l.pop();
    if (l.rawGetField(t, "verbatim_string") === LUA_TTABLE) {
      const v = l.absIndex(-1);
      if (l.rawGetField(v, "format") === LUA_TSTRING) {
        const format = l.toStr(-1)!;
        if (l.rawGetField(v, "string") === LUA_TSTRING) {
          c.addVerbatim(l.toStr(-1)!, format);
          l.pop(4);
          return;
        }
        l.pop();
      }
      l.pop();
    }
    l.pop();
    if (l.rawGetField(t, "map") === LUA_TTABLE) {
      const at = c.deferLen();
      let n = 0;
      l.pushNil();
      while (l.next(-2)) {
        l.pushValue(-2);
        this.replyFromLua(c, depth + 1); // key
        this.replyFromLua(c, depth + 1); // value
        n++;
      }
      c.setDeferredMap(at, n);
      l.pop(2);
      return;
    }
    l.pop();
    if (l.rawGetField(t, "set") === LUA_TTABLE) {
      const at = c.deferLen();
      let n = 0;
      l.pushNil();
      while (l.next(-2)) {
        l.pop();
        l.pushValue(-1);
        this.replyFromLua(c, depth + 1);
        n++;
      }
      c.setDeferredSet(at, n);
      l.pop(2);
      return;
    }
    l.pop();
    const at = c.deferLen();
    let n = 0;
    for (let j = 1;; j++) {
      if (l.rawGetI(-1, j) === LUA_TNIL) {
        l.pop();
        break;
      }
      this.replyFromLua(c, depth + 1);
      n++;
    }
    c.setDeferredArray(at, n);
    l.pop();
  }

  // ---- running --------------------------------------------------------------------------------

  /**
   * Redis's scriptPrepareForRun checks (for scripts that declared flags); replies the error and
   * returns false when the script may not run.
   */
  prepare(c: Client, flags: number, ro: boolean): boolean {
    if (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return true;
    if (!(flags & SCRIPT_FLAG_NO_WRITES)) {
      // A failed save: Redis's processCommand refuses such a script (its flags make it a write)
      // with the plain MISCONF error before it runs.
      const disk = this.server.diskError;
      if (disk !== null) {
        c.addError(disk);
        return false;
      }
      if (ro) {
        c.addError("ERR Can not execute a script with write flag using *_ro command.");
        return false;
      }
    }
    if (
      this.#oomNow() && !(flags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))
    ) {
      c.addError(
        "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
      );
      return false;
    }
    return true;
  }

  #oomNow(): boolean {
    const ev = this.server.evictor;
    return ev.maxmemory !== 0 && ev.perform() === EVICT_FAIL;
  }

  /**
   * Run a script or function: `fn`, a registry reference (EVAL) or a global (`__fn_<name>`), with, for a
   * function (`fcallKeys` ≥ 0), its KEYS and ARGV tables built from argv[3..] as arguments (EVAL
   * scripts find them in their environment: setKeysArgv). `row` is the EVAL/FCALL row (its
   * failed_calls). The call runs in the engine's coroutine under `__runner` (xpcall with the
   * error handler), so the count hook can yield it once the script passed busy-reply-threshold:
   * the caller is then parked (`blocked`), other clients get -BUSY (dispatch), and the script goes
   * on in slices from timers until it ends or SCRIPT/FUNCTION KILL stops it. The reply is written
   * when it ends.
   */
  callFunction(
    c: Client,
    funcname: string,
    flags: number,
    ro: boolean,
    evalMode: boolean,
    fn: string | number,
    argv: string[],
    row: CommandDef | undefined,
    fcallKeys = -1,
  ): void {
    const l = this.lua;
    const server = this.server;
    const T = this.#co;
    // Effects replication: the commands the script runs are propagated, never the script itself.
    c.preventPropagate = true;
    l.L = T;
    let nargs = 1;
    try {
      l.setTop(0);
      l.getGlobal("__runner");
      if (typeof fn === "number") l.rawGetI(l.registryIndex(), fn);
      else l.getGlobal(fn);
      if (fcallKeys >= 0) {
        nargs = 3;
        l.newTable(fcallKeys, 0);
        for (let i = 0; i < fcallKeys; i++) {
          l.pushStr(argv[3 + i]);
          l.rawSetI(-2, i + 1);
        }
        const n = argv.length - 3 - fcallKeys;
        l.newTable(n, 0);
        for (let i = 0; i < n; i++) {
          l.pushStr(argv[3 + fcallKeys + i]);
          l.rawSetI(-2, i + 1);
        }
      }
    } finally {
      l.L = l.main;
    }
    const compat = (flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) !== 0;
    // The EVAL/FCALL's own start time when dispatch has it (a clock read costs ~100 ns).
    const now = server.batchClock !== 0 ? server.batchClock : performance.now();
    const ctx: RunCtx = {
      caller: c,
      funcname,
      argv,
      readOnly: ro || (!compat && (flags & SCRIPT_FLAG_NO_WRITES) !== 0),
      allowOom: !compat && (flags & SCRIPT_FLAG_ALLOW_OOM) !== 0,
      oomAtStart: server.evictor.maxmemory !== 0 && this.#oomNow(),
      writeDirty: false,
      evalMode,
      start: now,
      sliceStart: now,
      killed: false,
      timedOut: false,
      canYield: !server.inExec && c.conn !== null,
      db: c.db,
    };
    this.run = ctx;
    this.#row = row;
    const sc = this.sc;
    sc.db = c.db;
    sc.resp = 2;
    sc.propagateTargets = PROPAGATE_ALL;
    this.inHandler = false;
    const threshold = this.#threshold;
    // The count hook stays on the coroutine between scripts (it does nothing outside one).
    if ((threshold > 0) !== this.#hookOn) {
      this.#hookOn = threshold > 0;
      l.setHook(T, this.#hookOn ? this.#hookFn : null, 100000);
    }
    this.#slice(ctx, nargs, true);
  }

  #hookFn = (): void => this.#hook();
  #hookOn = false;
  #co = 0;
  #threshold = 0;
  /** The EVAL/FCALL row being run (its failed_calls). */
  #row: CommandDef | undefined;
  /** The error handler ran for the current error (a killed script stops raising). */
  inHandler = false;

  /** Resume the script for one slice; finish it when it ends. */
  #slice(ctx: RunCtx, nargs: number, first = false): void {
    const l = this.lua;
    const server = this.server;
    const T = this.#co;
    const wasInExec = server.inExec;
    server.inExec = true;
    scriptCaller.current = ctx.caller;
    scriptCaller.cmd = this.#row ?? null;
    scriptCaller.argv = ctx.argv;
    if (!first) ctx.sliceStart = performance.now();
    this.sc.db = ctx.db;
    let st: number;
    try {
      st = l.resume(T, nargs);
    } finally {
      server.inExec = wasInExec;
      scriptCaller.current = null;
      scriptCaller.cmd = null;
      ctx.db = this.sc.db;
    }
    if (st === LUA_YIELD) {
      if (!server.busyScriptError) {
        server.busyScriptError = "BUSY Redis is busy running a script. You can only call " +
          (ctx.evalMode ? "SCRIPT KILL" : "FUNCTION KILL") + " or SHUTDOWN NOSAVE.";
        ctx.caller.blocked = true;
        // The whole run stays one propagated unit (one MULTI/EXEC) across its slices.
        holdPropagation(server);
      }
      setTimeout(() => this.#slice(ctx, 0), 0);
      return;
    }
    const c = ctx.caller;
    const busy = server.busyScriptError !== null;
    if (ctx.killed && this.#hookOn) {
      // The kill switched the hook to every line: back to the count hook.
      l.setHook(T, this.#hookFn, 100000);
    }
    this.run = null;
    this.sc.outLen = 0;
    const L = l.main;
    const base = l.top();
    if (st === 0) {
      l.x.lua_settop(T, 2);
      l.x.lua_xmove(T, L, 2);
      const ok = l.toBool(-2);
      l.x.lua_rotate(L, -2, 1);
      l.pop();
      if (!ok) this.#replyError(c, ctx.funcname);
      else this.replyFromLua(c);
    } else {
      l.x.lua_xmove(T, L, 1);
      this.#replyError(c, ctx.funcname);
      l.x.lua_resetthread(T);
    }
    l.setTop(base);
    l.x.lua_settop(T, 0);
    if (busy) {
      server.busyScriptError = null;
      c.blocked = false;
      releasePropagation(server);
      if (server.readyDbs.size !== 0) handleClientsBlockedOnKeys(server);
      resumeClient(c);
    }
  }

  /** The count hook (every 100000 instructions; every line once killed). */
  #hook(): void {
    const ctx = this.run;
    if (ctx === null) return;
    const l = this.lua;
    if (ctx.killed) {
      if (this.inHandler) return;
      // Raise again on every line, so that a pcall in the script cannot swallow the kill.
      l.setHook(this.#co, this.#hookFn, 1, true);
      this.pushError("Script killed by user with SCRIPT KILL...");
      l.x.lua_error(l.L);
      return;
    }
    const now = performance.now();
    if (now - ctx.start < this.#threshold) return;
    if (!ctx.timedOut) {
      ctx.timedOut = true;
      this.server.log.warning(
        `Slow script detected: still in execution after ${
          Math.floor(now - ctx.start)
        } milliseconds. You can try killing the script using the ${
          ctx.evalMode ? "SCRIPT KILL" : "FUNCTION KILL"
        } command. Script name is: ${ctx.funcname}.`,
      );
    }
    // Give the event loop a turn about every 10 ms (other clients get -BUSY meanwhile).
    if (ctx.canYield && now - ctx.sliceStart >= 10 && l.x.lua_isyieldable(l.L) !== 0) {
      l.x.lua_yieldk(l.L, 0, 0, 0);
    }
  }

  /** SCRIPT KILL (eval) / FUNCTION KILL (!eval). */
  kill(c: Client, evalKill: boolean): void {
    const ctx = this.run;
    if (ctx === null || !ctx.timedOut) {
      return c.addError("NOTBUSY No scripts in execution right now.");
    }
    if (ctx.writeDirty) {
      return c.addError(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
      );
    }
    if (evalKill && !ctx.evalMode) {
      return c.addError(
        "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.",
      );
    }
    if (!evalKill && ctx.evalMode) {
      return c.addError(
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
      );
    }
    ctx.killed = true;
    c.addOk();
  }

  /** The error on top of the main stack → the caller's error reply. */
  #replyError(c: Client, funcname: string): void {
    const l = this.lua;
    if (l.type(-1) !== LUA_TTABLE) {
      const msg = l.toStr(-1) ?? "execution failure";
      c.addError(`ERR Error running script ${funcname}, ${msg.slice(0, 100)}`);
      return;
    }
    const et = l.absIndex(-1);
    let msg = "";
    if (l.rawGetField(et, "err") === LUA_TSTRING) msg = l.toStr(-1)!;
    l.pop();
    let source: string | null = null;
    let line: string | null = null;
    if (l.rawGetField(et, "source") === LUA_TSTRING) source = l.toStr(-1);
    l.pop();
    const lt = l.rawGetField(et, "line");
    if (lt === LUA_TSTRING || lt === LUA_TNUMBER) line = luaNumberArg(l.toNum(-1));
    l.pop();
    const ignore = l.rawGetField(et, "ignore_error_stats_update") === LUA_TBOOLEAN &&
      l.toBool(-1);
    l.pop();
    if (source !== null && line !== null) {
      msg += ` script: ${funcname}, on ${source}:${line}.`;
    }
    replyScriptError(c, msg, ignore, this.#row);
  }

  // ---- EVAL ---------------------------------------------------------------------------------

  /** Compile a script body into f_<sha>; returns an error text or null. */
  createFunction(sha: string, body: string): string | null {
    const she = extractShebangFlags(body);
    if ("error" in she) return "ERR " + she.error;
    const l = this.lua;
    const base = l.top();
    l.getGlobal("__host");
    l.getField(-1, "compile");
    // The shebang line is skipped but its newline kept, so line numbers stay the user's.
    l.pushStr(body.slice(she.len));
    l.pushStr("@user_script");
    if (l.pcall(2, 2, 0) !== 0 || l.type(-2) === LUA_TNIL) {
      const msg = l.toStr(-1) ?? "";
      l.setTop(base);
      return "ERR Error compiling script (new function): " + msg;
    }
    l.pop();
    const ref = l.x.luaL_ref(l.L, l.registryIndex());
    l.setTop(base);
    const old = this.scripts.get(sha);
    if (old === undefined) this.scriptsBytes += body.length;
    else l.x.luaL_unref(l.L, l.registryIndex(), old.ref);
    this.scripts.set(sha, { body, flags: she.flags, ref });
    return null;
  }

  /** SCRIPT FLUSH: forget every script and start over with a fresh Lua state's globals. */
  flushScripts(): void {
    const l = this.lua;
    for (const script of this.scripts.values()) {
      l.x.luaL_unref(l.L, l.registryIndex(), script.ref);
    }
    this.scripts.clear();
    this.scriptsBytes = 0;
    // Redis starts a fresh Lua state here: drop the lazily compiled libraries, collect.
    this.lua.run("__host.reset()");
  }

  /** Set KEYS and ARGV in the script environment (raw sets behind the read-only proxy). */
  setKeysArgv(argv: string[], first: number, numkeys: number): void {
    const l = this.lua;
    l.getGlobal("__genv");
    // genv has no __newindex: lua_setfield is a raw set here, with an interned C key.
    l.newTable(numkeys, 0);
    for (let i = 0; i < numkeys; i++) {
      l.pushStr(argv[first + i]);
      l.rawSetI(-2, i + 1);
    }
    l.setField(-2, "KEYS");
    const nargs = argv.length - first - numkeys;
    l.newTable(nargs, 0);
    for (let i = 0; i < nargs; i++) {
      l.pushStr(argv[first + numkeys + i]);
      l.rawSetI(-2, i + 1);
    }
    l.setField(-2, "ARGV");
    l.pop();
  }

  // ---- FUNCTION ------------------------------------------------------------------------------

  #registerFunction(l: Lua): number {
    const loading = this.loading;
    if (loading === null) {
      this.pushError("redis.register_function can only be called on FUNCTION LOAD command");
      return 1;
    }
    l.pushNil();
    l.setGlobal("__cb");
    let name: string | null = null;
    let flags: string[] = [];
    let description: string | null = null;
    const n = l.top();
    if (n === 1 && l.type(1) !== LUA_TTABLE) {
      l.setTop(0);
      this.pushError(
        "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
      );
      return 1;
    }
    if (n === 1) {
      l.pushNil();
      while (l.next(1)) {
        const k = l.type(-2) === LUA_TSTRING ? l.toStr(-2) : null;
        if (k === "function_name") {
          if (l.type(-1) !== LUA_TSTRING) {
            l.setTop(0);
            this.pushError(
              "function_name argument given to redis.register_function must be a string",
            );
            return 1;
          }
          name = l.toStr(-1);
        } else if (k === "description") {
          if (l.type(-1) !== LUA_TSTRING) {
            l.setTop(0);
            this.pushError(
              "description argument given to redis.register_function must be a string",
            );
            return 1;
          }
          description = l.toStr(-1);
        } else if (k === "callback") {
          if (l.type(-1) !== 6) {
            l.setTop(0);
            this.pushError(
              "callback argument given to redis.register_function must be a function",
            );
            return 1;
          }
          l.pushValue(-1);
          l.setGlobal("__cb");
        } else if (k === "flags") {
          if (l.type(-1) !== LUA_TTABLE) {
            l.setTop(0);
            this.pushError(
              "flags argument to redis.register_function must be a table representing function flags",
            );
            return 1;
          }
          for (let j = 1;; j++) {
            const t = l.rawGetI(-1, j);
            if (t === LUA_TNIL) {
              l.pop();
              break;
            }
            const f = t === LUA_TSTRING ? l.toStr(-1)! : "";
            l.pop();
            if (!SCRIPT_FLAG_NAMES.some(([fn]) => fn === f)) {
              l.setTop(0);
              this.pushError("unknown flag given");
              return 1;
            }
            flags.push(f);
          }
        } else {
          l.setTop(0);
          this.pushError("unknown argument given to redis.register_function");
          return 1;
        }
        l.pop();
      }
      if (name === null) {
        l.setTop(0);
        this.pushError("redis.register_function must get a function name argument");
        return 1;
      }
      if (l.getGlobal("__cb") === LUA_TNIL) {
        l.setTop(0);
        this.pushError("redis.register_function must get a callback argument");
        return 1;
      }
      l.pop();
    } else if (n === 2) {
      if (l.type(1) !== LUA_TSTRING) {
        l.setTop(0);
        this.pushError("first argument to redis.register_function must be a string");
        return 1;
      }
      if (l.type(2) !== 6) {
        l.setTop(0);
        this.pushError("second argument to redis.register_function must be a function");
        return 1;
      }
      name = l.toStr(1);
      l.pushValue(2);
      l.setGlobal("__cb");
    } else {
      l.setTop(0);
      this.pushError("wrong number of arguments to redis.register_function");
      return 1;
    }
    l.setTop(0);
    if (!/^[A-Za-z0-9_]+$/.test(name!)) {
      this.pushError(
        "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
      );
      return 1;
    }
    if (loading.functions.has(name!)) {
      this.pushError("Function already exists in the library");
      return 1;
    }
    flags = SCRIPT_FLAG_NAMES.map(([f]) => f).filter((f) => flags.includes(f));
    loading.functions.set(name!, { flags, description });
    // Keep the callback under a staging name until the whole library loaded.
    l.getGlobal("__cb");
    l.setGlobal("__stage_" + name!.toLowerCase());
    l.pushNil();
    l.setGlobal("__cb");
    return 0;
  }
}

/**
 * Reply an error a script produced ("-" stripped; CR/LF become spaces, as addReplyErrorSafe). An
 * error already counted when the command inside the script failed is not counted again, but the
 * script's command still counts as failed (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE).
 */
function replyScriptError(c: Client, msg: string, ignoreStats: boolean, row?: CommandDef): void {
  let m = msg.startsWith("-") ? msg.slice(1) : msg;
  m = m.replace(/[\r\n]/g, " ");
  if (ignoreStats) {
    c.addErrorRaw(m);
    if (row !== undefined) row.stats!.failedCalls++;
  } else c.addError(m);
}

const engines = new WeakMap<Server, ScriptEngine>();

/** The server's scripting engine, created on first use. */
export function scriptEngine(server: Server): ScriptEngine {
  let e = engines.get(server);
  if (e === undefined) {
    e = new ScriptEngine(server);
    engines.set(server, e);
  }
  return e;
}

/** The engine if one was created (INFO reads it without creating one). */
export function existingScriptEngine(server: Server): ScriptEngine | undefined {
  return engines.get(server);
}
