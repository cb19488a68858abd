import { testServer } from "../testing/harness.ts";
import { assertEquals } from "../testing/assert.ts";
import { RespError } from "../protocol/decode.ts";
import type { Client } from "./client.ts";
import {
  blockForKeys,
  handleClientsBlockedOnKeys,
  parseTimeout,
  signalKeyAsReady,
  unblockClientByRequest,
  unblockOnClose,
} from "./blocking.ts";

/** A toy "blocking GET": served by any string value, replies [key, value] and deletes the key. */
function blockGet(c: Client, keys: string[], deadline = 0): void {
  blockForKeys(c, keys, deadline, (rc, key) => {
    const v = rc.db.peek(key);
    if (typeof v !== "string") return false;
    rc.addBulkArray([key, v]);
    rc.db.delete(key);
    return true;
  }, (rc) => rc.addNullArray());
}

Deno.test("blocking: served in FIFO order, one value each", () => {
  const t = testServer();
  const [a, b, w] = [t.client(), t.client(), t.client()];
  blockGet(a, ["k"]);
  blockGet(b, ["k", "other"]);
  assertEquals(a.blocked && b.blocked, true);
  assertEquals(t.server.blockedClients.size, 2);
  assertEquals(t.exec(w, "SET", "k", "1"), "OK");
  assertEquals(t.feed(a, ""), [["k", "1"]]);
  assertEquals(a.blocked, false);
  assertEquals(b.blocked, true);
  assertEquals(t.exec(w, "SET", "other", "2"), "OK");
  assertEquals(t.feed(b, ""), [["other", "2"]]);
  assertEquals(t.server.blockedClients.size, 0);
  assertEquals(t.server.dbs[0].blockingKeys.size, 0);
});

Deno.test("blocking: a value the client cannot use leaves it blocked", () => {
  const t = testServer();
  const a = t.client();
  blockGet(a, ["k"]);
  t.server.dbs[0].set("k", { type: "list", dup: () => ({}) as never, encoding: () => "x" });
  signalKeyAsReady(t.server.dbs[0], "k");
  handleClientsBlockedOnKeys(t.server);
  assertEquals(a.blocked, true);
  assertEquals(unblockClientByRequest(a, true), true);
  assertEquals(t.feed(a, ""), [new RespError("UNBLOCKED client unblocked via CLIENT UNBLOCK")]);
});

Deno.test("blocking: pipelined input runs after the client is served", () => {
  const t = testServer();
  const [a, w] = [t.client(), t.client()];
  blockGet(a, ["k"]);
  // Bytes arriving while blocked are kept, not parsed.
  assertEquals(t.feed(a, "PING\r\n"), []);
  t.exec(w, "SET", "k", "v");
  assertEquals(t.feed(a, ""), [["k", "v"], "PONG"]);
});

Deno.test("blocking: disconnect forgets the client", () => {
  const t = testServer();
  const [a, w] = [t.client(), t.client()];
  blockGet(a, ["k"]);
  unblockOnClose(a);
  assertEquals(t.server.blockedClients.size, 0);
  t.exec(w, "SET", "k", "v");
  assertEquals(t.exec(w, "GET", "k"), "v");
});

Deno.test("blocking: timeout replies through onTimeout", async () => {
  const t = testServer();
  const a = t.client();
  blockGet(a, ["k"], Date.now() + 30);
  await new Promise((r) => setTimeout(r, 80));
  assertEquals(a.blocked, false);
  assertEquals(t.feed(a, ""), [null]);
});

Deno.test("blocking: timeout parsing", () => {
  const t = testServer();
  const c = t.client();
  assertEquals(parseTimeout(c, "0"), 0);
  assertEquals(parseTimeout(c, "abc"), null);
  assertEquals(parseTimeout(c, "-1"), null);
  assertEquals(parseTimeout(c, "inf"), null);
  const d = parseTimeout(c, "0.0001")!;
  assertEquals(d > 0 && d - Date.now() <= 1, true);
  assertEquals(t.feed(c, ""), [
    new RespError("ERR timeout is not a float or out of range"),
    new RespError("ERR timeout is negative"),
    new RespError("ERR timeout is negative"),
  ]);
});
