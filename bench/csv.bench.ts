/**
 * CSV at disk speed (issue 16 section 2): the 24 h seed run at dt = 0.1 s (864,001 rows) written
 * to a file as `looptwin simulate --model seed --duration 86400 --dt 0.1 --out FILE` does,
 * simulation and output included:
 * - `simulate_csv_rows_per_s`: rows per CPU second of this process (best of three after one
 *   warm-up run; per CPU second because the machine is shared), target >= 3,000,000;
 * - `simulate_csv_cli_ms`: wall time of the built CLI doing the same, cold (median of three).
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, REPO_ROOT } from "../scripts/ensureBuilt.js";
import { fdSink } from "../src/cli/fdSink.js";
import { parseSimulateArgs, writeSimulationRows } from "../src/cli/simulateCommand.js";
import { CsvWriter } from "../src/core/csvWriter.js";
import { rowCount } from "../src/model/simulateRun.js";
import type { BenchFile } from "./run.js";

const ARGS = ["--model", "seed", "--duration", "86400", "--dt", "0.1"];

/** CPU seconds (user + system) of one in-process run writing `file`. */
function runCpuS(file: string): number {
  const { config, sensors } = parseSimulateArgs([...ARGS, "--out", file], REPO_ROOT);
  const c0 = process.cpuUsage();
  const fd = openSync(file, "w");
  try {
    writeSimulationRows(config, sensors, new CsvWriter(fdSink(fd)));
  } finally {
    closeSync(fd);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const bench: BenchFile = {
  name: "csv",
  async run() {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), "looptwin-csv-bench-"));
    const file = join(dir, "seed.csv");
    try {
      const rows = rowCount(86_400, 0.1);
      runCpuS(file);
      let bestCpuS = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) bestCpuS = Math.min(bestCpuS, runCpuS(file));
      if (statSync(file).size < rows * 40)
        throw new Error(`the CSV is too short: ${statSync(file).size} bytes`);
      const wallMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        execFileSync(
          process.execPath,
          [join(REPO_ROOT, "bin", "looptwin.js"), "simulate", ...ARGS, "--out", file],
          {
            stdio: "ignore",
          },
        );
        wallMs.push(performance.now() - t0);
      }
      wallMs.sort((a, b) => a - b);
      return {
        simulate_csv_rows_per_s: {
          value: rows / bestCpuS,
          unit: "rows/CPU s",
          target: { op: ">=", value: 3_000_000 },
        },
        simulate_csv_cli_ms: { value: wallMs[1] as number, unit: "ms" },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
