/**
 * The residual monitor against the learned detector over the HIL suite (issue 17 part 2): every
 * scenario of hil/scenarios on the in-process emulator with both detectors running side by side,
 * and per scenario what each caught (src/hil/detectorComparison.ts: an alarm from the fault's
 * start to 30 s after its end), how soon, and its false alarms before the fault.
 *
 *   node --import tsx scripts/compareDetectors.ts [--train-s S] [--json]     (npm run compare:detectors)
 *
 * The learned detector runs one model for every scenario, as a rig's saved model would: trained
 * (LearnFirstTrainer, the same fit as `--learn-first`) on a separate nominal run of the emulated
 * rig, seed 1000, for `--train-s` seconds (default 600). A scenario's own `learned:` section is
 * ignored here, so every row compares the same two detectors. Prints a Markdown table and the
 * totals, or (`--json`) one JSON object.
 */
import { join } from "node:path";
import { LearnedBesideMonitor } from "../src/detect/learned/learnedBesideMonitor.js";
import type { LearnedModel } from "../src/detect/learned/learnedDetector.js";
import { LearnFirstTrainer } from "../src/detect/learned/learnFirstTrainer.js";
import { createMonitor } from "../src/detect/monitor/monitor.js";
import { compareDetectors, type DetectorComparisonRow, whoCaught } from "../src/hil/detectorComparison.js";
import { type MonitorFactory, runScenario } from "../src/hil/runner.js";
import { loadScenarioFiles, parseScenario } from "../src/hil/scenarioLoader.js";
import { emulatorTarget } from "../src/hil/targets/emulatorTarget.js";

const ROOT = join(import.meta.dirname, "..");
const TRAIN_SEED = 1000;

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!(Number.isFinite(v) && v >= 10)) {
    process.stderr.write(`${name} must be a number of seconds >= 10 (got ${process.argv[i + 1]})\n`);
    process.exit(2);
  }
  return v;
}

const trainS = numberArg("--train-s", 600);
const jsonOnly = process.argv.includes("--json");
const target = emulatorTarget("", { cwd: ROOT });

/** The learned model of a nominal run of the emulated rig, learned as `--learn-first` learns. */
async function trainModel(): Promise<LearnedModel> {
  const nominal = parseScenario(
    `name: train\nseed: ${TRAIN_SEED}\nduration: ${trainS + 1}\nexpect:\n  - no_alarm: any\n`,
    "train.yaml",
  );
  const trainer = new LearnFirstTrainer(trainS);
  const factory: MonitorFactory = ({ learnFirstS: _ignored, ...context }) =>
    new LearnedBesideMonitor(createMonitor(context), trainer);
  await runScenario(nominal, { target, monitorFactory: factory });
  const state = trainer.state();
  if (state.kind !== "trained")
    throw new Error(`the nominal run did not train a model: ${JSON.stringify(state)}`);
  if (state.monitorAlarms > 0)
    throw new Error(`the residual monitor alarmed ${state.monitorAlarms} times on the nominal run`);
  return state.model;
}

function delay(o: DetectorComparisonRow["residual"]): string {
  return o.caught === null ? "-" : `${o.caught.delayS.toFixed(1)} s`;
}

function cell(o: DetectorComparisonRow["residual"], withDiagnosis: boolean): string {
  const caught = o.caught === null ? "missed" : `${delay(o)}${withDiagnosis ? ` ${o.caught.diagnosis}` : ""}`;
  return o.falseAlarms > 0 ? `${caught}; ${o.falseAlarms} false` : caught;
}

const model = await trainModel();
const scenarios = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
const factory: MonitorFactory = ({ learnFirstS: _ignored, ...context }) =>
  new LearnedBesideMonitor(createMonitor(context), model);
const rows: DetectorComparisonRow[] = [];
for (const sc of scenarios) {
  const r = await runScenario(sc, { target, monitorFactory: factory });
  rows.push(compareDetectors(sc.name, r.timeline, r.faults));
}

const withFault = rows.filter((r) => r.faults.length > 0);
const totals = {
  scenarios: rows.length,
  with_fault: withFault.length,
  caught_by_residual: withFault.filter((r) => r.residual.caught !== null).length,
  caught_by_learned: withFault.filter((r) => r.learned.caught !== null).length,
  residual_only: withFault.filter((r) => whoCaught(r) === "residual").length,
  learned_only: withFault.filter((r) => whoCaught(r) === "learned").length,
  both: withFault.filter((r) => whoCaught(r) === "both").length,
  neither: withFault.filter((r) => whoCaught(r) === "neither").length,
  false_alarms_residual: rows.reduce((n, r) => n + r.residual.falseAlarms, 0),
  false_alarms_learned: rows.reduce((n, r) => n + r.learned.falseAlarms, 0),
  learned_earlier: withFault.filter(
    (r) =>
      r.learned.caught !== null &&
      r.residual.caught !== null &&
      r.learned.caught.delayS < r.residual.caught.delayS,
  ).length,
};

if (jsonOnly) {
  process.stdout.write(`${JSON.stringify({ train_s: trainS, train_seed: TRAIN_SEED, rows, totals })}\n`);
} else {
  const out = [
    `learned model: ${model.channelNames.join(", ")}, trained on ${model.trainRows} samples of a nominal run (seed ${TRAIN_SEED}, ${trainS} s)`,
    "",
    "| scenario | fault | residual monitor | learned | caught by |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.faults.join(", ") || "none"} | ${cell(r.residual, true)} | ${cell(r.learned, false)} | ${whoCaught(r)} |`,
    ),
    "",
    `of ${totals.with_fault} scenarios with a fault: residual ${totals.caught_by_residual}, learned ${totals.caught_by_learned}; ` +
      `residual only ${totals.residual_only}, learned only ${totals.learned_only}, both ${totals.both} (learned first in ${totals.learned_earlier}), neither ${totals.neither}; ` +
      `false alarms before a fault: residual ${totals.false_alarms_residual}, learned ${totals.false_alarms_learned}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}
