/**
 * FUNCTION LOAD and FCALL (Redis 7.0's functions.c + function_lua.c): a library's code runs once
 * at load time in the shared Lua state; each redis.register_function stages its callback as a
 * hidden global `__stage_<name>`, and once the whole library loaded without error the callbacks
 * become `__fn_<name>` and the registry (src/scripting/functions.ts) records the library.
 */
import type { Client } from "../server/client.ts";
import type { CommandDef } from "../commands/types.ts";
import type { Server } from "../server/server.ts";
import { type FunctionLibrary, FunctionRegistry } from "./functions.ts";
import { setFunctionLoader } from "../persist/rdb_file.ts";
import { FormatError } from "../persist/bytes.ts";
import { SCRIPT_FLAG_NAMES, scriptEngine } from "./engine.ts";

/** Parse the `#!lua name=<lib>` first line; returns the library name or an error text. */
function parseLibraryMetadata(code: string): { name: string; len: number } | { error: string } {
  if (!code.startsWith("#!")) return { error: "ERR Missing library metadata" };
  const end = code.indexOf("\n");
  if (end < 0) return { error: "ERR Invalid library metadata" };
  // sdssplitargs: double quotes group and are dropped ("name=\"foo\"" is name=foo).
  const parts = code.slice(0, end).split(/[ \t]+/).filter((p) => p !== "").map((p) =>
    p.replace(/"/g, "")
  );
  if (parts.length === 0) return { error: "ERR Invalid library metadata" };
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    if (p.startsWith("name=")) {
      if (name !== null) {
        return { error: "ERR Invalid metadata value, name argument was given multiple times" };
      }
      name = p.slice(5);
    } else return { error: `ERR Invalid metadata value given: ${p}` };
  }
  if (name === null) return { error: "ERR Library name was not given" };
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    return {
      error:
        "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
    };
  }
  if (engine.toUpperCase() !== "LUA") return { error: `ERR Engine '${engine}' not found` };
  return { name, len: end };
}

/**
 * Redis's functionsCreateWithLibraryCtx up to the link: compile and run the library code against
 * the library set `ctx` (the server's registry, or the scratch set of a FUNCTION RESTORE). On
 * success the callbacks wait as hidden globals `__stage_<function>` until linkLibrary (or
 * dropStaged); nothing in `ctx` changed. Errors are Redis's texts without the "ERR " prefix.
 * `timeoutMs` 0: no load timeout (RDB and RESTORE loads).
 */
export function compileLibrary(
  server: Server,
  code: string,
  ctx: FunctionRegistry,
  replace: boolean,
  timeoutMs: number,
): FunctionLibrary | { error: string } {
  const md = parseLibraryMetadata(code);
  if ("error" in md) return { error: md.error.slice(4) };
  if (ctx.libraries.has(md.name) && !replace) {
    return { error: `Library '${md.name}' already exists` };
  }
  const e = scriptEngine(server);
  const l = e.lua;
  const base = l.top();
  l.getGlobal("__host");
  l.getField(-1, "compile");
  l.pushStr(code.slice(md.len));
  l.pushStr("@user_function");
  l.getField(base + 1, "fenv");
  if (l.pcall(3, 2, 0) !== 0 || l.type(-2) === 0) {
    const msg = l.toStr(-1) ?? "";
    l.setTop(base);
    return { error: "Error compiling function: " + msg };
  }
  l.pop();
  const loading = { functions: new Map<string, { flags: string[]; description: string | null }>() };
  e.loading = loading;
  e.setLoading(true);
  l.getGlobal("__eh");
  l.x.lua_rotate(l.L, -2, 1);
  let status: number;
  if (timeoutMs > 0) {
    const start = performance.now();
    l.setHook(l.main, () => {
      if (performance.now() - start > timeoutMs) {
        e.pushError("FUNCTION LOAD timeout");
        l.x.lua_error(l.L);
      }
    }, 100000);
  }
  try {
    status = l.pcall(0, 0, -2);
  } finally {
    if (timeoutMs > 0) l.setHook(l.main, null, 0);
    e.loading = null;
    e.setLoading(false);
  }
  const lib: FunctionLibrary = { name: md.name, engine: "LUA", code, functions: new Map() };
  for (const [f, info] of loading.functions) {
    lib.functions.set(f.toLowerCase(), {
      name: f,
      description: info.description,
      flags: info.flags,
    });
  }
  if (status !== 0) {
    let msg = "";
    if (l.type(-1) === 5) {
      l.rawGetField(l.absIndex(-1), "err");
      msg = l.toStr(-1) ?? "";
      l.pop();
    } else msg = l.toStr(-1) ?? "";
    l.setTop(base);
    dropStaged(server, lib);
    return { error: "Error registering functions: " + msg };
  }
  l.setTop(base);
  if (lib.functions.size === 0) return { error: "No functions registered" };
  for (const f of lib.functions.values()) {
    const owner = ctx.functionLibrary.get(f.name.toLowerCase());
    if (owner !== undefined && owner !== md.name) {
      dropStaged(server, lib);
      return { error: `Function ${f.name} already exists` };
    }
  }
  return lib;
}

/** Forget the staged callbacks of a library compileLibrary returned. */
export function dropStaged(server: Server, lib: FunctionLibrary): void {
  const l = scriptEngine(server).lua;
  for (const f of lib.functions.keys()) {
    l.pushNil();
    l.setGlobal("__stage_" + f);
  }
}

/**
 * Link a compiled library into the server's registry (replacing a library of the same name): its
 * staged callbacks become the `__fn_<function>` globals FCALL runs.
 */
export function linkLibrary(server: Server, lib: FunctionLibrary): void {
  const reg = server.functions;
  if (reg.libraries.has(lib.name)) deleteLibrary(server, lib.name);
  const l = scriptEngine(server).lua;
  for (const f of lib.functions.keys()) {
    reg.functionLibrary.set(f, lib.name);
    l.getGlobal("__stage_" + f);
    l.setGlobal("__fn_" + f);
    l.pushNil();
    l.setGlobal("__stage_" + f);
  }
  reg.libraries.set(lib.name, lib);
}

/** FUNCTION LOAD: compile, run and link the library code; returns its name or an error reply. */
export function functionLoad(
  c: Client,
  code: string,
  replace: boolean,
): { name: string } | { error: string } {
  const r = compileLibrary(c.server, code, c.server.functions, replace, 500);
  if ("error" in r) return { error: "ERR " + r.error };
  linkLibrary(c.server, r);
  return { name: r.name };
}

/** FUNCTION DELETE / replace: forget a library and its functions. */
export function deleteLibrary(server: Server, name: string): boolean {
  const reg = server.functions;
  const lib = reg.libraries.get(name);
  if (lib === undefined) return false;
  const l = scriptEngine(server).lua;
  for (const f of lib.functions.keys()) {
    reg.functionLibrary.delete(f);
    l.pushNil();
    l.setGlobal("__fn_" + f);
  }
  reg.libraries.delete(name);
  return true;
}

/** FUNCTION FLUSH: delete every library. */
export function flushLibraries(server: Server): void {
  for (const name of [...server.functions.libraries.keys()]) deleteLibrary(server, name);
  server.functions.flush();
}

/**
 * FUNCTION RESTORE of the library codes read from a payload (Redis's functionRestoreCommand):
 * every library is compiled into a scratch set first (a failure changes nothing), then FLUSH
 * swaps the sets, APPEND refuses a library that exists, REPLACE replaces it; a function name
 * taken by a library that stays refuses the whole restore. Returns an error text (no "ERR ") or
 * null.
 */
export function restoreLibraries(
  server: Server,
  codes: string[],
  policy: "flush" | "append" | "replace",
): string | null {
  const scratch = new FunctionRegistry();
  const compiled: FunctionLibrary[] = [];
  const fail = (err: string): string => {
    for (const lib of compiled) dropStaged(server, lib);
    return err;
  };
  for (const code of codes) {
    const r = compileLibrary(server, code, scratch, false, 0);
    if ("error" in r) return fail(r.error);
    compiled.push(r);
    scratch.libraries.set(r.name, r);
    for (const f of r.functions.keys()) scratch.functionLibrary.set(f, r.name);
  }
  const reg = server.functions;
  if (policy === "flush") flushLibraries(server);
  else {
    for (const lib of compiled) {
      if (reg.libraries.has(lib.name) && policy === "append") {
        return fail(`Library ${lib.name} already exists`);
      }
    }
    for (const lib of compiled) {
      for (const [f, info] of lib.functions) {
        const owner = reg.functionLibrary.get(f);
        if (owner !== undefined && !scratch.libraries.has(owner)) {
          return fail(`Function ${info.name} already exists`);
        }
      }
    }
  }
  for (const lib of compiled) linkLibrary(server, lib);
  return null;
}

// FUNCTION2 records of an RDB file: compile and link each library as it is read.
setFunctionLoader((server, code) => {
  const r = compileLibrary(server, code, server.functions, false, 0);
  if ("error" in r) throw new FormatError(`Failed loading library, ${r.error}`);
  linkLibrary(server, r);
});

/** FCALL / FCALL_RO. */
export function fcallGeneric(
  c: Client,
  argv: string[],
  ro: boolean,
  row?: CommandDef,
): void {
  const reg = c.server.functions;
  const fname = argv[1].toLowerCase();
  const libName = reg.functionLibrary.get(fname);
  if (libName === undefined) return c.addError("ERR Function not found");
  const info = reg.libraries.get(libName)!.functions.get(fname)!;
  const s = argv[2];
  if (!/^-?\d+$/.test(s)) return c.addError("ERR Bad number of keys provided");
  const numkeys = Number(s);
  if (numkeys > argv.length - 3) {
    return c.addError("ERR Number of keys can't be greater than number of args");
  }
  if (numkeys < 0) return c.addError("ERR Number of keys can't be negative");
  let flags = 0;
  for (const [n, bit] of SCRIPT_FLAG_NAMES) if (info.flags.includes(n)) flags |= bit;
  const e = scriptEngine(c.server);
  if (!e.prepare(c, flags, ro)) return;
  e.callFunction(c, info.name, flags, ro, false, "__fn_" + fname, argv, row, numkeys);
}
