/**
 * Evaluates the learned detector on the SKAB development subset (issue 6, section 4).
 *
 *   node --import tsx scripts/evalSkab.ts DATA_DIR [--json]
 *
 * DATA_DIR is the folder holding `valve1/` (and optionally `anomaly-free/`), e.g.
 * ../shared/datasets/skab-dev. The data is GPL-3.0 and lives outside this repository: this script
 * reads it where it is and copies nothing. The headline figure is the same as
 * `looptwin eval DATA_DIR/valve1` (defaults: train on the first 400 rows of each file).
 *
 * It prints:
 * 1. the default detector's F1 / FAR / MAR, detection delay and NAB score against the targets
 *    (F1 >= 0.80 with FAR <= 20 %); exit code 1 when a target is missed;
 * 2. a sensitivity table over the window length and persistence, and with the drift screen off,
 *    to show how much the result depends on those choices;
 * 3. with `anomaly-free/` present: the false-alarm rate on SKAB's 2.6-hour anomaly-free run
 *    after training on its first N rows, for a few N (how far a short training run carries).
 *
 * How the defaults were chosen (so the figures can be weighed): thresholds come from training rows
 * only, and no setting is per file. The method (level features, drift screen, PCA combined index,
 * training-max threshold, persistence) was designed from the data's nature: slow temperature
 * drift, 1 Hz rows, faults lasting minutes. The window length and persistence were then chosen
 * after a prototype compared windows of 1-60 rows and persistence 1-10 both on synthetic faults
 * injected into the anomaly-free run and on valve1 itself: valve1 is therefore not a clean
 * hold-out for those two settings. The table printed here shows how much they matter.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LabelledTable } from "../src/detect/data/labelledTable.js";
import { parseSkabCsv } from "../src/detect/data/skabCsv.js";
import { type EvaluationSummary, evaluateTable, summarise } from "../src/detect/evaluation/evaluation.js";
import {
  fitLearnedDetector,
  type LearnedDetectorOptions,
  resolveLearnedDetectorOptions,
  scoreChannels,
} from "../src/detect/learned/learnedDetector.js";

const TRAIN_ROWS = 400;
const TARGET_F1 = 0.8;
const TARGET_FAR = 0.2;

function usage(): never {
  process.stderr.write("usage: node --import tsx scripts/evalSkab.ts DATA_DIR [--json]\n");
  process.exit(2);
}

function readTables(dir: string): LabelledTable[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
  if (files.length === 0) throw new Error(`${dir}: no .csv files`);
  return files.map((f) => parseSkabCsv(readFileSync(join(dir, f), "utf8"), join(dir, f)));
}

function evaluate(
  tables: readonly LabelledTable[],
  options: Partial<LearnedDetectorOptions>,
): EvaluationSummary {
  return summarise(tables.map((t) => evaluateTable(t, TRAIN_ROWS, options).evaluation));
}

const fmt = (x: number | null, d: number): string => (x === null ? "n/a" : x.toFixed(d));
const pct = (x: number | null): string => (x === null ? "n/a" : `${(100 * x).toFixed(1)} %`);

const args = process.argv.slice(2);
const json = args.includes("--json");
const dataDir = args.find((a) => !a.startsWith("--"));
if (dataDir === undefined) usage();
const valveDir = existsSync(join(dataDir, "valve1")) ? join(dataDir, "valve1") : dataDir;
const tables = readTables(valveDir);

const defaults = resolveLearnedDetectorOptions();
const headline = evaluate(tables, {});
const met =
  headline.f1 !== null && headline.f1 >= TARGET_F1 && headline.far !== null && headline.far <= TARGET_FAR;

const sweep: { windowRows: number; persistenceRows: number; driftScreen: boolean; s: EvaluationSummary }[] =
  [];
for (const windowRows of [1, 3, 5, 10, 30]) {
  for (const persistenceRows of [1, 5, 10]) {
    sweep.push({
      windowRows,
      persistenceRows,
      driftScreen: true,
      s: evaluate(tables, { windowRows, persistenceRows }),
    });
  }
}
sweep.push({
  windowRows: defaults.windowRows,
  persistenceRows: defaults.persistenceRows,
  driftScreen: false,
  s: evaluate(tables, { driftCutoff: 1 }),
});

const nominal: { trainRows: number; testRows: number; alarms: number }[] = [];
const freeFile = join(dataDir, "anomaly-free", "anomaly-free.csv");
if (existsSync(freeFile)) {
  const free = parseSkabCsv(readFileSync(freeFile, "utf8"), freeFile);
  for (const trainRows of [400, 2000, Math.floor(free.rowCount / 2)]) {
    const model = fitLearnedDetector(free.channelNames, free.channels, trainRows);
    const { anomaly } = scoreChannels(model, free.channels, free.rowCount);
    let alarms = 0;
    for (let i = trainRows; i < free.rowCount; i++) alarms += anomaly[i] as number;
    nominal.push({ trainRows, testRows: free.rowCount - trainRows, alarms });
  }
}

if (json) {
  process.stdout.write(
    `${JSON.stringify({
      data: valveDir,
      files: tables.length,
      trainRows: TRAIN_ROWS,
      options: defaults,
      f1: headline.f1,
      far: headline.far,
      mar: headline.mar,
      meanDelayS: headline.meanDelayS,
      eventsDetected: headline.eventsDetected,
      events: headline.events,
      nabStandard: headline.nabStandard,
      targetsMet: met,
      sweep: sweep.map(({ s, ...k }) => ({
        ...k,
        f1: s.f1,
        far: s.far,
        mar: s.mar,
        nabStandard: s.nabStandard,
      })),
      anomalyFree: nominal.map((n) => ({ ...n, far: n.alarms / n.testRows })),
    })}\n`,
  );
} else {
  const out: string[] = [
    `SKAB ${valveDir}: ${tables.length} files, train on the first ${TRAIN_ROWS} rows of each, ${headline.testRows} test rows`,
    `detector pca, window ${defaults.windowRows} rows, drift cutoff ${defaults.driftCutoff}, PCA ${defaults.pca.varianceFraction} of variance, threshold = training max, persistence ${defaults.persistenceRows} rows`,
    "",
    `  F1   ${fmt(headline.f1, 3)}   (target >= ${TARGET_F1})`,
    `  FAR  ${pct(headline.far)}   (target <= ${100 * TARGET_FAR} %)`,
    `  MAR  ${pct(headline.mar)}`,
    `  events detected ${headline.eventsDetected}/${headline.events}, mean delay ${fmt(headline.meanDelayS, 1)} s`,
    `  NAB standard ${fmt(headline.nabStandard, 2)}`,
    `  targets ${met ? "met" : "MISSED"}`,
    "",
    "sensitivity to the settings (valve1 is not a clean hold-out for window and persistence, see the script header):",
    "  window  persistence  drift screen     F1      FAR      MAR      NAB",
    ...sweep.map(
      ({ windowRows, persistenceRows, driftScreen, s }) =>
        `  ${String(windowRows).padStart(6)}  ${String(persistenceRows).padStart(11)}  ${(driftScreen ? "on" : "off").padStart(12)}  ${fmt(s.f1, 3).padStart(5)} ${pct(s.far).padStart(8)} ${pct(s.mar).padStart(8)} ${fmt(s.nabStandard, 2).padStart(8)}`,
    ),
  ];
  if (nominal.length > 0) {
    out.push("", "anomaly-free run (all rows nominal): false alarms after training on the first N rows");
    for (const n of nominal)
      out.push(
        `  N = ${String(n.trainRows).padStart(5)}: ${n.alarms} of ${n.testRows} rows alarmed (${pct(n.alarms / n.testRows)})`,
      );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
process.exitCode = met ? 0 : 1;
