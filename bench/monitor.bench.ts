/**
 * Speed of the whole monitoring pipeline (issue 5, section 7):
 *
 * - `pipeline_samples_per_s`: raw TLM lines (bytes, in 64 KiB chunks as a port or a file read
 *   delivers them) -> framing, CRC and parse (DeviceStreamDecoder with its TlmSlot) -> host
 *   conversion (TelemetryConverter: counts to degrees, pulses to L/min) -> the monitor (twin,
 *   measured-flow twin, flow window, observer, parameter tracker, loop figures, every detector,
 *   alarms), one thread. Target >= 1,000,000 samples per second (issue 16). Measured per CPU second of the
 *   process (user + system), median of 5 rounds, as the protocol bench does (on a shared machine
 *   wall time also counts other people's work); the wall-clock rate is beside it.
 * - `monitor_samples_per_s`: the monitor alone on converted samples (for comparison).
 * - `pipeline_samples_per_s_learned`, `learned_cost_ratio`: the pipeline with the learned detector
 *   beside the twin (a model fitted on the stream's first hour, as `--learned` runs it) and that
 *   rate over the rate without it (issue 17: >= 0.8), measured interleaved (see
 *   interleavedPipelines); `learned_alarms_nominal_6h`: its alarms on this nominal stream.
 *
 * The lines are a seeded emulated rig (plant simulator, default noise) over 6 hours at 10 Hz with
 * an operator's setpoint steps every ~15 minutes, formatted as the firmware formats them.
 */
import { performance } from "node:perf_hooks";
import { DEFAULT_RIG_CALIBRATION, EmulatedRig } from "../src/detect/evaluation/emulatedRig.js";
import { nominalSchedule } from "../src/detect/evaluation/monitorEvaluation.js";
import { LearnedBesideMonitor } from "../src/detect/learned/learnedBesideMonitor.js";
import { fitLearnedDetector, type LearnedModel } from "../src/detect/learned/learnedDetector.js";
import { carryFinite, TWIN_RESIDUAL_CHANNELS } from "../src/detect/learned/looptwinLearnedChannels.js";
import { createMonitor } from "../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../src/detect/monitor/monitorTypes.js";
import { copyRigSample, createRigSample, type RigSample } from "../src/model/rigSample.js";
import { TelemetryConverter } from "../src/model/telemetryConverter.js";
import { DeviceStreamDecoder } from "../src/protocol/deviceStream.js";
import type { BenchFile } from "./run.js";

const DURATION_S = 6 * 3600;
const CHUNK_BYTES = 64 * 1024;
const ROUNDS = 5;

interface Stream {
  readonly bytes: Uint8Array;
  readonly samples: RigSample[];
  /**
   * Setpoint changes, in sample order: each applies before the sample with its index. Walked with
   * a cursor (a Map lookup per sample was 4 % of the measured pipeline, the harness's cost, not
   * the pipeline's).
   */
  readonly steps: readonly SetpointChange[];
  readonly initial: OperatorSetpoints;
  readonly count: number;
}

interface SetpointChange {
  readonly index: number;
  readonly sp: OperatorSetpoints;
  readonly tS: number;
}

/** Walks the setpoint changes in sample order: `at(i)` is the change before sample i, if any. */
class StepCursor {
  private k = 0;
  private readonly steps: readonly SetpointChange[];

  constructor(steps: readonly SetpointChange[]) {
    this.steps = steps;
  }

  at(i: number): SetpointChange | undefined {
    const next = this.steps[this.k];
    if (next === undefined || next.index !== i) return undefined;
    this.k++;
    return next;
  }
}

function makeStream(): Stream {
  const rig = new EmulatedRig({ seed: 21, setpoints: nominalSchedule(DURATION_S, 21) });
  const n = DURATION_S * 10;
  const lines: string[] = new Array(n);
  const samples: RigSample[] = new Array(n);
  const steps: SetpointChange[] = [];
  for (let i = 0; i < n; i++) {
    const s = rig.next((sp, tS) => steps.push({ index: i, sp: { ...sp }, tS }));
    lines[i] = rig.tlmLine();
    samples[i] = copyRigSample(s, createRigSample());
  }
  return {
    bytes: new TextEncoder().encode(`${lines.join("\n")}\n`),
    samples,
    steps,
    initial: rig.initialSetpoints,
    count: n,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/**
 * A learned model as `looptwin detect --save-model` fits one on this rig: the twin's residuals of
 * the stream's first hour.
 */
function learnedModel(st: Stream): LearnedModel {
  const monitor = createMonitor();
  monitor.setSetpoints(st.initial, 0);
  const rows = 3600 * 10;
  const cols = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const steps = new StepCursor(st.steps);
  for (let i = 0; i < rows; i++) {
    const step = steps.at(i);
    if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
    monitor.step(st.samples[i] as RigSample);
    const o = monitor.output;
    (cols[0] as Float64Array)[i] = o.resTHotK;
    (cols[1] as Float64Array)[i] = o.resTColdK;
    (cols[2] as Float64Array)[i] = o.resFlowLpm;
  }
  for (const c of cols) carryFinite(c);
  return fitLearnedDetector([...TWIN_RESIDUAL_CHANNELS], cols, rows);
}

/** The whole pipeline over one stream, fed chunk by chunk; `raised` counts the alarms raised. */
interface Pipeline {
  readonly decoder: DeviceStreamDecoder;
  /** Samples decoded so far. */
  samples(): number;
  raised(): number;
}

/** A fresh pipeline (with the learned detector beside the twin when `learned` is given). */
function makePipeline(st: Stream, learned?: LearnedModel): Pipeline {
  const monitor =
    learned === undefined ? createMonitor() : new LearnedBesideMonitor(createMonitor(), learned);
  const converter = new TelemetryConverter(DEFAULT_RIG_CALIBRATION);
  const sample = createRigSample();
  monitor.setSetpoints(st.initial, 0);
  let i = 0;
  let raised = 0;
  const steps = new StepCursor(st.steps);
  const decoder = new DeviceStreamDecoder({
    onTlm: (tlm) => {
      const step = steps.at(i);
      if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
      i++;
      const events = monitor.step(converter.convert(tlm, sample));
      for (let k = 0; k < events.length; k++) if (events[k]?.type === "raised") raised++;
    },
  });
  return { decoder, samples: () => i, raised: () => raised };
}

function checkDecodedAll(st: Stream, p: Pipeline): void {
  if (p.samples() !== st.count) throw new Error(`pipeline decoded ${p.samples()} of ${st.count} samples`);
}

/** One pass of the whole pipeline (with the learned detector beside the twin when `learned` is given); returns [cpu rate, wall rate, alarms raised]. */
function pipeline(st: Stream, learned?: LearnedModel): [number, number, number] {
  const p = makePipeline(st, learned);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let at = 0; at < st.bytes.length; at += CHUNK_BYTES)
    p.decoder.push(st.bytes.subarray(at, at + CHUNK_BYTES));
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  checkDecodedAll(st, p);
  return [st.count / ((cpu.user + cpu.system) / 1e6), st.count / wallS, p.raised()];
}

function cpuSecondsSince(cpu0: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1e6;
}

/**
 * One pass of the pipeline with the learned detector and one without, interleaved chunk by chunk
 * (each 64 KiB chunk to one, then to the other, the order swapped every chunk), each timed in CPU
 * seconds: the machine's load over these few milliseconds falls on both alike, where over whole
 * passes a neighbour's burst could fall on one of them (on a loaded 2-core machine whole passes
 * alternated gave ratios from 0.74 to 1.26 for the same code). Returns [rate with, rate without,
 * alarms raised with].
 */
function interleavedPipelines(st: Stream, learned: LearnedModel): [number, number, number] {
  const withLearned = makePipeline(st, learned);
  const without = makePipeline(st);
  let withS = 0;
  let withoutS = 0;
  let swap = false;
  for (let at = 0; at < st.bytes.length; at += CHUNK_BYTES) {
    const chunk = st.bytes.subarray(at, at + CHUNK_BYTES);
    for (let k = 0; k < 2; k++) {
      const p = (k === 0) === swap ? without : withLearned;
      const cpu0 = process.cpuUsage();
      p.decoder.push(chunk);
      if (p === withLearned) withS += cpuSecondsSince(cpu0);
      else withoutS += cpuSecondsSince(cpu0);
    }
    swap = !swap;
  }
  checkDecodedAll(st, withLearned);
  checkDecodedAll(st, without);
  return [st.count / withS, st.count / withoutS, withLearned.raised()];
}

function monitorOnly(st: Stream): number {
  const monitor = createMonitor();
  monitor.setSetpoints(st.initial, 0);
  const steps = new StepCursor(st.steps);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < st.count; i++) {
    const step = steps.at(i);
    if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
    monitor.step(st.samples[i] as RigSample);
  }
  const cpu = process.cpuUsage(cpu0);
  return st.count / ((cpu.user + cpu.system) / 1e6);
}

const bench: BenchFile = {
  name: "monitor",
  async run() {
    const st = makeStream();
    pipeline(st); // warm-up
    const cpuRates: number[] = [];
    const wallRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const [cpuRate, wallRate, raised] = pipeline(st);
      if (raised !== 0) throw new Error(`the nominal bench stream raised ${raised} alarm(s)`);
      cpuRates.push(cpuRate);
      wallRates.push(wallRate);
    }
    const monitorRates: number[] = [];
    for (let r = 0; r < 3; r++) monitorRates.push(monitorOnly(st));
    // With the learned detector beside the twin (--learned) and without it, interleaved chunk by
    // chunk so that the machine's load falls on both alike; the ratio is what issue 17 bounds
    // (>= 0.8), the median of the rounds' ratios.
    const model = learnedModel(st);
    const withRates: number[] = [];
    const ratios: number[] = [];
    let learnedRaised = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const [withRate, withoutRate, raised] = interleavedPipelines(st, model);
      learnedRaised = raised;
      withRates.push(withRate);
      ratios.push(withRate / withoutRate);
    }
    return {
      pipeline_samples_per_s: {
        value: Math.round(median(cpuRates)),
        unit: "samples/cpu-s",
        target: { op: ">=", value: 1_000_000 },
      },
      pipeline_samples_per_s_wall: { value: Math.round(median(wallRates)), unit: "samples/s" },
      monitor_samples_per_s: { value: Math.round(median(monitorRates)), unit: "samples/cpu-s" },
      pipeline_samples_per_s_learned: { value: Math.round(median(withRates)), unit: "samples/cpu-s" },
      learned_cost_ratio: {
        value: Number(median(ratios).toFixed(3)),
        unit: "with/without",
        target: { op: ">=", value: 0.8 },
      },
      learned_alarms_nominal_6h: { value: learnedRaised, unit: "alarms" },
    };
  },
};

export default bench;
