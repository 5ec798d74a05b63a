/**
 * HIL runner speed on the in-process emulator (virtual time, the full byte path: device, plant,
 * format, CRC, mock port, serial source, conversion, the monitor's twin, detectors and alarms):
 * - `hil_speedup`: rig seconds per wall second for the `nominal-hour` scenario (issue 8 target:
 *   at least 500);
 * - `hil_speedup_recorded`: the same while writing the NDJSON recording (as with `--out`);
 * - `hil_suite_wall_s`: the whole suite (hil/scenarios) one after the other (target: under 60 s
 *   on 2 cores).
 * Without the detection pipeline (src/detect/monitor/monitor.ts missing) the figures are measured with a
 * monitor that does nothing and carry the suffix `_no_detection` (no target: not comparable).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createMonitorOutput, type Monitor, NO_PERFORMANCE } from "../src/detect/monitor/monitorTypes.js";
import { loadDefaultMonitorFactory } from "../src/hil/monitorFactory.js";
import type { MonitorFactory } from "../src/hil/runner.js";
import { runScenario } from "../src/hil/runner.js";
import { loadScenarioFile, loadScenarioFiles } from "../src/hil/scenarioLoader.js";
import { runSuite } from "../src/hil/suite.js";
import { emulatorTarget } from "../src/hil/targets/emulatorTarget.js";
import { RecordingWriter } from "../src/rig/recording/recordingWriter.js";
import type { BenchFigure, BenchFile } from "./run.js";

const ROOT = join(import.meta.dirname, "..");

/** A monitor that raises nothing (only when the detection pipeline is not in this build). */
function idleMonitor(): Monitor {
  const output = createMonitorOutput();
  const none: never[] = [];
  return {
    setSetpoints: () => {},
    markGap: () => {},
    followApplied: () => {},
    step: (s) => {
      output.tS = s.tS;
      return none;
    },
    acknowledge: () => [],
    output,
    openAlarms: () => none,
    performance: () => NO_PERFORMANCE,
  };
}

const bench: BenchFile = {
  name: "hil",
  async run(): Promise<Record<string, BenchFigure>> {
    let factory: MonitorFactory;
    let suffix = "";
    try {
      factory = await loadDefaultMonitorFactory();
    } catch (e) {
      process.stderr.write(`hil bench: ${(e as Error).message}; measuring without detection\n`);
      factory = () => idleMonitor();
      suffix = "_no_detection";
    }
    const target = emulatorTarget("", { cwd: ROOT });
    const nominal = loadScenarioFile(join(ROOT, "hil", "scenarios", "nominal-hour.yaml"));

    const t0 = performance.now();
    const plain = await runScenario(nominal, { target, monitorFactory: factory });
    const plainS = (performance.now() - t0) / 1000;

    const dir = mkdtempSync(join(tmpdir(), "looptwin-hil-bench-"));
    let recordedS: number;
    let recordedRigS: number;
    try {
      let now: () => number = () => 0;
      const writer = new RecordingWriter(
        join(dir, "nominal.ndjson"),
        { source: { kind: "emulator" } },
        {
          clock: { nowMs: () => now() },
        },
      );
      const t1 = performance.now();
      const rec = await runScenario(nominal, {
        target,
        monitorFactory: factory,
        record: writer,
        onClock: (n) => {
          now = n;
        },
      });
      writer.close();
      recordedS = (performance.now() - t1) / 1000;
      recordedRigS = rec.rigS;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const all = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
    const t2 = performance.now();
    await runSuite(all, { target, monitorFactory: factory });
    const suiteS = (performance.now() - t2) / 1000;

    const withTarget = suffix === "";
    return {
      [`hil_speedup${suffix}`]: {
        value: plain.rigS / plainS,
        unit: "rig s/wall s",
        ...(withTarget ? { target: { op: ">=", value: 500 } as const } : {}),
      },
      [`hil_speedup_recorded${suffix}`]: { value: recordedRigS / recordedS, unit: "rig s/wall s" },
      [`hil_suite_wall_s${suffix}`]: {
        value: suiteS,
        unit: "s",
        ...(withTarget ? { target: { op: "<=", value: 60 } as const } : {}),
      },
    };
  },
};

export default bench;
