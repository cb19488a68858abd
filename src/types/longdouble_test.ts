/**
 * src/types/longdouble.ts against redis-server 7.0.15: every case below is
 * `SET k <a>` (or no key when a is null), then `INCRBYFLOAT k <b>`, with the reply Redis gave.
 * Long replies are kept as "sha256:<length>:<hex digest>".
 */
import { assertEquals } from "../testing/assert.ts";
import {
  LD_FINITE,
  LD_ZERO,
  ldAdd,
  ldFormatHuman,
  ldFromInt,
  ldToFixed,
  ldToNumber,
  parseLongDouble,
  strtold,
} from "./longdouble.ts";

/** What Redis's incrbyfloatCommand replies (value or error text). */
function incrbyfloat(a: string | null, b: string): string {
  const va = a === null ? LD_ZERO : parseLongDouble(a);
  if (va === null) return "ERR value is not a valid float";
  const vb = parseLongDouble(b);
  if (vb === null) return "ERR value is not a valid float";
  const r = ldAdd(va, vb);
  if (r.kind !== LD_FINITE) return "ERR increment would produce NaN or Infinity";
  return ldFormatHuman(r);
}

async function digest(s: string): Promise<string> {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha256:${s.length}:` + [...d].map((x) => x.toString(16).padStart(2, "0")).join("");
}

// [stored value or null, increment, Redis's reply]
const CASES: [string | null, string, string][] = [
  ["10.5", "0.1", "10.6"],
  ["0.1", "0.2", "0.3"],
  ["5.0e3", "2.0e2", "5200"],
  ["1", "-1.1", "-0.1"],
  [null, "1", "1"],
  [null, "0.25", "0.25"],
  ["1.5", "1.5", "3"],
  ["17179869184", "1.5", "17179869185.5"],
  ["17179869184", "17179869184", "34359738368"],
  ["3.0", "-3", "0"],
  ["1.1", "1.1", "2.2"],
  ["2.2", "1.1", "3.3"],
  ["3.3", "1.1", "4.4"],
  ["9.9", "1.1", "11"],
  ["0.024390243902439025", "-0.024390243902439025", "0"],
  ["-0", "0", "0"],
  ["-0.0", "-0", "0"],
  ["0", "-0", "0"],
  ["1e-18", "0", "0"],
  ["-1e-18", "0", "0"],
  ["5e-18", "0", "0"],
  ["-5e-17", "0", "-0.00000000000000005"],
  ["0.000003814697265625", "0", "0.00000381469726562"],
  ["0.000011444091796875", "0", "0.00001144409179688"],
  ["-0.000003814697265625", "0", "-0.00000381469726562"],
  ["123456789.123456789", "0", "123456789.12345678899873747"],
  ["0.1", "0", "0.1"],
  ["0.3", "0", "0.3"],
  ["3.14159265358979323846264338327950288", "0", "3.14159265358979324"],
  ["2.5", "-2.5", "0"],
  ["1e20", "1", "100000000000000000000"],
  ["1e19", "1", "10000000000000000001"],
  ["18446744073709551616", "1", "18446744073709551616"],
  ["18446744073709551617", "0", "18446744073709551616"],
  ["18446744073709551619", "0", "18446744073709551620"],
  ["9223372036854775807", "1", "9223372036854775808"],
  ["-9223372036854775808", "-0.5", "-9223372036854775808"],
  ["1.5e308", "0", "sha256:309:be4eafcbc66264208caf854394b9f750a5f1dbb78cb7790ddfd9a60a29149553"],
  ["1e300", "1e300", "sha256:301:9045a162b3690a25dd880d46bd85dbb24fb86ab89de35aaf56561794f5d0bb96"],
  ["-1e300", "1", "sha256:302:5298bd59b8fb56ecae6ddb188b544a6fc6995eaf3c099b4c5be69cd66f291d2f"],
  [null, "1e4932", "sha256:4933:754d16acb807875eba75298c60f224d7a029b9d04efbadf36cacaaa9b88f0745"],
  [
    null,
    "-1.18973149535723176502e4932",
    "sha256:4934:26eeb64b4577cf1c37be4067ae26668bf7f7541985ed82f97f88c374d904903a",
  ],
  ["1.18973149535723176508e4932", "0", "ERR value is not a valid float"],
  ["1e4932", "1e4932", "ERR increment would produce NaN or Infinity"],
  ["1e-4950", "0", "0"],
  ["1e-4940", "1e-4940", "0"],
  ["0x1p-16445", "0", "0"],
  ["0x1p-16446", "0", "ERR value is not a valid float"],
  ["0x10", "0x1.8p1", "19"],
  ["0X.8", "0", "0.5"],
  ["0x1P+3", "1", "9"],
  ["inf", "1", "ERR increment would produce NaN or Infinity"],
  ["-inf", "-1", "ERR increment would produce NaN or Infinity"],
  ["inf", "-inf", "ERR increment would produce NaN or Infinity"],
  ["1", "infinity", "ERR increment would produce NaN or Infinity"],
  ["1", "-Infinity", "ERR increment would produce NaN or Infinity"],
  ["1", "INF", "ERR increment would produce NaN or Infinity"],
  ["1", "nan", "ERR value is not a valid float"],
  ["1", "NaN(123)", "ERR value is not a valid float"],
  ["1", " 1", "ERR value is not a valid float"],
  ["1", "1 ", "ERR value is not a valid float"],
  ["1", "\t1", "ERR value is not a valid float"],
  [" 11", "1", "ERR value is not a valid float"],
  ["11 ", "1", "ERR value is not a valid float"],
  ["1\u00002", "1", "ERR value is not a valid float"],
  ["1", "0x", "ERR value is not a valid float"],
  ["1", "0x.p1", "ERR value is not a valid float"],
  ["1", "0x1p", "ERR value is not a valid float"],
  ["1", "1e", "ERR value is not a valid float"],
  ["1", "1e+", "ERR value is not a valid float"],
  ["1", ".e1", "ERR value is not a valid float"],
  ["1", ".", "ERR value is not a valid float"],
  ["1", "+", "ERR value is not a valid float"],
  ["1", "", "ERR value is not a valid float"],
  ["1", "--1", "ERR value is not a valid float"],
  ["1", "1.2.3", "ERR value is not a valid float"],
  ["1", "1e4933", "ERR value is not a valid float"],
  ["1", "1e-5000", "ERR value is not a valid float"],
  ["1", "1e-4951", "ERR value is not a valid float"],
  ["1", "0e-99999", "1"],
  ["1", "0e99999", "1"],
  ["1", "+.5", "1.5"],
  ["1", "5.", "6"],
  ["1", "1e99999999999999999999", "ERR value is not a valid float"],
  ["abc", "1", "ERR value is not a valid float"],
  ["", "1", "ERR value is not a valid float"],
  [
    "1",
    "1" + "0".repeat(4931),
    "sha256:4932:46b21ee182105649032b7a53e428575b942cc70683b8c6ef8392477eb3e11f81",
  ],
  ["1", "1." + "0".repeat(5117), "2"],
  ["1", "1." + "0".repeat(5118), "ERR value is not a valid float"],
  ["1.0000000000000000000542101086242752217003726400434970855712890625", "0", "1"],
  ["1.00000000000000000005421010862427522170037264004349708557128906251", "0", "1"],
  ["1.0000000000000000001626303258728256651011179201304912567138671875", "0", "1"],
  ["0.1", "-0.1", "0"],
  ["100", "-0.001", "99.999"],
  ["-100", "0.001", "-99.999"],
  ["1e17", "0.5", "100000000000000000.5"],
  ["1e18", "0.5", "1000000000000000000.5"],
  ["12345678901234567890", "0", "12345678901234567890"],
  ["0.00000000000000001", "0", "0.00000000000000001"],
  ["0.000000000000000005", "0", "0"],
  ["0.000000000000000015", "0", "0.00000000000000002"],
  ["0.000000000000000025", "0", "0.00000000000000002"],
];

Deno.test("longdouble: INCRBYFLOAT cases verified against redis-server 7.0.15", async () => {
  for (const [a, b, want] of CASES) {
    const got = incrbyfloat(a, b);
    const cmp = want.startsWith("sha256:") ? await digest(got) : got;
    assertEquals(
      cmp,
      want,
      `${JSON.stringify(a)?.slice(0, 40)} + ${JSON.stringify(b).slice(0, 40)}`,
    );
  }
});

Deno.test("longdouble: repeated 1.1 increments stay human", () => {
  let v = LD_ZERO;
  const inc = parseLongDouble("1.1")!;
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    v = ldAdd(v, inc);
    out.push(ldFormatHuman(v));
  }
  assertEquals(out, ["1.1", "2.2", "3.3", "4.4", "5.5", "6.6", "7.7", "8.8", "9.9", "11"]);
});

Deno.test("longdouble: %.17Lf, rounding and conversions", () => {
  // 10.5 + 0.1 in extended precision is 10.60000000000000000035 (in doubles: 10.5999999999999996447).
  const s = ldAdd(parseLongDouble("10.5")!, parseLongDouble("0.1")!);
  assertEquals(ldToFixed(s, 17), "10.60000000000000000");
  assertEquals(ldToFixed(s, 20), "10.60000000000000000035");
  assertEquals(ldToFixed(parseLongDouble("2.5")!, 0), "2");
  assertEquals(ldToFixed(parseLongDouble("3.5")!, 0), "4");
  assertEquals(ldToFixed(parseLongDouble("-0")!, 2), "-0.00");
  assertEquals(ldToFixed(ldFromInt(-9223372036854775808n), 1), "-9223372036854775808.0");
  assertEquals(ldToFixed(ldFromInt(2n ** 64n + 1n), 0), "18446744073709551616"); // ties to even
  assertEquals(ldToNumber(parseLongDouble("0.1")!), 0.1);
  assertEquals(ldToNumber(parseLongDouble("1e308")!), 1e308);
  assertEquals(ldToNumber(parseLongDouble("1e400")!), Infinity);
  assertEquals(ldToNumber(parseLongDouble("-1e-400")!), -0);
  // strtold's ERANGE: overflow and underflow; subnormals are accepted by Redis.
  assertEquals(strtold("1e5000")!.erange, true);
  assertEquals(strtold("1e-4940")!.erange, true);
  assertEquals(parseLongDouble("1e-4940") !== null, true);
  assertEquals(parseLongDouble("1e-4952"), null);
  assertEquals(strtold("0e-99999")!.erange, false);
  assertEquals(strtold(" 1"), null);
});
