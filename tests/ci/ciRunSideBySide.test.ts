/**
 * `.ci/run`'s side_by_side: commands run at the same time, each into its own log, printed whole
 * once all are done, and the stage fails when one of them failed (the function taken from the
 * script itself).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = readFileSync(fileURLToPath(new URL("../../.ci/run", import.meta.url)), "utf8");
const fn = /^side_by_side\(\) \{\n[\s\S]*?\n\}\n/m.exec(script)?.[0] ?? "";

function sideBySide(args: string): { status: number | null; stdout: string } {
  const r = spawnSync("bash", ["-c", `set -euo pipefail\n${fn}\nside_by_side ${args}\necho after`], {
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout };
}

describe(".ci/run side_by_side", () => {
  it("is in the script", () => {
    expect(fn).toContain("wait");
  });

  it("runs the commands at the same time and prints each log whole, in the order given", () => {
    // Each waits for the other's file: run one after the other, neither would finish.
    const dir = mkdtempSync(join(tmpdir(), "looptwin-sbs-"));
    const r = sideBySide(
      `a "touch ${dir}/a; for i in \\$(seq 50); do [ -e ${dir}/b ] && break; sleep 0.1; done; [ -e ${dir}/b ] && echo A1 && echo A2" ` +
        `b "touch ${dir}/b; for i in \\$(seq 50); do [ -e ${dir}/a ] && break; sleep 0.1; done; [ -e ${dir}/a ] && echo B1"`,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\n-- a \(exit 0, \d+ s\)\nA1\nA2\n\n-- b \(exit 0, \d+ s\)\nB1\nafter\n$/);
  });

  it("fails the stage when one command fails, after printing both", () => {
    const r = sideBySide(`a "echo A; exit 3" b "echo B"`);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/-- a \(exit 3, \d+ s\)\nA\n\n-- b \(exit 0, \d+ s\)\nB\n$/);
    expect(r.stdout).not.toContain("after");
  });
});
