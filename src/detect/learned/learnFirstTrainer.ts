/**
 * `--learn-first S` (issue 17 part 2): the learned detector trained on the first S seconds of a
 * live session instead of a saved model. The trainer collects the live channel values
 * (learnedBesideMonitor.ts fills them, as for a saved model) from the session's first sample on,
 * and at the first sample S seconds after it fits the learned detector on them
 * ({@link fitLearnedDetector}, the same fit as `looptwin detect`); from then on the model scores.
 *
 * The first {@link LEARN_SETTLE_S} seconds are not learned from: the twin aligns on the
 * measurements over its first 2 s and the host's flow estimate needs its 2 s window, so the
 * residuals start with a transient of several band widths that no later nominal sample repeats.
 * Learned from, it sets the training maximum (the threshold) far above the nominal spread: on a
 * 900 s nominal run at 10 Hz the first half second scored 3.1 and every sample after 30 s below
 * 0.013, so a threshold there hides everything short of a stopped pump.
 *
 * The span must be nominal: the trainer counts the monitor's alarms raised while it learns, so a
 * display can say that the model learned a fault. Rows are kept in growing arrays (doubling; no
 * allocation on most samples, none after training).
 */
import { ConfigError } from "../../core/errors.js";
import { fitLearnedDetector, type LearnedDetectorOptions, type LearnedModel } from "./learnedDetector.js";
import { TWIN_RESIDUAL_CHANNELS } from "./looptwinLearnedChannels.js";

/** Seconds at the start of the span that are not learned from (see the module comment). */
export const LEARN_SETTLE_S = 5;
/** The shortest span [s]: at least 5 s learned after the settling time. */
export const MIN_LEARN_FIRST_S = 10;
/** Rows reserved per second of span before the arrays first grow (the default telemetry rate), at most 2^20 in all (29 h). */
const INITIAL_ROWS_PER_S = 10;

/** The trainer's state, for a display: learning, scoring with a model, or failed (the detector is off). */
export type LearnFirstState =
  | { readonly kind: "learning"; readonly learnedS: number; readonly spanS: number }
  | { readonly kind: "trained"; readonly model: LearnedModel; readonly monitorAlarms: number }
  | { readonly kind: "failed"; readonly reason: string };

/**
 * Checks `--learn-first` (or a scenario's `learn_first`): a number of seconds of at least
 * {@link MIN_LEARN_FIRST_S}; a ConfigError naming `field` otherwise.
 */
export function checkLearnFirstS(spanS: number, field = "--learn-first"): number {
  if (!(Number.isFinite(spanS) && spanS > 0))
    throw new ConfigError(field, spanS, "must be a positive number of seconds");
  if (spanS < MIN_LEARN_FIRST_S)
    throw new ConfigError(
      field,
      spanS,
      `must be at least ${MIN_LEARN_FIRST_S} s (the first ${LEARN_SETTLE_S} s, while the twin aligns and the flow window fills, are not learned from)`,
    );
  return spanS;
}

/** Collects a session's first seconds and fits the learned detector on them; see the module comment. */
export class LearnFirstTrainer {
  readonly spanS: number;
  readonly channelNames: readonly string[];
  private readonly options: Partial<LearnedDetectorOptions>;
  private columns: Float64Array[];
  private rows = 0;
  private startS = Number.NaN;
  private lastS = Number.NaN;
  private monitorAlarms = 0;
  private model: LearnedModel | null = null;
  private failure: string | null = null;

  /**
   * @param spanS the seconds to learn from the first sample on (checked by {@link checkLearnFirstS})
   * @param channelNames the live channels to learn (learnedBesideMonitor.ts `LIVE_LEARNED_CHANNELS`);
   *   by default the twin's residuals, as `looptwin detect` on looptwin data
   */
  constructor(
    spanS: number,
    channelNames: readonly string[] = TWIN_RESIDUAL_CHANNELS,
    options: Partial<LearnedDetectorOptions> = {},
  ) {
    this.spanS = checkLearnFirstS(spanS);
    if (channelNames.length === 0) throw new ConfigError("channels", channelNames, "need at least one");
    this.channelNames = [...channelNames];
    this.options = options;
    const capacity = Math.min(Math.ceil(spanS * INITIAL_ROWS_PER_S), 1_048_576) + 16;
    this.columns = this.channelNames.map(() => new Float64Array(capacity));
  }

  /** Where training stands at the last sample. */
  state(): LearnFirstState {
    if (this.model !== null) return { kind: "trained", model: this.model, monitorAlarms: this.monitorAlarms };
    if (this.failure !== null) return { kind: "failed", reason: this.failure };
    const learnedS = Number.isNaN(this.startS) ? 0 : Math.min(this.lastS - this.startS, this.spanS);
    return { kind: "learning", learnedS, spanS: this.spanS };
  }

  /** The fitted model, once trained. */
  get trained(): LearnedModel | null {
    return this.model;
  }

  /** True until the model is fitted or fitting failed. */
  get learning(): boolean {
    return this.model === null && this.failure === null;
  }

  /** The monitor raised an alarm while the trainer was learning (the span was not nominal). */
  countMonitorAlarm(): void {
    if (this.learning) this.monitorAlarms++;
  }

  /**
   * One sample's channel values (in {@link channelNames} order) at rig time `tS`; `learnable`
   * false (the twin realigning after a gap) counts its time but does not learn from it. At the
   * first sample `spanS` after the first one, fits the model; returns true on that sample only.
   */
  push(tS: number, values: ArrayLike<number>, learnable = true): boolean {
    if (!this.learning || !Number.isFinite(tS)) return false;
    if (Number.isNaN(this.startS)) this.startS = tS;
    this.lastS = tS;
    const sinceS = tS - this.startS;
    if (sinceS >= this.spanS) {
      this.fit();
      return true;
    }
    if (sinceS < LEARN_SETTLE_S || !learnable) return false;
    if (this.rows === (this.columns[0] as Float64Array).length) this.grow();
    const cols = this.columns;
    for (let c = 0; c < cols.length; c++) (cols[c] as Float64Array)[this.rows] = values[c] as number;
    this.rows++;
    return false;
  }

  private grow(): void {
    this.columns = this.columns.map((col) => {
      const bigger = new Float64Array(col.length * 2);
      bigger.set(col);
      return bigger;
    });
  }

  private fit(): void {
    const rows = this.rows;
    try {
      this.model = fitLearnedDetector(
        this.channelNames,
        this.columns.map((c) => c.subarray(0, rows)),
        rows,
        this.options,
      );
    } catch (e) {
      this.failure = `${rows} samples in ${this.spanS - LEARN_SETTLE_S} s could not be learned: ${(e as Error).message}`;
    }
    // The rows are no longer needed.
    this.columns = this.columns.map(() => new Float64Array(0));
  }
}
