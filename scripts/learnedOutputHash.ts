/**
 * A fingerprint of everything the live learned detector computes (learnedBesideMonitor.ts beside
 * the twin's monitor), for changes that must not change a number (speed work on the window
 * features, the projection, the scoring): at every sample the learned score's bytes, the
 * persistence decision and the status, every alarm event (the learned ones with their diagnosis
 * and evidence), and the open alarms (diagnosis and evidence) at each event and every 10th
 * sample, hashed (SHA-256). The companion of
 * `npm run monitor:hash`, which covers the residual monitor only.
 *
 * Runs the pipeline bench's 6 h nominal stream (seed 21) and the same ten 30-minute fault runs as
 * monitor:hash (one with lost lines and a 90 s gap, marked as the session marks it), each with four
 * learned detectors, so that every per-sample branch is taken:
 * - `residuals`: the bench's model (the twin's residuals of the nominal stream's first hour, the
 *   default options: 5-row windows of levels, PCA, persistence 5);
 * - `measured`: all seven live channels (the drifting temperatures watched by their slope), a
 *   10-row window, a 3-row moving mean, persistence 3 and a followed baseline (300 rows);
 * - `iforest`: the residuals scored by an Isolation Forest;
 * - `learn-first`: no model, the session's first 100 s learned (`--learn-first 100`).
 *
 *   node --import tsx scripts/learnedOutputHash.ts
 *
 * Run it before and after a change (a `git worktree` of the old commit for the before) and diff
 * the two outputs: a line that differs names the run and the detector whose numbers moved.
 */
import { createHash } from "node:crypto";
import { EmulatedRig } from "../src/detect/evaluation/emulatedRig.js";
import { nominalSchedule } from "../src/detect/evaluation/monitorEvaluation.js";
import {
  LearnedBesideMonitor,
  LIVE_LEARNED_CHANNELS,
  liveChannelSources,
} from "../src/detect/learned/learnedBesideMonitor.js";
import {
  fitLearnedDetector,
  type LearnedDetectorOptions,
  type LearnedModel,
} from "../src/detect/learned/learnedDetector.js";
import { LearnFirstTrainer } from "../src/detect/learned/learnFirstTrainer.js";
import { carryFinite, TWIN_RESIDUAL_CHANNELS } from "../src/detect/learned/looptwinLearnedChannels.js";
import { createMonitor } from "../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../src/detect/monitor/monitorTypes.js";
import { copyRigSample, createRigSample, type RigSample } from "../src/model/rigSample.js";
import { HASH_FAULT_RUN_S, HASH_FAULT_RUN_SEED, HASH_FAULTS, HASH_GAP_RUN } from "./hashFaultRuns.js";

interface Run {
  readonly name: string;
  readonly samples: readonly RigSample[];
  /** Setpoint change before the sample of that index. */
  readonly steps: ReadonlyMap<number, { readonly sp: OperatorSetpoints; readonly tS: number }>;
  readonly initial: OperatorSetpoints;
}

/** A later sample more than this after the one before it is a gap the session marks [s]. */
const GAP_S = 0.15;

function makeRun(seed: number, durationS: number, faults: string[], dropLines = false): Run {
  const rig = new EmulatedRig({ seed, setpoints: nominalSchedule(durationS, seed), faults });
  const samples: RigSample[] = [];
  const steps = new Map<number, { sp: OperatorSetpoints; tS: number }>();
  for (let i = 0; i < durationS * 10; i++) {
    const s = rig.next((sp, tS) => steps.set(samples.length, { sp: { ...sp }, tS }));
    // Lost lines: one in 97, and 90 s in a row (a gap the twins predict through).
    if (dropLines && (i % 97 === 5 || (i > 9000 && i < 9900))) continue;
    samples.push(copyRigSample(s, createRigSample()));
  }
  const name = `${faults.join(";") || `nominal ${durationS / 3600} h`}${dropLines ? " (lines lost)" : ""}`;
  return { name, samples, steps, initial: rig.initialSetpoints };
}

/** A model fitted on `channels` of the run's first hour, the twin's residuals as the live session gives them. */
function fitOnFirstHour(
  run: Run,
  channels: readonly string[],
  options: Partial<LearnedDetectorOptions>,
): LearnedModel {
  const monitor = createMonitor();
  monitor.setSetpoints(run.initial, 0);
  const rows = 3600 * 10;
  const cols = channels.map(() => new Float64Array(rows));
  const source = liveChannelSources({ channelNames: channels });
  for (let i = 0; i < rows; i++) {
    const step = run.steps.get(i);
    if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
    const s = run.samples[i] as RigSample;
    monitor.step(s);
    const o = monitor.output;
    const live = [o.resTHotK, o.resTColdK, o.resFlowLpm, s.tHotC, s.tColdC, s.flowLpm, s.tAmbC];
    channels.forEach((_, k) => {
      (cols[k] as Float64Array)[i] = live[source[k] as number] as number;
    });
  }
  for (const c of cols) carryFinite(c);
  return fitLearnedDetector(channels, cols, rows, options);
}

/** One run with one learned detector: samples, events, learned events, and the first 16 hex digits of the hash. */
function hashRun(run: Run, learned: () => LearnedModel | LearnFirstTrainer): string {
  const hash = createHash("sha256");
  const numbers = new Float64Array(2);
  const monitor = new LearnedBesideMonitor(createMonitor(), learned());
  monitor.setSetpoints(run.initial, 0);
  let events = 0;
  let learnedEvents = 0;
  let lastT = Number.NaN;
  run.samples.forEach((s, i) => {
    const step = run.steps.get(i);
    if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
    if (s.tS - lastT > GAP_S) monitor.markGap(lastT, s.tS);
    lastT = s.tS;
    const out = monitor.step(s);
    for (const e of out) {
      events++;
      if (e.cause === "learned") learnedEvents++;
      hash.update(JSON.stringify(e));
    }
    // The open alarms (the learned one's evidence is refreshed each second) at each event and every 10th sample.
    if (out.length > 0 || i % 10 === 0) {
      const open = monitor.openAlarms();
      if (open.length > 0) hash.update(JSON.stringify(open));
    }
    const status = monitor.learnedStatus();
    numbers[0] = monitor.learnedScore;
    numbers[1] = status.kind === "scoring" && status.alarm ? 1 : 0;
    hash.update(new Uint8Array(numbers.buffer));
    hash.update(status.kind);
  });
  return `${run.samples.length} samples, ${events} events (${learnedEvents} learned), ${hash.digest("hex").slice(0, 16)}`;
}

const nominal = makeRun(21, 6 * 3600, []);
const residuals = fitOnFirstHour(nominal, TWIN_RESIDUAL_CHANNELS, {});
const measured = fitOnFirstHour(nominal, LIVE_LEARNED_CHANNELS, {
  windowRows: 10,
  smoothingRows: 3,
  persistenceRows: 3,
  baselineRows: 300,
});
const iforest = fitOnFirstHour(nominal, TWIN_RESIDUAL_CHANNELS, { detector: "iforest" });
console.log(`measured model features: ${measured.features.channelFeatures.join(", ")}`);
const detectors: readonly [string, () => LearnedModel | LearnFirstTrainer][] = [
  ["residuals", () => residuals],
  ["measured", () => measured],
  ["iforest", () => iforest],
  ["learn-first", () => new LearnFirstTrainer(100)],
];

const runs: (() => Run)[] = [
  () => nominal,
  ...HASH_FAULTS.map((fault) => () => makeRun(HASH_FAULT_RUN_SEED, HASH_FAULT_RUN_S, [fault])),
  () => makeRun(HASH_GAP_RUN.seed, HASH_FAULT_RUN_S, [HASH_GAP_RUN.fault], true),
];
for (const make of runs) {
  const run = make();
  for (const [name, learned] of detectors) console.log(`${run.name} / ${name}: ${hashRun(run, learned)}`);
}
