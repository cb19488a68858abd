import { assert, assertEquals, assertThrows } from "../testing/assert.ts";
import { crc64 } from "./crc64.ts";
import { lzfCompress, lzfDecompress } from "./lzf.ts";
import { lpDecode, lpEncode } from "./listpack.ts";
import { intsetDecode, intsetEncode } from "./intset.ts";
import { ziplistDecode } from "./ziplist.ts";
import { bytesToStr, strToBytes } from "./bytes.ts";
import {
  createDumpPayload,
  DEFAULT_LIMITS,
  loadDumpPayload,
  moduleTypeId,
  moduleTypeName,
  registerModuleType,
  verifyDumpPayload,
} from "./rdb.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("crc64: Redis's test vectors (crc64.c)", () => {
  assertEquals(crc64(enc("123456789")), 0xe9c6d914c4b8d9can);
  const li = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed " +
    "do eiusmod tempor incididunt ut labore et dolore magna " +
    "aliqua. Ut enim ad minim veniam, quis nostrud exercitation " +
    "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis " +
    "aute irure dolor in reprehenderit in voluptate velit esse " +
    "cillum dolore eu fugiat nulla pariatur. Excepteur sint " +
    "occaecat cupidatat non proident, sunt in culpa qui officia " +
    "deserunt mollit anim id est laborum.";
  // sizeof(li) counts the terminating NUL.
  const b = new Uint8Array(li.length + 1);
  b.set(enc(li));
  assertEquals(crc64(b), 0xc7794709e69683b3n);
  // slicing-by-8 and the byte loop agree at every split
  for (let n = 0; n < 40; n++) {
    assertEquals(crc64(b, 0, n) === crc64(b.slice(0, n)), true);
  }
});

Deno.test("lzf: round trip, Redis's exact bytes, incompressible input", () => {
  // DUMP of a 100-byte "aaa…" string on redis-server 7.0.15:
  // "\x00\xc3\t@d\x01aa\xe0W\x00\x01aa\n\x00…": this 9-byte LZF body.
  const a = enc("a".repeat(100));
  const c = lzfCompress(a, a.length - 4)!;
  assertEquals(Array.from(c), [1, 97, 97, 224, 87, 0, 1, 97, 97]);
  assertEquals(bytesToStr(lzfDecompress(c, 100)!), "a".repeat(100));
  const rnd = new Uint8Array(1000);
  let x = 2463534242;
  for (let i = 0; i < rnd.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    rnd[i] = x & 0xff;
  }
  assertEquals(lzfCompress(rnd, rnd.length - 4), null);
  const text = enc("hello world, hello world, hello lzf world! ".repeat(50));
  const t = lzfCompress(text, text.length)!;
  assert(t.length < text.length / 5);
  assertEquals(lzfDecompress(t, text.length), text);
  assertEquals(lzfDecompress(t, text.length + 1), null);
  assertEquals(lzfDecompress(new Uint8Array([0x20, 0x05]), 10), null);
});

Deno.test("listpack: Redis's entry encodings", () => {
  // RPUSH l hello 127 128 -4096 32767 on redis-server 7.0.15 dumps this listpack:
  // 1a000000 0500 85hello06 7f01 c08002 d00002 f1ff7f03 ff
  const lp = lpEncode([
    "hello",
    "127",
    "128",
    "-4096",
    "32767",
    "-8388608",
    "2147483647",
    "9223372036854775807",
  ]);
  assertEquals(lp[0] | (lp[1] << 8), lp.length);
  assertEquals(lp[4], 8);
  assertEquals(Array.from(lp.subarray(6, 13)), [0x85, 104, 101, 108, 108, 111, 6]);
  assertEquals(Array.from(lp.subarray(13, 15)), [127, 1]); // 7-bit uint
  assertEquals(Array.from(lp.subarray(15, 18)), [0xc0, 128, 2]); // 13-bit int
  assertEquals(Array.from(lp.subarray(18, 21)), [0xd0, 0x00, 2]); // -4096 in 13 bits
  assertEquals(Array.from(lp.subarray(21, 25)), [0xf1, 0xff, 0x7f, 3]);
  assertEquals(lp[lp.length - 1], 0xff);
  assertEquals(lpDecode(lp), [
    "hello",
    "127",
    "128",
    "-4096",
    "32767",
    "-8388608",
    "2147483647",
    "9223372036854775807",
  ]);
  const long = ["y".repeat(64), "z".repeat(5000), "007", "-0", ""];
  assertEquals(lpDecode(lpEncode(long)), long);
  const bad = lpEncode(["abc"]).slice();
  bad[bad.length - 2] = 9;
  assertThrows(() => lpDecode(bad));
});

Deno.test("intset: widths, order, errors", () => {
  const s = intsetEncode(["-5", "1", "300"]);
  assertEquals(Array.from(s), [2, 0, 0, 0, 3, 0, 0, 0, 0xfb, 0xff, 1, 0, 0x2c, 1]);
  assertEquals(intsetDecode(s), ["-5", "1", "300"]);
  assertEquals(intsetEncode(["1", "100000"])[0], 4);
  assertEquals(intsetEncode(["1", "10000000000"])[0], 8);
  assertEquals(intsetDecode(intsetEncode(["-9223372036854775808", "9223372036854775807"])), [
    "-9223372036854775808",
    "9223372036854775807",
  ]);
  assertThrows(() => intsetDecode(strToBytes("\x02\0\0\0\x02\0\0\0\x05\0\x01\0")));
});

Deno.test("ziplist: decode a Redis 6 ziplist", () => {
  // RPUSH l a 1 with Redis 6.2: zlbytes 15, zltail 12, zllen 2, [00 01 'a'] [03 f2] ff
  const z = new Uint8Array([15, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 1, 97, 3, 0xf2, 0xff]);
  z[0] = z.length;
  assertEquals(ziplistDecode(z), ["a", "1"]);
});

Deno.test("listpack: the exact blob redis-server 7.0.15 dumps", () => {
  const lp = lpEncode(["hello", "127", "128", "-4096", "32767"]);
  const want =
    "\x1a\x00\x00\x00\x05\x00\x85hello\x06\x7f\x01\xc0\x80\x02\xd0\x00\x02\xf1\xff\x7f\x03\xff";
  assertEquals(bytesToStr(lp), want);
});

Deno.test("module types: 64-bit ids, registry, round trip through the object codec", () => {
  class Counter {
    readonly type = "counter";
    constructor(public n: number, public label: string) {}
    dup() {
      return new Counter(this.n, this.label);
    }
    encoding() {
      return "raw";
    }
  }
  registerModuleType({
    name: "counter-1",
    encver: 3,
    type: "counter",
    save(w, v) {
      w.moduleUnsigned((v as Counter).n);
      w.moduleString((v as Counter).label);
    },
    load(r, encver) {
      assertEquals(encver, 3);
      return new Counter(Number(r.moduleUnsigned()), r.moduleString());
    },
  });
  const id = moduleTypeId("counter-1", 3);
  assert(id > 2n ** 53n);
  assertEquals(moduleTypeName(id), "counter-1");
  const p = createDumpPayload(new Counter(7, "seven"), { compress: true, limits: DEFAULT_LIMITS });
  assertEquals(p[0], 7); // RDB_TYPE_MODULE_2
  assert(verifyDumpPayload(p));
  const back = loadDumpPayload(p, DEFAULT_LIMITS) as unknown as Counter;
  assertEquals([back.type, back.n, back.label], ["counter", 7, "seven"]);
  // An unknown module id is bad data.
  const q = p.slice();
  q[3] ^= 1;
  assertEquals(loadDumpPayload(q, DEFAULT_LIMITS), null);
});
