/**
 * `detect_rows_per_s`: online scoring speed of the learned detector (default settings: 5-row
 * window features, PCA T2+Q combined index, persistence) on 8 correlated channels, sample by
 * sample through LearnedScorer.step, as the CLI and a live pipeline call it. Target (issue 6):
 * at least 200,000 rows per second. `detect_iforest_rows_per_s`: the same with `--detector iforest`
 * (100 trees of height 8), no target.
 */
import { performance } from "node:perf_hooks";
import { SeededRng } from "../src/core/rng.js";
import { fitLearnedDetector, LearnedScorer } from "../src/detect/learned/learnedDetector.js";
import type { BenchFile } from "./run.js";

const CHANNELS = 8;
const TRAIN_ROWS = 400;
const SCORE_ROWS = 1_000_000;

/** Row-major synthetic rows: a shared AR(1) factor plus noise, with one slowly drifting channel. */
function syntheticRows(rows: number, seed: number): Float64Array {
  const rng = new SeededRng(seed);
  const out = new Float64Array(rows * CHANNELS);
  let f = 0;
  for (let i = 0; i < rows; i++) {
    f = 0.9 * f + 0.44 * rng.normal();
    for (let c = 0; c < CHANNELS; c++) {
      const drift = c === CHANNELS - 1 ? 0.002 * i : 0;
      out[i * CHANNELS + c] = 10 * c + (0.5 + c / 8) * f + 0.3 * rng.normal() + drift;
    }
  }
  return out;
}

/** Best of three passes of online scoring, rows per second. */
function rowsPerSecond(rows: Float64Array, detector: "pca" | "iforest"): number {
  const names = Array.from({ length: CHANNELS }, (_, c) => `ch${c}`);
  const channels = names.map((_, c) =>
    Float64Array.from({ length: TRAIN_ROWS }, (_, i) => rows[i * CHANNELS + c] as number),
  );
  const model = fitLearnedDetector(names, channels, TRAIN_ROWS, { detector });
  const scorer = new LearnedScorer(model);
  // One reused sample buffer, as a live source would fill it.
  const sample = new Float64Array(CHANNELS);
  const n = rows.length / CHANNELS;
  let best = 0;
  let alarms = 0;
  for (let rep = 0; rep < 3; rep++) {
    scorer.reset();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < CHANNELS; c++) sample[c] = rows[i * CHANNELS + c] as number;
      scorer.step(sample);
      if (scorer.lastAnomaly) alarms++;
    }
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  // Keep the loop's result observable so it cannot be optimised away.
  if (alarms < 0) throw new Error("unreachable");
  return best;
}

const bench: BenchFile = {
  name: "detect",
  async run() {
    const rows = syntheticRows(SCORE_ROWS, 7);
    return {
      detect_rows_per_s: {
        value: rowsPerSecond(rows, "pca"),
        unit: "rows/s",
        target: { op: ">=", value: 200_000 },
      },
      detect_iforest_rows_per_s: {
        value: rowsPerSecond(rows.subarray(0, 200_000 * CHANNELS), "iforest"),
        unit: "rows/s",
      },
    };
  },
};

export default bench;
