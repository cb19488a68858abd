import { assert, assertEquals, assertMatch } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError } from "../protocol/decode.ts";

const cmd = (...argv: string[]) => {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
};
const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("CLIENT ID / SETNAME / GETNAME / SETINFO", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(t.exec(c, "CLIENT", "ID"), c.id);
  assertEquals(t.exec(c, "CLIENT", "GETNAME"), null);
  assertEquals(t.exec(c, "CLIENT", "SETNAME", "app-1"), "OK");
  assertEquals(t.exec(c, "CLIENT", "GETNAME"), "app-1");
  assertEquals(
    t.exec(c, "CLIENT", "SETNAME", "a b"),
    new RespError("ERR Client names cannot contain spaces, newlines or special characters."),
  );
  assertEquals(t.exec(c, "CLIENT", "SETNAME", ""), "OK");
  assertEquals(t.exec(c, "CLIENT", "GETNAME"), null);
  assertEquals(t.exec(c, "CLIENT", "SETINFO", "lib-name", "redis-py"), "OK");
  assertEquals(t.exec(c, "CLIENT", "SETINFO", "LIB-VER", "5.0.1"), "OK");
  assertEquals(c.libName, "redis-py");
  assertEquals(c.libVer, "5.0.1");
  assertEquals(
    t.exec(c, "CLIENT", "SETINFO", "lib-name", "a b"),
    new RespError("ERR lib-name cannot contain spaces, newlines or special characters."),
  );
  assertEquals(
    t.exec(c, "CLIENT", "SETINFO", "foo", "x"),
    new RespError("ERR Unrecognized option 'foo'"),
  );
  assertEquals(
    t.exec(c, "CLIENT", "nosuch"),
    new RespError("ERR unknown subcommand 'nosuch'. Try CLIENT HELP."),
  );
  assertEquals(
    t.exec(c, "CLIENT"),
    new RespError("ERR wrong number of arguments for 'client' command"),
  );
});

Deno.test("CLIENT LIST / INFO: Redis 7.0 fields", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  t.exec(b, "CLIENT", "SETNAME", "bee");
  t.exec(b, "SELECT", "3");
  const line = t.exec(a, "CLIENT", "INFO") as string;
  assertMatch(
    line,
    /^id=\d+ addr= laddr= fd=0 name= age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=\d+ argv-mem=10 multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=0 omem=0 tot-mem=\d+ events= cmd=client\|info user=default redir=-1 resp=2\n$/,
  );
  const list = (t.exec(a, "CLIENT", "LIST") as string).split("\n");
  assertEquals(list.length, 3);
  assertEquals(list[2], "");
  assertMatch(list[1], new RegExp(`^id=${b.id} .* name=bee .* db=3 .* cmd=select `));
  assertMatch(list[1], / argv-mem=0 /);
  const byId = t.exec(a, "CLIENT", "LIST", "ID", String(b.id), "999") as string;
  assertMatch(byId, new RegExp(`^id=${b.id} [^\n]*\n$`));
  assertEquals(t.exec(a, "CLIENT", "LIST", "TYPE", "pubsub"), "");
  assertEquals((t.exec(a, "CLIENT", "LIST", "TYPE", "NORMAL") as string).split("\n").length, 3);
  assertEquals(
    t.exec(a, "CLIENT", "LIST", "TYPE", "foo"),
    new RespError("ERR Unknown client type 'foo'"),
  );
  assertEquals(t.exec(a, "CLIENT", "LIST", "ID", "x"), new RespError("ERR Invalid client ID"));
  assertEquals(t.exec(a, "CLIENT", "LIST", "foo"), new RespError("ERR syntax error"));
});

Deno.test("CLIENT KILL: filters, count reply, errors", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  const c = t.client();
  assertEquals(t.exec(a, "CLIENT", "KILL", "ID", String(b.id)), 1);
  assert(b.closed && !t.server.clients.has(b.id));
  assertEquals(t.exec(a, "CLIENT", "KILL", "ID", String(b.id)), 0);
  // SKIPME defaults to yes.
  assertEquals(t.exec(a, "CLIENT", "KILL", "USER", "default"), 1);
  assert(c.closed && !a.closed);
  assertEquals(t.exec(a, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"), 1);
  assert(a.closeAfterReply);
  const d = t.client();
  assertEquals(t.exec(d, "CLIENT", "KILL", "1.2.3.4:5"), new RespError("ERR No such client"));
  assertEquals(
    t.exec(d, "CLIENT", "KILL", "ID", "0"),
    new RespError("ERR client-id should be greater than 0"),
  );
  assertEquals(t.exec(d, "CLIENT", "KILL", "USER", "x"), new RespError("ERR No such user 'x'"));
  assertEquals(
    t.exec(d, "CLIENT", "KILL", "TYPE", "x"),
    new RespError("ERR Unknown client type 'x'"),
  );
  assertEquals(t.exec(d, "CLIENT", "KILL", "SKIPME", "maybe"), new RespError("ERR syntax error"));
  assertEquals(t.exec(d, "CLIENT", "KILL", "ID", "5", "TYPE"), new RespError("ERR syntax error"));
  assertEquals(t.exec(d, "CLIENT", "KILL", "1.2.3.4:5", "x"), new RespError("ERR syntax error"));
});

Deno.test("CLIENT PAUSE WRITE: writes (and what follows them) wait, reads do not", async () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  assertEquals(t.exec(a, "CLIENT", "PAUSE", "10000", "WRITE"), "OK");
  assertEquals(t.feed(b, cmd("SET", "k", "v") + cmd("GET", "k")), []);
  assert(b.postponedArgv !== null);
  assertEquals(t.exec(a, "GET", "k"), null);
  assertEquals(t.exec(a, "PING"), "PONG");
  assertMatch(
    t.exec(a, "CLIENT", "LIST", "ID", String(b.id)) as string,
    / flags=b .* argv-mem=5 /,
  );
  assertEquals(t.exec(a, "CLIENT", "UNPAUSE"), "OK");
  await tick();
  assertEquals(t.feed(b, ""), ["OK", "v"]);
  assertEquals(t.server.pauseUntil, 0);
});

Deno.test("CLIENT PAUSE ALL: everything waits until the timeout", async () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  assertEquals(t.exec(a, "CLIENT", "PAUSE", "50"), "OK");
  assertEquals(t.feed(b, cmd("PING")), []);
  assertEquals(t.feed(a, cmd("CLIENT", "UNPAUSE")), []);
  const start = Date.now();
  while (t.server.pauseUntil !== 0) await new Promise((r) => setTimeout(r, 5));
  await tick();
  assert(Date.now() - start >= 30);
  assertEquals(t.feed(b, ""), ["PONG"]);
  assertEquals(t.feed(a, ""), ["OK"]);
});

Deno.test("CLIENT PAUSE: errors, zero timeout, most restrictive pause wins", () => {
  const t = testServer();
  const a = t.client();
  assertEquals(
    t.exec(a, "CLIENT", "PAUSE", "10", "foo"),
    new RespError("ERR CLIENT PAUSE mode must be WRITE or ALL"),
  );
  assertEquals(
    t.exec(a, "CLIENT", "PAUSE", "abc"),
    new RespError("ERR timeout is not an integer or out of range"),
  );
  assertEquals(t.exec(a, "CLIENT", "PAUSE", "-1"), new RespError("ERR timeout is negative"));
  assertEquals(
    t.exec(a, "CLIENT", "PAUSE", "1", "write", "x"),
    new RespError(
      "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
    ),
  );
  assertEquals(t.exec(a, "CLIENT", "PAUSE", "0"), "OK");
  assertEquals(t.server.pauseUntil, 0);
  t.exec(a, "CLIENT", "PAUSE", "100000", "WRITE");
  t.exec(a, "CLIENT", "PAUSE", "10", "ALL");
  assertEquals(t.server.pauseWrites, false);
  assert(t.server.pauseUntil > Date.now() + 50_000);
  t.server.pauseUntil = 0;
  clearTimeout(t.server.pauseTimer);
});

Deno.test("CLIENT REPLY OFF / SKIP / ON", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(
    t.feed(c, cmd("CLIENT", "REPLY", "OFF") + cmd("PING") + cmd("CLIENT", "REPLY", "ON")),
    ["OK"],
  );
  assertEquals(
    t.feed(c, cmd("CLIENT", "REPLY", "SKIP") + cmd("ECHO", "a") + cmd("ECHO", "b")),
    ["b"],
  );
  assertEquals(t.exec(c, "CLIENT", "REPLY", "maybe"), new RespError("ERR syntax error"));
  assertEquals(t.exec(c, "CLIENT", "NO-EVICT", "on"), "OK");
  assert(c.noEvict);
  assertMatch(t.exec(c, "CLIENT", "INFO") as string, / flags=e /);
  assertEquals(t.exec(c, "CLIENT", "NO-EVICT", "x"), new RespError("ERR syntax error"));
});

Deno.test("CLIENT HELP: Redis 7.0's lines", () => {
  const t = testServer();
  const help = t.exec(t.client(), "client", "help") as string[];
  assertEquals(help.length, 48);
  assertEquals(help[0], "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assertEquals(help[1], "CACHING (YES|NO)");
});
