import { assertEquals } from "../testing/assert.ts";
import { formatDouble, ReplyWriter } from "./reply.ts";

function out(w: ReplyWriter): string {
  let s = "";
  for (let i = 0; i < w.outLen; i++) s += String.fromCharCode(w.out[i]);
  return s;
}

function both(fn: (w: ReplyWriter) => void): [string, string] {
  const w2 = new ReplyWriter();
  const w3 = new ReplyWriter();
  w3.resp = 3;
  fn(w2);
  fn(w3);
  return [out(w2), out(w3)];
}

Deno.test("reply: simple types in RESP2 and RESP3", () => {
  assertEquals(both((w) => w.addOk()), ["+OK\r\n", "+OK\r\n"]);
  assertEquals(both((w) => w.addInt(42)), [":42\r\n", ":42\r\n"]);
  assertEquals(both((w) => w.addInt(-9223372036854775808n)), [
    ":-9223372036854775808\r\n",
    ":-9223372036854775808\r\n",
  ]);
  assertEquals(both((w) => w.addBulk("a\x00\xff")), ["$3\r\na\x00\xff\r\n", "$3\r\na\x00\xff\r\n"]);
  assertEquals(both((w) => w.addNull()), ["$-1\r\n", "_\r\n"]);
  assertEquals(both((w) => w.addNullArray()), ["*-1\r\n", "_\r\n"]);
  assertEquals(both((w) => w.addBool(true)), [":1\r\n", "#t\r\n"]);
  assertEquals(both((w) => w.addDouble(1.5)), ["$3\r\n1.5\r\n", ",1.5\r\n"]);
  assertEquals(both((w) => w.addDouble(-Infinity)), ["$4\r\n-inf\r\n", ",-inf\r\n"]);
  assertEquals(both((w) => w.addBigNumber("123")), ["$3\r\n123\r\n", "(123\r\n"]);
  assertEquals(both((w) => w.addVerbatim("hi")), ["$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"]);
  assertEquals(both((w) => w.addErrorRaw("ERR a\r\nb")), ["-ERR a  b\r\n", "-ERR a  b\r\n"]);
});

Deno.test("reply: aggregates and deferred lengths", () => {
  assertEquals(
    both((w) => {
      w.addMapLen(1);
      w.addBulk("k");
      w.addInt(1);
    }),
    ["*2\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"],
  );
  assertEquals(both((w) => w.addSetLen(0)), ["*0\r\n", "~0\r\n"]);
  assertEquals(both((w) => w.addPushLen(1)), ["*1\r\n", ">1\r\n"]);
  assertEquals(
    both((w) => {
      w.addBulk("x");
      const at = w.deferLen();
      for (let i = 0; i < 12; i++) w.addInt(i);
      w.setDeferredArray(at, 12);
    }),
    (() => {
      const ints = Array.from({ length: 12 }, (_, i) => `:${i}\r\n`).join("");
      return [`$1\r\nx\r\n*12\r\n${ints}`, `$1\r\nx\r\n*12\r\n${ints}`];
    })(),
  );
});

Deno.test("reply: large binary and ASCII strings round-trip", () => {
  const w = new ReplyWriter();
  const ascii = "abc".repeat(100_000);
  const bin = "\x00\x80\xff".repeat(100_000);
  w.addBulk(ascii);
  w.addBulk(bin);
  assertEquals(out(w), `$300000\r\n${ascii}\r\n$300000\r\n${bin}\r\n`);
});

Deno.test("formatDouble matches %.17g", () => {
  assertEquals(formatDouble(1.1), "1.1000000000000001");
  assertEquals(formatDouble(0.1), "0.10000000000000001");
  assertEquals(formatDouble(3), "3");
  assertEquals(formatDouble(1e20), "1e+20");
  assertEquals(formatDouble(1.5e-7), "1.4999999999999999e-07");
  assertEquals(formatDouble(123456789012345680), "1.2345678901234568e+17");
  assertEquals(formatDouble(0.0001), "0.0001");
  assertEquals(formatDouble(-0), "-0");
  assertEquals(formatDouble(NaN), "nan");
});

Deno.test("reply: bulk strings of every header width, binary bytes, buffer growth", () => {
  for (const n of [0, 1, 9, 10, 99, 100, 255, 256, 257, 999, 1000, 70000]) {
    const s = Array.from({ length: n }, (_, i) => String.fromCharCode((i * 37) & 255)).join("");
    const w = new ReplyWriter();
    w.out = new Uint8Array(4);
    w.addBulk(s);
    w.addOk();
    assertEquals(out(w), `$${n}\r\n${s}\r\n+OK\r\n`);
  }
});

Deno.test("reply: integers written digit by digit match String()", () => {
  const vals = [0, 9, 10, -1, -9, -10, 99, 100, 12345, -98765, 2 ** 31, -(2 ** 31), 2 ** 53 - 1];
  vals.push(-(2 ** 53 - 1), 1e15 + 7);
  for (const v of vals) {
    const w = new ReplyWriter();
    w.out = new Uint8Array(2);
    w.addInt(v);
    w.addInt(BigInt(v) * 1000n);
    assertEquals(out(w), `:${v}\r\n:${BigInt(v) * 1000n}\r\n`);
  }
});
