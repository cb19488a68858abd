/**
 * ACL family: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS, LOG, LOAD, SAVE,
 * DRYRUN, HELP, in Redis 7.0's reply shapes and error texts. The users, rules and checks live in
 * src/server/acl.ts; subcommands are listed in the order COMMAND INFO of Redis 7.0.15 gives them.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef } from "./types.ts";
import { ACL_CATEGORIES } from "./table.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import { parseInteger } from "./args.ts";
import { redactArgument } from "../server/monitor.ts";
import {
  ACL_DENIED_AUTH,
  ACL_DENIED_CHANNEL,
  ACL_DENIED_CMD,
  ACL_DENIED_KEY,
  ACL_OK,
  genPass,
  type Selector,
  selectorChannelsText,
  selectorKeysText,
} from "../server/acl.ts";

function hasSpacesOrNul(s: string): boolean {
  return s.includes(" ") || s.includes("\0");
}

function setuserCommand(c: Client, argv: string[]): void {
  for (let j = 2; j < argv.length; j++) redactArgument(c, argv, j);
  const name = argv[2];
  if (hasSpacesOrNul(name)) {
    return c.addError("ERR Usernames can't contain spaces or null characters");
  }
  const acl = c.server.acl;
  const err = acl.setUserFromRules(acl.getUser(name), name, argv.slice(3));
  if (err === null) c.addOk();
  else c.addError("ERR " + err.replace(/[\r\n]/g, " "));
}

function deluserCommand(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  for (let j = 2; j < argv.length; j++) {
    if (argv[j] === "default") return c.addError("ERR The 'default' user cannot be removed");
  }
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    const u = acl.users.get(argv[j]);
    if (u === undefined) continue;
    acl.users.delete(argv[j]);
    acl.killClientsOf(u, c);
    deleted++;
  }
  c.addInt(deleted);
}

function addSelectorDescription(c: Client, s: Selector): void {
  c.addBulk("commands");
  c.addBulk(c.server.acl.describeCommandRules(s));
  c.addBulk("keys");
  c.addBulk(selectorKeysText(s));
  c.addBulk("channels");
  c.addBulk(selectorChannelsText(s));
}

function getuserCommand(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  const u = acl.getUser(argv[2]);
  if (u === undefined) return c.addNull();
  c.addMapLen(6);
  c.addBulk("flags");
  const flags = acl.flagNames(u);
  c.addSetLen(flags.length);
  for (const f of flags) c.addBulk(f);
  c.addBulk("passwords");
  c.addArrayLen(u.passwords.length);
  for (const p of u.passwords) c.addBulk(p);
  addSelectorDescription(c, u.root);
  c.addBulk("selectors");
  c.addArrayLen(u.selectors.length - 1);
  for (let i = 1; i < u.selectors.length; i++) {
    c.addMapLen(3);
    addSelectorDescription(c, u.selectors[i]);
  }
}

function listCommand(c: Client): void {
  const acl = c.server.acl;
  const users = acl.sortedUsers();
  c.addArrayLen(users.length);
  for (const u of users) c.addBulk(`user ${u.name} ${acl.describeUser(u)}`);
}

function usersCommand(c: Client): void {
  const users = c.server.acl.sortedUsers();
  c.addArrayLen(users.length);
  for (const u of users) c.addBulk(u.name);
}

function whoamiCommand(c: Client): void {
  c.addBulk(c.aclUser.name);
}

const NO_ACLFILE =
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

function loadCommand(c: Client): void {
  const acl = c.server.acl;
  const file = acl.filename;
  if (file === "") return c.addError(NO_ACLFILE);
  const errors = acl.loadFromFile(file, c);
  if (errors === null) c.addOk();
  else c.addError("ERR " + errors.replace(/[\r\n]/g, " "));
}

function saveCommand(c: Client): void {
  const acl = c.server.acl;
  const file = acl.filename;
  if (file === "") return c.addError(NO_ACLFILE);
  if (acl.saveToFile(file)) c.addOk();
  else {
    c.addError(
      "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
    );
  }
}

function catCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    c.addArrayLen(ACL_CATEGORIES.length);
    for (const cat of ACL_CATEGORIES) c.addBulk(cat);
    return;
  }
  if (argv.length !== 3) return addReplySubcommandSyntaxError(c, argv);
  const cat = argv[2].toLowerCase();
  if (!ACL_CATEGORIES.includes(cat)) {
    return c.addError(`ERR Unknown category '${argv[2].slice(0, 128)}'`);
  }
  const names: string[] = [];
  for (const d of c.server.commands.all()) if (d.categories!.includes(cat)) names.push(d.fullName!);
  c.addArrayLen(names.length);
  for (const n of names) c.addBulk(n);
}

function genpassCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  let bits = 256;
  if (argv.length === 3) {
    const n = parseInteger(argv[2]);
    if (n === null) return c.addErrorNotInt();
    bits = n;
  }
  if (bits <= 0 || bits > 4096) {
    return c.addError(
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
    );
  }
  c.addBulk(genPass(bits));
}

const REASONS: Record<number, string> = {
  [ACL_DENIED_CMD]: "command",
  [ACL_DENIED_KEY]: "key",
  [ACL_DENIED_CHANNEL]: "channel",
  [ACL_DENIED_AUTH]: "auth",
};

function logCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  const acl = c.server.acl;
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === "reset") {
      acl.log = [];
      return c.addOk();
    }
    const n = parseInteger(argv[2]);
    if (n === null) return c.addErrorNotInt();
    count = Math.max(0, n);
  }
  const entries = acl.log.slice(0, count);
  const now = Date.now();
  c.addArrayLen(entries.length);
  for (const le of entries) {
    // Redis 7.0's seven fields, then 7.2's entry-id, timestamp-created, timestamp-last-updated.
    c.addMapLen(10);
    c.addBulk("count");
    c.addInt(le.count);
    c.addBulk("reason");
    c.addBulk(REASONS[le.reason] ?? "unknown");
    c.addBulk("context");
    c.addBulk(le.context);
    c.addBulk("object");
    c.addBulk(le.object);
    c.addBulk("username");
    c.addBulk(le.username);
    c.addBulk("age-seconds");
    c.addDouble((now - le.ctime) / 1000);
    c.addBulk("client-info");
    c.addBulk(le.cinfo);
    c.addBulk("entry-id");
    c.addInt(le.entryId);
    c.addBulk("timestamp-created");
    c.addInt(le.created);
    c.addBulk("timestamp-last-updated");
    c.addInt(le.ctime);
  }
}

function dryrunCommand(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  const u = acl.getUser(argv[2]);
  if (u === undefined) return c.addError(`ERR User '${argv[2]}' not found`);
  const args = argv.slice(3);
  const d = c.server.commands.lookup(args);
  if (d === undefined) return c.addError(`ERR Command '${argv[3]}' not found`);
  if ((d.arity > 0 && d.arity !== args.length) || args.length < -d.arity) {
    return c.addError(`ERR wrong number of arguments for '${d.fullName}' command`);
  }
  const r = acl.checkCommand(u, d, args);
  if (r.ret === ACL_OK) return c.addOk();
  if (r.ret === ACL_DENIED_CMD) {
    c.addBulk(`This user has no permissions to run the '${d.fullName}' command`);
  } else if (r.ret === ACL_DENIED_KEY) {
    c.addBulk(`This user has no permissions to access the '${args[r.pos]}' key`);
  } else c.addBulk(`This user has no permissions to access the '${args[r.pos]}' channel`);
}

const HELP = [
  "CAT [<category>]",
  "    List all commands that belong to <category>, or all command categories",
  "    when no category is specified.",
  "DELUSER <username> [<username> ...]",
  "    Delete a list of users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Returns whether the user can execute the given command without executing the command.",
  "GETUSER <username>",
  "    Get the user's details.",
  "GENPASS [<bits>]",
  "    Generate a secure 256-bit user password. The optional `bits` argument can",
  "    be used to specify a different size.",
  "LIST",
  "    Show users details in config file format.",
  "LOAD",
  "    Reload users from the ACL file.",
  "LOG [<count> | RESET]",
  "    Show the ACL log entries.",
  "SAVE",
  "    Save the current config to the ACL file.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user with the specified attributes.",
  "USERS",
  "    List all the registered usernames.",
  "WHOAMI",
  "    Return the current connection username.",
];

const G = "server";
const A = "admin noscript loading stale";
const S = "noscript loading stale";
const N = "O(N). Where N is the number of configured users.";

export const aclCommands: CommandDef[] = [
  cmd("acl", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for Access List Control commands ",
    since: "6.0.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("getuser", 3, A, [0, 0, 0], "", getuserCommand, {
        summary: "Get the rules for a specific ACL user",
        since: "6.0.0",
        group: G,
        complexity:
          "O(N). Where N is the number of password, command and pattern rules that the user has.",
        history: [
          ["6.2.0", "Added Pub/Sub channel patterns."],
          [
            "7.0.0",
            "Added selectors and changed the format of key and channel patterns from a list to their rule representation.",
          ],
        ],
        arguments: [{ name: "username", type: "string" }],
      }),
      cmd("deluser", -3, A, [0, 0, 0], "", deluserCommand, {
        summary: "Remove the specified ACL users and the associated rules",
        since: "6.0.0",
        group: G,
        complexity: "O(1) amortized time considering the typical user.",
        arguments: [{ name: "username", type: "string", multiple: true }],
      }),
      cmd("list", 2, A, [0, 0, 0], "", listCommand, {
        summary: "List the current ACL rules in ACL config file format",
        since: "6.0.0",
        group: G,
        complexity: N,
      }),
      cmd("dryrun", -4, A, [0, 0, 0], "", dryrunCommand, {
        summary:
          "Returns whether the user can execute the given command without executing the command.",
        since: "7.0.0",
        group: G,
        complexity: "O(1).",
        arguments: [
          { name: "username", type: "string" },
          { name: "command", type: "string" },
          { name: "arg", type: "string", optional: true, multiple: true },
        ],
      }),
      cmd("users", 2, A, [0, 0, 0], "", usersCommand, {
        summary: "List the username of all the configured ACL rules",
        since: "6.0.0",
        group: G,
        complexity: N,
      }),
      cmd("whoami", 2, S, [0, 0, 0], "", whoamiCommand, {
        summary: "Return the name of the user associated to the current connection",
        since: "6.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("setuser", -3, A, [0, 0, 0], "", setuserCommand, {
        summary: "Modify or create the rules for a specific ACL user",
        since: "6.0.0",
        group: G,
        complexity: "O(N). Where N is the number of rules provided.",
        history: [
          ["6.2.0", "Added Pub/Sub channel patterns."],
          ["7.0.0", "Added selectors and key based permissions."],
        ],
        arguments: [
          { name: "username", type: "string" },
          { name: "rule", type: "string", optional: true, multiple: true },
        ],
      }),
      cmd("cat", -2, S, [0, 0, 0], "", catCommand, {
        summary: "List the ACL categories or the commands inside a category",
        since: "6.0.0",
        group: G,
        complexity: "O(1) since the categories and commands are a fixed set.",
        arguments: [{ name: "categoryname", type: "string", optional: true }],
      }),
      cmd("genpass", -2, S, [0, 0, 0], "", genpassCommand, {
        summary: "Generate a pseudorandom secure password to use for ACL users",
        since: "6.0.0",
        group: G,
        complexity: "O(1)",
        arguments: [{ name: "bits", type: "integer", optional: true }],
      }),
      cmd("log", -2, A, [0, 0, 0], "", logCommand, {
        summary: "List latest events denied because of ACLs in place",
        since: "6.0.0",
        group: G,
        complexity: "O(N) with N being the number of entries shown.",
        arguments: [{
          name: "operation",
          type: "oneof",
          optional: true,
          arguments: [
            { name: "count", type: "integer" },
            { name: "reset", type: "pure-token", token: "RESET" },
          ],
        }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", (c, argv) => addReplyHelp(c, argv[0], HELP), {
        summary: "Show helpful text about the different subcommands",
        since: "6.0.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("load", 2, A, [0, 0, 0], "", loadCommand, {
        summary: "Reload the ACLs from the configured ACL file",
        since: "6.0.0",
        group: G,
        complexity: N,
      }),
      cmd("save", 2, A, [0, 0, 0], "", saveCommand, {
        summary: "Save the current ACL rules in the configured ACL file",
        since: "6.0.0",
        group: G,
        complexity: N,
      }),
    ],
  }),
];
