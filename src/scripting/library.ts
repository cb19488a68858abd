/**
 * FUNCTION LOAD and FCALL (Redis 7.0's functions.c + function_lua.c): a library's code runs once
 * at load time in the shared Lua state; each redis.register_function stages its callback as a
 * hidden global `__stage_<name>`, and once the whole library loaded without error the callbacks
 * become `__fn_<name>` and the registry (src/scripting/functions.ts) records the library.
 */
import type { Client } from "../server/client.ts";
import type { FunctionLibrary } from "./functions.ts";
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

/** FUNCTION LOAD: compile and run the library code; returns the library name or an error. */
export function functionLoad(
  c: Client,
  code: string,
  replace: boolean,
): { name: string } | { error: string } {
  const reg = c.server.functions;
  const md = parseLibraryMetadata(code);
  if ("error" in md) return md;
  const old = reg.libraries.get(md.name);
  if (old !== undefined && !replace) return { error: `ERR Library '${md.name}' already exists` };
  const e = scriptEngine(c.server);
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
    return { error: "ERR Error compiling function: " + msg };
  }
  l.pop();
  const loading = { functions: new Map<string, { flags: string[]; description: string | null }>() };
  e.loading = loading;
  e.setLoading(true);
  l.getGlobal("__eh");
  l.m._lua_rotate(l.L, -2, 1);
  let status: number;
  // Redis stops a library whose load runs longer than 500 ms.
  const start = performance.now();
  l.setHook(l.main, () => {
    if (performance.now() - start > 500) {
      e.pushError("FUNCTION LOAD timeout");
      l.m._lua_error(l.L);
    }
  }, 100000);
  try {
    status = l.pcall(0, 0, -2);
  } finally {
    l.setHook(l.main, null, 0);
    e.loading = null;
    e.setLoading(false);
  }
  const dropStaged = () => {
    for (const f of loading.functions.keys()) {
      l.pushNil();
      l.setGlobal("__stage_" + f);
    }
  };
  if (status !== 0) {
    let msg = "";
    if (l.type(-1) === 5) {
      l.rawGetField(l.absIndex(-1), "err");
      msg = l.toStr(-1) ?? "";
      l.pop();
    } else msg = l.toStr(-1) ?? "";
    l.setTop(base);
    dropStaged();
    return { error: "ERR Error registering functions: " + msg };
  }
  l.setTop(base);
  if (loading.functions.size === 0) {
    dropStaged();
    return { error: "ERR No functions registered" };
  }
  for (const f of loading.functions.keys()) {
    const owner = reg.functionLibrary.get(f.toLowerCase());
    if (owner !== undefined && owner !== md.name) {
      dropStaged();
      return { error: `ERR Function ${f} already exists` };
    }
  }
  if (old !== undefined) deleteLibrary(c, md.name);
  const lib: FunctionLibrary = { name: md.name, engine: "LUA", code, functions: new Map() };
  for (const [f, info] of loading.functions) {
    lib.functions.set(f.toLowerCase(), {
      name: f,
      description: info.description,
      flags: info.flags,
    });
    reg.functionLibrary.set(f.toLowerCase(), md.name);
    l.getGlobal("__stage_" + f);
    l.setGlobal("__fn_" + f.toLowerCase());
  }
  dropStaged();
  reg.libraries.set(md.name, lib);
  return { name: md.name };
}

/** FUNCTION DELETE / replace: forget a library and its functions. */
export function deleteLibrary(c: Client, name: string): boolean {
  const reg = c.server.functions;
  const lib = reg.libraries.get(name);
  if (lib === undefined) return false;
  const l = scriptEngine(c.server).lua;
  for (const f of lib.functions.keys()) {
    reg.functionLibrary.delete(f);
    l.pushNil();
    l.setGlobal("__fn_" + f);
  }
  reg.libraries.delete(name);
  return true;
}

/** FCALL / FCALL_RO. */
export function fcallGeneric(c: Client, argv: string[], ro: boolean): void {
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
  const l = e.lua;
  e.callFunction(c, info.name, flags, ro, false, () => {
    l.getGlobal("__fn_" + fname);
    return true;
  }, () => {
    l.newTable(numkeys, 0);
    for (let i = 0; i < numkeys; i++) {
      l.pushStr(argv[3 + i]);
      l.rawSetI(-2, i + 1);
    }
    const n = argv.length - 3 - numkeys;
    l.newTable(n, 0);
    for (let i = 0; i < n; i++) {
      l.pushStr(argv[3 + numkeys + i]);
      l.rawSetI(-2, i + 1);
    }
    return 2;
  }, argv);
}
