import { assertEquals, assertThrows } from "../testing/assert.ts";
import { AofManifest, ManifestError, parseManifest } from "./aof_manifest.ts";

function parseError(text: string): string {
  try {
    parseManifest(text);
  } catch (e) {
    if (e instanceof ManifestError) return e.message;
    throw e;
  }
  return "no error";
}

Deno.test("manifest: Redis's lines round-trip; names that need it are quoted", () => {
  const text = "file appendonly.aof.2.base.rdb seq 2 type b\n" +
    "file appendonly.aof.1.incr.aof seq 1 type h\n" +
    "file appendonly.aof.2.incr.aof seq 2 type i\n" +
    "file appendonly.aof.3.incr.aof seq 3 type i\n";
  const m = parseManifest(text);
  assertEquals(m.base, { name: "appendonly.aof.2.base.rdb", seq: 2, type: "b" });
  assertEquals(m.history.length, 1);
  assertEquals(m.incr.map((a) => a.seq), [2, 3]);
  assertEquals(m.toString(), text);
  // Comments, extra key/value pairs (forward compatibility), keys in any case.
  const m2 = parseManifest("# c\nFILE x.1.incr.aof SEQ 1 TYPE i newkey v\n");
  assertEquals(m2.incr, [{ name: "x.1.incr.aof", seq: 1, type: "i" }]);
  // Redis's "Multi Part AOF can handle appendfilename contains whitespaces" manifest lines.
  const q = new AofManifest();
  q.newBase(" file seq \n\n.aof ", true);
  q.newIncr(" file seq \n\n.aof ");
  const qs = q.toString();
  assertEquals(
    qs,
    'file " file seq \\n\\n.aof .1.base.rdb" seq 1 type b\n' +
      'file " file seq \\n\\n.aof .1.incr.aof" seq 1 type i\n',
  );
  assertEquals(parseManifest(qs).base!.name, " file seq \n\n.aof .1.base.rdb");
});

Deno.test("manifest: Redis's error texts", () => {
  assertEquals(parseError(""), "Found an empty AOF manifest");
  assertEquals(parseError("file a seq 1 type i\n\n"), "Invalid AOF manifest file format");
  assertEquals(parseError("filx a seq 1 type b\n"), "Invalid AOF manifest file format");
  assertEquals(parseError("file a type i\n"), "Invalid AOF manifest file format");
  assertEquals(parseError("file a seq 1 type i newkey\n"), "Invalid AOF manifest file format");
  assertEquals(parseError("file a seq 1 type x\n"), "Unknown AOF file type");
  assertEquals(
    parseError("file a seq 1 type b\nfile b seq 2 type b\n"),
    "Found duplicate base file information",
  );
  assertEquals(
    parseError("file a seq 2 type i\nfile b seq 1 type i\n"),
    "Found a non-monotonic sequence number",
  );
  assertEquals(parseError("file d/a seq 1 type i\n"), "File can't be a path, just a filename");
  assertEquals(
    parseError(`file ${"a".repeat(1100)} seq 1 type i\n`),
    "The AOF manifest file contains too long line",
  );
  // No newline at the end of a line: too long, as fgets sees it.
  assertThrows(() => parseManifest("file a seq 1 type i"));
});

Deno.test("manifest: a rewrite turns the base and the rewritten incr files into history", () => {
  const m = parseManifest(
    "file a.1.base.rdb seq 1 type b\nfile a.1.incr.aof seq 1 type i\nfile a.2.incr.aof seq 2 type i\n",
  );
  assertEquals(m.newBase("a", false), "a.2.base.aof");
  m.markIncrAsHistory(true);
  assertEquals(
    m.toString(),
    "file a.2.base.aof seq 2 type b\nfile a.1.incr.aof seq 1 type h\n" +
      "file a.1.base.rdb seq 1 type h\nfile a.2.incr.aof seq 2 type i\n",
  );
  assertEquals(m.newIncr("a"), "a.3.incr.aof");
  assertEquals(m.lastIncr("a"), "a.3.incr.aof");
});
