import { assert, assertEquals } from "../testing/assert.ts";
import { IdIndex, StreamValue, type TrimArgs } from "./stream.ts";
import {
  formatId,
  ID_MAX,
  ID_MIN,
  idDecr,
  idFromBig,
  idFromNumbers,
  idIncr,
  parseStreamId,
  parseU64,
  type StreamID,
} from "./streamid.ts";

const U64 = 18446744073709551615n;

Deno.test("streamid: parse/format at the u64 limits, exact order, incr/decr carry", () => {
  const max = parseStreamId("18446744073709551615-18446744073709551615", false, true)!;
  assertEquals(max.id, ID_MAX);
  assertEquals(formatId(max.id), "18446744073709551615-18446744073709551615");
  assertEquals(parseStreamId("18446744073709551616-0", false, true), null);
  assertEquals(parseStreamId("1-18446744073709551616", false, true), null);
  // 2^53 + 1 must not collapse onto 2^53 (a double would).
  const a = parseStreamId("9007199254740993-0", false, true)!.id;
  const b = parseStreamId("9007199254740992-0", false, true)!.id;
  assert(b < a);
  assertEquals(formatId(a), "9007199254740993-0");
  assertEquals(formatId(idIncr(parseStreamId("5-18446744073709551615", false, true)!.id)!), "6-0");
  assertEquals(formatId(idDecr(parseStreamId("6-0", false, true)!.id)!), "5-18446744073709551615");
  assertEquals(idIncr(ID_MAX), null);
  assertEquals(idDecr(ID_MIN), null);
  assertEquals(formatId(parseStreamId("7", true, false)!.id), "7-18446744073709551615");
  assertEquals(formatId(parseStreamId("7", false, false)!.id), "7-0");
  assertEquals(parseStreamId("-", false, true), null);
  assertEquals(parseStreamId("+", false, false)!.id, ID_MAX);
  assertEquals(parseStreamId("5-*", false, true, true)!.seqGiven, false);
  assertEquals(parseStreamId("5-*", false, true), null);
  assertEquals(parseStreamId("abc", false, true), null);
  assertEquals(parseStreamId("1-2-3", false, true), null);
  // strtoull quirks that Redis accepts.
  assertEquals(parseU64("+5"), 5n);
  assertEquals(parseU64(" 5"), 5n);
  assertEquals(parseU64("-1"), null);
  assertEquals(parseU64("-01"), U64);
  assertEquals(idFromBig(U64, U64), ID_MAX);
});

function add(s: StreamValue, ms: number, seq: number, fields: string[], maxEntries = 4) {
  const id = idFromNumbers(ms, seq);
  s.append(id, fields, 0, fields.length / 2, { maxEntries, maxBytes: 4096 });
  return id;
}

function all(s: StreamValue, rev = false, start = ID_MIN, end = ID_MAX): [string, string[]][] {
  const out: [string, string[]][] = [];
  const it = s.iterator(start, end, rev);
  while (it.next()) out.push([it.formatId(), it.fields()]);
  return out;
}

Deno.test("stream: master fields, different fields, nodes split, seek and reverse", () => {
  const s = new StreamValue();
  add(s, 1, 0, ["a", "1", "b", "2"]);
  add(s, 1, 1, ["a", "x", "b", ""]);
  add(s, 2, 0, ["c", "3"]);
  for (let i = 0; i < 10; i++) add(s, 3, i, ["a", "é\xff\x00" + i, "b", "v".repeat(200)]);
  assertEquals(s.length, 13);
  assert(s.nodes.length >= 4, "splits at stream-node-max-entries");
  assertEquals(all(s)[1], ["1-1", ["a", "x", "b", ""]]);
  assertEquals(all(s)[2], ["2-0", ["c", "3"]]);
  assertEquals(all(s)[12], ["3-9", ["a", "é\xff\x009", "b", "v".repeat(200)]]);
  assertEquals(all(s, true).map((e) => e[0]), all(s).map((e) => e[0]).reverse());
  const mid = all(s, false, idFromNumbers(2, 0), idFromNumbers(3, 1)).map((e) => e[0]);
  assertEquals(mid, ["2-0", "3-0", "3-1"]);
  const midRev = all(s, true, idFromNumbers(1, 1), idFromNumbers(3, 0)).map((e) => e[0]);
  assertEquals(midRev, ["3-0", "2-0", "1-1"]);
  const dup = s.dup();
  s.xdel([idFromNumbers(2, 0)]);
  assertEquals(dup.length, 13);
  assertEquals(s.length, 12);
});

/** The model: a sorted array of [id, fields]. */
Deno.test("stream: randomized against a sorted-array model (append, xdel, trims, ranges)", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 20; round++) {
    const s = new StreamValue();
    let model: [StreamID, string[]][] = [];
    let ms = [1, 2 ** 32 - 5, 2 ** 53 - 2000][rnd(3)]; // cross the 32-bit word boundary
    let seq = 0;
    const maxEntries = 1 + rnd(8);
    for (let op = 0; op < 400; op++) {
      const r = rnd(100);
      if (r < 60) {
        if (rnd(3) === 0) {
          ms++;
          seq = 0;
        } else seq++;
        const fields = rnd(4) === 0 ? ["x", String(op)] : ["a", String(op), "b", "v" + op];
        const id = idFromNumbers(ms, seq);
        s.append(id, fields, 0, fields.length / 2, { maxEntries, maxBytes: 4096 });
        model.push([id, fields]);
      } else if (r < 75 && model.length) {
        const victim = model[rnd(model.length)][0];
        const miss = idFromNumbers(ms + 10, 0);
        assertEquals(s.xdel([victim, miss]), 1);
        model = model.filter((e) => e[0] !== victim);
      } else if (r < 82) {
        const maxlen = rnd(model.length + 3);
        const approx = rnd(2) === 0;
        const a: TrimArgs = { strategy: "maxlen", maxlen, minid: ID_MIN, approx, limit: 0 };
        const n = s.trim(a);
        if (!approx) assertEquals(s.length, Math.min(maxlen, model.length));
        else assert(s.length >= Math.min(maxlen, model.length));
        model = model.slice(model.length - s.length);
        assertEquals(n >= 0, true);
      } else if (r < 88 && model.length) {
        const minid = model[rnd(model.length)][0];
        s.trim({ strategy: "minid", maxlen: 0, minid, approx: false, limit: 0 });
        model = model.filter((e) => e[0] >= minid);
      } else if (model.length) {
        const i = rnd(model.length), j = i + rnd(model.length - i);
        const lo = model[i][0], hi = model[j][0];
        const want = model.filter((e) => e[0] >= lo && e[0] <= hi).map((e) => formatId(e[0]));
        assertEquals(all(s, false, lo, hi).map((e) => e[0]), want);
        assertEquals(all(s, true, lo, hi).map((e) => e[0]), want.slice().reverse());
        const probe = model[rnd(model.length)];
        assertEquals(s.get(probe[0]), probe[1]);
      }
      assertEquals(s.length, model.length);
      if (model.length) {
        assertEquals(s.firstLiveId(), model[0][0]);
        assertEquals(s.lastLiveId(), model[model.length - 1][0]);
      }
    }
    assertEquals(
      all(s).map((e) => [e[0], e[1]]),
      model.map((e) => [formatId(e[0]), e[1]]),
    );
  }
});

Deno.test("stream: exact MAXLEN marks entries deleted inside the first node; ~ drops whole nodes", () => {
  const s = new StreamValue();
  for (let i = 1; i <= 10; i++) add(s, i, 0, ["f", "v"], 4);
  assertEquals(s.nodes.length, 3);
  assertEquals(s.trim({ strategy: "maxlen", maxlen: 7, minid: ID_MIN, approx: true, limit: 0 }), 0);
  assertEquals(s.trim({ strategy: "maxlen", maxlen: 6, minid: ID_MIN, approx: true, limit: 0 }), 4);
  assertEquals(s.nodes.length, 2);
  assertEquals(
    s.trim({ strategy: "maxlen", maxlen: 5, minid: ID_MIN, approx: false, limit: 0 }),
    1,
  );
  assertEquals(formatId(s.firstId), "6-0");
  assertEquals(s.nodes[0].live, 3);
});

Deno.test("IdIndex: sorted ranges with out-of-order inserts and front deletes", () => {
  const ix = new IdIndex<number>();
  const ids = [5, 1, 9, 3, 7].map((n) => idFromNumbers(n, 0));
  ids.forEach((id, i) => ix.set(id, i));
  assertEquals(ix.range(ID_MIN).map(formatId), ["1-0", "3-0", "5-0", "7-0", "9-0"]);
  ix.delete(idFromNumbers(1, 0));
  ix.delete(idFromNumbers(7, 0));
  assertEquals(formatId(ix.first()!), "3-0");
  assertEquals(formatId(ix.last()!), "9-0");
  assertEquals(ix.range(idFromNumbers(4, 0), ID_MAX, 1).map(formatId), ["5-0"]);
  assertEquals(formatId(ix.seek(idFromNumbers(6, 0))!), "9-0");
  for (let i = 0; i < 3000; i++) ix.set(idFromNumbers(100 + i, 0), i);
  for (let i = 0; i < 2500; i++) ix.delete(ix.first()!);
  assertEquals(ix.size, 503);
  assertEquals(ix.range(ID_MIN).length, 503);
});

Deno.test("stream: a sealed node that becomes the tail again takes new entries (unseal)", () => {
  const s = new StreamValue();
  add(s, 1, 0, ["a", "1"], 2);
  add(s, 2, 0, ["b", "2", "c", "3"], 2);
  add(s, 3, 0, ["a", "x"], 2);
  add(s, 4, 0, ["a", "y"], 2);
  assertEquals(s.nodes.length, 2);
  assertEquals(s.xdel([idFromNumbers(3, 0), idFromNumbers(4, 0)]), 2);
  assertEquals(s.nodes.length, 1);
  assert(s.nodes[0].raw === null, "the first node was sealed");
  add(s, 5, 0, ["a", "z"], 10);
  assertEquals(s.nodes.length, 1);
  assertEquals(all(s), [
    ["1-0", ["a", "1"]],
    ["2-0", ["b", "2", "c", "3"]],
    ["5-0", ["a", "z"]],
  ]);
  const copy = s.dup();
  copy.nodes[0].seal();
  assertEquals(all(copy), all(s));
});

Deno.test("stream: sealed nodes keep exact IDs in the compact and the full layout", () => {
  const ids = [
    "4294967295-0", // compact node: the ms crosses the 32-bit word boundary
    "4294967296-5",
    "4294967297-4294967296", // full layout: seq above 2^32
    "9007199254740993-1",
    "9007199254740994-1", // full layout: ms gap above 2^32
    "18446744073709551614-1",
    "18446744073709551615-18446744073709551615",
  ].map((s) => parseStreamId(s, false, true)!.id);
  const s = new StreamValue();
  for (const id of ids) s.append(id, ["f", formatId(id)], 0, 1, { maxEntries: 2, maxBytes: 4096 });
  assertEquals(s.nodes.length, 4);
  assert(s.nodes[0].cids !== null, "compact");
  assert(s.nodes[1].cids === null && s.nodes[2].cids === null, "full layout");
  assertEquals(all(s).map((e) => e[0]), ids.map(formatId));
  assertEquals(all(s).map((e) => e[1][1]), ids.map(formatId));
  for (const id of ids) assertEquals(s.get(id), ["f", formatId(id)]);
  assertEquals(s.get(idIncr(ids[1])!), null);
  const mid = all(s, true, ids[2], ids[5]).map((e) => e[0]);
  assertEquals(mid, ids.slice(2, 6).map(formatId).reverse());
});

Deno.test("IdIndex: random inserts and deletes against a sorted-set model", () => {
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const ix = new IdIndex<number>();
  const model = new Set<number>();
  let top = 0;
  for (let op = 0; op < 20000; op++) {
    const r = rnd(10);
    if (r < 4) {
      top += 1 + rnd(3);
      ix.set(idFromNumbers(top, 0), top);
      model.add(top);
    } else if (r < 5) {
      const n = rnd(top + 1); // below the top: revives a tombstone or splices
      ix.set(idFromNumbers(n, 0), n);
      model.add(n);
    } else if (model.size) {
      const n = rnd(5) === 0 ? [...model][0] : rnd(top + 1); // front acks and random acks
      assertEquals(ix.delete(idFromNumbers(n, 0)), model.delete(n));
    }
    if (op % 500 === 0 || op === 19999) {
      const want = [...model].sort((a, b) => a - b);
      assertEquals(ix.size, want.length);
      assertEquals(ix.range(ID_MIN).map(formatId), want.map((n) => `${n}-0`));
      if (want.length) {
        assertEquals(formatId(ix.first()!), `${want[0]}-0`);
        assertEquals(formatId(ix.last()!), `${want[want.length - 1]}-0`);
        const probe = rnd(top + 2);
        const next = want.find((n) => n >= probe);
        assertEquals(
          ix.seek(idFromNumbers(probe, 0)),
          next === undefined ? undefined : idFromNumbers(next, 0),
        );
        const lo = rnd(top + 1), hi = lo + rnd(50);
        assertEquals(
          [...ix.iter(idFromNumbers(lo, 0), idFromNumbers(hi, 0))].map(formatId),
          want.filter((n) => n >= lo && n <= hi).map((n) => `${n}-0`),
        );
      } else assertEquals(ix.first(), undefined);
    }
  }
});
