/** Validation of the tls-* directives Deno cannot fully honour (see src/server/tls.ts). */

/** tls-protocols: a value rustls can honour ("" or TLSv1.2 + TLSv1.3). */
export function validateTlsProtocols(v: string): string | null {
  const set = new Set(v.split(" ").filter((s) => s !== "").map((s) => s.toLowerCase()));
  if (set.size === 0) return null;
  for (const p of set) {
    if (!["tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"].includes(p)) return "Invalid tls-protocols";
  }
  if (set.size === 2 && set.has("tlsv1.2") && set.has("tlsv1.3")) return null;
  return "only 'TLSv1.2 TLSv1.3' is supported: Deno's TLS (rustls) always offers both and nothing older";
}

export function validateTlsCiphers(v: string): string | null {
  return v === ""
    ? null
    : "cipher selection is not supported: Deno.listenTls exposes no cipher list";
}

/** tls-* values the listeners were started with (recorded by src/server/tls.ts at start). */
export const tlsStartValues = new Map<string, string | number | boolean>();

/**
 * CONFIG SET of a tls-* directive: the value the server started with is accepted (CONFIG SET of
 * the current value, as `CONFIG sanity` does); another one would need the TLS listener rebuilt,
 * which Rexis does not do at run time yet, so it is refused rather than stored without effect.
 */
export function tlsSameAsStart(name: string, v: string | number | boolean): string | null {
  if (!tlsStartValues.has(name) || tlsStartValues.get(name) === v) return null;
  return `changing ${name} at run time is not supported; set it in the config file and restart`;
}
