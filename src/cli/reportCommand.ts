/**
 * `looptwin report RECORDING... --html FILE`: recordings (the dashboard's `--record`, `looptwin
 * record`, `hil run --out`) as one self-contained HTML report with plots (src/report).
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { recordingHtmlReport } from "../report/recordingHtmlReport.js";
import { type RecordingContent, readRecordingContent } from "../report/recordingTrace.js";
import { parseCommandArgs, stringOpt } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { writeReport } from "./reportFiles.js";

const HELP = `Usage: looptwin report RECORDING.ndjson... --html FILE

Writes one self-contained HTML file (styles inline, nothing loaded from a network; opens from
disk on a phone) about recordings made by the dashboard (--record), 'looptwin record' or a HIL
run (hil run --out): per recording its header (source, rig configuration, firmware, start),
plots of the temperatures and the flow beside the twin (where the twin was recorded), the
residuals, the anomaly score and the applied duties, with the injected faults shaded and the
alarms and device events marked; then the alarms, injected-fault labels, gaps, device events,
commands with their answers, and notes. Unreadable lines are counted and named, not fatal.

Options:
  --html FILE   the report to write (required)

For a HIL suite run, 'looptwin hil run --html FILE' writes the same kind of report with each
scenario's verdict and expectations.
`;

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
    for (const file of args.positionals) {
      const path = resolve(io.cwd, file);
      if (path === htmlPath) throw new ConfigError("--html", html, "is one of the recordings");
      recordings.push(await readRecordingContent(path, basename(file)));
    }
    const page = recordingHtmlReport(recordings, new Date());
    writeReport(htmlPath, page);
    io.stdout.write(
      `wrote ${html}: ${recordings.length} recording(s), ${recordings.reduce((a, r) => a + r.samples, 0)} samples, ${Math.ceil(Buffer.byteLength(page) / 1024)} kB\n`,
    );
    return 0;
  },
};
