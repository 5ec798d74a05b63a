/**
 * The learned detector live, beside the twin's residual monitor (issue 17 part 2): a {@link Monitor}
 * that runs the residual monitor and, on each sample, a saved learned model
 * (`looptwin detect --save-model`) over the channels it was trained on, taken from the sample and
 * the twin's residuals at that sample, exactly the columns `detect` reads offline
 * (looptwinLearnedChannels.ts; a missing value carries the last finite one). The learned
 * detector's alarm is one more alarm of cause `learned` beside the monitor's, with its own alarm
 * manager (a warning: it says something is unlike the training run, not what), diagnosed
 * "learned: <channels>", the channels furthest from their training mean in training standard
 * deviations (those at least half as far as the furthest, in model order, so that the text does
 * not flip between two channels of similar size). Everything that lists alarms (dashboard, NDJSON, MQTT, HIL expectations) sees it as
 * any other alarm.
 *
 * With `--learn-first S` there is no model yet: a {@link LearnFirstTrainer} takes the channel
 * values of the session's first S seconds, fits the model at the end of them and the detector
 * scores from then on; {@link LearnedBesideMonitor.learnedStatus} says which for a display. The
 * trainer outlives the monitor (a re-tuned twin makes a new one), so a session learns once.
 */
import { ConfigError } from "../../core/errors.js";
import type { RigSample } from "../../model/rigSample.js";
import {
  type AlarmDiagnosis,
  type AlarmEvent,
  AlarmManager,
  type AlarmManagerOptions,
  type AlarmState,
} from "../alarms/alarmManager.js";
import type {
  LoopPerformanceFigures,
  Monitor,
  MonitorOutput,
  OperatorSetpoints,
} from "../monitor/monitorTypes.js";
import { type LearnedModel, LearnedScorer } from "./learnedDetector.js";
import { LEARN_SETTLE_S, LearnFirstTrainer } from "./learnFirstTrainer.js";

/** The alarm cause of the learned detector. */
export const LEARNED_CAUSE = "learned";

/** The channels a live session can give the learned detector, by their `detect` column names. */
export const LIVE_LEARNED_CHANNELS = [
  "res_t_hot_k",
  "res_t_cold_k",
  "res_flow_lpm",
  "meas_t_hot_c",
  "meas_t_cold_c",
  "meas_flow_lpm",
  "meas_t_amb_c",
] as const;

/**
 * The index into {@link LIVE_LEARNED_CHANNELS} of each of the model's channels; a ConfigError
 * naming `--learned` and the first channel a live session does not have.
 */
export function liveChannelSources(model: Pick<LearnedModel, "channelNames">): Uint8Array {
  return Uint8Array.from(model.channelNames, (name) => {
    const i = (LIVE_LEARNED_CHANNELS as readonly string[]).indexOf(name);
    if (i < 0)
      throw new ConfigError(
        "--learned",
        name,
        `is a channel a live session does not have (a model trained by looptwin detect on looptwin data: ${LIVE_LEARNED_CHANNELS.join(", ")})`,
      );
    return i;
  });
}

/**
 * Added to the learned alarm manager's alarm ids, so that they never equal the monitor's (a
 * recording and the HIL runner follow an alarm by its id).
 */
export const LEARNED_ALARM_ID_OFFSET = 1_000_000;

function learnedEvent(e: AlarmEvent): AlarmEvent;
function learnedEvent(e: AlarmEvent | undefined): AlarmEvent | undefined;
function learnedEvent(e: AlarmEvent | undefined): AlarmEvent | undefined {
  return e === undefined ? undefined : { ...e, alarmId: e.alarmId + LEARNED_ALARM_ID_OFFSET };
}

/**
 * Gaps at least this long [s] restart the twin's alignment (as the monitor's own tests restart),
 * so the learned detector waits {@link LEARN_SETTLE_S} after them as after the first sample.
 */
const LONG_GAP_S = 1;

/** The diagnosis names the channels at least this fraction of the furthest one's distance. */
const NAMED_FRACTION = 0.5;
/** The learned diagnosis is refreshed at most this often while its alarm is up [s]. */
const DIAGNOSIS_REFRESH_S = 1;

/**
 * What the learned detector is doing, for a display: learning its first seconds (`--learn-first`),
 * scoring (`score` normalised, 1 the training threshold; `alarm` its persistence decided), or off
 * because learning failed.
 */
export type LearnedStatus =
  | { readonly kind: "learning"; readonly learnedS: number; readonly spanS: number }
  | {
      readonly kind: "scoring";
      readonly score: number;
      readonly alarm: boolean;
      /** Alarms the monitor raised while a `--learn-first` model learned (0 for a saved model). */
      readonly monitorAlarmsWhileLearning: number;
    }
  | { readonly kind: "failed"; readonly reason: string };

/** The learned detector a live session runs: a saved model, or one learned on its first seconds. */
export type LiveLearnedChoice =
  | { readonly kind: "model"; readonly model: LearnedModel }
  | { readonly kind: "learn_first"; readonly spanS: number };

/** What a LearnedBesideMonitor takes for a choice: the model, or a new trainer (one per session). */
export function learnedForSession(choice: LiveLearnedChoice): LearnedModel | LearnFirstTrainer {
  return choice.kind === "model" ? choice.model : new LearnFirstTrainer(choice.spanS);
}

/** Whether a monitor runs the learned detector beside it (for displays and the HIL judge). */
export function hasLearnedDetector(monitor: Monitor): monitor is LearnedBesideMonitor {
  return monitor instanceof LearnedBesideMonitor;
}

/** The learned detector beside a residual monitor; see the module comment. */
export class LearnedBesideMonitor implements Monitor {
  /** The learned detector's normalised score at the last sample (> 1: above its threshold; NaN while learning). */
  learnedScore = 0;
  private readonly inner: Monitor;
  private scorer: LearnedScorer | null = null;
  private readonly trainer: LearnFirstTrainer | null;
  private readonly alarms: AlarmManager;
  /** The learned alarm manager's raise level (its resolved option). */
  private readonly raiseLevel: number;
  /**
   * The learned alarm is closed and the last level fed to it was below its raise level: feeding
   * it another such level would change nothing (its on-delay timer is already unset), so the
   * update, a Map lookup and two boxed doubles, is skipped on nominal samples.
   */
  private quiet = false;
  /** Index into LIVE_LEARNED_CHANNELS of each model channel. */
  private readonly source: Uint8Array;
  private readonly input: Float64Array;
  /** The model's channels are the twin's three residuals in LIVE_LEARNED_CHANNELS order (the default). */
  private readonly residualsInOrder: boolean;
  private centre: readonly number[] = [];
  private scale: readonly number[] = [];
  private readonly events: AlarmEvent[] = [];
  private diagnosisAtS = Number.NaN;
  /** The channels the open learned alarm named when it was raised (kept while it stays open). */
  private namedText = "";
  /**
   * Rig time from which the residuals have settled: {@link LEARN_SETTLE_S} after the first sample
   * and after a long gap. Before it the twin is aligning and its residuals carry a transient of
   * several band widths that no nominal sample of a training run repeats (see learnFirstTrainer.ts),
   * so the detector neither learns nor scores there (NaN: no sample yet).
   */
  private settledFromS = Number.NaN;

  /**
   * `learned`: a saved model, or the trainer of `--learn-first` (shared by the monitors of one
   * session). Throws a ConfigError naming a channel a live session does not have.
   */
  constructor(inner: Monitor, learned: LearnedModel | LearnFirstTrainer, alarm: AlarmManagerOptions = {}) {
    this.inner = inner;
    this.trainer = learned instanceof LearnFirstTrainer ? learned : null;
    this.source = liveChannelSources(learned);
    this.input = new Float64Array(learned.channelNames.length);
    this.residualsInOrder = this.source.join() === "0,1,2";
    this.alarms = new AlarmManager({ latch: "none", ...alarm });
    this.raiseLevel = this.alarms.options.raiseLevel;
    const model = learned instanceof LearnFirstTrainer ? learned.trained : learned;
    if (model !== null) this.startScoring(model);
    else this.learnedScore = Number.NaN;
  }

  /** What the learned detector is doing (allocates: for displays, not per sample). */
  learnedStatus(): LearnedStatus {
    const t = this.trainer?.state();
    if (t !== undefined && t.kind !== "trained") return t;
    return {
      kind: "scoring",
      score: this.learnedScore,
      alarm: this.scorer?.lastAnomaly ?? false,
      monitorAlarmsWhileLearning: t?.monitorAlarms ?? 0,
    };
  }

  private startScoring(model: LearnedModel): LearnedScorer {
    const scorer = new LearnedScorer(model);
    this.scorer = scorer;
    this.centre = model.features.centre;
    this.scale = model.features.scale;
    return scorer;
  }

  get output(): Readonly<MonitorOutput> {
    return this.inner.output;
  }

  setSetpoints(setpoints: OperatorSetpoints, tS: number): void {
    this.inner.setSetpoints(setpoints, tS);
  }

  markGap(fromTS: number, toTS: number): void {
    this.inner.markGap(fromTS, toTS);
    // The window features would span the gap: start them again.
    this.scorer?.reset();
    if (toTS - fromTS >= LONG_GAP_S) this.settledFromS = Math.max(this.settledFromS, toTS + LEARN_SETTLE_S);
  }

  followApplied(on: boolean): void {
    this.inner.followApplied(on);
  }

  step(sample: RigSample): readonly AlarmEvent[] {
    // The monitor's own events, returned as they are unless a learned event joins them.
    const inner = this.inner.step(sample);
    const t = sample.tS;
    if (!Number.isFinite(t)) return inner;
    if (Number.isNaN(this.settledFromS)) this.settledFromS = t + LEARN_SETTLE_S;
    const settled = t >= this.settledFromS;
    this.fillInput(sample);
    let scorer = this.scorer;
    if (scorer === null) {
      const trainer = this.trainer;
      if (trainer === null) return inner;
      for (let i = 0; i < inner.length; i++) if (inner[i]?.type === "raised") trainer.countMonitorAlarm();
      if (!trainer.push(t, this.input, settled)) return inner;
      const model = trainer.trained;
      if (model === null) return inner;
      scorer = this.startScoring(model);
    }
    if (!settled) {
      // Not scored while the twin aligns: the score is unknown and an open learned alarm may clear.
      this.learnedScore = Number.NaN;
      return this.quiet && 0 < this.raiseLevel ? inner : this.updateAlarm(inner, t, 0, undefined);
    }
    scorer.step(this.input);
    const score = scorer.lastScore;
    this.learnedScore = score;
    // The scorer's own persistence decides; the manager adds the lifecycle (hysteresis, ack).
    // Held at the raise level, never the critical one: the learned detector names no cause.
    const level = scorer.lastAnomaly ? 1 : Math.min(score, 0.99);
    let diag: AlarmDiagnosis | undefined;
    if (level >= 1 && !(t - this.diagnosisAtS < DIAGNOSIS_REFRESH_S)) {
      diag = this.diagnose();
      this.diagnosisAtS = t;
      // The channels named at the raise stay the diagnosis while the alarm is open (the evidence
      // keeps every channel's distance up to date): channels of similar distance would otherwise
      // take turns, and an alarm's diagnosis that changes every second says nothing new.
      // An alarm raised below 1 (a raise level under 1) has no channels yet: it takes these.
      if ((this.alarms.get(LEARNED_CAUSE)?.diagnosis ?? "") === "") this.namedText = diag.text;
      else diag = { ...diag, text: this.namedText };
    }
    // Tested here, not in updateAlarm: a call the compiler leaves uninlined boxes its doubles.
    return this.quiet && level < this.raiseLevel ? inner : this.updateAlarm(inner, t, level, diag);
  }

  /**
   * Feeds the learned alarm manager (when not {@link quiet} or the level reaches raising): the
   * monitor's events `inner`, with the learned event after them when there is one.
   */
  private updateAlarm(
    inner: readonly AlarmEvent[],
    t: number,
    level: number,
    diag: AlarmDiagnosis | undefined,
  ): readonly AlarmEvent[] {
    const e = learnedEvent(this.alarms.update(t, LEARNED_CAUSE, level, diag));
    // Closed after a level below raising (it was closed, or it has just cleared): either way its
    // on-delay timer is unset, as the next such update would leave it.
    this.quiet = level < this.raiseLevel && !this.alarms.isOpen(LEARNED_CAUSE);
    if (e === undefined) return inner;
    const events = this.events;
    events.length = 0;
    for (let i = 0; i < inner.length; i++) events.push(inner[i] as AlarmEvent);
    events.push(e);
    return events;
  }

  acknowledge(tS: number, cause?: string): readonly AlarmEvent[] {
    const c = cause ?? this.openAlarms().find((a) => !a.acknowledged)?.cause;
    if (c === undefined) return [];
    if (c !== LEARNED_CAUSE) return this.inner.acknowledge(tS, c);
    return this.alarms.acknowledge(tS, LEARNED_CAUSE).map((e) => learnedEvent(e));
  }

  /** The monitor's open alarms and the learned one, newest first. */
  openAlarms(): readonly AlarmState[] {
    const learned = this.alarms.openAlarms();
    if (learned.length === 0) return this.inner.openAlarms();
    for (let i = 0; i < learned.length; i++) {
      const a = learned[i] as AlarmState;
      learned[i] = { ...a, alarmId: a.alarmId + LEARNED_ALARM_ID_OFFSET };
    }
    return [...this.inner.openAlarms(), ...learned].sort((a, b) => b.raisedAtS - a.raisedAtS);
  }

  performance(): LoopPerformanceFigures {
    return this.inner.performance();
  }

  /** This sample's value of each model channel; a missing one keeps the last finite value (0 before any). */
  private fillInput(s: RigSample): void {
    const o = this.inner.output;
    const input = this.input;
    if (this.residualsInOrder) {
      // The loop below for the default channels, without a switch per channel.
      const hot = o.resTHotK;
      const cold = o.resTColdK;
      const flow = o.resFlowLpm;
      if (Number.isFinite(hot)) input[0] = hot;
      if (Number.isFinite(cold)) input[1] = cold;
      if (Number.isFinite(flow)) input[2] = flow;
      return;
    }
    for (let k = 0; k < input.length; k++) {
      let v: number;
      switch (this.source[k]) {
        case 0:
          v = o.resTHotK;
          break;
        case 1:
          v = o.resTColdK;
          break;
        case 2:
          v = o.resFlowLpm;
          break;
        case 3:
          v = s.tHotC;
          break;
        case 4:
          v = s.tColdC;
          break;
        case 5:
          v = s.flowLpm;
          break;
        default:
          v = s.tAmbC;
      }
      if (Number.isFinite(v)) input[k] = v;
    }
  }

  /** "learned: <channels>", the channels furthest from their training mean (allocates; at most once a second). */
  private diagnose(): AlarmDiagnosis {
    const names = (this.scorer as LearnedScorer).model.channelNames;
    const z = names.map((name, k) => ({
      name,
      z: ((this.input[k] as number) - (this.centre[k] as number)) / (this.scale[k] as number),
    }));
    const furthest = Math.max(...z.map((c) => Math.abs(c.z)));
    const named = z.filter((c) => Math.abs(c.z) >= NAMED_FRACTION * furthest);
    return {
      text: `learned: ${named.map((c) => c.name).join(", ")}`,
      evidence: [
        `learned score ${this.learnedScore.toFixed(2)} (1 is the training threshold)`,
        ...z.map((c) => `${c.name} ${c.z >= 0 ? "+" : ""}${c.z.toFixed(1)} sd from its training mean`),
      ],
      severity: "warning",
    };
  }
}
