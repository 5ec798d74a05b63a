/**
 * CLI start-up (issue 16 section 1), wall time of the built binary as a user runs it, median of 10:
 * - `cli_help_ms`: `looptwin --help` (target <= 120);
 * - `cli_simulate_1s_ms`: `looptwin simulate --duration 1` to a file (target <= 200);
 * - `node_start_ms`: `node -e 0`, the floor both stand on, so a loaded machine reads as such.
 * The bench builds dist/ first when it is missing or older than src/.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, REPO_ROOT } from "../scripts/ensureBuilt.js";
import type { BenchFile } from "./run.js";

const RUNS = 10;

/** Median wall time [ms] of `node ...args`, run RUNS times after one unmeasured run. */
function medianWallMs(args: readonly string[], cwd: string): number {
  const run = () => execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
  run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return (times[(RUNS - 1) >> 1]! + times[RUNS >> 1]!) / 2;
}

const bench: BenchFile = {
  name: "startup",
  async run() {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), "looptwin-startup-bench-"));
    const bin = join(REPO_ROOT, "bin", "looptwin.js");
    try {
      return {
        node_start_ms: { value: medianWallMs(["-e", "0"], dir), unit: "ms" },
        cli_help_ms: {
          value: medianWallMs([bin, "--help"], dir),
          unit: "ms",
          target: { op: "<=", value: 120 },
        },
        cli_simulate_1s_ms: {
          value: medianWallMs([bin, "simulate", "--duration", "1", "--out", join(dir, "run.csv")], dir),
          unit: "ms",
          target: { op: "<=", value: 200 },
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
