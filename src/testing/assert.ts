/**
 * Assertions for Deno.test (JSR's @std/assert is out of reach): thin wrappers over node:assert with
 * the @std names.
 */
import nodeAssert from "node:assert";

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg);
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, msg);
}

export function assert(cond: unknown, msg?: string): asserts cond {
  nodeAssert.ok(cond, msg);
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  nodeAssert.match(actual, re, msg);
}

export async function assertRejects(fn: () => Promise<unknown>, msg?: string): Promise<void> {
  await nodeAssert.rejects(fn, msg);
}

export function assertThrows(fn: () => unknown, msg?: string): void {
  nodeAssert.throws(fn, msg);
}
