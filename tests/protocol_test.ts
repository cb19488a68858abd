/**
 * Protocol-level behaviour through raw sockets: errors are replied then the connection closes,
 * other clients never notice, limits hold, pipelining and inline commands work.
 */
import { assert, assertEquals } from "../src/testing/assert.ts";
import { RespConn, RespError, startServer } from "./helpers.ts";

async function withServer(args: string[], fn: (port: number) => Promise<void>): Promise<void> {
  const s = await startServer(args);
  try {
    await fn(s.port);
  } finally {
    await s.stop();
  }
}

async function protocolErrorCloses(port: number, bytes: string, expected: string): Promise<void> {
  const c = await RespConn.connect(port);
  try {
    await c.write(bytes);
    const r = await c.read();
    assert(r instanceof RespError, `expected an error for ${JSON.stringify(bytes.slice(0, 40))}`);
    assertEquals((r as RespError).message, expected);
    assert(await c.closedByServer(), "connection should close after a protocol error");
  } finally {
    c.close();
  }
}

Deno.test("protocol errors: reply, close, and other clients are unaffected", async () => {
  await withServer([], async (port) => {
    const bystander = await RespConn.connect(port);
    try {
      assertEquals(await bystander.send("SET", "k", "v"), "OK");
      await protocolErrorCloses(
        port,
        "*3000000000\r\n",
        "ERR Protocol error: invalid multibulk length",
      );
      await protocolErrorCloses(
        port,
        "*1\r\n$1000000000\r\n",
        "ERR Protocol error: invalid bulk length",
      );
      await protocolErrorCloses(port, "*1\r\n$-10\r\n", "ERR Protocol error: invalid bulk length");
      await protocolErrorCloses(port, "*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'");
      await protocolErrorCloses(
        port,
        'set "x\r\n',
        "ERR Protocol error: unbalanced quotes in request",
      );
      await protocolErrorCloses(
        port,
        "a".repeat(70_000),
        "ERR Protocol error: too big inline request",
      );
      assertEquals(await bystander.send("GET", "k"), "v");
    } finally {
      bystander.close();
    }
  });
});

Deno.test("random bytes never crash the server", async () => {
  await withServer([], async (port) => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 30; i++) {
      const c = await RespConn.connect(port);
      const len = 1 + Math.floor(rnd() * 2000);
      const b = new Uint8Array(len);
      for (let j = 0; j < len; j++) b[j] = Math.floor(rnd() * 256);
      if (i % 2 === 0) b[0] = 42; // half of them look like a multibulk
      try {
        await c.write(b);
      } catch { /* the server may have closed already */ }
      c.close();
    }
    const c = await RespConn.connect(port);
    assertEquals(await c.send("PING"), "PONG");
    c.close();
  });
});

Deno.test("pipelining: many commands in one write, replies in order", async () => {
  await withServer([], async (port) => {
    const c = await RespConn.connect(port);
    try {
      let batch = "";
      for (let i = 0; i < 1000; i++) {
        batch += `*3\r\n$3\r\nSET\r\n$${String(i).length}\r\n${i}\r\n$1\r\nx\r\n`;
      }
      batch += "PING\r\n";
      for (let i = 0; i < 1000; i++) batch += `*2\r\n$3\r\nGET\r\n$${String(i).length}\r\n${i}\r\n`;
      await c.write(batch);
      for (let i = 0; i < 1000; i++) assertEquals(await c.read(), "OK");
      assertEquals(await c.read(), "PONG");
      for (let i = 0; i < 1000; i++) assertEquals(await c.read(), "x");
    } finally {
      c.close();
    }
  });
});

Deno.test("inline commands with quotes and an empty line", async () => {
  await withServer([], async (port) => {
    const c = await RespConn.connect(port);
    try {
      await c.write('\r\nSET "a b" "c\\x41"\r\nGET "a b"\r\n');
      assertEquals(await c.read(), "OK");
      assertEquals(await c.read(), "cA");
    } finally {
      c.close();
    }
  });
});

Deno.test("a huge declared bulk length costs only what arrives", async () => {
  await withServer([], async (port) => {
    const c = await RespConn.connect(port);
    try {
      await c.write("*2\r\n$4\r\nECHO\r\n$500000000\r\nabc");
      const probe = await RespConn.connect(port);
      assertEquals(await probe.send("PING"), "PONG");
      probe.close();
    } finally {
      c.close();
    }
  });
});

Deno.test("client-query-buffer-limit closes the client", async () => {
  await withServer(["--client-query-buffer-limit", "1mb"], async (port) => {
    const c = await RespConn.connect(port);
    try {
      const chunk = "x".repeat(64 * 1024);
      await c.write("*2\r\n$4\r\nECHO\r\n$3000000\r\n");
      let closed = false;
      for (let i = 0; i < 40 && !closed; i++) {
        try {
          await c.write(chunk);
        } catch {
          closed = true;
        }
      }
      assert(closed || (await c.closedByServer()), "client over the query buffer limit is closed");
    } finally {
      c.close();
    }
  });
});

Deno.test("maxclients: the extra client gets Redis's error", async () => {
  await withServer(["--maxclients", "2"], async (port) => {
    const a = await RespConn.connect(port);
    // The start-up probe connection may still be registered: wait until `a` is the only client.
    for (let i = 0; i < 100; i++) {
      const info = await a.send("INFO", "clients") as string;
      if (/connected_clients:1\r\n/.test(info)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const b = await RespConn.connect(port);
    assertEquals(await a.send("PING"), "PONG");
    assertEquals(await b.send("PING"), "PONG");
    const c = await RespConn.connect(port);
    const r = await c.read();
    assertEquals((r as RespError).message, "ERR max number of clients reached");
    a.close();
    b.close();
    c.close();
  });
});

Deno.test("timeout: idle clients are closed", async () => {
  await withServer(["--timeout", "1"], async (port) => {
    const c = await RespConn.connect(port);
    assertEquals(await c.send("PING"), "PONG");
    assert(await c.closedByServer(4000), "idle client closed after timeout");
    c.close();
  });
});

Deno.test("RESP3 through HELLO 3", async () => {
  await withServer([], async (port) => {
    const c = await RespConn.connect(port);
    try {
      const hello = await c.send("HELLO", "3") as Map<unknown, unknown>;
      assertEquals(hello.get("proto"), 3);
      assertEquals(hello.get("server"), "redis");
      assertEquals(await c.send("GET", "nokey"), null);
      const e = await c.send("HELLO", "4");
      assertEquals((e as RespError).message, "NOPROTO unsupported protocol version");
    } finally {
      c.close();
    }
  });
});

Deno.test("requirepass: NOAUTH, AUTH, HELLO AUTH", async () => {
  await withServer(["--requirepass", "s3cret"], async (port) => {
    const c = await RespConn.connect(port);
    try {
      assertEquals(
        (await c.send("GET", "k") as RespError).message,
        "NOAUTH Authentication required.",
      );
      assertEquals(
        (await c.send("AUTH", "bad") as RespError).message,
        "WRONGPASS invalid username-password pair or user is disabled.",
      );
      assertEquals(await c.send("AUTH", "s3cret"), "OK");
      assertEquals(await c.send("PING"), "PONG");
      const c2 = await RespConn.connect(port);
      const h = await c2.send("HELLO", "3", "AUTH", "default", "s3cret") as Map<unknown, unknown>;
      assertEquals(h.get("proto"), 3);
      c2.close();
    } finally {
      c.close();
    }
  });
});
