/**
 * TLS end to end: certificates made by openssl for each run (skipped with a message when openssl is
 * missing), a plain and a TLS port at once, redis-cli --tls (skipped when redis-cli lacks TLS),
 * node-redis and ioredis over TLS, an encrypted key with tls-key-file-pass, and the tls-*
 * settings Deno cannot honour refused at start with a reason.
 */
import { createClient } from "redis";
import { Redis } from "ioredis";
import { assert, assertEquals } from "../src/testing/assert.ts";
import { freePort, RespConn, startServer } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

async function run(cmd: string, args: string[], cwd?: string) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return {
    ok: out.success,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function have(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await run(cmd, args)).ok;
  } catch {
    return false;
  }
}

interface Certs {
  dir: string;
  ca: string;
  cert: string;
  key: string;
  encKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate. */
async function makeCerts(): Promise<Certs | null> {
  if (!(await have("openssl", ["version"]))) return null;
  const dir = Deno.makeTempDirSync();
  const steps: string[][] = [
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt"],
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr"],
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr"],
  ];
  const subj = ["/CN=Rexis Test CA", "/CN=localhost", "/CN=client"];
  for (let i = 0; i < steps.length; i++) {
    const r = await run("openssl", [...steps[i], "-days", "2", "-subj", subj[i]], dir);
    if (!r.ok) throw new Error(r.stderr);
  }
  Deno.writeTextFileSync(`${dir}/ext.cnf`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  for (const who of ["server", "client"]) {
    const r = await run("openssl", [
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${who}.crt`,
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ], dir);
    if (!r.ok) throw new Error(r.stderr);
  }
  const enc = await run("openssl", [
    "pkey",
    "-in",
    "server.key",
    "-aes256",
    "-passout",
    "pass:keypw",
    "-out",
    "server.enc.key",
  ], dir);
  if (!enc.ok) throw new Error(enc.stderr);
  return {
    dir,
    ca: `${dir}/ca.crt`,
    cert: `${dir}/server.crt`,
    key: `${dir}/server.key`,
    encKey: `${dir}/server.enc.key`,
    clientCert: `${dir}/client.crt`,
    clientKey: `${dir}/client.key`,
  };
}

async function waitTls(port: number, ca: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await Deno.connectTls({
        hostname: "localhost",
        port,
        caCerts: [Deno.readTextFileSync(ca)],
      });
      c.close();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

Deno.test("TLS: plain and TLS ports at once; redis-cli, node-redis, ioredis", opts, async () => {
  const certs = await makeCerts();
  if (certs === null) {
    console.log("openssl not installed: TLS tests skipped");
    return;
  }
  const tlsPort = freePort();
  const s = await startServer([
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    certs.cert,
    "--tls-key-file",
    certs.key,
    "--tls-ca-cert-file",
    certs.ca,
    "--tls-auth-clients",
    "no",
  ]);
  try {
    await waitTls(tlsPort, certs.ca);
    // Plain port.
    const plain = await RespConn.connect(s.port);
    assertEquals(await plain.send("SET", "k", "plain"), "OK");
    plain.close();
    // node-redis over TLS (client certificate offered; the server does not ask for it).
    const nr = createClient({
      socket: {
        host: "localhost",
        port: tlsPort,
        tls: true,
        ca: Deno.readTextFileSync(certs.ca),
        cert: Deno.readTextFileSync(certs.clientCert),
        key: Deno.readTextFileSync(certs.clientKey),
      },
    });
    await nr.connect();
    assertEquals(await nr.get("k"), "plain");
    assertEquals(await nr.set("t", "tls"), "OK");
    const list = String(await nr.sendCommand(["CLIENT", "INFO"]));
    assert(list.includes(`laddr=127.0.0.1:${tlsPort}`), list);
    await nr.quit();
    // ioredis over TLS.
    const io = new Redis({
      host: "localhost",
      port: tlsPort,
      tls: { ca: Deno.readTextFileSync(certs.ca) },
      lazyConnect: true,
    });
    await io.connect();
    assertEquals(await io.get("t"), "tls");
    assertEquals(await io.ping(), "PONG");
    io.disconnect();
    // redis-cli --tls, when this redis-cli was built with TLS.
    const cli = await run("redis-cli", [
      "--tls",
      "--cacert",
      certs.ca,
      "--cert",
      certs.clientCert,
      "--key",
      certs.clientKey,
      "-h",
      "localhost",
      "-p",
      String(tlsPort),
      "GET",
      "t",
    ]).catch(() => null);
    if (cli === null || /unrecognized option|not supported|TLS support/i.test(cli.stderr)) {
      console.log("redis-cli without TLS support: redis-cli --tls check skipped");
    } else assertEquals(cli.stdout.trim(), "tls");
  } finally {
    await s.stop();
  }
  // An encrypted key with tls-key-file-pass.
  const tlsPort2 = freePort();
  const s2 = await startServer([
    "--tls-port",
    String(tlsPort2),
    "--tls-cert-file",
    certs.cert,
    "--tls-key-file",
    certs.encKey,
    "--tls-key-file-pass",
    "keypw",
    "--tls-auth-clients",
    "no",
    "--tls-protocols",
    "TLSv1.2 TLSv1.3",
  ]);
  try {
    await waitTls(tlsPort2, certs.ca);
    const c = await Deno.connectTls({
      hostname: "localhost",
      port: tlsPort2,
      caCerts: [Deno.readTextFileSync(certs.ca)],
    });
    await c.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(16);
    const n = await c.read(buf);
    assertEquals(new TextDecoder().decode(buf.subarray(0, n!)), "+PONG\r\n");
    c.close();
  } finally {
    await s2.stop();
  }
  Deno.removeSync(certs.dir, { recursive: true });
});

Deno.test("TLS: settings Deno cannot honour are refused at start", opts, async () => {
  const certs = await makeCerts();
  if (certs === null) {
    console.log("openssl not installed: TLS tests skipped");
    return;
  }
  const main = new URL("../src/main.ts", import.meta.url).pathname;
  const start = (args: string[]) =>
    run(Deno.execPath(), ["run", "-A", main, "--port", String(freePort()), ...args]);
  const base = ["--tls-port", String(freePort()), "--tls-cert-file", certs.cert];
  let r = await start([...base, "--tls-key-file", certs.key]);
  assert(!r.ok);
  assert(r.stdout.includes("tls-auth-clients yes is not supported"), r.stdout);
  r = await start([...base, "--tls-key-file", certs.key, "--tls-auth-clients", "optional"]);
  assert(r.stdout.includes("tls-auth-clients optional is not supported"), r.stdout);
  r = await start(["--tls-protocols", "TLSv1.3"]);
  assert(!r.ok);
  assert(r.stderr.includes("only 'TLSv1.2 TLSv1.3' is supported"), r.stderr);
  r = await start(["--tls-ciphersuites", "TLS_AES_128_GCM_SHA256"]);
  assert(r.stderr.includes("cipher selection is not supported"), r.stderr);
  r = await start([...base, "--tls-auth-clients", "no"]);
  assert(r.stdout.includes("tls-port needs tls-cert-file and tls-key-file"), r.stdout);
  Deno.removeSync(certs.dir, { recursive: true });
});
