/**
 * The `looptwin` command runs with V8's young generation capped (bin/looptwin.js): a recorder on a
 * 100 Hz link for days must not let it grow to tens of MB (README, "Soak"); the commands that hold
 * a link for days also ask V8 for a small old generation (--optimize-for-size), the batch commands
 * do not. The bin is run as a user runs it, through its `#!` line, with a preloaded module that
 * writes the options the process got and the flags it set; `npm start` runs the same file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";
import { commands } from "../../src/cli/registry.js";

const CAP = "--max-semi-space-size=2";
const dir = mkdtempSync(join(tmpdir(), "looptwin-execargv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

const SMALL_OLD_GENERATION = "--optimize-for-size";

interface ProcessFlags {
  readonly stdout: string;
  readonly execArgv: readonly string[];
  readonly runtimeFlags: readonly string[];
}

/** Runs `bin/looptwin.js ARGS` through its `#!` line; what it printed and the flags it ran with. */
function runBin(args: readonly string[]): ProcessFlags {
  const record = join(dir, "execArgv.json");
  const stdout = execFileSync(join(REPO_ROOT, "bin", "looptwin.js"), args, {
    cwd: dir,
    env: {
      ...process.env,
      NODE_OPTIONS: `--import=${join(REPO_ROOT, "tests", "cli", "execArgv.mjs")}`,
      LOOPTWIN_EXEC_ARGV: record,
    },
    encoding: "utf8",
  });
  const flags = JSON.parse(readFileSync(record, "utf8")) as Omit<ProcessFlags, "stdout">;
  return { stdout, ...flags };
}

describe("looptwin's young generation", () => {
  it("is capped when the command runs through its #! line", () => {
    const run = runBin(["--help"]);
    expect(run.stdout).toMatch(/^looptwin: /);
    expect(run.execArgv).toContain(CAP);
    expect(run.runtimeFlags).toEqual([]);
  });

  it("npm start runs the bin through its #! line, so the cap applies there too", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start?.split(" ")).toEqual(["bin/looptwin.js", "dashboard", "--emulate"]);
  });
});

describe("looptwin's old generation", () => {
  // Written by hand: the commands that hold a live link for hours (docs/design.md, section 3).
  const forDays = ["dashboard", "serve", "emulate", "record", "fleet"];
  const batch = ["simulate", "demo", "ports", "replay", "calibrate", "detect", "eval", "hil", "report"];

  it.each(forDays)("is kept small for %s, which holds a link for days", (name) => {
    const run = runBin([name, "--help"]);
    expect(run.stdout).toMatch(new RegExp(`looptwin ${name}`));
    expect(run.runtimeFlags).toEqual([SMALL_OLD_GENERATION]);
  });

  it.each(batch)("is left at full speed for %s, a batch command", (name) => {
    expect(runBin([name, "--help"]).runtimeFlags).toEqual([]);
  });

  it("has every command of the registry in one of the two lists", () => {
    expect(commands.map((c) => c.name).sort()).toEqual([...forDays, ...batch].sort());
  });
});
