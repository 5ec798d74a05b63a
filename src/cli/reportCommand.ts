/**
 * `looptwin report RECORDING... --html FILE`: recordings (the dashboard's `--record`, `looptwin
 * record`, `hil run --out`) as one self-contained HTML report with plots (src/report).
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { loadDefaultMonitorFactory } from "../hil/monitorFactory.js";
import type { MonitorFactory } from "../hil/runner.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../model/telemetryConverter.js";
import { recordingHtmlReport } from "../report/recordingHtmlReport.js";
import {
  type RecordingContent,
  type RecordingReadOptions,
  readRecordingContent,
} from "../report/recordingTrace.js";
import { parseCommandArgs, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { writeReport } from "./reportFiles.js";
import { rigFromRecordingHeader } from "./rigArgs.js";

const HELP = `Usage: looptwin report RECORDING.ndjson... --html FILE

Writes one self-contained HTML file (styles inline, nothing loaded from a network; opens from
disk on a phone) about recordings made by the dashboard (--record), 'looptwin record' or a HIL
run (hil run --out): per recording its header (source, rig configuration, firmware, start),
plots of the temperatures and the flow beside the twin (where the twin was recorded), the
residuals, the anomaly score and the applied duties, with the injected faults shaded and the
alarms and device events marked; then the alarms, injected-fault labels, gaps, device events,
commands with their answers, and notes. Unreadable lines are counted and named, not fatal.
A recording made without the twin ('looptwin record') gets one: the report runs the twin and
the detectors over its samples on the rig config of its header (the defaults without one),
following the duties the device applied, as a replay does.

Options:
  --html FILE   the report to write (required)

For a HIL suite run, 'looptwin hil run --html FILE' writes the same kind of report with each
scenario's verdict and expectations.
`;

/** The twin of a recording made without one: its header's rig config, else the defaults. */
function twinOn(factory: MonitorFactory, file: string): NonNullable<RecordingReadOptions["twinFor"]> {
  return ({ header, hasAmbientProbe, rateHz }) => {
    let rig: ReturnType<typeof rigFromRecordingHeader>;
    try {
      rig = rigFromRecordingHeader(header.rig, file, []);
    } catch (e) {
      return { why: `the header's rig config cannot be used (${(e as Error).message})` };
    }
    const monitor = factory({
      params: rig.loopParams,
      calibration: rig.calibration ?? DEFAULT_SENSOR_CALIBRATION,
      hasAmbientProbe,
      rateHz,
      seed: 0,
    });
    const how = rig.config === null ? "on the default rig parameters" : "on the rig config in its header";
    return { monitor, how };
  };
}

export const reportCommand: Command = {
  name: "report",
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCommandArgs(argv, { html: { type: "string" } }, true);
    const html = stringOpt(args, "html");
    if (html === undefined)
      throw new ConfigError("--html", undefined, "is required: the report file to write");
    if (args.positionals.length === 0)
      throw new ConfigError("RECORDING", undefined, "give at least one recording (.ndjson) to report on");
    const htmlPath = resolve(io.cwd, html);
    if (!existsSync(dirname(htmlPath))) throw new ConfigError("--html", html, "its folder does not exist");
    const recordings: RecordingContent[] = [];
    const factory = await loadDefaultMonitorFactory();
    for (const file of args.positionals) {
      const path = resolve(io.cwd, file);
      if (path === htmlPath) throw new ConfigError("--html", html, "is one of the recordings");
      recordings.push(await readRecordingContent(path, basename(file), { twinFor: twinOn(factory, file) }));
    }
    const page = recordingHtmlReport(recordings, new Date());
    writeReport(htmlPath, page);
    io.stdout.write(
      `wrote ${html}: ${recordings.length} recording(s), ${recordings.reduce((a, r) => a + r.samples, 0)} samples, ${Math.ceil(Buffer.byteLength(page) / 1024)} kB\n`,
    );
    return 0;
  },
};
