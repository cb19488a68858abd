/**
 * Client-side caching: the prefix rules, and the tracking table through the in-memory harness
 * (invalidations land in the receiving client's output, read with its next command).
 */
import { assert, assertEquals } from "../testing/assert.ts";
import { testServer } from "../testing/harness.ts";
import { RespError, RespPush, RespSet, type RespValue } from "../protocol/decode.ts";
import {
  broadcastInvalidationMessages,
  prefixCollision,
  prefixesOverlap,
  sortedBytes,
  trackingInfo,
} from "./tracking.ts";

Deno.test("prefixesOverlap: either one a prefix of the other, the empty prefix overlaps all", () => {
  assert(prefixesOverlap("foo", "foobar"));
  assert(prefixesOverlap("foobar", "foo"));
  assert(prefixesOverlap("foo", "foo"));
  assert(prefixesOverlap("", "x"));
  assert(!prefixesOverlap("foo", "bar"));
  assert(!prefixesOverlap("fob", "foo"));
  assert(!prefixesOverlap("a\x00b", "a\x00c"));
});

Deno.test("prefixCollision: Redis's texts, existing prefixes first, then the new ones in order", () => {
  assertEquals(prefixCollision([], ["a:", "b:"]), null);
  assertEquals(
    prefixCollision([], ["FOOBAR", "FOO"]),
    "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. " +
      "Prefixes for a single client must not overlap.",
  );
  assertEquals(
    prefixCollision(["FOO", "BAR"], ["BARB"]),
    "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. " +
      "Prefixes for a single client must not overlap.",
  );
  // The client's own prefixes are checked before the provided list.
  assertEquals(
    prefixCollision(["x"], ["ab", "a", "xy"]),
    "ERR Prefix 'ab' overlaps with another provided prefix 'a'. " +
      "Prefixes for a single client must not overlap.",
  );
  // %s stops at a NUL byte.
  assertEquals(
    prefixCollision(["a\x00z"], ["a\x00"]),
    "ERR Prefix 'a' overlaps with an existing prefix 'a'. " +
      "Prefixes for a single client must not overlap.",
  );
});

Deno.test("sortedBytes: byte order (rax iteration order)", () => {
  assertEquals(sortedBytes(["b", "\xff", "a", "B", "\x00"]), ["\x00", "B", "a", "b", "\xff"]);
});

function push(...items: RespValue[]): RespPush {
  return new RespPush(items);
}

Deno.test("tracking table: read keys remembered once, invalidated once, flush sends null", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  t.exec(a, "HELLO", "3");
  assertEquals(t.exec(a, "CLIENT", "TRACKING", "on"), "OK");
  assertEquals(t.server.trackingClients, 1);
  t.exec(a, "MGET", "k1", "k2");
  t.exec(a, "GET", "k1");
  assertEquals(trackingInfo(t.server), { keys: 2, items: 2, prefixes: 0 });
  // A write command's keys are not remembered.
  assert(t.exec(a, "CLIENT", "CACHING", "yes") instanceof RespError); // not OPTIN
  t.exec(b, "SET", "k1", "x");
  assertEquals(t.exec(a, "PING"), [push("invalidate", ["k1"]), "PONG"]);
  // The entry is gone: a second change says nothing until the key is read again.
  t.exec(b, "SET", "k1", "y");
  assertEquals(t.exec(a, "PING"), "PONG");
  assertEquals(trackingInfo(t.server), { keys: 1, items: 1, prefixes: 0 });
  // The client's own write: the reply first, then the message.
  assertEquals(t.exec(a, "SET", "k2", "v"), ["OK", push("invalidate", ["k2"])]);
  t.exec(a, "GET", "k2");
  assertEquals(t.exec(b, "FLUSHALL"), "OK");
  assertEquals(t.exec(a, "PING"), [push("invalidate", null), "PONG"]);
  assertEquals(trackingInfo(t.server), { keys: 0, items: 0, prefixes: 0 });
});

Deno.test("OPTIN needs CACHING yes for the next command only; OPTOUT skips after CACHING no", () => {
  const t = testServer();
  const a = t.client();
  t.exec(a, "HELLO", "3");
  t.exec(a, "CLIENT", "TRACKING", "on", "OPTIN");
  t.exec(a, "GET", "no");
  assertEquals(t.exec(a, "CLIENT", "CACHING", "yes"), "OK");
  // Another CLIENT subcommand keeps the flag (Redis clears it after non-CLIENT commands).
  const info = t.exec(a, "CLIENT", "TRACKINGINFO") as Map<RespValue, RespValue>;
  assertEquals((info.get("flags") as RespSet).items, ["on", "optin", "caching-yes"]);
  t.exec(a, "GET", "yes");
  t.exec(a, "GET", "later");
  assertEquals(trackingInfo(t.server).keys, 1);
  assert(t.server.tracking!.table.has("yes"));
  // A transaction counts as one command.
  t.exec(a, "CLIENT", "CACHING", "yes");
  t.exec(a, "MULTI");
  t.exec(a, "GET", "m1");
  t.exec(a, "GET", "m2");
  t.exec(a, "EXEC");
  t.exec(a, "GET", "after");
  // A refused command ends the flag too (Redis's resetClient runs after it).
  t.exec(a, "CLIENT", "CACHING", "yes");
  assert(t.exec(a, "GET") instanceof RespError);
  t.exec(a, "GET", "refused");
  assertEquals(sortedBytes(t.server.tracking!.table.keys()), ["m1", "m2", "yes"]);
  assertEquals(
    t.exec(a, "CLIENT", "TRACKING", "on", "OPTOUT"),
    new RespError(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    ),
  );
  t.exec(a, "CLIENT", "TRACKING", "off");
  t.exec(a, "FLUSHALL");
  t.exec(a, "CLIENT", "TRACKING", "on", "OPTOUT");
  t.exec(a, "CLIENT", "CACHING", "no");
  t.exec(a, "GET", "skipped");
  t.exec(a, "GET", "kept");
  assertEquals([...t.server.tracking!.table.keys()], ["kept"]);
});

Deno.test("BCAST: one message per prefix with the keys in byte order, NOLOOP leaves own keys out", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  const w = t.client();
  t.exec(a, "HELLO", "3");
  t.exec(b, "HELLO", "3");
  t.exec(a, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b:", "PREFIX", "a:");
  t.exec(b, "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
  assertEquals(trackingInfo(t.server).prefixes, 3);
  t.exec(w, "MSET", "b:2", "1", "a:1", "1", "b:1", "1", "c", "1");
  t.exec(b, "SET", "a:9", "1");
  broadcastInvalidationMessages(t.server);
  assertEquals(t.exec(a, "PING"), [
    push("invalidate", ["a:1", "a:9"]),
    push("invalidate", ["b:1", "b:2"]),
    "PONG",
  ]);
  // b changed a:9 itself: NOLOOP leaves it out ("SET" reply was drained with b's command).
  assertEquals(t.exec(b, "PING"), [push("invalidate", ["a:1", "b:1", "b:2", "c"]), "PONG"]);
  // Turning tracking off leaves the prefixes; the last subscriber takes a prefix away.
  t.exec(a, "CLIENT", "TRACKING", "off");
  assertEquals(trackingInfo(t.server).prefixes, 1);
  t.exec(b, "RESET");
  assertEquals(trackingInfo(t.server).prefixes, 0);
  assertEquals(t.server.trackingClients, 0);
});

Deno.test("tracking-table-max-keys: the oldest keys go first, with invalidation messages", () => {
  const t = testServer();
  const a = t.client();
  const b = t.client();
  t.exec(a, "HELLO", "3");
  t.exec(a, "CLIENT", "TRACKING", "on");
  for (let i = 0; i < 250; i++) t.exec(a, "GET", `k${i}`);
  // The limit applies after the next command: 100 keys at first, then 200, 300... per run.
  assertEquals(t.exec(b, "CONFIG", "SET", "tracking-table-max-keys", "1"), "OK");
  assertEquals(trackingInfo(t.server).keys, 150);
  const first = t.exec(a, "PING") as RespValue[];
  // PING itself ran first, then the next 149 keys went after it (effort 200).
  assertEquals(first.length, 100 + 1 + 149);
  assertEquals(first[0], push("invalidate", ["k0"]));
  assertEquals(first[100], "PONG");
  assertEquals(first[249], push("invalidate", ["k248"]));
  assertEquals([...t.server.tracking!.table.keys()], ["k249"]);
  t.exec(b, "CONFIG", "SET", "tracking-table-max-keys", "0");
  for (let i = 0; i < 5; i++) t.exec(a, "GET", `z${i}`);
  assertEquals(trackingInfo(t.server).keys, 6);
});
