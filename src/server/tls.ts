/**
 * TLS listener (Redis's tls-port), beside the plain TCP and unix listeners: connections accepted
 * here run through the same read loop (src/server/conn.ts); the handshake happens on first read.
 *
 * What Deno.listenTls (rustls) can and cannot do decides which tls-* directives are honoured:
 * - tls-cert-file / tls-key-file: PEM files, read at start; tls-key-file-pass decrypts an
 *   encrypted private key (node:crypto) before it is handed to Deno.
 * - tls-protocols: rustls always offers TLSv1.2 and TLSv1.3 and nothing older, so only "" (the
 *   default) or exactly "TLSv1.2 TLSv1.3" is accepted.
 * - tls-ciphers / tls-ciphersuites: Deno exposes no cipher selection: only the empty default.
 * - tls-auth-clients: Deno.listenTls cannot request or verify client certificates, so the server
 *   refuses to start with tls-port set unless tls-auth-clients is `no` (Redis's default is `yes`).
 * - tls-ca-cert-file / tls-ca-cert-dir: only used by Redis to verify client (and replication)
 *   certificates; accepted and checked to exist, with no effect while clients are not verified.
 * Each refusal names the directive and the reason; nothing is silently ignored.
 */
import { createPrivateKey } from "node:crypto";
import type { Server } from "./server.ts";
import { acceptLoop } from "./conn.ts";

import { tlsStartValues } from "./tls_options.ts";
export { validateTlsCiphers, validateTlsProtocols } from "./tls_options.ts";

/** Start-up checks of the tls-* directives; the reason the server cannot honour them, or null. */
export function tlsConfigError(server: Server): string | null {
  const cfg = server.config;
  for (const d of cfg.table) {
    if (d.name.startsWith("tls-")) tlsStartValues.set(d.name, cfg.get(d.name));
  }
  if (cfg.getNumber("tls-port") === 0) return null;
  const auth = cfg.getString("tls-auth-clients");
  if (auth !== "no") {
    return `tls-auth-clients ${auth} is not supported: Deno.listenTls cannot request or verify client certificates; set 'tls-auth-clients no'`;
  }
  if (cfg.getString("tls-cert-file") === "" || cfg.getString("tls-key-file") === "") {
    return "tls-port needs tls-cert-file and tls-key-file";
  }
  for (const name of ["tls-ca-cert-file", "tls-ca-cert-dir"]) {
    const p = cfg.getString(name);
    if (p === "") continue;
    try {
      Deno.statSync(p);
    } catch (e) {
      return `Failed to load ${name} '${p}': ${(e as Error).message}`;
    }
  }
  return null;
}

/** Read the certificate and key (decrypting the key with tls-key-file-pass when set). */
function loadCertifiedKey(server: Server): { cert: string; key: string } {
  const cfg = server.config;
  const cert = Deno.readTextFileSync(cfg.getString("tls-cert-file"));
  let key = Deno.readTextFileSync(cfg.getString("tls-key-file"));
  const pass = cfg.getString("tls-key-file-pass");
  if (pass !== "" || key.includes("ENCRYPTED")) {
    key = createPrivateKey({ key, format: "pem", passphrase: pass }).export({
      format: "pem",
      type: "pkcs8",
    }) as string;
  }
  return { cert, key };
}

/** Open the TLS listeners on every `bind` address; returns an error text or null. */
export function listenTlsPort(server: Server): string | null {
  const cfg = server.config;
  const port = cfg.getNumber("tls-port");
  if (port === 0) return null;
  let ck: { cert: string; key: string };
  try {
    ck = loadCertifiedKey(server);
  } catch (e) {
    return `Failed to configure TLS: ${(e as Error).message}`;
  }
  const bound: string[] = [];
  for (let addr of cfg.getString("bind").split(" ").filter((s) => s !== "")) {
    const optional = addr.startsWith("-");
    if (optional) addr = addr.slice(1);
    const hostname = addr === "*" ? "0.0.0.0" : addr === "::*" ? "::" : addr;
    try {
      const l = Deno.listenTls({ hostname, port, cert: ck.cert, key: ck.key });
      server.listeners.push(l);
      acceptLoop(server, l);
      bound.push(hostname);
    } catch (e) {
      if (optional && e instanceof Deno.errors.AddrNotAvailable) continue;
      // Deno's :: socket is dual-stack: :: and 0.0.0.0 on one port collide (as in main.ts).
      const other = hostname === "::" ? "0.0.0.0" : hostname === "0.0.0.0" ? "::" : "";
      if (other && e instanceof Deno.errors.AddrInUse && bound.includes(other)) continue;
      return `Could not create server TLS listening socket ${addr}:${port}: ${
        (e as Error).message
      }`;
    }
  }
  server.log.notice(`Ready to accept connections tls on port ${port}`);
  return null;
}
