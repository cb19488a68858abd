/**
 * The Lua side of the scripting engine, run once in the fresh state: the Redis 5.1-compatibility
 * layer over Lua 5.4 (unpack, loadstring, table.getn, math.mod, tostring of numbers as %.14g),
 * the bit and cjson libraries, redis.* helpers written in Lua, the error handler (Redis's
 * __redis__err__handler) and the protected globals table scripts run in.
 *
 * The host has set before this runs: __rcall / __rpcall (command bridge, return value plus a
 * "raise" flag), __sha1hex, __log, __setresp, __regfn (redis.register_function), __aclcheck.
 */
export const PRELUDE = String.raw`
local G = _G
local type, tostring0, pairs, ipairs, error, select, rawget, rawset, setmetatable, getmetatable =
  type, tostring, pairs, ipairs, error, select, rawget, rawset, setmetatable, getmetatable
local fmt, sfind, ssub, sbyte, schar, sgsub, concat = string.format, string.find, string.sub,
  string.byte, string.char, string.gsub, table.concat
local floor, mtype, huge = math.floor, math.type, math.huge
local dbg = debug

-- Lua 5.1 compatibility -------------------------------------------------------------------
local function tostring(v)
  if type(v) == "number" then
    if v ~= v then return (fmt("%f", v):sub(1,1) == "-") and "-nan" or "nan" end
    return fmt("%.14g", v)
  end
  return tostring0(v)
end
G.tostring = tostring
G.unpack = table.unpack
G.table.getn = function(t) return #t end
G.table.setn = function() error("'setn' is obsolete", 2) end
G.math.mod = math.fmod
G.math.pow = function(a, b) return a ^ b end
G.math.log10 = function(x) return math.log(x, 10) end
G.math.ldexp = function(m, e) return m * 2.0 ^ e end
G.math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
G.math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
G.math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
G.string.gfind = string.gmatch
G.io, G.os, G.package, G.require, G.dofile, G.loadfile, G.utf8, G.warn = nil
G.print = nil




-- Key order of cjson/cmsgpack maps. Lua 5.4 seeds its string hashes per state, so pairs() order
-- varies between runs; these encoders list keys in the order Redis's Lua 5.1 would for a table
-- holding them: number keys ascending, then string keys placed in a node array the way 5.1's
-- luaH_newkey places them (its string hash, main position, collisions moved to the last free
-- node), inserted in byte order, then other keys. Exact for tables without collisions, stable
-- for all.
local function hash51(s)
  local l = #s
  local h = l
  local step = (l >> 5) + 1
  local i = l
  while i >= step do
    h = (h ~ ((h << 5) + (h >> 2) + sbyte(s, i))) & 0xffffffff
    i = i - step
  end
  return h
end
local seed0 = __seed0
G.__keys51 = function(t)
  if seed0 then
    -- The string hash seed is 0: Lua 5.4 lays string keys out as 5.1 does (by real insertion
    -- order, collisions included), so pairs() order is Redis's.
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    return keys
  end
  local nums, strs, others = {}, {}, {}
  for k in pairs(t) do
    local kt = type(k)
    if kt == "number" then nums[#nums + 1] = k
    elseif kt == "string" then strs[#strs + 1] = k
    else others[#others + 1] = k end
  end
  table.sort(nums)
  local keys = nums
  local n = #strs
  if n > 0 then
    table.sort(strs)
    local size = 1
    while size < n do size = size * 2 end
    local node, nxt, mpos = {}, {}, {}
    local lastfree = size
    for i = 1, n do
      local k = strs[i]
      local mp = hash51(k) & (size - 1)
      mpos[k] = mp
      local other = node[mp]
      if other == nil then node[mp] = k
      else
        repeat lastfree = lastfree - 1 until node[lastfree] == nil
        local f = lastfree
        local omp = mpos[other]
        if omp ~= mp then
          while nxt[omp] ~= mp do omp = nxt[omp] end
          nxt[omp] = f
          node[f], nxt[f] = other, nxt[mp]
          node[mp], nxt[mp] = k, nil
        else
          node[f], nxt[f] = k, nxt[mp]
          nxt[mp] = f
        end
      end
    end
    for pos = 0, size - 1 do
      if node[pos] ~= nil then keys[#keys + 1] = node[pos] end
    end
  end
  for i = 1, #others do keys[#keys + 1] = others[i] end
  return keys
end

-- redis ------------------------------------------------------------------------------------------
local rcall, rpcall = __rcall, __rpcall
local redis = {}
local function mkerr(s)
  local code, msg = "ERR", s
  if ssub(s, 1, 1) == "-" then
    local sp = sfind(s, " ", 1, true)
    if sp then code, msg = ssub(s, 2, sp - 1), ssub(s, sp + 1) else msg = ssub(s, 2) end
  end
  msg = sgsub(sgsub(msg, "^[\r\n]+", ""), "[\r\n]+$", "")
  return { err = code .. " " .. msg }
end
redis.call = rcall
redis.pcall = function(...) return (rpcall(...)) end
redis.sha1hex = function(...)
  if select("#", ...) ~= 1 then error(mkerr("wrong number of arguments"), 0) end
  return __sha1hex((...))
end
redis.error_reply = function(...)
  local s = ...
  if select("#", ...) ~= 1 or type(s) ~= "string" then return mkerr("wrong number or type of arguments") end
  if ssub(s, 1, 1) ~= "-" then s = "-" .. s end
  return mkerr(s)
end
redis.status_reply = function(...)
  local s = ...
  if select("#", ...) ~= 1 or type(s) ~= "string" then return mkerr("wrong number or type of arguments") end
  return { ok = s }
end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.log = function(level, ...)
  local n = select("#", ...)
  if n < 1 then error(mkerr("redis.log() requires two arguments or more."), 0) end
  if type(level) ~= "number" then error(mkerr("First argument must be a number (log level)."), 0) end
  if level < 0 or level > 3 then error(mkerr("Invalid debug level."), 0) end
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "string" or type(v) == "number" then parts[#parts + 1] = tostring(v) end
  end
  __log(level, concat(parts, " "))
end
redis.setresp = function(...)
  local n, v = select("#", ...), ...
  if n ~= 1 then error(mkerr("redis.setresp() requires one argument."), 0) end
  if v ~= 2 and v ~= 3 then error(mkerr("RESP version must be 2 or 3."), 0) end
  __setresp(v)
end
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.set_repl = function(...)
  local n, v = select("#", ...), ...
  if n ~= 1 then error(mkerr("redis.set_repl() requires two arguments."), 0) end
  if type(v) ~= "number" or v < 0 or v > 3 then
    error(mkerr("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."), 0)
  end
  __setrepl(v)
end
redis.replicate_commands = function() return true end
redis.acl_check_cmd = function(...)
  if select("#", ...) < 1 then error(mkerr("Please specify at least one argument for this redis lib call"), 0) end
  local ok = __aclcheck(...)
  if ok == nil then error(mkerr("Invalid command passed to redis.acl_check_cmd()"), 0) end
  return ok
end
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = __version, __version_num
G.redis = redis

-- protected globals ------------------------------------------------------------------------------
-- Scripts see env: an empty proxy whose reads go to genv (the globals, library tables frozen behind
-- proxies of their own) and whose writes fail; a missing global fails too. getmetatable of a
-- protected table returns 'protected', itself read-only.
local function ro_err() error("Attempt to modify a readonly table", 2) end
local protected = setmetatable({}, { __newindex = ro_err, __metatable = false })
local function freeze(t)
  return setmetatable({}, { __index = t, __newindex = ro_err, __metatable = protected,
    __len = function() return #t end, __pairs = function() return next, t, nil end })
end
local genv = {}
for k, v in pairs(G) do
  if type(k) == "string" and ssub(k, 1, 2) ~= "__" then
    if type(v) == "table" and k ~= "_G" then genv[k] = freeze(v) else genv[k] = v end
  end
end
local env_mt = { __index = genv, __newindex = ro_err, __metatable = protected }
local env = setmetatable({}, env_mt)
genv._G = env
-- bit, cjson, cmsgpack and struct are Lua code (Redis has them in C): each is compiled on its
-- first use, so a state whose scripts do not use them does not hold them (used_memory_lua).
local lazy_src = __libsrc
local function lazy_lib(k)
  if k ~= "bit" and k ~= "cjson" and k ~= "cmsgpack" and k ~= "struct" then return nil end
  local lib = load(lazy_src(k), "=redis", "t", G)()
  G[k] = lib
  local f = freeze(lib)
  rawset(genv, k, f)
  return f
end
setmetatable(genv, {
  __index = function(_, k)
    local v = lazy_lib(k)
    if v ~= nil then return v end
    error("Script attempted to access nonexistent global variable '" .. tostring0(k) .. "'", 2)
  end,
  __metatable = protected,
})
local smt = getmetatable("")
smt.__metatable = protected
local raw_setmt = setmetatable
genv.setmetatable = function(t, mt)
  if getmetatable(t) == protected then error("Attempt to modify a readonly table", 2) end
  return raw_setmt(t, mt)
end
genv.rawset = function(t, k, v)
  if getmetatable(t) == protected then error("Attempt to modify a readonly table", 2) end
  return rawset(t, k, v)
end
__genv = genv
genv.loadstring = function(s, name) return load(s, name or s, "t", env) end
genv.load = function(s, name) return load(s, name, "t", env) end

local inh = __inh
local function err_handler(err)
  inh()
  local lvl = 2
  local i
  while true do
    i = dbg.getinfo(lvl, "nSl")
    if not i then break end
    if i.what ~= "C" and i.source ~= "=redis" then break end
    lvl = lvl + 1
  end
  if type(err) == "string" then
    -- Lua 5.4 words VM errors "attempt to call a nil value (field 'f')"; 5.1 (Redis) says
    -- "attempt to call field 'f' (a nil value)".
    err = (sgsub(err, "attempt to ([%a ]-) an? (%a+) value %((%a+) '([^']*)'%)",
      "attempt to %1 %3 '%4' (a %2 value)"))
  end
  if type(err) ~= "table" then err = { err = "ERR " .. tostring(err) } end
  if i then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end

-- FUNCTION libraries: the code of a library and its functions see globals through fenv, whose
-- lookups go to the load API (only redis.register_function, redis.log, levels and versions)
-- while FUNCTION LOAD runs the library, and to the script environment afterwards.
local function nonexistent(k, lvl)
  error("Script attempted to access nonexistent global variable '" .. tostring0(k) .. "'", lvl)
end
local load_redis = setmetatable({
  register_function = __regfn, log = redis.log, LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2,
  LOG_WARNING = 3, REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
}, { __index = function(_, k) nonexistent(k, 3) end, __newindex = ro_err,
  __metatable = protected })
local load_api = { redis = load_redis }
local loading = false
local fenv = setmetatable({}, {
  __index = function(_, k)
    if loading then
      local v = load_api[k]
      if v == nil then nonexistent(k, 3) end
      return v
    end
    local v = rawget(genv, k)
    if v == nil then v = lazy_lib(k) end
    if v == nil then nonexistent(k, 3) end
    return v
  end,
  __newindex = ro_err,
  __metatable = protected,
})

-- host helpers: compile a script body into the protected environment; set KEYS/ARGV.
__eh = err_handler
local xpcall = xpcall
__runner = function(fn, ...) return xpcall(fn, err_handler, ...) end
__host = {
  handler = err_handler,
  compile = function(body, name, fenv) return load(body, name, "t", fenv or env) end,
  setargs = function(keys, argv) rawset(genv, "KEYS", keys) rawset(genv, "ARGV", argv) end,
  env = env,
  fenv = fenv,
  setloading = function(on) loading = on end,
  -- SCRIPT FLUSH (Redis starts a fresh state): forget the lazily compiled libraries, collect.
  reset = function()
    for _, k in ipairs({ "bit", "cjson", "cmsgpack", "struct" }) do
      rawset(genv, k, nil)
      G[k] = nil
    end
    collectgarbage("collect")
  end,
}
-- Every script call leaves short-lived tables (KEYS, ARGV, replies): the generational collector
-- frees them young and keeps the heap near its live size.
collectgarbage("generational")
`;

/** Locals every library chunk starts with (as the prelude does). */
const LIB_HEADER = String.raw`
local G = _G
local type, tostring0, pairs, ipairs, error, select, rawget, rawset, setmetatable, getmetatable =
  type, tostring, pairs, ipairs, error, select, rawget, rawset, setmetatable, getmetatable
local fmt, sfind, ssub, sbyte, schar, sgsub, concat = string.format, string.find, string.sub,
  string.byte, string.char, string.gsub, table.concat
local floor, mtype, huge = math.floor, math.type, math.huge
local dbg = debug

local tostring = G.tostring
`;

/** Library chunks compiled on first use (`__libsrc(name)`); each returns its table. */
export const LAZY_LIBS: Record<string, string> = {
  bit: LIB_HEADER + String.raw`
-- bit (LuaBitOp over 32-bit signed integers) -------------------------------------------------
local function tobit(x)
  x = floor(x) % 4294967296
  if x >= 2147483648 then x = x - 4294967296 end
  return floor(x)
end
local function u32(x) return floor(x) % 4294967296 end
local bit = {}
bit.tobit = tobit
bit.bnot = function(x) return tobit(~u32(x)) end
bit.band = function(x, ...) local r = u32(x) for i = 1, select("#", ...) do r = r & u32((select(i, ...))) end return tobit(r) end
bit.bor = function(x, ...) local r = u32(x) for i = 1, select("#", ...) do r = r | u32((select(i, ...))) end return tobit(r) end
bit.bxor = function(x, ...) local r = u32(x) for i = 1, select("#", ...) do r = r ~ u32((select(i, ...))) end return tobit(r) end
bit.lshift = function(x, n) return tobit(u32(x) << (floor(n) & 31)) end
bit.rshift = function(x, n) return tobit(u32(x) >> (floor(n) & 31)) end
bit.arshift = function(x, n) return tobit(tobit(x) >> (floor(n) & 31) | ((tobit(x) < 0 and (floor(n) & 31) > 0) and ~((1 << (32 - (floor(n) & 31))) - 1) or 0)) end
bit.rol = function(x, n) n = floor(n) & 31 x = u32(x) return tobit((x << n) | (x >> (32 - n))) end
bit.ror = function(x, n) n = floor(n) & 31 x = u32(x) return tobit((x >> n) | (x << (32 - n))) end
bit.bswap = function(x) x = u32(x) return tobit(((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >> 8) & 0xff00) | (x >> 24)) end
bit.tohex = function(x, n)
  n = n or 8
  local up = false
  if n < 0 then n = -n up = true end
  if n > 8 then n = 8 end
  local s = fmt(up and "%08X" or "%08x", u32(x))
  return ssub(s, 9 - n)
end
return bit
`,
  cjson: LIB_HEADER + String.raw`
-- cjson ----------------------------------------------------------------------------------------
local cjson = {}
local null = setmetatable({}, { __tostring = function() return "userdata: NULL" end })
cjson.null = null
local array_mt = {}
local decode_array_mt = false
local enc_max, dec_max = 1000, 1000
local enc_invalid = false
local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function esc(s)
  return '"' .. sgsub(s, '[%c"\\/]', function(c) return escapes[c] or fmt("\\u%04x", sbyte(c)) end) .. '"'
end
local encode
local function enc_table(t, depth)
  if depth > enc_max then error("Cannot serialise, excessive nesting (" .. depth .. ")") end
  local n, max = 0, 0
  for k in pairs(t) do
    if type(k) == "number" and k > 0 and floor(k) == k then
      if k > max then max = k end
      n = n + 1
    else
      n = -1
      break
    end
  end
  if n > 0 and max > n * 2 and max > 10 then error("Cannot serialise table: excessively sparse array") end
  if n == 0 and getmetatable(t) ~= array_mt then return "{}" end
  if n >= 0 then
    local out = {}
    for i = 1, max do out[i] = encode(t[i] == nil and null or t[i], depth) end
    return "[" .. concat(out, ",") .. "]"
  end
  local out = {}
  local keys = __keys51(t)
  for i = 1, #keys do
    local k = keys[i]
    local v = t[k]
    local kt = type(k)
    if kt == "number" then k = tostring(k)
    elseif kt ~= "string" then error("Cannot serialise " .. kt .. ": table key must be a number or string") end
    out[#out + 1] = esc(k) .. ":" .. encode(v, depth)
  end
  return "{" .. concat(out, ",") .. "}"
end
encode = function(v, depth)
  local t = type(v)
  if v == null then return "null"
  elseif t == "string" then return esc(v)
  elseif t == "number" then
    if v ~= v or v == huge or v == -huge then
      if not enc_invalid then error("Cannot serialise number: must not be NaN or Inf") end
      if v ~= v then return "nan" end
      return v > 0 and "inf" or "-inf"
    end
    return fmt("%.14g", v)
  elseif t == "boolean" then return v and "true" or "false"
  elseif t == "nil" then return "null"
  elseif t == "table" then return enc_table(v, depth + 1)
  end
  error("Cannot serialise " .. t .. ": type not supported")
end
cjson.encode = function(v) return encode(v, 0) end
local function derr(what, pos) error(fmt("Expected %s but found invalid token at character %d", what, pos), 0) end
local decode_value
local function skip(s, i)
  local _, e = sfind(s, "^[ \n\r\t]*", i)
  return e + 1
end
local unesc = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
local function utf8c(cp)
  if cp < 0x80 then return schar(cp)
  elseif cp < 0x800 then return schar(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f))
  elseif cp < 0x10000 then return schar(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  end
  return schar(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
end
local function dec_string(s, i)
  local out, j = {}, i + 1
  while true do
    local c = ssub(s, j, j)
    if c == "" then derr("string", i) end
    if c == '"' then return concat(out), j + 1 end
    if c == "\\" then
      local e = ssub(s, j + 1, j + 1)
      if e == "u" then
        local cp = tonumber(ssub(s, j + 2, j + 5), 16)
        if not cp then derr("escape", j) end
        j = j + 6
        if cp >= 0xd800 and cp < 0xdc00 and ssub(s, j, j + 1) == "\\u" then
          local lo = tonumber(ssub(s, j + 2, j + 5), 16)
          if lo and lo >= 0xdc00 and lo < 0xe000 then
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
            j = j + 6
          end
        end
        out[#out + 1] = utf8c(cp)
      else
        local r = unesc[e]
        if not r then derr("escape", j) end
        out[#out + 1] = r
        j = j + 2
      end
    else
      local a, b = sfind(s, '^[^"\\]+', j)
      out[#out + 1] = ssub(s, a, b)
      j = b + 1
    end
  end
end
decode_value = function(s, i, depth)
  i = skip(s, i)
  local c = ssub(s, i, i)
  if (c == "{" or c == "[") and depth + 1 > dec_max then
    error("Found too many nested data structures (" .. (depth + 1) .. ") at character " .. i, 0)
  end
  if c == "{" then
    local t = {}
    i = skip(s, i + 1)
    if ssub(s, i, i) == "}" then return t, i + 1 end
    while true do
      if ssub(s, i, i) ~= '"' then derr("object key string", i) end
      local k
      k, i = dec_string(s, i)
      i = skip(s, i)
      if ssub(s, i, i) ~= ":" then derr("colon", i) end
      t[k], i = decode_value(s, i + 1, depth + 1)
      i = skip(s, i)
      c = ssub(s, i, i)
      if c == "}" then return t, i + 1 end
      if c ~= "," then derr("comma or object end", i) end
      i = skip(s, i + 1)
    end
  elseif c == "[" then
    local t, n = {}, 0
    if decode_array_mt then setmetatable(t, array_mt) end
    i = skip(s, i + 1)
    if ssub(s, i, i) == "]" then return t, i + 1 end
    while true do
      n = n + 1
      t[n], i = decode_value(s, i, depth + 1)
      i = skip(s, i)
      c = ssub(s, i, i)
      if c == "]" then return t, i + 1 end
      if c ~= "," then derr("comma or array end", i) end
      i = i + 1
    end
  elseif c == '"' then return dec_string(s, i)
  elseif ssub(s, i, i + 3) == "true" then return true, i + 4
  elseif ssub(s, i, i + 4) == "false" then return false, i + 5
  elseif ssub(s, i, i + 3) == "null" then return null, i + 4
  end
  local a, b = sfind(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if not a then derr("value", i) end
  local v = tonumber(ssub(s, a, b))
  if not v then derr("value", i) end
  -- Lua 5.1 has one number type: integral values become integers so they print as 5.1 prints them.
  local iv = math.tointeger(v)
  if iv then v = iv end
  return v, b + 1
end
cjson.decode = function(s)
  if type(s) == "number" then s = tostring(s) end
  if type(s) ~= "string" then error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ")", 2) end
  local v, i = decode_value(s, 1, 0)
  i = skip(s, i)
  if i <= #s then derr("the end", i) end
  return v
end
cjson.decode_array_with_array_mt = function(on) decode_array_mt = on and true or false end
cjson.encode_keep_buffer = function() end
cjson.encode_max_depth = function(n) enc_max = n or 1000 end
cjson.decode_max_depth = function(n) dec_max = n or 1000 end
cjson.encode_number_precision = function() end
cjson.encode_sparse_array = function() end
cjson.encode_invalid_numbers = function(on) enc_invalid = on and true or false end
cjson.decode_invalid_numbers = function() end
return cjson
`,
  cmsgpack: LIB_HEADER + String.raw`
-- cmsgpack (lua_cmsgpack semantics: integral numbers as the smallest integer type, other numbers
-- as float64 unless float32 is exact, tables nested deeper than 16 as nil) ----------------------
local spack, sunpack = string.pack, string.unpack
local cmsgpack = {}
local function mp_is_array(t)
  local count, max = 0, 0
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k <= 0 then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count
end
local mp_encode
local function mp_len(n, fix, fixmax, c16, c32)
  if n <= fixmax then return schar(fix | n) end
  if n <= 0xffff then return schar(c16) .. spack(">I2", n) end
  return schar(c32) .. spack(">I4", n)
end
mp_encode = function(v, level, out)
  local t = type(v)
  if t == "table" and level == 16 then t = "nil" end
  if t == "string" then
    local n = #v
    if n < 32 then out[#out + 1] = schar(0xa0 | n)
    elseif n <= 0xff then out[#out + 1] = "Ù" .. schar(n)
    elseif n <= 0xffff then out[#out + 1] = "Ú" .. spack(">I2", n)
    else out[#out + 1] = "Û" .. spack(">I4", n) end
    out[#out + 1] = v
  elseif t == "boolean" then out[#out + 1] = v and "Ã" or "Â"
  elseif t == "number" then
    local i = math.tointeger(v)
    if i then
      if i >= 0 then
        if i < 128 then out[#out + 1] = schar(i)
        elseif i <= 0xff then out[#out + 1] = "Ì" .. schar(i)
        elseif i <= 0xffff then out[#out + 1] = "Í" .. spack(">I2", i)
        elseif i <= 0xffffffff then out[#out + 1] = "Î" .. spack(">I4", i)
        else out[#out + 1] = "Ï" .. spack(">i8", i) end
      else
        if i >= -32 then out[#out + 1] = schar(i & 0xff)
        elseif i >= -128 then out[#out + 1] = "Ð" .. spack(">i1", i)
        elseif i >= -32768 then out[#out + 1] = "Ñ" .. spack(">i2", i)
        elseif i >= -2147483648 then out[#out + 1] = "Ò" .. spack(">i4", i)
        else out[#out + 1] = "Ó" .. spack(">i8", i) end
      end
    else
      local f = spack(">f", v)
      if sunpack(">f", f) == v then out[#out + 1] = "Ê" .. f
      else out[#out + 1] = "Ë" .. spack(">d", v) end
    end
  elseif t == "table" then
    if mp_is_array(v) then
      local n = #v
      out[#out + 1] = mp_len(n, 0x90, 15, 0xdc, 0xdd)
      for i = 1, n do mp_encode(v[i], level + 1, out) end
    else
      local keys = __keys51(v)
      local n = #keys
      out[#out + 1] = mp_len(n, 0x80, 15, 0xde, 0xdf)
      for i = 1, n do
        local k = keys[i]
        mp_encode(k, level + 1, out)
        mp_encode(v[k], level + 1, out)
      end
    end
  else out[#out + 1] = "À" end
end
cmsgpack.pack = function(...)
  local n = select("#", ...)
  if n == 0 then error("MessagePack pack needs input.", 2) end
  local out = {}
  for i = 1, n do mp_encode((select(i, ...)), 0, out) end
  return concat(out)
end
local mp_decode
local function mp_agg(s, p, n, map)
  local t = {}
  for i = 1, n do
    local k, v
    if map then
      k, p = mp_decode(s, p)
      v, p = mp_decode(s, p)
      if k ~= nil then t[k] = v end
    else
      v, p = mp_decode(s, p)
      t[i] = v
    end
  end
  return t, p
end
mp_decode = function(s, p)
  local c = sbyte(s, p)
  if c == nil then error("Missing bytes in input.", 0) end
  p = p + 1
  if c < 0x80 then return c, p end
  if c >= 0xe0 then return c - 256, p end
  if c >= 0xa0 and c < 0xc0 then local n = c & 0x1f return ssub(s, p, p + n - 1), p + n end
  if c >= 0x90 and c < 0xa0 then return mp_agg(s, p, c & 0x0f, false) end
  if c >= 0x80 and c < 0x90 then return mp_agg(s, p, c & 0x0f, true) end
  if c == 0xc0 then return nil, p end
  if c == 0xc2 then return false, p end
  if c == 0xc3 then return true, p end
  if c == 0xca then return (sunpack(">f", s, p)), p + 4 end
  if c == 0xcb then return (sunpack(">d", s, p)), p + 8 end
  if c == 0xcc then return (sunpack(">I1", s, p)), p + 1 end
  if c == 0xcd then return (sunpack(">I2", s, p)), p + 2 end
  if c == 0xce then return (sunpack(">I4", s, p)), p + 4 end
  if c == 0xcf then return (sunpack(">i8", s, p)), p + 8 end
  if c == 0xd0 then return (sunpack(">i1", s, p)), p + 1 end
  if c == 0xd1 then return (sunpack(">i2", s, p)), p + 2 end
  if c == 0xd2 then return (sunpack(">i4", s, p)), p + 4 end
  if c == 0xd3 then return (sunpack(">i8", s, p)), p + 8 end
  if c == 0xd9 or c == 0xc4 then local n = sbyte(s, p) return ssub(s, p + 1, p + n), p + 1 + n end
  if c == 0xda or c == 0xc5 then local n = sunpack(">I2", s, p) return ssub(s, p + 2, p + 1 + n), p + 2 + n end
  if c == 0xdb or c == 0xc6 then local n = sunpack(">I4", s, p) return ssub(s, p + 4, p + 3 + n), p + 4 + n end
  if c == 0xdc then return mp_agg(s, p + 2, (sunpack(">I2", s, p)), false) end
  if c == 0xdd then return mp_agg(s, p + 4, (sunpack(">I4", s, p)), false) end
  if c == 0xde then return mp_agg(s, p + 2, (sunpack(">I2", s, p)), true) end
  if c == 0xdf then return mp_agg(s, p + 4, (sunpack(">I4", s, p)), true) end
  error("Bad data format in input.", 0)
end
local function mp_unpack(s, limit, offset)
  if type(s) ~= "string" then error("bad argument #1 (string expected)", 3) end
  local p = offset + 1
  local out, n = {}, 0
  while p <= #s and (limit == 0 or n < limit) do
    local ok, v, np = pcall(mp_decode, s, p)
    if not ok then error(v, 3) end
    n = n + 1
    out[n] = v
    p = np
  end
  local next_off = p > #s and -1 or p - 1
  return next_off, n, out
end
cmsgpack.unpack = function(s)
  local _, n, out = mp_unpack(s, 0, 0)
  return table.unpack(out, 1, n)
end
cmsgpack.unpack_one = function(s, offset)
  local off, n, out = mp_unpack(s, 1, offset or 0)
  return off, table.unpack(out, 1, n)
end
cmsgpack.unpack_limit = function(s, limit, offset)
  local off, n, out = mp_unpack(s, limit or 0, offset or 0)
  return off, table.unpack(out, 1, n)
end
return cmsgpack
`,
  struct: LIB_HEADER + String.raw`
local sunpack = string.unpack
-- struct (Roberto Ierusalimschy's struct library, on string.pack: 'l' is 8 bytes as on 64-bit
-- Redis, 's' a zero-terminated string; 'c0' is not supported) -----------------------------------
local function struct_fmt(f)
  if type(f) ~= "string" then error("bad argument #1 to 'struct' (string expected)", 3) end
  return (sgsub(f, "([lLiIsc])(%d*)", function(c, n)
    if c == "l" then return "i8" .. n elseif c == "L" then return "I8" .. n
    elseif c == "i" or c == "I" then return c .. (n ~= "" and n or "4")
    elseif c == "s" then return "z" .. n
    else
      if n == "" then n = "1" end
      if n == "0" then error("'c0' is not supported", 4) end
      return "c" .. n
    end
  end))
end
local spack_int = string.pack
return {
  pack = function(f, ...)
    local tf = struct_fmt(f)
    local args = table.pack(...)
    for i = 1, args.n do
      local v = args[i]
      if type(v) == "number" and math.tointeger(v) == nil and not sfind(tf, "[fd]") then
        args[i] = math.floor(v)
      end
    end
    return spack_int(tf, table.unpack(args, 1, args.n))
  end,
  unpack = function(f, s, pos) return sunpack(struct_fmt(f), s, pos) end,
  size = function(f) return string.packsize(struct_fmt(f)) end,
}

`,
};
