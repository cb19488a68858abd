/**
 * The FUNCTION library registry (Redis 7 functions). A library is a named unit of code registered
 * with FUNCTION LOAD that exports functions callable with FCALL. Loading and calling are in
 * src/scripting/library.ts (this file stays free of the engine: server.ts imports it).
 */

/** One function exported by a library. */
export interface FunctionInfo {
  name: string;
  description: string | null;
  flags: string[];
}

/** One library: its engine ("LUA"), code and the functions it registered. */
export interface FunctionLibrary {
  name: string;
  engine: string;
  code: string;
  functions: Map<string, FunctionInfo>;
}

export class FunctionRegistry {
  readonly libraries = new Map<string, FunctionLibrary>();
  /** Function name → its library's name (function names are unique across libraries). */
  readonly functionLibrary = new Map<string, string>();

  /** Number of libraries (INFO number_of_libraries). */
  get libraryCount(): number {
    return this.libraries.size;
  }

  /** Number of functions over all libraries (INFO number_of_functions). */
  get functionCount(): number {
    let n = 0;
    for (const lib of this.libraries.values()) n += lib.functions.size;
    return n;
  }

  /** FUNCTION FLUSH: forget every library. */
  flush(): void {
    this.libraries.clear();
    this.functionLibrary.clear();
  }
}
