import { assert, assertEquals } from "../testing/assert.ts";
import { stringMatch } from "./glob.ts";

const cases: [string, string, boolean, boolean?][] = [
  // pattern, string, expected, nocase
  ["*", "anything", true],
  ["*", "", false], // like Redis: the loop never runs on an empty string
  ["", "", true],
  ["", "a", false],
  ["a*", "abc", true],
  ["a*", "bac", false],
  ["*c", "abc", true],
  ["a*c", "ac", true],
  ["a**c", "abbbc", true],
  ["a*b*c", "axxbyyc", true],
  ["a*b*c", "axxbyy", false],
  ["h?llo", "hello", true],
  ["h?llo", "hllo", false],
  ["h[ae]llo", "hallo", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["h[a-b]llo", "hbllo", true],
  ["h[b-a]llo", "hallo", true], // reversed range
  ["h[a-b]llo", "hcllo", false],
  ["[\\]]", "]", true],
  ["[\\-]", "-", true],
  ["[a-]", "-", false], // "a-]" is a range up to "]", then the bracket is unterminated
  ["\\*", "*", true],
  ["\\*", "a", false],
  ["\\", "\\", true], // trailing backslash matches itself
  ["a\\", "a\\", true],
  ["[abc", "a", true], // unterminated bracket
  ["[abc", "ab", false],
  ["HELLO", "hello", false],
  ["HELLO", "hello", true, true],
  ["h[A-Z]llo", "hello", true, true],
  ["h[E]llo", "hello", true, true],
  ["h[\\E]llo", "hello", false, true], // escaped char inside brackets is not folded
  ["*max-*-entries*", "hash-max-listpack-entries", true],
  ["*max-ziplist-entries*", "list-max-ziplist-size", false],
  ["a*", "a", true],
  ["a*b", "a", false],
  ["*a", "\x00a", true],
  ["\xff*", "\xff\x00", true],
];

Deno.test("stringMatch: Redis stringmatchlen cases", () => {
  for (const [p, s, want, nocase] of cases) {
    assertEquals(
      stringMatch(p, s, nocase ?? false),
      want,
      `${JSON.stringify(p)} ~ ${JSON.stringify(s)}`,
    );
  }
});

Deno.test("stringMatch: pathological pattern stays fast", () => {
  const pat = "a*".repeat(30) + "b";
  const s = "a".repeat(200);
  const t = performance.now();
  assertEquals(stringMatch(pat, s), false);
  assertEquals(performance.now() - t < 1000, true);
});

// Checked byte for byte against redis-server 7.0.15 (KEYS over the same keys).
Deno.test("stringMatch: edge cases as Redis 7.0 KEYS, binary and signed-char ranges", () => {
  const keys = ["a", "ab", "\x00", "\x80", "\x90", "\xff", "b", "-", "]", "^", "\\", "[", "x\\"];
  const cases: [string, string[]][] = [
    ["[^", ["\x00", "-", "[", "\\", "]", "^", "a", "b", "\x80", "\x90", "\xff"]],
    ["[", []],
    ["[a-\xff]", ["\x00", "-", "[", "\\", "]", "^", "a", "\xff"]], // bytes >127 are negative chars
    ["[\x80-\xff]", ["\x80", "\x90", "\xff"]],
    ["[\xff-\x80]", ["\x80", "\x90", "\xff"]],
    ["[^\x80-\xff]", ["\x00", "-", "[", "\\", "]", "^", "a", "b"]],
    ["[a-]", ["]", "^", "a"]],
    ["[]", []],
    ["[]]", []],
    ["[^]", ["\x00", "-", "[", "\\", "]", "^", "a", "b", "\x80", "\x90", "\xff"]],
    ["[\\", ["\\"]],
    ["x\\\\", ["x\\"]],
    ["[-]", ["-"]],
    ["[a-b-]", ["-", "a", "b"]],
    ["[\\a-b]", ["-", "a", "b"]],
    ["[^^]", ["\x00", "-", "[", "\\", "]", "a", "b", "\x80", "\x90", "\xff"]],
    ["?\\", ["x\\"]],
  ];
  for (const [p, want] of cases) {
    assertEquals(keys.filter((k) => stringMatch(p, k)).sort(), want.sort(), JSON.stringify(p));
  }
});

Deno.test("stringMatch: nesting guard and skip-longer-matches (Redis regression tests)", () => {
  const t = performance.now();
  assertEquals(stringMatch("*?".repeat(50000), "a".repeat(50000)), false); // > 1000 nested '*'
  assertEquals(stringMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(40)), false);
  assertEquals(stringMatch("*a*b*c*d*e", "x".repeat(5000) + "abcde"), true);
  assertEquals(stringMatch("*".repeat(5000) + "a", "ba"), true); // consecutive stars collapse
  assert(performance.now() - t < 2000);
});
