/**
 * Sorted set: a member → score Map for O(1) lookups, plus an order-statistics B+tree over
 * (score, member) for rank, range and positional access in O(log N).
 *
 * Why a B+tree and not Redis's skip list: one JS object per skip-list node (with its level array)
 * costs far more than the data in V8. Leaves here hold up to LEAF_MAX entries as two parallel arrays
 * (a packed double array of scores and an array of member strings), so an entry costs about one
 * double and one pointer in the tree. Inner nodes keep, per child, the number of entries below it
 * (for ranks) and a separator key: every key in child i is < separator i <= every key in child
 * i + 1. Separators are fixed at split time and stay valid through deletions, so they never need
 * refreshing; leaves and inner nodes are merged with a sibling when they fall under a quarter full.
 * Leaves are chained both ways for range walks.
 *
 * Ordering is Redis's: score ascending, then member by bytes (members are binary strings, one char
 * per byte, so JS `<` on them is memcmp order). Lex ranges assume equal scores, as Redis does.
 *
 * OBJECT ENCODING: a zset reports "listpack" while it is small (zset-max-listpack-entries and
 * -value), and "skiplist" once it has been converted; the conversion is one-way, as in Redis, and
 * is decided by the same checks as zsetAdd / zsetConvertToListpackIfNeeded.
 */
import type { RObject } from "../store/db.ts";
import { ScanCursors } from "../store/scan.ts";

const LEAF_MAX = 128;
const INNER_MAX = 64;
const LEAF_MIN = LEAF_MAX >> 2;
const INNER_MIN = INNER_MAX >> 2;

class Leaf {
  s: number[] = [];
  m: string[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

class Inner {
  /** Children (all leaves or all inner nodes). */
  c: Node[] = [];
  /** Entries below each child. */
  n: number[] = [];
  /** Separators: c.length - 1 keys (score, member). */
  ks: number[] = [];
  km: string[] = [];
}

type Node = Leaf | Inner;

/** (s1, m1) < (s2, m2) in zset order. */
function keyLess(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/**
 * A prefix predicate over the zset order: true for every key below some point, false from there
 * on. Used to count entries below a bound.
 */
export type Below = (score: number, member: string) => boolean;

/** A position in the tree: leaf and index (for walks). */
export interface Cursor {
  leaf: Leaf;
  i: number;
}

export class ZSet implements RObject {
  readonly type = "zset";
  readonly dict = new Map<string, number>();
  #root: Node = new Leaf();
  /** Still "listpack" (small) in Redis's terms. */
  listpack: boolean;
  #cursors: ScanCursors<string> | null = null;

  constructor(listpack = true) {
    this.listpack = listpack;
  }

  get size(): number {
    return this.dict.size;
  }

  encoding(): string {
    return this.listpack ? "listpack" : "skiplist";
  }

  dup(): ZSet {
    const z = new ZSet(this.listpack);
    this.forEach((m, s) => z.insert(m, s));
    return z;
  }

  /** Mark as listpack-encoded (zsetConvert): a listpack stores -0 as the integer 0. */
  convertToListpack(): void {
    this.listpack = true;
    let leaf: Leaf | null = this.#firstLeaf();
    while (leaf !== null) {
      const sc = leaf.s;
      for (let i = 0; i < sc.length; i++) {
        if (Object.is(sc[i], -0)) {
          sc[i] = 0;
          this.dict.set(leaf.m[i], 0);
        }
      }
      leaf = leaf.next;
    }
  }

  scanCursors(): ScanCursors<string> {
    if (this.#cursors === null) this.#cursors = new ScanCursors<string>(64);
    return this.#cursors;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Add a member known to be absent. */
  insert(member: string, score: number): void {
    if (this.listpack && score === 0) score = 0; // a listpack stores -0 as the integer 0
    const n = this.dict.size;
    this.dict.set(member, score);
    if (this.#cursors?.logging && this.dict.size !== n) this.#cursors.noteInsert(member);
    this.#treeInsert(score, member);
  }

  /**
   * RDB load: a new (skiplist) zset from the pairs as read; null when a member repeats. Redis
   * writes members greatest first: a strictly ordered input (either way) builds the tree bottom
   * up, leaves ¾ full; any other order is inserted one by one.
   */
  static fromLoad(members: string[], scores: number[]): ZSet | null {
    const z = new ZSet(false);
    const d = z.dict;
    const n = members.length;
    for (let i = 0; i < n; i++) {
      d.set(members[i], scores[i]);
      if (d.size !== i + 1) return null;
    }
    let desc = true;
    let asc = true;
    for (let i = 1; i < n && (desc || asc); i++) {
      if (!keyLess(scores[i], members[i], scores[i - 1], members[i - 1])) desc = false;
      if (!keyLess(scores[i - 1], members[i - 1], scores[i], members[i])) asc = false;
    }
    if (!desc && !asc) {
      for (let i = 0; i < n; i++) z.#treeInsert(scores[i], members[i]);
      return z;
    }
    if (!asc) {
      members.reverse();
      scores.reverse();
    }
    z.#root = buildTree(members, scores);
    return z;
  }

  /** Remove a member; false when absent. */
  remove(member: string): boolean {
    const s = this.dict.get(member);
    if (s === undefined) return false;
    this.dict.delete(member);
    if (this.#cursors?.logging) this.#cursors.noteDelete(member);
    this.#treeDelete(s, member);
    return true;
  }

  /** Change the score of a present member. */
  update(member: string, score: number): void {
    const old = this.dict.get(member)!;
    if (old === score) return;
    if (this.listpack && score === 0) score = 0;
    this.#treeDelete(old, member);
    this.dict.set(member, score);
    this.#treeInsert(score, member);
  }

  /** Number of entries for which `below` holds (they come first in order). */
  countBelow(below: Below): number {
    let node = this.#root;
    let acc = 0;
    while (node instanceof Inner) {
      const ks = node.ks;
      const km = node.km;
      let lo = 0;
      let hi = ks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (below(ks[mid], km[mid])) lo = mid + 1;
        else hi = mid;
      }
      const n = node.n;
      for (let j = 0; j < lo; j++) acc += n[j];
      node = node.c[lo];
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(leaf.s[mid], leaf.m[mid])) lo = mid + 1;
      else hi = mid;
    }
    return acc + lo;
  }

  /** 0-based rank of a present member. */
  rank(member: string): number {
    const s = this.dict.get(member)!;
    return this.countBelow((s2, m2) => keyLess(s2, m2, s, member));
  }

  /** Position of the entry at `rank` (0 <= rank < size). */
  seek(rank: number): Cursor {
    let node = this.#root;
    while (node instanceof Inner) {
      let i = 0;
      while (rank >= node.n[i] && i < node.c.length - 1) rank -= node.n[i++];
      node = node.c[i];
    }
    return { leaf: node as Leaf, i: rank };
  }

  /** Visit entries from `rank` forward (or backward when reverse) until `fn` returns false. */
  walk(rank: number, reverse: boolean, fn: (member: string, score: number) => boolean): void {
    if (rank < 0 || rank >= this.dict.size) return;
    const cur = this.seek(rank);
    let leaf: Leaf | null = cur.leaf;
    let i = cur.i;
    if (!reverse) {
      while (leaf !== null) {
        const s = leaf.s;
        const m = leaf.m;
        for (; i < s.length; i++) if (!fn(m[i], s[i])) return;
        leaf = leaf.next;
        i = 0;
      }
    } else {
      while (leaf !== null) {
        const s = leaf.s;
        const m = leaf.m;
        for (; i >= 0; i--) if (!fn(m[i], s[i])) return;
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.s.length - 1;
      }
    }
  }

  /** Every entry in order. */
  forEach(fn: (member: string, score: number) => void): void {
    let leaf: Leaf | null = this.#firstLeaf();
    while (leaf !== null) {
      const s = leaf.s;
      const m = leaf.m;
      for (let i = 0; i < s.length; i++) fn(m[i], s[i]);
      leaf = leaf.next;
    }
  }

  first(): [string, number] | undefined {
    if (this.dict.size === 0) return undefined;
    const l = this.#firstLeaf();
    return [l.m[0], l.s[0]];
  }

  last(): [string, number] | undefined {
    if (this.dict.size === 0) return undefined;
    let node = this.#root;
    while (node instanceof Inner) node = node.c[node.c.length - 1];
    const l = node as Leaf;
    return [l.m[l.m.length - 1], l.s[l.s.length - 1]];
  }

  /** Members of ranks [start, end] (inclusive, clamped by the caller). */
  members(start: number, end: number): string[] {
    const out: string[] = [];
    let left = end - start + 1;
    if (left <= 0) return out;
    this.walk(start, false, (m) => {
      out.push(m);
      return --left > 0;
    });
    return out;
  }

  #firstLeaf(): Leaf {
    let node = this.#root;
    while (node instanceof Inner) node = node.c[0];
    return node as Leaf;
  }

  #treeInsert(score: number, member: string): void {
    const path: Inner[] = [];
    const idx: number[] = [];
    let node = this.#root;
    while (node instanceof Inner) {
      const i = childFor(node, score, member);
      node.n[i]++;
      path.push(node);
      idx.push(i);
      node = node.c[i];
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyLess(leaf.s[mid], leaf.m[mid], score, member)) lo = mid + 1;
      else hi = mid;
    }
    // Open a slot at lo by shifting (cheaper than splice for short arrays: no result array).
    const ls = leaf.s;
    const lm = leaf.m;
    let j = ls.length;
    ls.push(score);
    lm.push(member);
    for (; j > lo; j--) {
      ls[j] = ls[j - 1];
      lm[j] = lm[j - 1];
    }
    ls[lo] = score;
    lm[lo] = member;
    if (leaf.s.length <= LEAF_MAX) return;
    // Split the leaf, then any inner node that overflows, up to the root.
    const h = leaf.s.length >> 1;
    const right = new Leaf();
    right.s = leaf.s.slice(h);
    right.m = leaf.m.slice(h);
    leaf.s.length = h;
    leaf.m.length = h;
    right.next = leaf.next;
    if (right.next !== null) right.next.prev = right;
    right.prev = leaf;
    leaf.next = right;
    let newNode: Node = right;
    let sepS = right.s[0];
    let sepM = right.m[0];
    let leftCount = h;
    let rightCount = right.s.length;
    for (let d = path.length - 1; d >= 0; d--) {
      const p = path[d];
      const i = idx[d];
      p.c.splice(i + 1, 0, newNode);
      p.n[i] = leftCount;
      p.n.splice(i + 1, 0, rightCount);
      p.ks.splice(i, 0, sepS);
      p.km.splice(i, 0, sepM);
      if (p.c.length <= INNER_MAX) return;
      const hh = p.c.length >> 1;
      const r = new Inner();
      r.c = p.c.slice(hh);
      r.n = p.n.slice(hh);
      r.ks = p.ks.slice(hh);
      r.km = p.km.slice(hh);
      sepS = p.ks[hh - 1];
      sepM = p.km[hh - 1];
      p.c.length = hh;
      p.n.length = hh;
      p.ks.length = hh - 1;
      p.km.length = hh - 1;
      newNode = r;
      leftCount = sum(p.n);
      rightCount = sum(r.n);
    }
    const root = new Inner();
    root.c = [this.#root, newNode];
    root.n = [leftCount, rightCount];
    root.ks = [sepS];
    root.km = [sepM];
    this.#root = root;
  }

  #treeDelete(score: number, member: string): void {
    const path: Inner[] = [];
    const idx: number[] = [];
    let node = this.#root;
    while (node instanceof Inner) {
      const i = childFor(node, score, member);
      node.n[i]--;
      path.push(node);
      idx.push(i);
      node = node.c[i];
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyLess(leaf.s[mid], leaf.m[mid], score, member)) lo = mid + 1;
      else hi = mid;
    }
    if (leaf.m[lo] !== member) throw new Error("zset: member missing from tree");
    const ls = leaf.s;
    const lm = leaf.m;
    for (let j = lo + 1; j < ls.length; j++) {
      ls[j - 1] = ls[j];
      lm[j - 1] = lm[j];
    }
    ls.pop();
    lm.pop();
    // Rebalance upwards: merge an underfull node into a sibling when they fit together.
    let child: Node = leaf;
    for (let d = path.length - 1; d >= 0; d--) {
      const p = path[d];
      const i = idx[d];
      const isLeaf = child instanceof Leaf;
      const len = isLeaf ? (child as Leaf).s.length : (child as Inner).c.length;
      const min = isLeaf ? LEAF_MIN : INNER_MIN;
      const max = isLeaf ? LEAF_MAX : INNER_MAX;
      if (len >= min) return;
      let merged = false;
      if (i > 0 && nodeLen(p.c[i - 1]) + len <= max) {
        mergeInto(p, i - 1);
        merged = true;
      } else if (i < p.c.length - 1 && nodeLen(p.c[i + 1]) + len <= max) {
        mergeInto(p, i);
        merged = true;
      }
      if (!merged) return;
      child = p;
    }
    // Collapse a root with a single child.
    while (this.#root instanceof Inner && this.#root.c.length === 1) {
      this.#root = this.#root.c[0];
    }
  }
}

/** Index of the child of `p` whose range holds (score, member): separators <= the key. */
function childFor(p: Inner, score: number, member: string): number {
  const ks = p.ks;
  const km = p.km;
  let lo = 0;
  let hi = ks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = ks[mid];
    if (s < score || (s === score && km[mid] <= member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Leaves then inner levels over sorted pairs, each node about ¾ full (within MIN..MAX). */
function buildTree(members: string[], scores: number[]): Node {
  const n = members.length;
  const nLeaves = Math.max(1, Math.ceil(n / ((LEAF_MAX * 3) >> 2)));
  let level: Node[] = [];
  let counts: number[] = [];
  let firstS: number[] = [];
  let firstM: string[] = [];
  let prev: Leaf | null = null;
  for (let k = 0; k < nLeaves; k++) {
    const a = Math.floor((k * n) / nLeaves);
    const b = Math.floor(((k + 1) * n) / nLeaves);
    const leaf = new Leaf();
    leaf.s = scores.slice(a, b);
    leaf.m = members.slice(a, b);
    leaf.prev = prev;
    if (prev !== null) prev.next = leaf;
    prev = leaf;
    level.push(leaf);
    counts.push(b - a);
    firstS.push(scores[a]);
    firstM.push(members[a]);
  }
  while (level.length > 1) {
    const c = level.length;
    const groups = Math.ceil(c / ((INNER_MAX * 3) >> 2));
    const up: Node[] = [];
    const upCounts: number[] = [];
    const upS: number[] = [];
    const upM: string[] = [];
    for (let g = 0; g < groups; g++) {
      const a = Math.floor((g * c) / groups);
      const b = Math.floor(((g + 1) * c) / groups);
      const p = new Inner();
      p.c = level.slice(a, b);
      p.n = counts.slice(a, b);
      p.ks = firstS.slice(a + 1, b);
      p.km = firstM.slice(a + 1, b);
      up.push(p);
      upCounts.push(sum(p.n));
      upS.push(firstS[a]);
      upM.push(firstM[a]);
    }
    level = up;
    counts = upCounts;
    firstS = upS;
    firstM = upM;
  }
  return level[0];
}

function sum(a: number[]): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i];
  return t;
}

function nodeLen(n: Node): number {
  return n instanceof Leaf ? n.s.length : n.c.length;
}

/** Merge child i + 1 of p into child i. */
function mergeInto(p: Inner, i: number): void {
  const a = p.c[i];
  const b = p.c[i + 1];
  if (a instanceof Leaf) {
    const lb = b as Leaf;
    for (let j = 0; j < lb.s.length; j++) {
      a.s.push(lb.s[j]);
      a.m.push(lb.m[j]);
    }
    a.next = lb.next;
    if (a.next !== null) a.next.prev = a;
  } else {
    const ib = b as Inner;
    a.ks.push(p.ks[i]);
    a.km.push(p.km[i]);
    for (let j = 0; j < ib.c.length; j++) {
      a.c.push(ib.c[j]);
      a.n.push(ib.n[j]);
      if (j < ib.ks.length) {
        a.ks.push(ib.ks[j]);
        a.km.push(ib.km[j]);
      }
    }
  }
  p.n[i] += p.n[i + 1];
  p.c.splice(i + 1, 1);
  p.n.splice(i + 1, 1);
  p.ks.splice(i, 1);
  p.km.splice(i, 1);
}

export function isZSet(v: unknown): v is ZSet {
  return v instanceof ZSet;
}
