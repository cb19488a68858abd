/**
 * ACL end to end: every rule kind and denial path over raw RESP, node-redis and ioredis; ACL LOG;
 * MULTI/EXEC checks; disconnections (deleted users, revoked channels); requirepass; the aclfile
 * round trip across a restart; `user` and `rename-command` directives; brute-force AUTH; COMMAND
 * INFO/DOCS of the ACL subcommands compared with a real redis-server when one is installed.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, RespError, type RunningServer, startServer, waitForOutput } from "./helpers.ts";
import type { RespValue } from "../src/protocol/decode.ts";
import { isLocalConn } from "../src/server/conn.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errText(v: RespValue): string {
  assert(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return (v as RespError).message;
}

/** RESP2 map reply (flat array) to a record. */
function toMap(v: RespValue): Record<string, RespValue> {
  const a = v as RespValue[];
  const out: Record<string, RespValue> = {};
  for (let i = 0; i < a.length; i += 2) out[String(a[i])] = a[i + 1];
  return out;
}

async function withServer(
  args: string[],
  fn: (s: RunningServer) => Promise<void>,
): Promise<void> {
  const s = await startServer(args);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

async function userConn(port: number, user: string, pass: string): Promise<RespConn> {
  const c = await RespConn.connect(port);
  assertEquals(await c.send("AUTH", user, pass), "OK");
  return c;
}

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("ACL: rules, denials and ACL LOG over raw RESP", opts, async () => {
  await withServer([], async (s) => {
    const admin = await RespConn.connect(s.port);
    assertEquals(await admin.send("ACL", "WHOAMI"), "default");
    // A new user starts off, without passwords, commands, keys or channels.
    assertEquals(await admin.send("ACL", "SETUSER", "u1"), "OK");
    assertEquals(await admin.send("ACL", "LIST"), [
      "user default on nopass ~* &* +@all",
      "user u1 off resetchannels -@all",
    ]);
    const c0 = await RespConn.connect(s.port);
    assertEquals(
      errText(await c0.send("AUTH", "u1", "x")),
      "WRONGPASS invalid username-password pair or user is disabled.",
    );
    // Passwords: >, <, #, !, nopass, resetpass.
    await admin.send("ACL", "SETUSER", "u1", "on", ">p1", ">p2");
    assertEquals(await c0.send("AUTH", "u1", "p2"), "OK");
    await admin.send("ACL", "SETUSER", "u1", "<p2");
    assert((await c0.send("AUTH", "u1", "p2")) instanceof RespError);
    const h = "4a9ae5c4e7d1a2b3c0e3e8a4c1d1e4f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2";
    assertEquals(await admin.send("ACL", "SETUSER", "u1", "#" + h), "OK");
    assertEquals(await admin.send("ACL", "SETUSER", "u1", "!" + h), "OK");
    assertEquals(
      errText(await admin.send("ACL", "SETUSER", "u1", "#xyz")),
      "ERR Error in ACL SETUSER modifier '#xyz': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
    );
    assertEquals(
      errText(await admin.send("ACL", "SETUSER", "u1", "<nope")),
      "ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user does not exist",
    );
    const gu = toMap(await admin.send("ACL", "GETUSER", "u1"));
    assertEquals(gu.flags, ["on"]);
    assertEquals(gu.passwords, [
      "f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a", // sha256("p1")
    ]);
    assertEquals(gu.commands, "-@all");
    assertEquals(gu.keys, "");
    assertEquals(gu.channels, "");
    assertEquals(gu.selectors, []);

    // Commands: +cmd, -cmd, +@cat, -@cat, +cmd|sub, first args.
    await admin.send(
      "ACL",
      "SETUSER",
      "u1",
      "reset",
      "on",
      "nopass",
      "~*",
      "+@string",
      "-append",
      "+config|get",
      "+select|0",
      "+acl",
    );
    const u = await userConn(s.port, "u1", "any");
    assertEquals(await u.send("SET", "k", "v"), "OK");
    assertEquals(
      errText(await u.send("APPEND", "k", "v")),
      "NOPERM this user has no permissions to run the 'append' command",
    );
    assertEquals(
      errText(await u.send("LPUSH", "l", "v")),
      "NOPERM this user has no permissions to run the 'lpush' command",
    );
    assert(Array.isArray(await u.send("CONFIG", "GET", "port")));
    assertEquals(
      errText(await u.send("CONFIG", "SET", "port", "1")),
      "NOPERM this user has no permissions to run the 'config|set' command",
    );
    assertEquals(await u.send("SELECT", "0"), "OK");
    assertEquals(
      errText(await u.send("SELECT", "1")),
      "NOPERM this user has no permissions to run the 'select' command",
    );
    assertEquals(await u.send("ACL", "WHOAMI"), "u1");

    // Keys: ~pattern, %R~, %W~, allkeys, resetkeys.
    await admin.send("ACL", "SETUSER", "u1", "resetkeys", "~own:*", "%R~ro:*", "%W~wo:*");
    assertEquals(await u.send("SET", "own:1", "v"), "OK");
    assertEquals(await u.send("GET", "ro:1"), null);
    const keyErr =
      "NOPERM this user has no permissions to access one of the keys used as arguments";
    assertEquals(errText(await u.send("SET", "ro:1", "v")), keyErr);
    assertEquals(await u.send("SET", "wo:1", "v"), "OK");
    assertEquals(errText(await u.send("GET", "wo:1")), keyErr);
    assertEquals(errText(await u.send("GET", "other")), keyErr);
    // COPY reads its source and writes its destination.
    await admin.send("ACL", "SETUSER", "u1", "+copy");
    assertEquals(await u.send("COPY", "ro:1", "wo:2"), 0);
    assertEquals(errText(await u.send("COPY", "wo:1", "ro:2")), keyErr);

    // Channels: &pattern, allchannels, resetchannels; patterns are matched literally.
    await admin.send("ACL", "SETUSER", "u1", "+@pubsub", "&news.*");
    assertEquals(await u.send("PUBLISH", "news.1", "m"), 0);
    const chErr =
      "NOPERM this user has no permissions to access one of the channels used as arguments";
    assertEquals(errText(await u.send("PUBLISH", "sport", "m")), chErr);
    assertEquals(errText(await u.send("PSUBSCRIBE", "news.1*")), chErr);

    // Selectors: the root denies, a selector allows.
    await admin.send("ACL", "SETUSER", "u1", "(+lpush ~list:*)");
    assertEquals(await u.send("LPUSH", "list:1", "a"), 1);
    assertEquals(errText(await u.send("LPUSH", "own:2", "a")), keyErr);
    const sel = toMap(await admin.send("ACL", "GETUSER", "u1"));
    assertEquals(
      (sel.selectors as RespValue[]).map((m) => toMap(m)),
      [{ commands: "-@all +lpush", keys: "~list:*", channels: "" }],
    );
    await admin.send("ACL", "SETUSER", "u1", "clearselectors");
    assertEquals(
      errText(await u.send("LPUSH", "list:1", "a")),
      "NOPERM this user has no permissions to run the 'lpush' command",
    );

    // ACL LOG: newest first, Redis 7.0's fields then 7.2's three, grouping of similar events.
    const log = (await admin.send("ACL", "LOG")) as RespValue[];
    const e0 = toMap(log[0]);
    assertEquals(e0.reason, "command");
    assertEquals(e0.context, "toplevel");
    assertEquals(e0.object, "lpush");
    assertEquals(e0.username, "u1");
    assertEquals(Object.keys(e0), [
      "count",
      "reason",
      "context",
      "object",
      "username",
      "age-seconds",
      "client-info",
      "entry-id",
      "timestamp-created",
      "timestamp-last-updated",
    ]);
    assert(String(e0["client-info"]).includes("user=u1"));
    const chan = log.map(toMap).find((e) => e.reason === "channel");
    assertEquals(chan?.object, "news.1*");
    const keyEntry = log.map(toMap).find((e) => e.reason === "key" && e.object === "ro:1");
    assertEquals(keyEntry?.count, 1);
    assertEquals((await admin.send("ACL", "LOG", "1") as RespValue[]).length, 1);
    assertEquals(await admin.send("ACL", "LOG", "RESET"), "OK");
    assertEquals(await admin.send("ACL", "LOG"), []);
    // entry-id counts the entries created, also across RESET; a grouped repeat keeps the entry's
    // id and creation time and moves its last-updated time.
    const idBefore = Number(e0["entry-id"]);
    await u.send("GET", "other");
    const first = toMap((await admin.send("ACL", "LOG") as RespValue[])[0]);
    assert(Number(first["entry-id"]) > idBefore);
    assertEquals(first["timestamp-created"], first["timestamp-last-updated"]);
    await new Promise((r) => setTimeout(r, 5));
    await u.send("GET", "other");
    const grouped = toMap((await admin.send("ACL", "LOG") as RespValue[])[0]);
    assertEquals(grouped.count, 2);
    assertEquals(grouped["entry-id"], first["entry-id"]);
    assertEquals(grouped["timestamp-created"], first["timestamp-created"]);
    assert(Number(grouped["timestamp-last-updated"]) > Number(first["timestamp-last-updated"]));
    await u.send("GET", "other2");
    const next = toMap((await admin.send("ACL", "LOG") as RespValue[])[0]);
    assertEquals(next["entry-id"], Number(first["entry-id"]) + 1);
    // A failed AUTH is logged with reason auth.
    await c0.send("AUTH", "u1x", "bad");
    const auth = toMap((await admin.send("ACL", "LOG", "1") as RespValue[])[0]);
    assertEquals([auth.reason, auth.object, auth.username], ["auth", "AUTH", "u1x"]);

    // DRYRUN.
    assertEquals(await admin.send("ACL", "DRYRUN", "u1", "GET", "own:1"), "OK");
    assertEquals(
      await admin.send("ACL", "DRYRUN", "u1", "GET", "x"),
      "This user has no permissions to access the 'x' key",
    );
    assertEquals(
      await admin.send("ACL", "DRYRUN", "u1", "LPUSH", "own:1", "a"),
      "This user has no permissions to run the 'lpush' command",
    );
    assertEquals(
      errText(await admin.send("ACL", "DRYRUN", "nobody", "GET", "x")),
      "ERR User 'nobody' not found",
    );
    for (const c of [admin, c0, u]) c.close();
  });
});

Deno.test("ACL: MULTI checks at queue and EXEC time", opts, async () => {
  await withServer([], async (s) => {
    const admin = await RespConn.connect(s.port);
    await admin.send("ACL", "SETUSER", "m", "on", "nopass", "~*", "+@all", "-lpush");
    const u = await userConn(s.port, "m", "x");
    assertEquals(await u.send("MULTI"), "OK");
    assertEquals(
      errText(await u.send("LPUSH", "l", "a")),
      "NOPERM this user has no permissions to run the 'lpush' command",
    );
    assertEquals(await u.send("SET", "a", "1"), "QUEUED");
    assert(errText(await u.send("EXEC")).startsWith("EXECABORT"));
    let log = toMap((await admin.send("ACL", "LOG", "1") as RespValue[])[0]);
    assertEquals(log.context, "multi");
    // Permissions taken away after queueing: EXEC refuses that command only.
    assertEquals(await u.send("MULTI"), "OK");
    assertEquals(await u.send("SET", "a", "1"), "QUEUED");
    assertEquals(await u.send("GET", "a"), "QUEUED");
    await admin.send("ACL", "SETUSER", "m", "-set");
    const r = (await u.send("EXEC")) as RespValue[];
    assertEquals(
      errText(r[0]),
      "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand",
    );
    assertEquals(r[1], null);
    log = toMap((await admin.send("ACL", "LOG", "1") as RespValue[])[0]);
    assertEquals([log.context, log.object], ["multi", "set"]);
    admin.close();
    u.close();
  });
});

Deno.test("ACL: deleted or revoked users are disconnected", opts, async () => {
  await withServer([], async (s) => {
    const admin = await RespConn.connect(s.port);
    await admin.send("ACL", "SETUSER", "d", "on", "nopass", "~*", "&chan", "+@all");
    const u = await userConn(s.port, "d", "x");
    assertEquals(await admin.send("ACL", "DELUSER", "d", "nobody"), 1);
    assert(await u.closedByServer());
    assertEquals(
      errText(await admin.send("ACL", "DELUSER", "default")),
      "ERR The 'default' user cannot be removed",
    );
    // Revoking a channel a subscriber uses closes it; keeping the literal channel does not.
    await admin.send("ACL", "SETUSER", "p", "on", "nopass", "~*", "&chan", "&other", "+@all");
    const sub = await userConn(s.port, "p", "x");
    assertEquals(await sub.send("SUBSCRIBE", "chan"), ["subscribe", "chan", 1]);
    await admin.send("ACL", "SETUSER", "p", "resetchannels", "&chan");
    await sleep(50);
    assertEquals(await admin.send("PUBLISH", "chan", "still"), 1);
    assertEquals(await sub.read(), ["message", "chan", "still"]);
    await admin.send("ACL", "SETUSER", "p", "resetchannels", "&other");
    assert(await sub.closedByServer());
    // ACL SETUSER off: existing connections stay (Redis), new AUTH fails.
    await admin.send("ACL", "SETUSER", "q", "on", ">pw", "+@all", "~*");
    const q = await userConn(s.port, "q", "pw");
    await admin.send("ACL", "SETUSER", "q", "off");
    assertEquals(await q.send("PING"), "PONG");
    const q2 = await RespConn.connect(s.port);
    assert((await q2.send("AUTH", "q", "pw")) instanceof RespError);
    for (const c of [admin, q, q2]) c.close();
  });
});

Deno.test("ACL: requirepass is the default user's password; HELLO AUTH", opts, async () => {
  await withServer(["--requirepass", "s3cret"], async (s) => {
    const c = await RespConn.connect(s.port);
    assertEquals(errText(await c.send("PING")), "NOAUTH Authentication required.");
    assertEquals(await c.send("AUTH", "s3cret"), "OK");
    const gu = toMap(await c.send("ACL", "GETUSER", "default"));
    assertEquals(gu.flags, ["on"]);
    assertEquals((gu.passwords as string[]).length, 1);
    assertEquals(await c.send("CONFIG", "SET", "requirepass", ""), "OK");
    assertEquals(toMap(await c.send("ACL", "GETUSER", "default")).flags, ["on", "nopass"]);
    const c2 = await RespConn.connect(s.port);
    assertEquals(await c2.send("PING"), "PONG");
    assertEquals(
      errText(await c2.send("AUTH", "x")),
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    );
    await c.send("ACL", "SETUSER", "h", "on", ">hp", "+@all", "~*");
    const hello = toMap(await c2.send("HELLO", "2", "AUTH", "h", "hp"));
    assertEquals(hello.proto, 2);
    assertEquals(await c2.send("ACL", "WHOAMI"), "h");
    assertEquals(
      errText(await c2.send("HELLO", "2", "AUTH", "h", "bad")),
      "WRONGPASS invalid username-password pair or user is disabled.",
    );
    c.close();
    c2.close();
  });
});

Deno.test("ACL: node-redis and ioredis as ACL users", opts, async () => {
  await withServer([], async (s) => {
    const admin = await RespConn.connect(s.port);
    await admin.send("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@read", "+@write");
    await admin.send("ACL", "SETUSER", "app", "+hello", "+client", "+ping", "+info");
    const nr = createClient({ socket: { port: s.port }, username: "app", password: "apppw" });
    await nr.connect();
    assertEquals(await nr.set("app:1", "v"), "OK");
    assertEquals(await nr.get("app:1"), "v");
    let err = "";
    try {
      await nr.get("other");
    } catch (e) {
      err = (e as Error).message;
    }
    assertEquals(
      err,
      "NOPERM this user has no permissions to access one of the keys used as arguments",
    );
    try {
      await nr.sendCommand(["CONFIG", "GET", "port"]);
    } catch (e) {
      err = (e as Error).message;
    }
    assertEquals(err, "NOPERM this user has no permissions to run the 'config|get' command");
    await nr.quit();
    const io = new Redis({ port: s.port, username: "app", password: "apppw", lazyConnect: true });
    await io.connect();
    assertEquals(await io.set("app:2", "w"), "OK");
    await io.get("nope").then(() => (err = ""), (e) => (err = (e as Error).message));
    assert(err.startsWith("NOPERM"));
    const bad = new Redis({
      port: s.port,
      username: "app",
      password: "wrong",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const events: string[] = [];
    bad.on("error", (e: Error) => events.push(e.message));
    await bad.connect().then(() => (err = ""), (e) => (err = (e as Error).message));
    assert(err !== "");
    assert(events.some((m) => m.includes("WRONGPASS")), events.join());
    bad.disconnect();
    io.disconnect();
    admin.close();
  });
});

Deno.test("ACL: aclfile round trip across a restart (ACL SAVE, LOAD, LIST)", opts, async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/users.acl`;
  Deno.writeTextFileSync(file, "user default on nopass ~* &* +@all\n");
  let list: RespValue = null;
  await withServer(["--aclfile", file], async (s) => {
    const c = await RespConn.connect(s.port);
    await c.send(
      "ACL",
      "SETUSER",
      "alice",
      "on",
      ">pw",
      "~a:*",
      "%R~r:*",
      "&ch",
      "+@hash",
      "-hdel",
      "+select|1",
      "(+get ~g:*)",
    );
    await c.send("ACL", "SETUSER", "bob", "off", "nopass", "allkeys", "allchannels", "+@all");
    assertEquals(await c.send("ACL", "SAVE"), "OK");
    list = await c.send("ACL", "LIST");
    c.close();
  });
  const text = Deno.readTextFileSync(file);
  assertEquals(text.split("\n").filter((l) => l).length, 3);
  await withServer(["--aclfile", file], async (s) => {
    const c = await RespConn.connect(s.port);
    assertEquals(await c.send("ACL", "LIST"), list);
    // LOAD with an error changes nothing.
    Deno.writeTextFileSync(file, text + "user carol +nosuchcmd\nuser carol on\n");
    const e = errText(await c.send("ACL", "LOAD"));
    assert(e.includes("Unknown command or category name in ACL"), e);
    assert(e.includes("Duplicate user 'carol'"), e);
    assert(e.endsWith("no change to the previously active ACL rules was performed"), e);
    assertEquals(await c.send("ACL", "LIST"), list);
    Deno.writeTextFileSync(file, "user default on nopass ~* &* +@all\nuser zed on nopass +ping\n");
    assertEquals(await c.send("ACL", "LOAD"), "OK");
    assertEquals(await c.send("ACL", "USERS"), ["default", "zed"]);
    c.close();
  });
  await withServer([], async (s) => {
    const c = await RespConn.connect(s.port);
    assert(errText(await c.send("ACL", "SAVE")).includes("not configured to use an ACL file"));
    c.close();
  });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("ACL: user and rename-command directives", opts, async () => {
  const dir = Deno.makeTempDirSync();
  const conf = `${dir}/r.conf`;
  Deno.writeTextFileSync(
    conf,
    "user default on nopass ~* &* +@all -flushdb\nuser ops on >opspw +@admin\n" +
      'rename-command keys ""\nrename-command dbsize mysize\n',
  );
  await withServer([conf], async (s) => {
    const c = await RespConn.connect(s.port);
    assertEquals(await c.send("ACL", "LIST"), [
      // `user default` resets the user first, which sets sanitize-payload (as Redis 7.0).
      "user default on nopass sanitize-payload ~* &* +@all -flushdb",
      "user ops on #03dec7bdea4ddc55b6dee093329746fe614a95b555054997c213100b238f6958 resetchannels -@all +@admin",
    ]);
    assert(errText(await c.send("FLUSHDB")).startsWith("NOPERM"));
    assert(errText(await c.send("KEYS", "*")).startsWith("ERR unknown command 'KEYS'"));
    assertEquals(await c.send("MYSIZE"), 0);
    assert(errText(await c.send("DBSIZE")).startsWith("ERR unknown command"));
    // ACL rules keep the original names.
    assertEquals(await c.send("ACL", "SETUSER", "x", "+dbsize", "+keys"), "OK");
    c.close();
  });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("ACL: brute-force AUTH does not block other clients", opts, async () => {
  await withServer(["--requirepass", "right"], async (s) => {
    const attacker = await RespConn.connect(s.port);
    // The attacker pipelines bursts of wrong passwords (reading the replies: an unauthenticated
    // client that does not read is disconnected past 1 KB of pending output, as in Redis).
    let burst = "";
    for (let i = 0; i < 200; i++) burst += `AUTH wrong${i}\r\n`;
    let attempts = 0;
    let stop = false;
    const attack = (async () => {
      while (!stop) {
        await attacker.write(burst);
        for (let i = 0; i < 200; i++) assert((await attacker.read()) instanceof RespError);
        attempts += 200;
      }
    })();
    const other = await RespConn.connect(s.port);
    assertEquals(await other.send("AUTH", "right"), "OK");
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) assertEquals(await other.send("PING"), "PONG");
    assert(performance.now() - t0 < 2000, "PINGs were delayed");
    stop = true;
    await attack;
    assert(attempts > 0);
    attacker.close();
    other.close();
  });
});

Deno.test("ACL: CAT, GENPASS, HELP and COMMAND INFO/DOCS like redis-server", opts, async () => {
  await withServer([], async (s) => {
    const c = await RespConn.connect(s.port);
    assertEquals(await c.send("ACL", "CAT"), [
      "keyspace",
      "read",
      "write",
      "set",
      "sortedset",
      "list",
      "hash",
      "string",
      "bitmap",
      "hyperloglog",
      "geo",
      "stream",
      "pubsub",
      "admin",
      "fast",
      "slow",
      "blocking",
      "dangerous",
      "connection",
      "transaction",
      "scripting",
    ]);
    const geo = (await c.send("ACL", "CAT", "geo")) as string[];
    assert(geo.includes("geoadd") && geo.includes("georadius_ro"));
    assert(((await c.send("ACL", "CAT", "admin")) as string[]).includes("acl|setuser"));
    assertEquals(errText(await c.send("ACL", "CAT", "nope")), "ERR Unknown category 'nope'");
    assertEquals(String(await c.send("ACL", "GENPASS")).length, 64);
    assertEquals(String(await c.send("ACL", "GENPASS", "5")).length, 2);
    assert(/^[0-9a-f]+$/.test(String(await c.send("ACL", "GENPASS", "77"))));
    assert(errText(await c.send("ACL", "GENPASS", "0")).includes("up to 4096"));
    assertEquals(((await c.send("ACL", "HELP")) as string[]).length, 29);
    const ours = [await c.send("COMMAND", "INFO", "acl"), await c.send("COMMAND", "DOCS", "acl")];
    c.close();
    const ref = await referenceReplies();
    if (ref === null) {
      console.log("redis-server not installed: COMMAND INFO/DOCS comparison skipped");
      return;
    }
    // Redis lists subcommands in its dict's (seeded, per process) order: compare them by name.
    assertEquals(ours.map(bySubcommandName), ref.map(bySubcommandName));
  });
});

/** COMMAND INFO/DOCS reply of one container with its subcommands sorted by name. */
function bySubcommandName(reply: RespValue): RespValue {
  const r = JSON.parse(JSON.stringify(reply));
  const sortPairs = (flat: unknown[]) => {
    const pairs: [unknown, unknown][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
    pairs.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    return pairs.flat();
  };
  if (Array.isArray(r[0])) {
    // INFO: [[name, arity, ..., subcommands]]
    const subs = r[0][9] as unknown[][];
    subs.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  } else {
    // DOCS: [name, [..., "subcommands", [name, doc, ...]]]
    const doc = r[1] as unknown[];
    const i = doc.indexOf("subcommands");
    doc[i + 1] = sortPairs(doc[i + 1] as unknown[]);
  }
  return r;
}

async function referenceReplies(): Promise<RespValue[] | null> {
  try {
    const ok = (await new Deno.Command("redis-server", { args: ["--version"], stdout: "null" })
      .output()).success;
    if (!ok) return null;
  } catch {
    return null;
  }
  const port = 17960 + Math.floor(Math.random() * 30);
  const p = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const c = await RespConn.connect(port);
        const r = [await c.send("COMMAND", "INFO", "acl"), await c.send("COMMAND", "DOCS", "acl")];
        c.close();
        return r;
      } catch {
        await sleep(50);
      }
    }
    return null;
  } finally {
    p.kill("SIGKILL");
    await p.status;
  }
}

Deno.test("ACL: Argon2id password hashes in the aclfile (Rexis extension)", opts, async () => {
  const { argon2id } = await import("hash-wasm");
  const salt = new Uint8Array(16);
  crypto.getRandomValues(salt);
  const hash = await argon2id({
    password: "argonpw",
    salt,
    parallelism: 1,
    iterations: 2,
    memorySize: 19456,
    hashLength: 32,
    outputType: "encoded",
  });
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/users.acl`;
  Deno.writeTextFileSync(
    file,
    `user default on nopass ~* &* +@all\nuser ar on #${hash} >plain ~* +@all\n`,
  );
  await withServer(["--aclfile", file], async (s) => {
    const c = await RespConn.connect(s.port);
    // AUTH, then commands pipelined behind it: they run after the (asynchronous) check.
    await c.write("AUTH ar argonpw\r\nACL WHOAMI\r\nAUTH ar wrong\r\nACL WHOAMI\r\n");
    assertEquals(await c.read(), "OK");
    assertEquals(await c.read(), "ar");
    assert((await c.read()) instanceof RespError);
    assertEquals(await c.read(), "ar");
    // SHA-256 passwords of the same user keep working; HELLO AUTH too.
    assertEquals(await c.send("AUTH", "ar", "plain"), "OK");
    assertEquals(toMap(await c.send("HELLO", "2", "AUTH", "ar", "argonpw")).proto, 2);
    assertEquals(
      errText(await c.send("ACL", "SETUSER", "x", "#$argon2id$bad")),
      "ERR Error in ACL SETUSER modifier '#$argon2id$bad': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
    );
    // ACL SAVE keeps the hash.
    assertEquals(await c.send("ACL", "SAVE"), "OK");
    assert(Deno.readTextFileSync(file).includes(hash));
    c.close();
  });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("ACL: CONFIG REWRITE writes the users as `user` lines", opts, async () => {
  const dir = Deno.makeTempDirSync();
  const conf = `${dir}/r.conf`;
  Deno.writeTextFileSync(conf, "user old on nopass +@all\n");
  let list: RespValue = null;
  await withServer([conf], async (s) => {
    const c = await RespConn.connect(s.port);
    await c.send("ACL", "SETUSER", "new", "on", ">pw", "~k:*", "+get");
    await c.send("ACL", "DELUSER", "old");
    assertEquals(await c.send("CONFIG", "REWRITE"), "OK");
    list = await c.send("ACL", "LIST");
    c.close();
  });
  const text = Deno.readTextFileSync(conf);
  assert(!text.includes("user old"), text);
  await withServer([conf], async (s) => {
    const c = await RespConn.connect(s.port);
    // Loading `user default ...` resets the user first: sanitize-payload appears, as in Redis.
    assertEquals(
      await c.send("ACL", "LIST"),
      (list as string[]).map((l) =>
        l.replace("default on nopass", "default on nopass sanitize-payload")
      ),
    );
    c.close();
  });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("rename-command: unknown names and clashes stop the start", opts, async () => {
  const main = new URL("../src/main.ts", import.meta.url).pathname;
  for (
    const [args, reason] of [
      [["nosuch", "x"], "No such command in rename-command"],
      [["get", "set"], "Target command name already exists"],
    ]
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "--port", "0", "--rename-command", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(!out.success);
    const err = new TextDecoder().decode(out.stderr);
    assert(err.includes("*** FATAL CONFIG FILE ERROR"), err);
    assert(err.includes(reason as string), err);
  }
});

Deno.test(
  "ACL: alias rules and their descriptions (allkeys, allchannels, allcommands...)",
  opts,
  async () => {
    await withServer([], async (s) => {
      const c = await RespConn.connect(s.port);
      const list = async (name: string) =>
        ((await c.send("ACL", "LIST")) as string[]).find((l) => l.startsWith(`user ${name} `));
      await c.send("ACL", "SETUSER", "a", "allkeys", "allchannels", "allcommands", "on", "nopass");
      assertEquals(await list("a"), "user a on nopass ~* &* +@all");
      await c.send("ACL", "SETUSER", "a", "nocommands", "resetkeys", "%RW~x*", "%R~y*", "%W~z*");
      assertEquals(
        await list("a"),
        "user a on nopass ~x* %R~y* %W~z* &* -@all",
      );
      await c.send("ACL", "SETUSER", "a", "%W~y*", "skip-sanitize-payload", "+@geo", "-geoadd");
      assertEquals(
        await list("a"),
        "user a on nopass skip-sanitize-payload ~x* ~y* %W~z* &* -@all +@geo -geoadd",
      );
      assert(
        errText(await c.send("ACL", "SETUSER", "a", "allkeys", "~more")).includes(
          "Adding a pattern after the * pattern (or the 'allkeys' flag)",
        ),
      );
      // A failed rule changes nothing.
      assertEquals(
        await list("a"),
        "user a on nopass skip-sanitize-payload ~x* ~y* %W~z* &* -@all +@geo -geoadd",
      );
      assertEquals(
        errText(await c.send("ACL", "SETUSER", "a", "(~a", "+get")),
        "ERR Unmatched parenthesis in acl selector starting at '(~a'.",
      );
      assertEquals(await c.send("ACL", "SETUSER", "a", "(~a", "+get)"), "OK");
      assert((await list("a"))!.endsWith(" (~a resetchannels -@all +get)"));
      // RESP3: GETUSER is a map, flags a set.
      await c.send("HELLO", "3");
      const r3 = await c.send("ACL", "GETUSER", "a");
      assert(!Array.isArray(r3) && r3 !== null && typeof r3 === "object", JSON.stringify(r3));
      c.close();
    });
  },
);

Deno.test("ACL: CLIENT KILL USER knows the ACL users", opts, async () => {
  await withServer([], async (s) => {
    const admin = await RespConn.connect(s.port);
    await admin.send("ACL", "SETUSER", "k", "on", "nopass", "+@all");
    const u = await userConn(s.port, "k", "x");
    assertEquals(
      errText(await admin.send("CLIENT", "KILL", "USER", "nobody")),
      "ERR No such user 'nobody'",
    );
    assertEquals(await admin.send("CLIENT", "KILL", "USER", "k"), 1);
    assert(await u.closedByServer());
    admin.close();
  });
});

Deno.test(
  "AUTH: a client that has not authenticated gets 1 KB of pending output",
  opts,
  async () => {
    await withServer(["--requirepass", "pw"], async (s) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      const line = new TextEncoder().encode("SET x 5\r\n".repeat(10000));
      let closed = false;
      const deadline = Date.now() + 10_000;
      // Write without reading the NOAUTH replies until the server gives up on this client.
      while (!closed && Date.now() < deadline) {
        try {
          await conn.write(line);
        } catch {
          closed = true;
        }
      }
      if (!closed) {
        // The writes all fit: the server must still have closed the connection (EOF after the data).
        const buf = new Uint8Array(64 * 1024);
        for (;;) {
          const n = await conn.read(buf).catch(() => null);
          if (n === null) break;
        }
        closed = true;
      }
      assert(closed);
      try {
        conn.close();
      } catch { /* closed */ }
      const out = await waitForOutput(s, "output buffer limits");
      assert(out.includes("output buffer limits"), out);
    });
  },
);

// A client that sends one command at a time and never reads, with tiny socket buffers (python3
// can set SO_RCVBUF/SO_SNDBUF, Deno cannot): the server's write stalls with little pending output,
// so it must keep reading for the 1 KB limit to close the client. Reading only after each write
// finished used to leave both sides waiting forever.
const FLOOD_PY = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 2048)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
try:
    for j in range(400000):
        s.sendall(b"SET x 5\\r\\n")
        if j < 3000: time.sleep(0.0002)
    print("not closed")
except socket.timeout:
    print("hang")
except OSError:
    print("closed")
`;

Deno.test(
  "AUTH: a client that sends without reading is closed even when its socket buffers are full",
  opts,
  async () => {
    const probe = await new Deno.Command("bash", { args: ["-c", "command -v python3"] }).output();
    if (!probe.success) {
      console.log("python3 not installed: test skipped");
      return;
    }
    await withServer(["--requirepass", "pw"], async (s) => {
      const out = await new Deno.Command("python3", {
        args: ["-c", FLOOD_PY, String(s.port)],
        stdout: "piped",
      }).output();
      assertEquals(new TextDecoder().decode(out.stdout).trim(), "closed");
    });
  },
);

/** A non-loopback IPv4 address of this machine, or null (then the test has nothing to reach). */
function externalIPv4(): string | null {
  for (const i of Deno.networkInterfaces()) {
    if (i.family === "IPv4" && !i.address.startsWith("127.")) return i.address;
  }
  return null;
}

/** Connect to host:port, send PING, return the first reply line. */
async function pingFrom(hostname: string, port: number): Promise<string> {
  const conn = await Deno.connect({ hostname, port });
  try {
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(4096);
    let text = "";
    while (!text.includes("\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text.split("\r\n")[0];
  } finally {
    conn.close();
  }
}

Deno.test(
  "protected-mode: non-loopback clients are refused while the default user has no password",
  opts,
  async () => {
    const ip = externalIPv4();
    if (ip === null) {
      console.log("no non-loopback IPv4 address: protected-mode test skipped");
      return;
    }
    // Bound on every address: a client reaching the external address comes from it (not loopback).
    await withServer(["--bind", "0.0.0.0"], async (s) => {
      const admin = await RespConn.connect(s.port);
      try {
        const denied = await pingFrom(ip, s.port);
        assert(
          denied.startsWith(
            "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.",
          ),
          denied,
        );
        assert(denied.endsWith("the server to start accepting connections from the outside."));
        assertEquals(await pingFrom("127.0.0.1", s.port), "+PONG");
        const stats = String(await admin.send("INFO", "stats"));
        assert(stats.includes("rejected_connections:1\r\n"), stats);
        // A password for the default user (requirepass or ACL) lets the client in, to AUTH.
        assertEquals(await admin.send("CONFIG", "SET", "requirepass", "pw"), "OK");
        assertEquals(await pingFrom(ip, s.port), "-NOAUTH Authentication required.");
        assertEquals(await admin.send("AUTH", "pw"), "OK");
        assertEquals(await admin.send("CONFIG", "SET", "requirepass", ""), "OK");
        assert((await pingFrom(ip, s.port)).startsWith("-DENIED"));
        assertEquals(await admin.send("CONFIG", "SET", "protected-mode", "no"), "OK");
        assertEquals(await pingFrom(ip, s.port), "+PONG");
      } finally {
        admin.close();
      }
    });
  },
);

Deno.test("protected-mode: local means a unix socket, 127.0.0.1 or ::1 (not the rest of 127/8)", () => {
  const peer = (hostname: string, transport = "tcp") =>
    ({
      remoteAddr: transport === "unix"
        ? { transport, path: "/s" }
        : { transport, hostname, port: 1 },
    }) as unknown as Deno.Conn;
  assert(isLocalConn(peer("127.0.0.1")));
  assert(isLocalConn(peer("::1")));
  assert(isLocalConn(peer("::ffff:127.0.0.1"))); // IPv4 loopback on a dual-stack listener
  assert(isLocalConn(peer("", "unix")));
  assert(!isLocalConn(peer("127.0.0.2"))); // redis-server 7.0.15 answers -DENIED to 127.0.0.2
  assert(!isLocalConn(peer("192.0.2.2")));
});

Deno.test(
  "enable-protected-configs / -debug-command / -module-command local: only local clients",
  opts,
  async () => {
    const ip = externalIPv4();
    if (ip === null) return;
    const dir = Deno.makeTempDirSync({ prefix: "rexis_local_" });
    const args = ["--bind", "0.0.0.0", "--protected-mode", "no", "--dir", dir];
    for (const o of ["protected-configs", "debug-command", "module-command"]) {
      args.push(`--enable-${o}`, "local");
    }
    await withServer(args, async (s) => {
      const remote = await Deno.connect({ hostname: ip, port: s.port });
      const send = async (line: string) => {
        await remote.write(new TextEncoder().encode(line + "\r\n"));
        const buf = new Uint8Array(1024);
        const n = await remote.read(buf);
        return new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0];
      };
      const local = await RespConn.connect(s.port);
      try {
        // Answers checked against redis-server 7.0.15 with the same options, from the same address.
        assertEquals(
          await send("CONFIG SET dbfilename x.rdb"),
          "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config",
        );
        assert((await send("DEBUG LOG x")).startsWith("-ERR DEBUG command not allowed."));
        assert((await send("MODULE LOAD /x.so")).startsWith("-ERR MODULE command not allowed."));
        assertEquals(await send("MODULE LIST"), "*0"); // not a protected subcommand
        assertEquals(await local.send("CONFIG", "SET", "dbfilename", "x.rdb"), "OK");
        assertEquals(await local.send("DEBUG", "LOG", "x"), "OK");
        assertEquals(
          await local.send("MODULE", "LOAD", "/x.so"),
          new RespError("ERR Error loading the extension. Please check the server logs."),
        );
      } finally {
        remote.close();
        local.close();
      }
    });
    Deno.removeSync(dir, { recursive: true });
  },
);
