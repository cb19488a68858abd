/** Unit tests for src/types/set.ts: encodings, conversions, order, random picks. */
import { assert, assertEquals } from "../testing/assert.ts";
import {
  compareIntStrings,
  isIntMember,
  setAdd,
  setCreate,
  setHas,
  setIterate,
  SetObject,
  setRemove,
  setSize,
} from "./set.ts";

Deno.test("isIntMember follows string2ll (canonical int64 only)", () => {
  for (const s of ["0", "-1", "9223372036854775807", "-9223372036854775808", "12"]) {
    assert(isIntMember(s), s);
  }
  for (const s of ["", "-0", "01", "+1", " 1", "1 ", "9223372036854775808", "1.0", "a", "-"]) {
    assert(!isIntMember(s), s);
  }
});

Deno.test("compareIntStrings orders canonical integers numerically", () => {
  const xs = ["10", "-5", "2", "-100", "0", "9223372036854775807", "-9223372036854775808", "-6"];
  const sorted = [...xs].sort(compareIntStrings);
  assertEquals(sorted, [
    "-9223372036854775808",
    "-100",
    "-6",
    "-5",
    "0",
    "2",
    "10",
    "9223372036854775807",
  ]);
});

Deno.test("encoding: intset while integers and within the limit, one-way conversion", () => {
  const s = setCreate("1");
  assertEquals(s.encoding(), "intset");
  assert(setAdd(s, "1", 3));
  assert(setAdd(s, "3", 3));
  assert(setAdd(s, "2", 3));
  assert(!setAdd(s, "2", 3));
  assertEquals([...setIterate(s)], ["1", "2", "3"]);
  assert(setAdd(s, "4", 3)); // 4 > 3 entries
  assertEquals(s.encoding(), "hashtable");
  assert(setRemove(s, "4"));
  assertEquals(s.encoding(), "hashtable");

  const t = setCreate("1");
  setAdd(t, "1", 512);
  setAdd(t, "x", 512);
  assertEquals(t.encoding(), "hashtable");
  assertEquals(setCreate("x").encoding(), "hashtable");
  assertEquals(setCreate().encoding(), "intset");
});

Deno.test("intset iterates ascending after mutations; dup keeps the encoding", () => {
  const s = setCreate("5");
  for (const m of ["5", "-1", "100", "7"]) setAdd(s, m, 512);
  assertEquals([...setIterate(s)], ["-1", "5", "7", "100"]);
  setRemove(s, "7");
  setAdd(s, "6", 512);
  assertEquals([...setIterate(s)], ["-1", "5", "6", "100"]);
  const d = s.dup();
  assertEquals(d.encoding(), "intset");
  setAdd(d, "a", 512);
  assertEquals(s.encoding(), "intset");
  assert(!setHas(s, "a"));
  assertEquals(setSize(d), 5);
});

Deno.test("random picks are members, cover the set, and survive removals and additions", () => {
  const s = new SetObject(false);
  for (let i = 0; i < 50; i++) s.add("m" + i, 512);
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(s.random() as string);
  assertEquals(seen.size, 50);
  for (let i = 0; i < 40; i++) s.remove("m" + i);
  s.add("new", 512);
  for (let i = 0; i < 500; i++) assert(s.has(s.random() as string));
  while (s.size > 0) s.remove(s.random() as string);
  assertEquals(s.random(), undefined);
});

Deno.test("binary members round-trip", () => {
  const s = setCreate("\x00\xff");
  setAdd(s, "\x00\xff", 512);
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  setAdd(s, all, 512);
  assert(setHas(s, all));
  assert(setHas(s, "\x00\xff"));
});
