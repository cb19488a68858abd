/**
 * In-memory harness for family tests (no socket): a Server with the default config and no
 * listeners, and clients whose replies are decoded after each command.
 *
 *   const t = testServer();
 *   const c = t.client();
 *   assertEquals(t.exec(c, "SET", "k", "v"), "OK");
 */
import { Server } from "../server/server.ts";
import { loadServerConfig } from "../config/mod.ts";
import { Logger } from "../log.ts";
import type { Client } from "../server/client.ts";
import { processCommand } from "../server/dispatch.ts";
import { decodeReply, type RespValue } from "../protocol/decode.ts";
import { processInput } from "../server/conn.ts";

export interface TestServer {
  server: Server;
  client(): Client;
  /** Run one command through dispatch; returns the decoded reply (undefined if none). */
  exec(c: Client, ...argv: (string | number)[]): RespValue | undefined;
  /** Feed raw bytes through the parser and dispatch; returns every decoded reply. */
  feed(c: Client, bytes: string): RespValue[];
}

/**
 * An in-memory server. `save ""` comes first (a test's own `--save` lines replace it), so no test
 * writes dump.rdb into the working directory under Redis's built-in save rules.
 */
export function testServer(args: string[] = []): TestServer {
  const file = args.length > 0 && !args[0].startsWith("-") ? 1 : 0; // a config file comes first
  const config = loadServerConfig([...args.slice(0, file), "--save", "", ...args.slice(file)]);
  const server = new Server(config, new Logger("warning", "/dev/null"));
  const drain = (c: Client): RespValue[] => {
    const out: RespValue[] = [];
    let p = 0;
    while (p < c.outLen) {
      const r = decodeReply(c.out, p, c.outLen);
      if (r === null) throw new Error("incomplete reply in output buffer");
      out.push(r[0]);
      p = r[1];
    }
    c.outLen = 0;
    return out;
  };
  return {
    server,
    client: () => server.createClient(null),
    exec(c, ...argv) {
      processCommand(c, argv.map(String));
      const r = drain(c);
      return r.length === 0 ? undefined : r.length === 1 ? r[0] : r;
    },
    feed(c, bytes) {
      const space = c.query.space(bytes.length);
      for (let i = 0; i < bytes.length; i++) space[i] = bytes.charCodeAt(i);
      c.query.len += bytes.length;
      processInput(server, c);
      return drain(c);
    },
  };
}
