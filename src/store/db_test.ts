import { assert, assertEquals } from "../testing/assert.ts";
import { Db } from "./db.ts";

function newDb(now: { t: number }): Db {
  return new Db(0, {
    expired() {},
    now: () => now.t,
    lruClock: () => Math.floor(now.t / 1000) & 0xffffff,
  });
}

Deno.test("keyspace: slots are reused, TTL bookkeeping survives swaps of the last volatile key", () => {
  const now = { t: 1_000_000 };
  const db = newDb(now);
  for (let i = 0; i < 100; i++) db.set(`k${i}`, `v${i}`);
  for (let i = 0; i < 100; i += 3) db.setExpire(`k${i}`, now.t + 1000 + i);
  assertEquals(db.volatileSize, 34);
  // Remove volatile keys from the middle: the last one moves into the hole.
  for (let i = 0; i < 100; i += 6) db.removeKey(`k${i}`);
  for (let i = 3; i < 100; i += 6) db.persist(`k${i}`);
  assertEquals(db.volatileSize, 0);
  for (let i = 3; i < 100; i += 6) assertEquals(db.getExpire(`k${i}`), undefined);
  // Freed slots take new keys; old values are not visible through them.
  for (let i = 0; i < 50; i++) db.set(`n${i}`, `w${i}`);
  assertEquals(db.size, 100 - 17 + 50);
  for (let i = 0; i < 50; i++) assertEquals(db.lookupRead(`n${i}`), `w${i}`);
  for (let i = 1; i < 100; i++) {
    assertEquals(db.lookupRead(`k${i}`), i % 6 === 0 ? undefined : `v${i}`);
  }
  // Every key with a TTL keeps its own time through removals of others.
  for (let i = 0; i < 50; i++) db.setExpire(`n${i}`, now.t + 10_000 + i);
  for (let i = 0; i < 50; i += 2) db.set(`n${i}`, "x"); // SET clears the TTL
  for (let i = 0; i < 50; i++) {
    assertEquals(db.getExpire(`n${i}`), i % 2 === 0 ? undefined : now.t + 10_000 + i);
  }
  assertEquals(db.volatileSize, 25);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(db.randomVolatileKey()!);
  assertEquals(seen.size, 25);
  // Lazy expiry.
  now.t += 20_000;
  assertEquals(db.lookupRead("n1"), undefined);
  assertEquals(db.volatileSize, 24);
  assert(!db.has("n1"));
});

Deno.test("keyspace: the copy-on-write hook runs before every change and every value handed out", () => {
  const now = { t: 1_000_000 };
  const db = newDb(now);
  db.set("a", "1");
  db.set("b", "2");
  const calls: string[] = [];
  db.ks.cow = (k) => calls.push(`${k}=${db.getRaw(k) ?? "-"}`);
  db.lookupRead("a");
  db.set("b", "3");
  db.setExpire("a", now.t + 5);
  db.persist("a");
  db.removeKey("b");
  db.set("c", "4");
  db.exists("a"); // hands out nothing
  assertEquals(calls, ["a=1", "b=2", "a=1", "a=1", "b=3", "c=-"]);
  const old = db.ks;
  db.clear();
  assert(db.ks !== old && db.ks.cow === null);
});
