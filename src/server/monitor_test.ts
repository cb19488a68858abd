import { assertEquals } from "../testing/assert.ts";
import { catRepr } from "./monitor.ts";

Deno.test("catRepr escapes as Redis's sdscatrepr", () => {
  assertEquals(catRepr("abc"), '"abc"');
  assertEquals(catRepr(""), '""');
  assertEquals(catRepr('a"b\\c'), '"a\\"b\\\\c"');
  assertEquals(catRepr("\n\r\t\x07\x08"), '"\\n\\r\\t\\a\\b"');
  assertEquals(catRepr("\x00\x1f\x7f\xff é"), '"\\x00\\x1f\\x7f\\xff \\xe9"');
});
