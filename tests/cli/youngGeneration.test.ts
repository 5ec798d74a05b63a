/**
 * The `looptwin` command runs with V8's young generation capped (bin/looptwin.js): a recorder on a
 * 100 Hz link for days must not let it grow to tens of MB (README, "Soak"). The bin is run as a
 * user runs it, through its `#!` line, with a preloaded module that writes the options the process
 * got; `npm start` runs the same file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";

const CAP = "--max-semi-space-size=2";
const dir = mkdtempSync(join(tmpdir(), "looptwin-execargv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

describe("looptwin's young generation", () => {
  it("is capped when the command runs through its #! line", () => {
    const record = join(dir, "execArgv.json");
    const help = execFileSync(join(REPO_ROOT, "bin", "looptwin.js"), ["--help"], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_OPTIONS: `--import=${join(REPO_ROOT, "tests", "cli", "execArgv.mjs")}`,
        LOOPTWIN_EXEC_ARGV: record,
      },
      encoding: "utf8",
    });
    expect(help).toMatch(/^looptwin: /);
    expect(JSON.parse(readFileSync(record, "utf8"))).toContain(CAP);
  });

  it("npm start runs the bin through its #! line, so the cap applies there too", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start?.split(" ")).toEqual(["bin/looptwin.js", "dashboard", "--emulate"]);
  });
});
