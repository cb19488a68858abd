// Runs the upstream Redis TCL suite files listed in tests/compat/files.txt
// against Rexis (see tests/compat/run.ts) and fails on any unexpected failure.
// Set REXIS_COMPAT_SKIP=1 to skip it locally.

const HERE = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
const REPO = HERE.replace(/\/tests\/compat$/, "");

async function commandExists(cmd: string): Promise<boolean> {
  const res = await new Deno.Command("bash", {
    args: ["-c", `command -v ${cmd}`],
    stdout: "null",
    stderr: "null",
  }).output();
  return res.success;
}

Deno.test({
  name: "upstream Redis TCL suite (tests/compat/files.txt) has no unexpected failures",
  ignore: Deno.env.get("REXIS_COMPAT_SKIP") === "1",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    if (!(await commandExists("tclsh"))) {
      throw new Error(
        "tclsh not found: the compat suite needs Tcl (apt-get install -y tcl)",
      );
    }
    const fetch = await new Deno.Command("bash", {
      args: [`${HERE}/fetch_suite.sh`],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!fetch.success) {
      throw new Error(
        "tests/compat/fetch_suite.sh could not obtain the Redis 7.0.15 test suite:\n" +
          new TextDecoder().decode(fetch.stderr),
      );
    }
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${HERE}/run.ts`],
      cwd: REPO,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (run.code !== 0) {
      throw new Error(
        `tests/compat/run.ts exited with code ${run.code}: unexpected failures in the ` +
          "upstream Redis suite (see the table above and .compat/logs/)",
      );
    }
  },
});
