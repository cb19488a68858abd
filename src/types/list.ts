/**
 * The list type: a growable ring buffer of binary strings.
 *
 * - Push and pop at either end are O(1) amortized (the buffer doubles when full, and halves when it
 *   is less than a quarter used, so a list that shrank gives its memory back).
 * - Index access is O(1) (Redis's quicklist is O(N) from the nearest end: we are within its
 *   documented complexity); LINSERT and removal in the middle move the shorter side, O(N).
 * - Capacity is a power of two so a physical slot is `(head + i) & mask`.
 *
 * Encoding (OBJECT ENCODING): Redis 7.0 stores every list as a quicklist (a list of listpacks whose
 * size `list-max-listpack-size` governs); the "listpack" list encoding only appeared in 7.2. So
 * a list always reports "quicklist", as redis-server 7.0.15 does.
 *
 * Commands (src/commands/lists.ts) never see the buffer: they use this API.
 */
import type { RObject } from "../store/db.ts";

const MIN_CAP = 8;

export class ListValue implements RObject {
  readonly type = "list";
  #buf: (string | undefined)[];
  #head = 0;
  #len = 0;
  #mask: number;

  constructor(cap = MIN_CAP) {
    let c = MIN_CAP;
    while (c < cap) c *= 2;
    this.#buf = new Array(c);
    this.#mask = c - 1;
  }

  static from(items: readonly string[]): ListValue {
    const l = new ListValue(items.length);
    for (const s of items) l.pushTail(s);
    return l;
  }

  get length(): number {
    return this.#len;
  }

  encoding(): string {
    return "quicklist";
  }

  dup(): ListValue {
    const l = new ListValue(this.#len);
    for (let i = 0; i < this.#len; i++) l.pushTail(this.get(i));
    return l;
  }

  #resize(cap: number): void {
    const nb: (string | undefined)[] = new Array(cap);
    const buf = this.#buf;
    const mask = this.#mask;
    for (let i = 0; i < this.#len; i++) nb[i] = buf[(this.#head + i) & mask];
    this.#buf = nb;
    this.#head = 0;
    this.#mask = cap - 1;
  }

  #maybeShrink(): void {
    const cap = this.#mask + 1;
    if (cap > MIN_CAP * 4 && this.#len < cap / 4) this.#resize(cap / 2);
  }

  pushTail(s: string): void {
    if (this.#len > this.#mask) this.#resize((this.#mask + 1) * 2);
    this.#buf[(this.#head + this.#len) & this.#mask] = s;
    this.#len++;
  }

  pushHead(s: string): void {
    if (this.#len > this.#mask) this.#resize((this.#mask + 1) * 2);
    this.#head = (this.#head - 1) & this.#mask;
    this.#buf[this.#head] = s;
    this.#len++;
  }

  push(s: string, head: boolean): void {
    if (head) this.pushHead(s);
    else this.pushTail(s);
  }

  popHead(): string | undefined {
    if (this.#len === 0) return undefined;
    const s = this.#buf[this.#head];
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#len--;
    this.#maybeShrink();
    return s;
  }

  popTail(): string | undefined {
    if (this.#len === 0) return undefined;
    const i = (this.#head + this.#len - 1) & this.#mask;
    const s = this.#buf[i];
    this.#buf[i] = undefined;
    this.#len--;
    this.#maybeShrink();
    return s;
  }

  pop(head: boolean): string | undefined {
    return head ? this.popHead() : this.popTail();
  }

  /** Element at 0 ≤ i < length. */
  get(i: number): string {
    return this.#buf[(this.#head + i) & this.#mask] as string;
  }

  set(i: number, s: string): void {
    this.#buf[(this.#head + i) & this.#mask] = s;
  }

  /** Elements start..end inclusive (already clamped to the list). */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
    for (let i = start; i <= end; i++) out[i - start] = this.get(i);
    return out;
  }

  /** Insert before position i (0 ≤ i ≤ length), moving the shorter side. */
  insertAt(i: number, s: string): void {
    if (i === 0) return this.pushHead(s);
    if (i === this.#len) return this.pushTail(s);
    if (this.#len > this.#mask) this.#resize((this.#mask + 1) * 2);
    const buf = this.#buf;
    const mask = this.#mask;
    const h = this.#head;
    if (i < this.#len / 2) {
      // Shift [0, i) one slot to the left.
      this.#head = (h - 1) & mask;
      for (let j = 0; j < i; j++) buf[(this.#head + j) & mask] = buf[(h + j) & mask];
    } else {
      for (let j = this.#len; j > i; j--) buf[(h + j) & mask] = buf[(h + j - 1) & mask];
    }
    buf[(this.#head + i) & mask] = s;
    this.#len++;
  }

  /** Remove the elements start..end inclusive from the head or tail (LTRIM). */
  trim(start: number, end: number): void {
    // Keep [start, end]; an empty range (start > end) empties the list.
    if (start > end) {
      this.clear();
      return;
    }
    for (let n = this.#len - 1 - end; n > 0; n--) this.popTail();
    for (let n = start; n > 0; n--) this.popHead();
  }

  clear(): void {
    this.#buf = new Array(MIN_CAP);
    this.#head = 0;
    this.#len = 0;
    this.#mask = MIN_CAP - 1;
  }

  /**
   * LREM: remove up to `count` elements equal to `v` (all when count is 0), scanning from the tail
   * when `fromTail`. Returns how many were removed.
   */
  remove(v: string, count: number, fromTail: boolean): number {
    const n = this.#len;
    let removed = 0;
    const keep = new Array<boolean>(n);
    if (fromTail) {
      for (let i = n - 1; i >= 0; i--) {
        const hit = (count === 0 || removed < count) && this.get(i) === v;
        if (hit) removed++;
        keep[i] = !hit;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const hit = (count === 0 || removed < count) && this.get(i) === v;
        if (hit) removed++;
        keep[i] = !hit;
      }
    }
    if (removed === 0) return 0;
    const out: string[] = [];
    for (let i = 0; i < n; i++) if (keep[i]) out.push(this.get(i));
    this.clear();
    if (out.length > MIN_CAP) this.#resize(nextPow2(out.length));
    for (const s of out) this.pushTail(s);
    return removed;
  }
}

function nextPow2(n: number): number {
  let c = MIN_CAP;
  while (c < n) c *= 2;
  return c;
}
