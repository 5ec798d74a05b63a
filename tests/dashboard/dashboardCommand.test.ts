/**
 * `looptwin dashboard` before the screen opens: every problem is one line on stderr with exit 2,
 * naming the option and the value, and nothing is left running.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-dash-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["dashboard", ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
  });
  return { code, out, err };
}

describe("looptwin dashboard: errors before the screen opens", () => {
  it.each([
    [
      [],
      /^looptwin dashboard: source: choose exactly one of --emulate, --port PATH, --replay FILE, --firmata PATH \(got "none"\)\n$/,
    ],
    [["--emulate", "--port", "/dev/x"], /source: choose exactly one .* \(got "--emulate --port"\)/],
    [
      ["--replay", "missing.ndjson"],
      /^looptwin dashboard: --replay: no such file \(got "missing\.ndjson"\)\n$/,
    ],
    [["--emulate", "--pump", "300"], /--pump: must be <= 255 \(got "300"\)/],
    [["--emulate", "--rate", "500"], /--rate: must be <= 100 \(got "500"\)/],
    [["--emulate", "--window", "45"], /--window: must be one of 15, 30, 60/],
    [["--emulate", "--fault", "pump_explosion"], /--fault/],
    [["--emulate", "--bogus"], /--bogus: unknown option/],
    [
      ["--firmata", "/dev/ttyLOOPTWIN-NONE"],
      /^looptwin dashboard: --firmata: cannot open: .*\/dev\/ttyLOOPTWIN-NONE/,
    ],
  ])("%j -> exit 2 with one line", async (argv, message) => {
    const r = await run(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("an unreadable port is a one-line error naming it", async () => {
    const r = await run("--port", join(dir, "ttyNOPE"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^looptwin dashboard: --port: cannot open: .*ttyNOPE/);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a file that is not a recording is a one-line error naming the file and line", async () => {
    writeFileSync(join(dir, "notes.ndjson"), '{"hello":1}\n');
    const r = await run("--replay", "notes.ndjson");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/notes\.ndjson \(line 1\): first line is not a header record/);
  });

  it("without a terminal the emulator is opened, then refused, and stopped again", async () => {
    const r = await run("--emulate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /terminal: the dashboard needs a terminal \(run it in a terminal, tmux, or ssh -t\)/,
    );
  });
});
