/**
 * Connection family: PING, ECHO, QUIT, RESET, HELLO, SELECT, AUTH, and the cluster connection modes
 * READONLY/READWRITE (refused: there is no cluster mode, as in Redis without cluster-enabled).
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { parseInteger } from "./args.ts";
import { REDIS_COMPAT_VERSION } from "../server/version.ts";
import { redactArgument } from "../server/monitor.ts";
import { resumeClient } from "../server/conn.ts";

function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) return c.addErrorArity("ping");
  if (c.inPubSubContext()) {
    c.addArrayLen(2);
    c.addBulk("pong");
    c.addBulk(argv.length === 2 ? argv[1] : "");
    return;
  }
  if (argv.length === 1) c.writeBytes(PONG);
  else c.addBulk(argv[1]);
}
const PONG = new TextEncoder().encode("+PONG\r\n");

function echoCommand(c: Client, argv: string[]): void {
  c.addBulk(argv[1]);
}

function quitCommand(c: Client): void {
  c.addOk();
  c.closeAfterReply = true;
}

function resetCommand(c: Client): void {
  c.server.resetClient(c);
  c.addStatus("RESET");
}

function selectCommand(c: Client, argv: string[]): void {
  const id = parseInteger(argv[1]);
  if (id === null) return c.addError("ERR value is not an integer or out of range");
  if (id < 0 || id >= c.server.dbs.length) return c.addError("ERR DB index is out of range");
  c.db = c.server.dbs[id];
  c.addOk();
}

/**
 * Check a username/password pair against the ACL users (requirepass = the default user), then run
 * `then`. An Argon2id hash (src/server/acl.ts) is verified asynchronously: meanwhile the client
 * parses nothing more (as a postponed client), so its later commands still run after the AUTH.
 */
function authenticate(c: Client, user: string, pass: string, then: (ok: boolean) => void): void {
  const r = c.server.acl.authenticate(c, user, pass);
  if (typeof r === "boolean") return then(r);
  c.postponedArgv = AUTH_PENDING;
  r.then((ok) => {
    if (c.postponedArgv === AUTH_PENDING) c.postponedArgv = null;
    if (c.closed) return;
    then(ok);
    resumeClient(c);
  });
}
const AUTH_PENDING: string[] = [];

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

function authCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.addErrorSyntax();
  // Passwords (and the user name) never reach SLOWLOG or MONITOR.
  redactArgument(c, argv, 1);
  redactArgument(c, argv, 2);
  let user = "default";
  let pass: string;
  if (argv.length === 2) {
    if (c.server.acl.defaultUser.nopass) {
      return c.addError(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
      );
    }
    pass = argv[1];
  } else {
    user = argv[1];
    pass = argv[2];
  }
  authenticate(c, user, pass, (ok) => ok ? c.addOk() : c.addError(WRONGPASS));
}

function helloCommand(c: Client, argv: string[]): void {
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInteger(argv[next++]);
    if (v === null) return c.addError("ERR Protocol version is not an integer or out of range");
    if (v < 2 || v > 3) return c.addError("NOPROTO unsupported protocol version");
    ver = v;
  }
  let user: string | undefined;
  let pass: string | undefined;
  let name: string | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toUpperCase();
    if (opt === "AUTH" && more >= 2) {
      redactArgument(c, argv, j + 1);
      redactArgument(c, argv, j + 2);
      user = argv[j + 1];
      pass = argv[j + 2];
      j += 2;
    } else if (opt === "SETNAME" && more >= 1) {
      name = argv[j + 1];
      j++;
    } else return c.addError(`ERR Syntax error in HELLO option '${argv[j]}'`);
  }
  if (user !== undefined && pass !== undefined) {
    authenticate(c, user, pass, (ok) => ok ? helloReply(c, ver, name) : c.addError(WRONGPASS));
  } else helloReply(c, ver, name);
}

function helloReply(c: Client, ver: number, name: string | undefined): void {
  if (!c.authenticated) {
    return c.addError(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    );
  }
  if (name !== undefined) {
    const err = validateClientName(name);
    if (err) return c.addError(err);
    c.name = name;
  }
  if (ver) c.resp = ver;
  c.addMapLen(7);
  c.addBulk("server");
  c.addBulk("redis");
  c.addBulk("version");
  c.addBulk(REDIS_COMPAT_VERSION);
  c.addBulk("proto");
  c.addInt(c.resp);
  c.addBulk("id");
  c.addInt(c.id);
  c.addBulk("mode");
  c.addBulk("standalone");
  c.addBulk("role");
  c.addBulk(c.server.role());
  c.addBulk("modules");
  c.addEmptyArray();
}

/** Client names cannot contain spaces, newlines or special characters (Redis's clientSetName). */
export function validateClientName(name: string): string | null {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      return "ERR Client names cannot contain spaces, newlines or special characters.";
    }
  }
  return null;
}

function clusterDisabledCommand(c: Client): void {
  c.addError("ERR This instance has cluster support disabled");
}

const G = "connection";
export const connectionCommands: CommandDef[] = [
  cmd("ping", -1, "fast", [0, 0, 0], "connection", pingCommand, {
    summary: "Ping the server",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: [{ name: "message", type: "string", optional: true }],
  }),
  cmd("echo", 2, "loading stale fast", [0, 0, 0], "connection", echoCommand, {
    summary: "Echo the given string",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    arguments: [{ name: "message", type: "string" }],
  }),
  cmd(
    "quit",
    -1,
    "allow_busy noscript loading stale fast no_auth",
    [0, 0, 0],
    "connection",
    quitCommand,
    {
      summary: "Close the connection",
      since: "1.0.0",
      group: G,
      complexity: "O(1)",
    },
  ),
  cmd(
    "reset",
    1,
    "noscript loading stale fast no_auth allow_busy",
    [0, 0, 0],
    "connection",
    resetCommand,
    {
      summary: "Reset the connection",
      since: "6.2.0",
      group: G,
      complexity: "O(1)",
    },
  ),
  cmd(
    "hello",
    -1,
    "noscript loading stale fast no_auth allow_busy",
    [0, 0, 0],
    "connection",
    helloCommand,
    {
      summary: "Handshake with Redis",
      history: [[
        "6.2.0",
        "`protover` made optional; when called without arguments the command reports the current connection's context.",
      ]],
      since: "6.0.0",
      group: G,
      complexity: "O(1)",
      arguments: [{
        name: "arguments",
        type: "block",
        optional: true,
        arguments: [
          { name: "protover", type: "integer" },
          {
            name: "username_password",
            type: "block",
            token: "AUTH",
            optional: true,
            arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
          },
          { name: "clientname", type: "string", token: "SETNAME", optional: true },
        ],
      }],
    },
  ),
  cmd("select", 2, "loading stale fast", [0, 0, 0], "connection", selectCommand, {
    summary: "Change the selected database for the current connection",
    since: "1.0.0",
    group: G,
    complexity: "O(1)",
    arguments: [{ name: "index", type: "integer" }],
  }),
  cmd(
    "auth",
    -2,
    "noscript loading stale fast no_auth allow_busy",
    [0, 0, 0],
    "connection",
    authCommand,
    {
      summary: "Authenticate to the server",
      history: [["6.0.0", "Added ACL style (username and password)."]],
      since: "1.0.0",
      group: G,
      complexity: "O(N) where N is the number of passwords defined for the user",
      arguments: [
        { name: "username", type: "string", optional: true, since: "6.0.0" },
        { name: "password", type: "string" },
      ],
    },
  ),
  cmd("readonly", 1, "loading stale fast", [0, 0, 0], "connection", clusterDisabledCommand, {
    summary: "Enables read queries for a connection to a cluster replica node",
    since: "3.0.0",
    group: "cluster",
    complexity: "O(1)",
  }),
  cmd("readwrite", 1, "loading stale fast", [0, 0, 0], "connection", clusterDisabledCommand, {
    summary: "Disables read queries for a connection to a cluster replica node",
    since: "3.0.0",
    group: "cluster",
    complexity: "O(1)",
  }),
];
