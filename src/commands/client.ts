/**
 * CLIENT family: ID, SETNAME, GETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, REPLY, NO-EVICT, SETINFO,
 * HELP, with Redis 7.0's replies, errors and CLIENT LIST fields (SETINFO follows Redis 7.2, where
 * it first appeared; its values are kept but CLIENT LIST keeps 7.0's field set).
 *
 * The pause itself (which commands wait, and resuming them) lives in src/server/dispatch.ts.
 */
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { type ArgDoc, cmd, type CommandDef } from "./types.ts";
import { parseI64 } from "./args.ts";
import { validateClientName } from "./connection.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import { endPause, pauseClients } from "../server/dispatch.ts";
import { unblockClientByRequest } from "../server/blocking.ts";
import { multiStateMemOverhead } from "../server/multi.ts";
import {
  disableTracking,
  enableTracking,
  prefixCollision,
  sortedBytes,
  trackingFlags,
} from "../server/tracking.ts";

// ---- CLIENT LIST / INFO lines ----------------------------------------------------------------

const TYPE_NORMAL = 0;
const TYPE_SLAVE = 1;
const TYPE_PUBSUB = 2;
const TYPE_MASTER = 3;

/** Redis's getClientTypeByName (-1 when unknown). */
function clientTypeByName(name: string): number {
  switch (name.toLowerCase()) {
    case "normal":
      return TYPE_NORMAL;
    case "slave":
    case "replica":
      return TYPE_SLAVE;
    case "pubsub":
      return TYPE_PUBSUB;
    case "master":
      return TYPE_MASTER;
    default:
      return -1;
  }
}

function isPubSub(c: Client): boolean {
  return c.subscriptions > 0 || c.subChannels + c.subPatterns + c.subShardChannels > 0;
}

function clientType(c: Client): number {
  if (c.flagMaster) return TYPE_MASTER;
  if (c.flagReplica) return TYPE_SLAVE;
  if (isPubSub(c)) return TYPE_PUBSUB;
  return TYPE_NORMAL;
}

function clientFlags(c: Client): string {
  let f = "";
  if (c.monitor) f += "O";
  else if (c.flagReplica) f += "S";
  if (c.flagMaster) f += "M";
  if (isPubSub(c)) f += "P";
  if (c.multiQueued >= 0) f += "x";
  if (c.blocked || c.postponedArgv !== null) f += "b";
  if (c.tracking !== null) f += trackingFlags(c);
  if (c.dirtyCas) f += "d";
  if (c.closeAfterReply) f += "c";
  if (c.unixSocket) f += "U";
  if (c.noEvict) f += "e";
  return f === "" ? "N" : f;
}

function argvBytes(argv: string[] | null): number {
  if (argv === null) return 0;
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/** Redis's static reply buffer size: output up to it is "obl", the rest "omem" in 16 KB nodes. */
const REPLY_CHUNK = 16 * 1024;

/**
 * One CLIENT LIST line (without the newline), Redis 7.0's catClientInfoString. `caller` is the
 * client running the command and `argv` its arguments: its query buffer still holds the command.
 */
export function clientInfoString(c: Client, caller: Client, argv: string[]): string {
  const now = Date.now();
  const nowSec = Math.floor(now / 1000);
  const q = c.query;
  const self = c === caller;
  const qbuf = self ? q.len : q.len - q.pos;
  const qbufFree = Math.max(0, q.buf.length - q.len);
  const argvMem = argvBytes(self ? argv : c.postponedArgv);
  const obl = Math.min(c.outLen, REPLY_CHUNK);
  const omem = c.outLen - obl;
  const oll = Math.ceil(omem / REPLY_CHUNK);
  const totMem = q.buf.length + c.out.length + argvMem + multiStateMemOverhead(c);
  const events = c.conn === null ? "" : c.writing ? "rw" : "r";
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} ` +
    `age=${nowSec - Math.floor(c.ctime / 1000)} ` +
    `idle=${nowSec - Math.floor(c.lastInteraction / 1000)} flags=${clientFlags(c)} ` +
    `db=${c.db.id} sub=${c.subChannels} psub=${c.subPatterns} ssub=${c.subShardChannels} ` +
    `multi=${c.multiQueued} qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argvMem} ` +
    `multi-mem=${c.multiMem} rbs=${c.out.length} rbp=${Math.max(c.outPeak, c.outLen)} ` +
    `obl=${obl} oll=${oll} omem=${omem} tot-mem=${totMem} events=${events} ` +
    `cmd=${c.lastCmd ? c.lastCmd.fullName : "NULL"} user=${c.user} redir=${
      c.tracking ? c.tracking.redirect : -1
    } resp=${c.resp}`;
}

// ---- handlers --------------------------------------------------------------------------------

function clientIdCommand(c: Client): void {
  c.addInt(c.id);
}

function clientInfoCommand(c: Client, argv: string[]): void {
  c.addVerbatim(clientInfoString(c, c, argv) + "\n");
}

function clientListCommand(c: Client, argv: string[]): void {
  const server = c.server;
  let out = "";
  if (argv.length === 4 && argv[2].toLowerCase() === "type") {
    const type = clientTypeByName(argv[3]);
    if (type === -1) return c.addError(`ERR Unknown client type '${argv[3]}'`);
    for (const cl of server.clients.values()) {
      if (clientType(cl) === type) out += clientInfoString(cl, c, argv) + "\n";
    }
  } else if (argv.length > 3 && argv[2].toLowerCase() === "id") {
    for (let j = 3; j < argv.length; j++) {
      const id = parseI64(argv[j]);
      if (id === null) return c.addError("ERR Invalid client ID");
      const cl = server.clients.get(Number(id));
      if (cl) out += clientInfoString(cl, c, argv) + "\n";
    }
  } else if (argv.length !== 2) return c.addErrorSyntax();
  else for (const cl of server.clients.values()) out += clientInfoString(cl, c, argv) + "\n";
  c.addVerbatim(out);
}

/** ACL users: only `default` until ACL lands. */
function userExists(server: Server, name: string): boolean {
  return server.acl.getUser(name) !== undefined;
}

function clientKillCommand(c: Client, argv: string[]): void {
  const server = c.server;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type = -1;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    addr = argv[2]; // old form: CLIENT KILL addr (may kill the caller)
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const more = argv.length > i + 1;
      if (!more) return c.addErrorSyntax();
      const val = argv[i + 1];
      if (opt === "id") {
        const v = parseI64(val);
        if (v === null || v < 1) return c.addError("ERR client-id should be greater than 0");
        id = Number(v);
      } else if (opt === "type") {
        type = clientTypeByName(val);
        if (type === -1) return c.addError(`ERR Unknown client type '${val}'`);
      } else if (opt === "addr") addr = val;
      else if (opt === "laddr") laddr = val;
      else if (opt === "user") {
        if (!userExists(server, val)) return c.addError(`ERR No such user '${val}'`);
        user = val;
      } else if (opt === "skipme") {
        const v = val.toLowerCase();
        if (v === "yes") skipme = true;
        else if (v === "no") skipme = false;
        else return c.addErrorSyntax();
      } else return c.addErrorSyntax();
    }
  }
  let killed = 0;
  let closeSelf = false;
  for (const cl of [...server.clients.values()]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== -1 && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.aclUser.name !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) closeSelf = true;
    else server.closeClient(cl);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) c.addError("ERR No such client");
    else c.addOk();
  } else c.addInt(killed);
  if (closeSelf) c.closeAfterReply = true;
}

function clientSetnameCommand(c: Client, argv: string[]): void {
  const err = validateClientName(argv[2]);
  if (err) return c.addError(err);
  c.name = argv[2];
  c.addOk();
}

function clientGetnameCommand(c: Client): void {
  if (c.name === "") c.addNull();
  else c.addBulk(c.name);
}

function clientPauseCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) return addReplySubcommandSyntaxError(c, argv);
  let writesOnly = false;
  if (argv.length === 4) {
    const mode = argv[3].toLowerCase();
    if (mode === "write") writesOnly = true;
    else if (mode !== "all") return c.addError("ERR CLIENT PAUSE mode must be WRITE or ALL");
  }
  const v = parseI64(argv[2]);
  if (v === null) return c.addError("ERR timeout is not an integer or out of range");
  if (v < 0) return c.addError("ERR timeout is negative");
  const ms = Number(v);
  pauseClients(c.server, ms > 0 ? Date.now() + ms : 0, writesOnly);
  c.addOk();
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR] (src/server/blocking.ts). */
function clientUnblockCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    addReplySubcommandSyntaxError(c, argv);
    return;
  }
  let asError = false;
  if (argv.length === 4) {
    const r = argv[3].toLowerCase();
    if (r === "error") asError = true;
    else if (r !== "timeout") {
      c.addError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  const id = parseI64(argv[2]);
  if (id === null) {
    c.addErrorNotInt();
    return;
  }
  const target = typeof id === "number" ? c.server.clients.get(id) : undefined;
  c.addInt(target !== undefined && unblockClientByRequest(target, asError) ? 1 : 0);
}

function clientUnpauseCommand(c: Client): void {
  c.addOk();
  endPause(c.server);
}

function clientReplyCommand(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === "on") {
    c.replyMode = "on";
    c.replySkipArmed = false;
    c.addOk();
  } else if (mode === "off") {
    c.replyMode = "off";
  } else if (mode === "skip") {
    if (c.replyMode !== "off") {
      c.replyMode = "skip";
      c.replySkipArmed = false;
    }
  } else c.addErrorSyntax();
}

function clientNoEvictCommand(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === "on") c.noEvict = true;
  else if (mode === "off") c.noEvict = false;
  else return c.addErrorSyntax();
  c.addOk();
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
function clientSetinfoCommand(c: Client, argv: string[]): void {
  const attr = argv[2];
  const which = attr.toLowerCase();
  if (which !== "lib-name" && which !== "lib-ver") {
    return c.addError(`ERR Unrecognized option '${attr}'`);
  }
  const val = argv[3];
  for (let i = 0; i < val.length; i++) {
    const ch = val.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      return c.addError(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    }
  }
  if (which === "lib-name") c.libName = val;
  else c.libVer = val;
  c.addOk();
}

// ---- client-side caching (state and messages in src/server/tracking.ts) ----------------------

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP] */
function clientTrackingCommand(c: Client, argv: string[]): void {
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j < argv.length - 1;
    if (opt === "redirect" && more) {
      j++;
      if (redirect !== 0) {
        return c.addError("ERR A client can only redirect to a single other client");
      }
      const id = parseI64(argv[j]);
      if (id === null) return c.addErrorNotInt();
      redirect = Number(id);
      if (!c.server.clients.has(redirect)) {
        return c.addError("ERR The client ID you want redirect to does not exist");
      }
    } else if (opt === "bcast") bcast = true;
    else if (opt === "optin") optin = true;
    else if (opt === "optout") optout = true;
    else if (opt === "noloop") noloop = true;
    else if (opt === "prefix" && more) prefixes.push(argv[++j]);
    else return c.addErrorSyntax();
  }
  const mode = argv[2].toLowerCase();
  if (mode === "off") {
    disableTracking(c);
    return c.addOk();
  }
  if (mode !== "on") return c.addErrorSyntax();
  const st = c.tracking;
  if (!bcast && prefixes.length > 0) {
    return c.addError("ERR PREFIX option requires BCAST mode to be enabled");
  }
  if (st !== null && st.bcast !== bcast) {
    return c.addError(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast && (optin || optout)) {
    return c.addError("ERR OPTIN and OPTOUT are not compatible with BCAST");
  }
  if (optin && optout) return c.addError("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (st !== null && ((optin && st.optout) || (optout && st.optin))) {
    return c.addError(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast) {
    const err = prefixCollision(st?.prefixes ?? [], prefixes);
    if (err !== null) return c.addError(err);
  }
  enableTracking(c, { redirect, bcast, optin, optout, noloop, prefixes });
  c.addOk();
}

/** CLIENT CACHING YES|NO: for the next command, in OPTIN / OPTOUT mode. */
function clientCachingCommand(c: Client, argv: string[]): void {
  const st = c.tracking;
  if (st === null) {
    return c.addError(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
  }
  const opt = argv[2].toLowerCase();
  if (opt === "yes") {
    if (!st.optin) {
      return c.addError(
        "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
      );
    }
  } else if (opt === "no") {
    if (!st.optout) {
      return c.addError(
        "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
      );
    }
  } else return c.addErrorSyntax();
  st.caching = true;
  c.addOk();
}

function clientGetredirCommand(c: Client): void {
  c.addInt(c.tracking ? c.tracking.redirect : -1);
}

function clientTrackinginfoCommand(c: Client): void {
  const st = c.tracking;
  c.addMapLen(3);
  c.addBulk("flags");
  const flags = [st ? "on" : "off"];
  if (st !== null) {
    if (st.bcast) flags.push("bcast");
    if (st.optin) flags.push("optin");
    if (st.optin && st.caching) flags.push("caching-yes");
    if (st.optout) flags.push("optout");
    if (st.optout && st.caching) flags.push("caching-no");
    if (st.noloop) flags.push("noloop");
    if (st.brokenRedir) flags.push("broken_redirect");
  }
  c.addSetLen(flags.length);
  for (const f of flags) c.addBulk(f);
  c.addBulk("redirect");
  c.addInt(st ? st.redirect : -1);
  c.addBulk("prefixes");
  const prefixes = st ? sortedBytes(st.prefixes) : [];
  c.addArrayLen(prefixes.length);
  for (const p of prefixes) c.addBulk(p);
}

const CLIENT_HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
];

// ---- table rows ------------------------------------------------------------------------------

const G = "connection";
const F = "noscript loading stale";
const ADMIN = "admin noscript loading stale";
const A = "connection";
const token = (name: string): ArgDoc => ({
  name: name.toLowerCase(),
  type: "pure-token",
  token: name,
});
const ON_OFF: ArgDoc[] = [token("ON"), token("OFF")];

export const clientCommands: CommandDef[] = [
  cmd("client", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for client connection commands",
    since: "2.4.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("caching", 3, F, [0, 0, 0], A, clientCachingCommand, {
        summary: "Instruct the server about tracking or not keys in the next request",
        since: "6.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [{ name: "mode", type: "oneof", arguments: [token("YES"), token("NO")] }],
      }),
      cmd("getredir", 2, F, [0, 0, 0], A, clientGetredirCommand, {
        summary: "Get tracking notifications redirection client ID if any",
        since: "6.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("getname", 2, F, [0, 0, 0], A, clientGetnameCommand, {
        summary: "Get the current connection name",
        since: "2.6.9",
        group: G,
        complexity: "O(1)",
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], A, (c, argv) => {
        addReplyHelp(c, argv[0], CLIENT_HELP);
      }, {
        summary: "Show helpful text about the different subcommands",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("id", 2, F, [0, 0, 0], A, clientIdCommand, {
        summary: "Returns the client ID for the current connection",
        since: "5.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("info", 2, F, [0, 0, 0], A, clientInfoCommand, {
        summary: "Returns information about the current client connection.",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
      }),
      cmd("kill", -3, ADMIN, [0, 0, 0], A, clientKillCommand, {
        summary: "Kill the connection of a client",
        since: "2.4.0",
        group: G,
        complexity: "O(N) where N is the number of client connections",
        history: [
          ["2.8.12", "Added new filter format."],
          ["2.8.12", "`ID` option."],
          ["3.2.0", "Added `master` type in for `TYPE` option."],
          [
            "5.0.0",
            "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
          ],
          ["6.2.0", "`LADDR` option."],
        ],
        arguments: [{
          name: "filter",
          type: "oneof",
          arguments: [
            { name: "ip:port", type: "string", deprecatedSince: "2.8.12" },
            {
              name: "new-format",
              type: "oneof",
              multiple: true,
              arguments: [
                {
                  name: "client-id",
                  type: "integer",
                  token: "ID",
                  since: "2.8.12",
                  optional: true,
                },
                {
                  name: "normal_master_slave_pubsub",
                  type: "oneof",
                  token: "TYPE",
                  since: "2.8.12",
                  optional: true,
                  arguments: [
                    token("NORMAL"),
                    { ...token("MASTER"), since: "3.2.0" },
                    token("SLAVE"),
                    { ...token("REPLICA"), since: "5.0.0" },
                    token("PUBSUB"),
                  ],
                },
                { name: "username", type: "string", token: "USER", optional: true },
                { name: "ip:port", type: "string", token: "ADDR", optional: true },
                { name: "ip:port", type: "string", token: "LADDR", since: "6.2.0", optional: true },
                { name: "yes/no", type: "string", token: "SKIPME", optional: true },
              ],
            },
          ],
        }],
      }),
      cmd("list", -2, ADMIN, [0, 0, 0], A, clientListCommand, {
        summary: "Get the list of client connections",
        since: "2.4.0",
        group: G,
        complexity: "O(N) where N is the number of client connections",
        history: [
          ["2.8.12", "Added unique client `id` field."],
          ["5.0.0", "Added optional `TYPE` filter."],
          ["6.0.0", "Added `user` field."],
          [
            "6.2.0",
            "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
          ],
          ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
          ["7.0.3", "Added `ssub` field."],
        ],
        tips: ["nondeterministic_output"],
        arguments: [
          {
            name: "normal_master_replica_pubsub",
            type: "oneof",
            token: "TYPE",
            since: "5.0.0",
            optional: true,
            arguments: [token("NORMAL"), token("MASTER"), token("REPLICA"), token("PUBSUB")],
          },
          {
            name: "id",
            type: "block",
            token: "ID",
            since: "6.2.0",
            optional: true,
            arguments: [{ name: "client-id", type: "integer", multiple: true }],
          },
        ],
      }),
      cmd("no-evict", 3, ADMIN, [0, 0, 0], A, clientNoEvictCommand, {
        summary: "Set client eviction mode for the current connection",
        since: "7.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [{ name: "enabled", type: "oneof", arguments: ON_OFF }],
      }),
      cmd("pause", -3, ADMIN, [0, 0, 0], A, clientPauseCommand, {
        summary: "Stop processing commands from clients for some time",
        since: "2.9.50",
        group: G,
        complexity: "O(1)",
        history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
        arguments: [
          { name: "timeout", type: "integer" },
          {
            name: "mode",
            type: "oneof",
            since: "6.2.0",
            optional: true,
            arguments: [token("WRITE"), token("ALL")],
          },
        ],
      }),
      cmd("reply", 3, F, [0, 0, 0], A, clientReplyCommand, {
        summary: "Instruct the server whether to reply to commands",
        since: "3.2.0",
        group: G,
        complexity: "O(1)",
        arguments: [{
          name: "on_off_skip",
          type: "oneof",
          arguments: [token("ON"), token("OFF"), token("SKIP")],
        }],
      }),
      cmd("setinfo", 4, F, [0, 0, 0], A, clientSetinfoCommand, {
        summary: "Sets information specific to the client or connection.",
        since: "7.2.0",
        group: G,
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        arguments: [{
          name: "attr",
          type: "oneof",
          arguments: [
            { name: "libname", type: "string", token: "LIB-NAME" },
            { name: "libver", type: "string", token: "LIB-VER" },
          ],
        }],
      }),
      cmd("setname", 3, F, [0, 0, 0], A, clientSetnameCommand, {
        summary: "Set the current connection name",
        since: "2.6.9",
        group: G,
        complexity: "O(1)",
        arguments: [{ name: "connection-name", type: "string" }],
      }),
      cmd("tracking", -3, F, [0, 0, 0], A, clientTrackingCommand, {
        summary: "Enable or disable server assisted client side caching support",
        since: "6.0.0",
        group: G,
        complexity: "O(1). Some options may introduce additional complexity.",
        arguments: [
          { name: "status", type: "oneof", arguments: ON_OFF },
          { name: "client-id", type: "integer", token: "REDIRECT", optional: true },
          {
            name: "prefix",
            type: "string",
            token: "PREFIX",
            optional: true,
            multiple: true,
            multipleToken: true,
          },
          { ...token("BCAST"), optional: true },
          { ...token("OPTIN"), optional: true },
          { ...token("OPTOUT"), optional: true },
          { ...token("NOLOOP"), optional: true },
        ],
      }),
      cmd("trackinginfo", 2, F, [0, 0, 0], A, clientTrackinginfoCommand, {
        summary:
          "Return information about server assisted client side caching for the current connection",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("unblock", -3, ADMIN, [0, 0, 0], A, clientUnblockCommand, {
        summary: "Unblock a client blocked in a blocking command from a different connection",
        since: "5.0.0",
        group: G,
        complexity: "O(log N) where N is the number of client connections",
        arguments: [
          { name: "client-id", type: "integer" },
          {
            name: "timeout_error",
            type: "oneof",
            optional: true,
            arguments: [token("TIMEOUT"), token("ERROR")],
          },
        ],
      }),
      cmd("unpause", 2, ADMIN, [0, 0, 0], A, clientUnpauseCommand, {
        summary: "Resume processing of clients that were paused",
        since: "6.2.0",
        group: G,
        complexity: "O(N) Where N is the number of paused clients",
      }),
    ],
  }),
];
