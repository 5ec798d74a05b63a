/**
 * HTML reports (src/report):
 * - `hil_report_mb`: size of `hil run hil/scenarios --html` for the whole suite on the emulator
 *   (issue 13 target: under 3 MB);
 * - `hil_report_render_ms`: time to render that page from the suite's results (after the run);
 * - `report_mb_per_recorded_hour`: size of `looptwin report` on the nominal hour's recording
 *   (36,000 samples), and `report_recording_s` the wall time to read, decimate and render it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadDefaultMonitorFactory } from "../src/hil/monitorFactory.js";
import { loadScenarioFiles } from "../src/hil/scenarioLoader.js";
import { runSuite } from "../src/hil/suite.js";
import { emulatorTarget } from "../src/hil/targets/emulatorTarget.js";
import { hilHtmlReport } from "../src/report/hilHtmlReport.js";
import { recordingHtmlReport } from "../src/report/recordingHtmlReport.js";
import { readRecordingContent } from "../src/report/recordingTrace.js";
import type { BenchFigure, BenchFile } from "./run.js";

const ROOT = join(import.meta.dirname, "..");

const bench: BenchFile = {
  name: "report",
  async run(): Promise<Record<string, BenchFigure>> {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-bench-report-"));
    try {
      const scenarios = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
      const suite = await runSuite(scenarios, {
        target: emulatorTarget("", { cwd: ROOT }),
        monitorFactory: await loadDefaultMonitorFactory(),
        outDir: dir,
      });
      const t0 = performance.now();
      const page = hilHtmlReport(suite, { runId: "bench", startedAt: new Date() });
      const renderMs = performance.now() - t0;
      const t1 = performance.now();
      const content = await readRecordingContent(join(dir, "nominal-hour.ndjson"));
      const recordingPage = recordingHtmlReport([content], new Date());
      const recordingS = (performance.now() - t1) / 1000;
      return {
        hil_report_mb: {
          value: Buffer.byteLength(page) / 1e6,
          unit: "MB",
          target: { op: "<=", value: 3 },
        },
        hil_report_render_ms: { value: renderMs, unit: "ms" },
        report_mb_per_recorded_hour: { value: Buffer.byteLength(recordingPage) / 1e6, unit: "MB" },
        report_recording_s: { value: recordingS, unit: "s" },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
