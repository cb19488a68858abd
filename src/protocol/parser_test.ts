import { assertEquals, assertThrows } from "../testing/assert.ts";
import { parseRequest, ProtocolError, QueryBuffer, splitArgs } from "./parser.ts";

const LIM = { maxBulkLen: 512 * 1024 * 1024, authRequired: false };

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** Feed `input` in pieces cut at the given points; collect every parsed request. */
function parseInPieces(input: string, cuts: number[], lim = LIM): string[][] {
  const q = new QueryBuffer(8);
  const data = bytes(input);
  const out: string[][] = [];
  let prev = 0;
  for (const cut of [...cuts, data.length]) {
    const piece = data.subarray(prev, cut);
    prev = cut;
    const space = q.space(piece.length);
    space.set(piece);
    q.len += piece.length;
    for (;;) {
      const r = parseRequest(q, lim);
      if (r === null) break;
      if (r.length) out.push(r);
    }
  }
  return out;
}

const FRAMES: [string, string[][]][] = [
  ["*1\r\n$4\r\nPING\r\n", [["PING"]]],
  ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", [["SET", "k", ""]]],
  ["*2\r\n$3\r\nGET\r\n$4\r\n\r\n\x00\xff\r\n", [["GET", "\r\n\x00\xff"]]],
  ['PING\r\nECHO "a b"\n', [["PING"], ["ECHO", "a b"]]],
  ["*0\r\n*1\r\n$4\r\nPING\r\n", [["PING"]]],
  ["*-1\r\n*1\r\n$1\r\nx\r\n", [["x"]]],
  ["set 'it''s' \"\\x41\\n\"\r\n", []], // unbalanced per sdssplitargs: closing quote must be followed by space
];

Deno.test("parser: every frame split at every byte boundary gives the same requests", () => {
  for (const [input, expected] of FRAMES.slice(0, 6)) {
    const whole = parseInPieces(input, []);
    assertEquals(whole, expected, JSON.stringify(input));
    for (let i = 1; i < input.length; i++) {
      assertEquals(parseInPieces(input, [i]), expected, `${JSON.stringify(input)} cut at ${i}`);
      for (let j = i + 1; j < input.length; j += 3) {
        assertEquals(parseInPieces(input, [i, j]), expected);
      }
    }
  }
});

Deno.test("parser: a pipeline of many commands byte by byte", () => {
  let input = "";
  const expected: string[][] = [];
  for (let i = 0; i < 50; i++) {
    const v = "v".repeat(i * 7);
    input += `*3\r\n$3\r\nSET\r\n$${String(i).length}\r\n${i}\r\n$${v.length}\r\n${v}\r\n`;
    expected.push(["SET", String(i), v]);
  }
  const cuts = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
  assertEquals(parseInPieces(input, cuts), expected);
});

Deno.test("parser: big bulk arguments", () => {
  const big = "x".repeat(200_000);
  assertEquals(
    parseInPieces(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`, [10, 5000, 150_000]),
    [
      ["ECHO", big],
    ],
  );
});

function protoError(input: string, lim = LIM): string {
  try {
    parseInPieces(input, [], lim);
  } catch (e) {
    if (e instanceof ProtocolError) return e.message;
    throw e;
  }
  return "no error";
}

Deno.test("parser: Redis's protocol error texts", () => {
  assertEquals(protoError("*3000000000\r\n"), "Protocol error: invalid multibulk length");
  assertEquals(protoError("*abc\r\n"), "Protocol error: invalid multibulk length");
  assertEquals(protoError("*1\r\n$-5\r\n"), "Protocol error: invalid bulk length");
  assertEquals(protoError("*1\r\n$abc\r\n"), "Protocol error: invalid bulk length");
  assertEquals(protoError("*1\r\n$1000000000\r\n"), "Protocol error: invalid bulk length");
  assertEquals(protoError("*1\r\nfoo\r\n"), "Protocol error: expected '$', got 'f'");
  assertEquals(protoError('set "a\r\n'), "Protocol error: unbalanced quotes in request");
  assertEquals(protoError("x".repeat(70_000)), "Protocol error: too big inline request");
  assertEquals(protoError("*" + "1".repeat(70_000)), "Protocol error: too big mbulk count string");
  assertEquals(
    protoError("*1\r\n$" + "1".repeat(70_000)),
    "Protocol error: too big bulk count string",
  );
  const unauth = { maxBulkLen: LIM.maxBulkLen, authRequired: true };
  assertEquals(protoError("*11\r\n", unauth), "Protocol error: unauthenticated multibulk length");
  assertEquals(
    protoError("*1\r\n$16385\r\n", unauth),
    "Protocol error: unauthenticated bulk length",
  );
});

Deno.test("parser: incomplete input asks for more, never throws", () => {
  for (const s of ["*", "*1", "*1\r", "*1\r\n$", "*1\r\n$3\r\nab", "PING"]) {
    assertEquals(parseInPieces(s, []), []);
  }
});

Deno.test("splitArgs: sdssplitargs quoting rules", () => {
  assertEquals(splitArgs('set "a b" c'), ["set", "a b", "c"]);
  assertEquals(splitArgs("'it\\'s' x"), ["it's", "x"]);
  assertEquals(splitArgs('"\\x41\\x4a\\n\\t\\"q"'), ['AJ\n\t"q']);
  assertEquals(splitArgs('"\\xZZ"'), ["xZZ"]);
  assertEquals(splitArgs("   "), []);
  assertEquals(splitArgs('"a"b'), null);
  assertEquals(splitArgs('"abc'), null);
  assertEquals(splitArgs("'abc"), null);
  assertThrows(() => {
    throw new ProtocolError("x");
  });
});

Deno.test("header fast paths: every length width and every cut point give the same requests", () => {
  // Stale bytes after q.len must never be read: reuse one buffer full of digits and CRs.
  const args = ["", "a", "x".repeat(9), "y".repeat(10), "z".repeat(99), "w".repeat(1000)];
  args.push("v".repeat(9999), "u".repeat(10000), "t".repeat(20000));
  const argv = ["SET", ...args];
  const wire = `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join("") +
    "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  const want = [argv, ["GET", "k"]];
  for (let cut = 0; cut < 40; cut++) assertEquals(parseInPieces(wire, [cut]), want);
  for (let cut = wire.length - 60; cut < wire.length; cut++) {
    assertEquals(parseInPieces(wire, [cut]), want);
  }
  const small = "*3\r\n$3\r\nSET\r\n$10\r\n0123456789\r\n$100\r\n" + "z".repeat(100) + "\r\n";
  const cuts = Array.from({ length: small.length }, (_, i) => i);
  assertEquals(parseInPieces(small, cuts), [["SET", "0123456789", "z".repeat(100)]]);
  // Errors keep Redis's texts when the fast path declines.
  const err = (input: string, lim = LIM) => {
    try {
      parseInPieces(input, [], lim);
    } catch (e) {
      if (e instanceof ProtocolError) return e.message;
      throw e;
    }
    return "no error";
  };
  assertEquals(err("*1\r\n$01\r\nx\r\n"), "Protocol error: invalid bulk length");
  assertEquals(err("*1\r\n$-1\r\n"), "Protocol error: invalid bulk length");
  assertEquals(
    err("*1\r\n$20000\r\n", { maxBulkLen: 1 << 30, authRequired: true }),
    "Protocol error: unauthenticated bulk length",
  );
  assertEquals(
    err("*1\r\n$20\r\n", { maxBulkLen: 10, authRequired: false }),
    "Protocol error: invalid bulk length",
  );
  assertEquals(err("*1\r\n#3\r\n"), "Protocol error: expected '$', got '#'");
});

Deno.test("interned short arguments are the bytes given, whatever was cached before", () => {
  const seen = new Map<string, string>();
  for (let i = 0; i < 5000; i++) {
    const a = String.fromCharCode(
      ...Array.from({ length: i % 33 }, (_, j) => (i * 31 + j * 7) & 255),
    );
    const got = parseInPieces(`*2\r\n$4\r\nECHO\r\n$${a.length}\r\n${a}\r\n`, [])[0][1];
    assertEquals(got, a);
    seen.set(a, got);
  }
});
