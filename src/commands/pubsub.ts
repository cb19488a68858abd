/**
 * Pub/Sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE,
 * SUNSUBSCRIBE, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP. The
 * channel tables and delivery are in src/server/pubsub.ts.
 */
import type { Client } from "../server/client.ts";
import { cmd, type CommandDef, keySpec } from "./types.ts";
import {
  publishMessage,
  publishShardMessage,
  type SubKind,
  subscribe,
  unsubscribe,
  unsubscribeAll,
} from "../server/pubsub.ts";
import { stringMatch } from "../store/glob.ts";
import { addReplyHelp, addReplySubcommandSyntaxError } from "./command.ts";
import { PROPAGATE_REPL } from "../server/propagate.ts";

function subscribeGeneric(c: Client, argv: string[], kind: SubKind): void {
  for (let i = 1; i < argv.length; i++) subscribe(c, kind, argv[i]);
}

function unsubscribeGeneric(c: Client, argv: string[], kind: SubKind): void {
  if (argv.length === 1) unsubscribeAll(c, kind, true);
  else for (let i = 1; i < argv.length; i++) unsubscribe(c, kind, argv[i], true);
}

function subscribeCommand(c: Client, argv: string[]): void {
  subscribeGeneric(c, argv, "channel");
}

function psubscribeCommand(c: Client, argv: string[]): void {
  subscribeGeneric(c, argv, "pattern");
}

function ssubscribeCommand(c: Client, argv: string[]): void {
  // Redis refuses it to clients that expect one reply per command (EXEC, scripts).
  if (c.server.inExec) return c.addError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  subscribeGeneric(c, argv, "shard");
}

function unsubscribeCommand(c: Client, argv: string[]): void {
  unsubscribeGeneric(c, argv, "channel");
}

function punsubscribeCommand(c: Client, argv: string[]): void {
  unsubscribeGeneric(c, argv, "pattern");
}

function sunsubscribeCommand(c: Client, argv: string[]): void {
  unsubscribeGeneric(c, argv, "shard");
}

function publishCommand(c: Client, argv: string[]): void {
  const n = publishMessage(c.server, argv[1], argv[2]);
  c.forcePropagate = PROPAGATE_REPL; // replicas publish it to their own subscribers
  c.addInt(n);
}

function spublishCommand(c: Client, argv: string[]): void {
  const n = publishShardMessage(c.server, argv[1], argv[2]);
  c.forcePropagate = PROPAGATE_REPL;
  c.addInt(n);
}

function channelList(c: Client, argv: string[], table: Map<string, Set<Client>>): void {
  // Arity -2 in the table; Redis's handler takes at most one pattern.
  if (argv.length > 3) return addReplySubcommandSyntaxError(c, argv);
  const pat = argv.length === 3 ? argv[2] : null;
  const at = c.deferLen();
  let n = 0;
  for (const ch of table.keys()) {
    if (pat !== null && !stringMatch(pat, ch)) continue;
    c.addBulk(ch);
    n++;
  }
  c.setDeferredArray(at, n);
}

function numsub(c: Client, argv: string[], table: Map<string, Set<Client>>): void {
  c.addArrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.addBulk(argv[i]);
    c.addInt(table.get(argv[i])?.size ?? 0);
  }
}

function pubsubChannelsCommand(c: Client, argv: string[]): void {
  channelList(c, argv, c.server.pubsub.channels);
}

function pubsubShardChannelsCommand(c: Client, argv: string[]): void {
  channelList(c, argv, c.server.pubsub.shard);
}

function pubsubNumsubCommand(c: Client, argv: string[]): void {
  numsub(c, argv, c.server.pubsub.channels);
}

function pubsubShardNumsubCommand(c: Client, argv: string[]): void {
  numsub(c, argv, c.server.pubsub.shard);
}

function pubsubNumpatCommand(c: Client): void {
  c.addInt(c.server.pubsub.patterns.size);
}

const HELP = [
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
];

function pubsubHelpCommand(c: Client): void {
  addReplyHelp(c, "pubsub", HELP);
}

const G = "pubsub";
const SUB = "pubsub noscript loading stale";
const SUB_CMPLX = "O(N) where N is the number of clients already subscribed to a channel.";

export const pubsubCommands: CommandDef[] = [
  cmd("subscribe", -2, SUB, [0, 0, 0], "", subscribeCommand, {
    summary: "Listen for messages published to the given channels",
    since: "2.0.0",
    group: G,
    complexity: "O(N) where N is the number of channels to subscribe to.",
    arguments: [{ name: "channel", type: "string", multiple: true }],
  }),
  cmd("unsubscribe", -1, SUB, [0, 0, 0], "", unsubscribeCommand, {
    summary: "Stop listening for messages posted to the given channels",
    since: "2.0.0",
    group: G,
    complexity: SUB_CMPLX,
    arguments: [{ name: "channel", type: "string", optional: true, multiple: true }],
  }),
  cmd("psubscribe", -2, SUB, [0, 0, 0], "", psubscribeCommand, {
    summary: "Listen for messages published to channels matching the given patterns",
    since: "2.0.0",
    group: G,
    complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
    arguments: [{
      name: "pattern",
      type: "block",
      multiple: true,
      arguments: [{ name: "pattern", type: "pattern" }],
    }],
  }),
  cmd("punsubscribe", -1, SUB, [0, 0, 0], "", punsubscribeCommand, {
    summary: "Stop listening for messages posted to channels matching the given patterns",
    since: "2.0.0",
    group: G,
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    arguments: [{ name: "pattern", type: "pattern", optional: true, multiple: true }],
  }),
  cmd("publish", 3, "pubsub loading stale fast may_replicate", [0, 0, 0], "", publishCommand, {
    summary: "Post a message to a channel",
    since: "2.0.0",
    group: G,
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    arguments: [{ name: "channel", type: "string" }, { name: "message", type: "string" }],
  }),
  cmd("ssubscribe", -2, SUB, [1, -1, 1], "", ssubscribeCommand, {
    summary: "Listen for messages published to the given shard channels",
    since: "7.0.0",
    group: G,
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    keySpecs: [keySpec("NOT_KEY", 1, -1)],
    arguments: [{ name: "shardchannel", type: "string", multiple: true }],
  }),
  cmd("sunsubscribe", -1, SUB, [1, -1, 1], "", sunsubscribeCommand, {
    summary: "Stop listening for messages posted to the given shard channels",
    since: "7.0.0",
    group: G,
    complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
    keySpecs: [keySpec("NOT_KEY", 1, -1)],
    arguments: [{ name: "shardchannel", type: "string", optional: true, multiple: true }],
  }),
  cmd("spublish", 3, "pubsub loading stale fast may_replicate", [1, 1, 1], "", spublishCommand, {
    summary: "Post a message to a shard channel",
    since: "7.0.0",
    group: G,
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    keySpecs: [keySpec("NOT_KEY", 1, 0)],
    arguments: [{ name: "shardchannel", type: "string" }, { name: "message", type: "string" }],
  }),
  cmd("pubsub", -2, "", [0, 0, 0], "", undefined, {
    summary: "A container for Pub/Sub commands",
    since: "2.8.0",
    group: G,
    complexity: "Depends on subcommand.",
    subcommands: [
      cmd("channels", -2, "pubsub loading stale", [0, 0, 0], "", pubsubChannelsCommand, {
        summary: "List active channels",
        since: "2.8.0",
        group: G,
        complexity:
          "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        arguments: [{ name: "pattern", type: "pattern", optional: true }],
      }),
      cmd("numpat", 2, "pubsub loading stale", [0, 0, 0], "", pubsubNumpatCommand, {
        summary: "Get the count of unique patterns pattern subscriptions",
        since: "2.8.0",
        group: G,
        complexity: "O(1)",
      }),
      cmd("numsub", -2, "pubsub loading stale", [0, 0, 0], "", pubsubNumsubCommand, {
        summary: "Get the count of subscribers for channels",
        since: "2.8.0",
        group: G,
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        arguments: [{ name: "channel", type: "string", optional: true, multiple: true }],
      }),
      cmd(
        "shardchannels",
        -2,
        "pubsub loading stale",
        [0, 0, 0],
        "",
        pubsubShardChannelsCommand,
        {
          summary: "List active shard channels",
          since: "7.0.0",
          group: G,
          complexity:
            "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
          arguments: [{ name: "pattern", type: "pattern", optional: true }],
        },
      ),
      cmd("shardnumsub", -2, "pubsub loading stale", [0, 0, 0], "", pubsubShardNumsubCommand, {
        summary: "Get the count of subscribers for shard channels",
        since: "7.0.0",
        group: G,
        complexity:
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        arguments: [{ name: "shardchannel", type: "string", optional: true, multiple: true }],
      }),
      cmd("help", 2, "loading stale", [0, 0, 0], "", pubsubHelpCommand, {
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        group: G,
        complexity: "O(1)",
      }),
    ],
  }),
];
