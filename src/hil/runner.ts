/**
 * Runs one scenario on one target: opens a session, sets the operator's setpoints, warms a real
 * rig up when the scenario starts `steady`, carries out the steps (at a scenario time, or when a
 * condition holds), feeds every sample to the monitor (twin, residuals, detectors, alarms) and
 * keeps what it observed; then judges the expectations.
 *
 * As the dashboard does (docs/design.md 2.4): the twin follows the operator's setpoints, never the
 * injector's deviation; where the device overrides the setpoints for a reason it reports (SAFE
 * after heartbeat loss, the interlock, a reboot), the twin follows the applied duties until the
 * setpoints are sent again. The runner owns the heartbeat (PING every 500 ms) so a scenario can
 * stop it. On every way out (end, failure, timeout, abort) it sends SAFE (which also clears holds)
 * before closing.
 */
import type { AlarmEvent } from "../detect/alarms/alarmManager.js";
import type { Monitor } from "../detect/monitor/monitorTypes.js";
import { createOperatingPoint, setOperatingPointFromDuties } from "../model/loopModel.js";
import { type LoopParams, makeLoopParams } from "../model/loopParams.js";
import { createRigSample, type RigSample, TLM_FLAGS } from "../model/rigSample.js";
import { loopSteadyState } from "../model/steadyState.js";
import type { SensorCalibration } from "../model/telemetryConverter.js";
import { eventFields } from "../protocol/format.js";
import type { PwmChannel } from "../protocol/messages.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";
import { NakError, type RigCommand, type RigEvent, type RigSource } from "../rig/source/rigSource.js";
import type { TimerHandle } from "../rig/source/scheduler.js";
import {
  describeCondition,
  SteadyWatch,
  signalConditionHolds,
  timelineConditionMetAt,
} from "./conditions.js";
import { fmtS, judgeExpectations, type Verdict } from "./expectations.js";
import {
  type FaultInterval,
  type Observation,
  type OpenAlarmView,
  SignalHistory,
  type StepOutcome,
} from "./observations.js";
import { copySample, fillSignalRow } from "./sampleRow.js";
import {
  type Condition,
  LINK_COUNTERS,
  type LinkCounter,
  type Scenario,
  type Step,
  type StepAction,
} from "./scenario.js";
import { type PlantTruth, SIGNAL_INDEX } from "./signals.js";
import { scenarioSkipReason, stepSkipReason, unavailableSignals } from "./targetSupport.js";
import type { HilTarget, TargetSession } from "./targets/target.js";

/** What a monitor factory gets to build the twin and detectors of one run. */
export interface MonitorContext {
  /** The rig's loop parameters (the twin's nominal model). */
  readonly params: LoopParams;
  readonly calibration: SensorCalibration;
  readonly hasAmbientProbe: boolean;
  readonly rateHz: number;
  readonly seed: number;
}

export type MonitorFactory = (context: MonitorContext) => Monitor;

export interface ScenarioRunOptions {
  readonly target: HilTarget;
  readonly monitorFactory: MonitorFactory;
  /** Loop parameters of the rig before the scenario's `rig.params` (a rig config). @default defaults */
  readonly baseParams?: Readonly<Record<string, number>>;
  /** Recording sink (the suite opens one per scenario with `--out`). */
  readonly record?: RecordSink;
  /** Called once the session's clock exists (a recording's clock follows it). */
  readonly onClock?: (nowMs: () => number) => void;
  /** Outer abort (Ctrl-C, SIGHUP, the suite's timeout). */
  readonly signal?: AbortSignal;
  /** Wall seconds a single command step may take. @default 15 */
  readonly stepTimeoutS?: number;
  /** Progress, about once per scenario second of a real-time run (or per tick on virtual time). */
  readonly onProgress?: (p: RunProgress) => void;
}

export interface RunProgress {
  readonly scenario: string;
  readonly phase: "connecting" | "warm-up" | "running" | "stopping";
  /** Scenario time [s] (warm-up: seconds warmed so far). */
  readonly tS: number;
  readonly durationS: number;
  readonly alarms: number;
}

export type ScenarioStatus = "passed" | "failed" | "skipped" | "error";

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly target: string;
  readonly status: ScenarioStatus;
  /** Why it failed, errored or was skipped (one line); empty when it passed. */
  readonly reason: string;
  readonly verdicts: readonly Verdict[];
  readonly steps: readonly StepOutcome[];
  readonly timeline: readonly Observation[];
  readonly history: SignalHistory;
  readonly faults: readonly FaultInterval[];
  /** Scenario seconds covered. */
  readonly rigS: number;
  readonly wallS: number;
  readonly linkCounters: Readonly<Record<LinkCounter, number>>;
  readonly deviceStats?: Readonly<Record<string, number>>;
}

const HEARTBEAT_MS = 500;
/** Time slice of `at` waits [ms]; `wait_until` checks every sample and resumes within a tick. */
const AT_TICK_MS = 1000;
const WAIT_TICK_MS = 100;
/** Dead-man hold of a physical injection, and its renewal period [ms] (as the dashboard's). */
const DEADMAN_MS = 3000;
const DEADMAN_RENEW_MS = 1000;
/** Longest slice of device time the in-process emulator hands over at once [s]. */
const VIRTUAL_CHUNK_S = 0.5;
/** Scenario seconds the link may stay down before the run gives up. */
const LINK_LOST_LIMIT_S = 60;
/** Wall time between yields to the event loop on virtual time [ms] (signals, timeouts). */
const YIELD_EVERY_MS = 25;

class StepFailure extends Error {}

/** A physical injection in force. */
interface Injection {
  readonly fault: FaultInterval;
  readonly channel: PwmChannel;
  readonly duty: number;
  timer: TimerHandle | null;
}

/** Runs one scenario; never throws (errors become a result with status `error`). */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioResult> {
  return new ScenarioRun(scenario, options).run();
}

/** Loop parameters of a scenario on a rig with `base` parameters. */
export function scenarioParams(scenario: Scenario, base: Readonly<Record<string, number>> = {}): LoopParams {
  return makeLoopParams({ ...base, ...scenario.rig.params }, `${scenario.file}: rig.params.`);
}

/** Steady state of the loop at the scenario's initial setpoints (the emulator's start). */
export function initialSteadyState(
  scenario: Scenario,
  params: LoopParams,
): { tHotC: number; tColdC: number } | undefined {
  const op = createOperatingPoint(params);
  const sp = scenario.setpoints;
  setOperatingPointFromDuties(params, sp.pump, sp.heater, sp.fan, params.T_amb, op);
  const ss = loopSteadyState(params, op);
  return ss.ok ? ss.value : undefined;
}

class ScenarioRun {
  private readonly scenario: Scenario;
  private readonly options: ScenarioRunOptions;
  private readonly target: HilTarget;
  private readonly params: LoopParams;
  private readonly timeline: Observation[] = [];
  private readonly history = new SignalHistory();
  private readonly row = new Float64Array(SignalHistory.STRIDE);
  private readonly faults: FaultInterval[] = [];
  private readonly endLabelled = new Set<FaultInterval>();
  private readonly outcomes: StepOutcome[] = [];
  private readonly stepTimeoutMs: number;
  private readonly truth: PlantTruth = { tHotC: NaN, tColdC: NaN, flowLpm: NaN, uaRatio: NaN, qInW: NaN };
  private readonly scn: RigSample = createRigSample();

  private session: TargetSession | null = null;
  private source: RigSource | null = null;
  private monitor: Monitor | null = null;
  private abort!: AbortSignal;
  /** Clock time of scenario t = 0 [ms]; NaN before the run starts. */
  private originMs = Number.NaN;
  /** Rig time of scenario t = 0 [s]; NaN until known. */
  private rigAtOriginS = Number.NaN;
  private lastSampleS = Number.NaN;
  /** Scenario time of the latest step carried out. */
  private lastStepS = 0;
  private lastFlags = 0;
  private readonly setpoints: Record<PwmChannel, number>;
  /** Physical injections in force, per channel, with their dead-man renewal timer. */
  private readonly injections = new Map<PwmChannel, Injection>();
  private readonly emuFaults: FaultInterval[] = [];
  private heartbeatOn = true;
  private heartbeatTimer: TimerHandle | null = null;
  /** Why the setpoints must be sent again (null: they need not). */
  private resendWhy: string | null = null;
  private following = false;
  private lastDiagnosis = "";
  private alarmCount = 0;
  /** Set by the sample handler when the armed `wait_until` condition holds. */
  private armed: {
    condition: Condition;
    sinceIndex: number;
    metAtS: number;
    steady: SteadyWatch | null;
  } | null = null;
  private lastYieldWall = 0;
  /** Scenario time the link went down (NaN while it is up). */
  private linkDownSinceS = Number.NaN;
  private lastProgressWall = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(scenario: Scenario, options: ScenarioRunOptions) {
    this.scenario = scenario;
    this.options = options;
    this.target = options.target;
    this.params = scenarioParams(scenario, options.baseParams);
    this.stepTimeoutMs = (options.stepTimeoutS ?? 15) * 1000;
    this.setpoints = { ...scenario.setpoints };
  }

  async run(): Promise<ScenarioResult> {
    const wall0 = performance.now();
    const sc = this.scenario;
    const skip = scenarioSkipReason(sc, this.target);
    if (skip !== undefined)
      return this.result("skipped", `skipped on ${this.target.name}: ${skip}`, [], wall0, 0);

    const timeoutS = sc.timeoutS ?? this.defaultTimeoutS();
    const timeout = AbortSignal.timeout(timeoutS * 1000);
    this.abort = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    let status: ScenarioStatus = "passed";
    let reason = "";
    let endS = 0;
    try {
      this.progress("connecting", 0);
      await this.connect();
      await this.warmUp();
      this.originMs = this.clockMs();
      const zero = this.session?.rigZeroClockMs?.();
      if (zero !== undefined && Number.isFinite(zero)) this.rigAtOriginS = (this.originMs - zero) / 1000;
      this.note(`scenario ${sc.name} starts on ${this.target.name}`);
      const stepsOk = await this.runSteps();
      if (stepsOk) await this.advanceTo(sc.durationS, null);
      endS = this.nowS();
      const failedStep = this.outcomes.find((o) => o.status === "failed");
      if (failedStep !== undefined) {
        status = "failed";
        reason = `step ${failedStep.name} (line ${failedStep.line}) failed: ${failedStep.detail}`;
      }
    } catch (e) {
      endS = Number.isFinite(this.originMs) ? this.nowS() : 0;
      status = "error";
      reason = this.abort?.aborted ? this.abortReason(timeoutS) : errorText(e);
    } finally {
      await this.shutdown();
    }
    for (const s of sc.steps) {
      if (!this.outcomes.some((o) => o.name === s.name))
        this.outcomes.push({
          name: s.name,
          line: s.line,
          status: "not_reached",
          tS: Number.NaN,
          detail: "not reached",
        });
    }
    for (const f of this.faults) {
      if (!(f.endS <= endS)) f.endS = endS;
      this.writeEndLabel(f);
    }
    // Observations arrive slightly out of order (an EVT stamped with its sample, a note after it).
    this.timeline.sort((a, b) => a.tS - b.tS);
    const verdicts =
      status === "error" && this.history.length === 0
        ? []
        : judgeExpectations(sc.expectations, {
            steps: this.outcomes,
            endS,
            timeline: this.timeline,
            history: this.history,
            linkCounters: this.linkCounters(),
            faults: this.faults,
            unavailable: unavailableSignals(this.target),
          });
    const failed = verdicts.filter((v) => v.status === "failed");
    if (status === "passed" && failed.length > 0) {
      status = "failed";
      reason = failed.map((v) => `${v.name}: expected ${v.expected}; observed ${v.observed}`).join(" | ");
    } else if (status !== "passed" && failed.length > 0) {
      reason += ` | ${failed.length} expectation(s) failed`;
    }
    if (status === "passed" && verdicts.every((v) => v.status === "skipped")) {
      status = "skipped";
      reason = `every expectation was skipped on ${this.target.name}`;
    }
    return this.result(status, reason, verdicts, wall0, endS);
  }

  private result(
    status: ScenarioStatus,
    reason: string,
    verdicts: readonly Verdict[],
    wall0: number,
    endS: number,
  ): ScenarioResult {
    const stats = this.session?.deviceStats?.();
    return {
      scenario: this.scenario,
      target: this.target.name,
      status,
      reason,
      verdicts,
      steps: this.outcomes,
      timeline: this.timeline,
      history: this.history,
      faults: this.faults,
      rigS: endS,
      wallS: (performance.now() - wall0) / 1000,
      linkCounters: this.linkCounters(),
      ...(stats !== undefined ? { deviceStats: stats } : {}),
    };
  }

  private defaultTimeoutS(): number {
    const sc = this.scenario;
    const c = this.target.capabilities;
    if (c.virtualTime) return 120 + sc.durationS / (c.minSpeed ?? 50);
    const warm = sc.rig.start === "steady" && !c.presetState ? sc.rig.warmupTimeoutS : 0;
    return 120 + 1.5 * (sc.durationS + warm);
  }

  private abortReason(timeoutS: number): string {
    const outer = this.options.signal;
    if (outer?.aborted) return `aborted: ${errorText(outer.reason)}`;
    return `scenario timeout: not done after ${timeoutS} s of wall time`;
  }

  // ------------------------------------------------------------------ session

  private async connect(): Promise<void> {
    const sc = this.scenario;
    const initialState =
      sc.rig.start === "steady" && this.target.capabilities.presetState
        ? initialSteadyState(sc, this.params)
        : undefined;
    this.session = await this.target.open({
      scenario: sc,
      params: this.params,
      ...(initialState !== undefined ? { initialState } : {}),
      ...(this.options.record !== undefined ? { record: this.options.record } : {}),
      signal: this.abort,
    });
    const clock = this.session.clock;
    this.options.onClock?.(() => clock.nowMs());
    this.source = this.session.source;
    this.monitor = this.options.monitorFactory({
      params: this.params,
      calibration: this.session.calibration,
      hasAmbientProbe: sc.rig.ambientProbe,
      rateHz: sc.rig.rateHz,
      seed: sc.seed,
    });
    this.unsubscribe = this.source.subscribe((e) => this.onEvent(e));
    this.startHeartbeat();
    await this.sendSetpoints("initial setpoints");
  }

  private async shutdown(): Promise<void> {
    this.progress("stopping", this.nowS());
    // No more renewals: the injections end with the SAFE below (or by their dead-man holds).
    for (const inj of this.injections.values()) {
      if (inj.timer !== null) this.session?.clock.scheduler.clearTimer(inj.timer);
      inj.timer = null;
    }
    const src = this.source;
    if (src !== null && this.session !== null) {
      // Leave the rig safe whatever happened: SAFE also clears every hold.
      const cleanup = AbortSignal.timeout(5000);
      try {
        if (src.state === "CONNECTED") await this.settle(src.send({ type: "SAFE" }), cleanup, 4000);
      } catch {
        // The report says what went wrong before; a rig that cannot be reached cannot be made safe.
      }
    }
    this.stopHeartbeat();
    this.unsubscribe?.();
    this.unsubscribe = null;
    try {
      await this.session?.close();
    } catch {
      // Closing is best effort.
    }
  }

  private clockMs(): number {
    return this.session?.clock.nowMs() ?? 0;
  }

  /** Scenario time now [s]. */
  private nowS(): number {
    return (this.clockMs() - this.originMs) / 1000;
  }

  /**
   * Scenario time of an arriving message (EVT lines carry no time). On virtual time the host reads
   * a whole chunk of device time at once, so the clock is late: the latest sample's time, or the
   * latest step's when that came after it (what a step causes cannot precede it), is closer.
   */
  private eventS(): number {
    if (!Number.isFinite(this.originMs)) return 0;
    if (this.target.capabilities.virtualTime && Number.isFinite(this.lastSampleS))
      return Math.max(this.lastSampleS, this.lastStepS, this.nowS() - VIRTUAL_CHUNK_S);
    return this.nowS();
  }

  // ------------------------------------------------------------------ time

  /**
   * Lets time run to scenario time `toS`, in ticks; between ticks it re-sends setpoints when the
   * device lost them, reports progress and yields. Returns true as soon as `stop()` holds.
   */
  private async advanceTo(toS: number, stop: (() => boolean) | null): Promise<boolean> {
    const clock = this.session?.clock;
    if (clock === undefined) return false;
    const endMs = this.originMs + toS * 1000;
    const tick = stop !== null ? WAIT_TICK_MS : AT_TICK_MS;
    for (;;) {
      if (this.abort.aborted) throw new Error("aborted");
      if (stop?.()) return true;
      const now = clock.nowMs();
      if (now >= endMs) return false;
      await clock.runUntil(Math.min(endMs, now + tick), this.abort);
      await this.service();
    }
  }

  private async service(): Promise<void> {
    const state = this.source?.state;
    if (state === "CONNECTED") this.linkDownSinceS = Number.NaN;
    else if (Number.isNaN(this.linkDownSinceS)) this.linkDownSinceS = this.nowS();
    else if (this.nowS() - this.linkDownSinceS > LINK_LOST_LIMIT_S)
      throw new Error(
        `the link has been ${state} since ${fmtS(this.linkDownSinceS)} (over ${LINK_LOST_LIMIT_S} s): the run cannot go on`,
      );
    if (this.resendWhy !== null && this.source?.state === "CONNECTED" && this.heartbeatOn) {
      const why = this.resendWhy;
      this.resendWhy = null;
      try {
        await this.sendSetpoints(why);
      } catch (e) {
        this.note(`re-sending setpoints after ${why} failed: ${errorText(e)}`);
        this.resendWhy = why;
      }
    }
    const wall = performance.now();
    if (wall - this.lastProgressWall >= 1000) {
      this.lastProgressWall = wall;
      this.progress("running", this.nowS());
    }
    if (this.target.capabilities.virtualTime && wall - this.lastYieldWall >= YIELD_EVERY_MS) {
      this.lastYieldWall = wall;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Awaits a command's answer while letting time run (on virtual time nothing else moves it). */
  /**
   * Awaits a command's answer. On virtual time nothing else moves the clock, so this lets device
   * time run in small slices until the answer (or the source's own ACK timeout and retries) comes;
   * on a real clock it just waits. Either way at most `wallMs` of wall time, and never past `signal`.
   */
  private async settle(p: Promise<void>, signal: AbortSignal, wallMs: number): Promise<void> {
    const clock = this.session?.clock;
    let done = false;
    const tracked = p.then(
      () => {
        done = true;
      },
      (e: unknown) => {
        done = true;
        throw e;
      },
    );
    tracked.catch(() => {});
    await Promise.resolve();
    if (clock !== undefined && !this.target.capabilities.virtualTime) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stop = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new StepFailure(`no answer within ${wallMs / 1000} s of wall time`)),
          wallMs,
        );
        onAbort = () => reject(new StepFailure(`no answer: ${errorText(signal.reason)}`));
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      });
      stop.catch(() => {});
      try {
        await Promise.race([tracked, stop]);
      } finally {
        clearTimeout(timer);
        if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
      }
      return;
    }
    const wallEnd = performance.now() + wallMs;
    while (!done && clock !== undefined) {
      if (signal.aborted) throw new StepFailure(`no answer: ${errorText(signal.reason)}`);
      if (performance.now() > wallEnd)
        throw new StepFailure(`no answer within ${wallMs / 1000} s of wall time`);
      await clock.runUntil(clock.nowMs() + 20, signal);
      if (!done) await new Promise<void>((r) => setImmediate(r));
    }
    await tracked;
  }

  private async command(cmd: RigCommand): Promise<void> {
    const src = this.source;
    if (src === null) throw new StepFailure("no connection");
    await this.settle(src.send(cmd), this.abort, this.stepTimeoutMs);
  }

  // ------------------------------------------------------------------ heartbeat and setpoints

  private startHeartbeat(): void {
    const sched = this.session?.clock.scheduler;
    if (sched === undefined) return;
    const beat = (): void => {
      this.heartbeatTimer = sched.setTimer(beat, HEARTBEAT_MS);
      if (this.heartbeatOn && this.source?.state === "CONNECTED")
        this.source.send({ type: "PING" }).catch(() => {});
    };
    this.heartbeatTimer = sched.setTimer(beat, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    const sched = this.session?.clock.scheduler;
    if (sched !== undefined && this.heartbeatTimer !== null) sched.clearTimer(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** PWM (no hold) for every channel, then the twin follows the setpoints again. */
  private async sendSetpoints(why: string): Promise<void> {
    for (const ch of ["pump", "heater", "fan"] as const) {
      await this.command({ type: "PWM", channel: ch, duty: this.setpoints[ch], holdMs: null });
      this.endInjection(ch, "setpoint sent");
    }
    const tS = Number.isFinite(this.originMs) ? this.nowS() : 0;
    this.monitor?.setSetpoints(
      { pumpDuty: this.setpoints.pump, heaterDuty: this.setpoints.heater, fanDuty: this.setpoints.fan },
      tS,
    );
    if (this.following) {
      this.monitor?.followApplied(false);
      this.following = false;
    }
    if (Number.isFinite(this.originMs))
      this.note(
        `setpoints pump ${this.setpoints.pump}, heater ${this.setpoints.heater}, fan ${this.setpoints.fan} (${why})`,
      );
  }

  /** The device overrode the setpoints for a reason it reports: the twin follows what it applies. */
  private followApplied(why: string): void {
    if (!this.following) {
      this.following = true;
      this.monitor?.followApplied(true);
      this.note(`twin follows the applied duties (${why})`);
    }
  }

  // ------------------------------------------------------------------ warm-up

  /** A `start: steady` scenario on a rig that cannot be preset: run the setpoints until steady. */
  private async warmUp(): Promise<void> {
    const sc = this.scenario;
    if (sc.rig.start !== "steady" || this.target.capabilities.presetState) return;
    const clock = this.session?.clock;
    if (clock === undefined) return;
    const t0 = clock.nowMs();
    const steady = new SteadyWatch(0.05, 120);
    const unsub = this.source?.subscribe((e) => {
      if (e.kind === "sample") steady.push(e.sample.tS, e.sample.tHotC, e.sample.tColdC);
    });
    try {
      while (!steady.steady) {
        if (this.abort.aborted) throw new Error("aborted");
        const warmedS = (clock.nowMs() - t0) / 1000;
        if (warmedS > sc.rig.warmupTimeoutS)
          throw new Error(
            `warm-up: not steady after ${sc.rig.warmupTimeoutS} s (${steady.describe()}); raise rig.warmup_timeout`,
          );
        this.progress("warm-up", warmedS);
        await clock.runUntil(clock.nowMs() + AT_TICK_MS, this.abort);
      }
    } finally {
      unsub?.();
    }
  }

  // ------------------------------------------------------------------ steps

  /** Runs the steps in order; false when one could not be reached (a wait timed out). */
  private async runSteps(): Promise<boolean> {
    for (const step of this.scenario.steps) {
      const skip = stepSkipReason(step, this.target);
      if (skip !== undefined) {
        if (step.trigger.kind === "at") await this.advanceTo(step.trigger.tS, null);
        this.outcome(step, "skipped", Number.NaN, skip);
        continue;
      }
      if (step.trigger.kind === "at") {
        await this.advanceTo(step.trigger.tS, null);
      } else {
        const { condition, timeoutS } = step.trigger;
        const startS = this.nowS();
        this.arm(condition);
        const limitS = Math.min(startS + timeoutS, this.scenario.durationS);
        const met = await this.advanceTo(limitS, () => Number.isFinite(this.armed?.metAtS ?? Number.NaN));
        const armed = this.armed;
        this.armed = null;
        if (!met) {
          const why = `${describeCondition(condition)} not met within ${fmtS(limitS - startS)} (waited from ${fmtS(startS)}; ${this.lastValueText(condition)})`;
          this.outcome(step, "failed", Number.NaN, why);
          return false;
        }
        this.note(`${step.name}: ${describeCondition(condition)} at ${fmtS(armed?.metAtS ?? this.nowS())}`);
      }
      await this.perform(step);
    }
    return true;
  }

  private outcome(step: Step, status: StepOutcome["status"], tS: number, detail: string): void {
    this.outcomes.push({ name: step.name, line: step.line, status, tS, detail });
    this.timeline.push({
      kind: "step",
      tS: Number.isFinite(tS) ? tS : this.eventS(),
      name: step.name,
      status,
      text: detail,
    });
    this.options.record?.write({
      type: "note",
      atMs: this.options.record.atMs(),
      text: `step ${step.name} ${status}: ${detail}`,
    });
  }

  private async perform(step: Step): Promise<void> {
    const tS = this.nowS();
    this.lastStepS = tS;
    const a = step.action;
    try {
      const text = await this.act(a, tS, step);
      if (step.expectNak !== undefined)
        throw new StepFailure(`expected NAK ${step.expectNak}, the device acknowledged`);
      this.outcome(step, "done", tS, text);
    } catch (e) {
      if (e instanceof NakError && step.expectNak !== undefined && e.reason === step.expectNak) {
        this.outcome(step, "done", tS, `NAK ${e.reason}, as expected`);
        return;
      }
      if (this.abort.aborted) throw e;
      this.outcome(step, "failed", tS, errorText(e));
    }
  }

  /** Carries out one action at scenario time `tS`; returns what was done. */
  private async act(a: StepAction, tS: number, step: Step): Promise<string> {
    switch (a.kind) {
      case "setpoints": {
        Object.assign(this.setpoints, a.duties);
        for (const [ch, duty] of Object.entries(a.duties) as [PwmChannel, number][]) {
          await this.command({ type: "PWM", channel: ch, duty, holdMs: null });
          this.endInjection(ch, "setpoint sent");
        }
        this.monitor?.setSetpoints(
          { pumpDuty: this.setpoints.pump, heaterDuty: this.setpoints.heater, fanDuty: this.setpoints.fan },
          tS,
        );
        if (this.following) {
          this.monitor?.followApplied(false);
          this.following = false;
        }
        return `setpoints ${dutyText(a.duties)}`;
      }
      case "inject": {
        const first = Math.min(a.holdMs, DEADMAN_MS);
        await this.command({ type: "PWM", channel: a.channel, duty: a.duty, holdMs: first });
        const text = `${a.channel} PWM ${a.duty} for ${a.holdMs / 1000} s under a ${DEADMAN_MS} ms dead-man hold renewed every ${DEADMAN_RENEW_MS} ms (setpoint ${this.setpoints[a.channel]})`;
        this.endInjection(a.channel, "replaced");
        const f: FaultInterval = { kind: a.fault, text, startS: tS, endS: tS + a.holdMs / 1000 };
        const inj: Injection = { fault: f, channel: a.channel, duty: a.duty, timer: null };
        this.injections.set(a.channel, inj);
        this.scheduleRenewal(inj);
        this.addFault(f, "injector");
        return `injected ${a.fault}: ${text}`;
      }
      case "restore": {
        const channels = a.channel !== undefined ? [a.channel] : [...this.injections.keys()];
        for (const ch of channels) {
          await this.command({ type: "PWM", channel: ch, duty: this.setpoints[ch], holdMs: null });
          this.endInjection(ch, "restored");
        }
        return channels.length === 0
          ? "nothing injected to restore"
          : `restored ${channels.join(", ")} to the setpoint`;
      }
      case "emu":
      case "link": {
        const inject = this.session?.injectFault;
        if (inject !== undefined) await inject.call(this.session, a.spec);
        else await this.command({ type: "EMU", faultSpec: a.text });
        const s = a.spec;
        const startS = tS + s.startS;
        const endS = a.spec.kind === "device_reboot" && !Number.isFinite(s.endS) ? startS + 1 : tS + s.endS;
        const f: FaultInterval = { kind: s.kind, text: a.text, startS, endS };
        this.emuFaults.push(f);
        this.addFault(f, "emulator");
        return `EMU ${a.text}`;
      }
      case "emu_clear": {
        const inject = this.session?.injectFault;
        if (inject !== undefined) await inject.call(this.session, "clear");
        else await this.command({ type: "EMU", faultSpec: "clear" });
        for (const f of this.emuFaults) if (f.endS > tS) this.endFault(f, Math.max(tS, f.startS));
        return "EMU clear: every emulator fault ended";
      }
      case "heartbeat":
        this.heartbeatOn = a.on;
        if (a.on) {
          await this.command({ type: "PING" });
          await this.sendSetpoints("heartbeat back");
        }
        return a.on ? "heartbeat on (PING every 500 ms), setpoints sent again" : "heartbeat off (no PING)";
      case "safe":
        await this.command({ type: "SAFE" });
        this.endAllInjections("SAFE");
        this.followApplied("SAFE sent");
        return "SAFE sent";
      case "info":
        await this.command({ type: "INFO" });
        return "INFO sent";
      case "rate":
        await this.command({ type: "RATE", rateHz: a.hz });
        return `telemetry at ${a.hz} Hz`;
      case "acknowledge": {
        const m = this.monitor;
        if (m === null) return "no monitor";
        const before = m.openAlarms();
        const causes = a.cause !== undefined ? [a.cause] : before.map((x) => x.cause);
        const acked: string[] = [];
        for (const c of causes) {
          const ev = m.acknowledge(tS, c);
          if (ev !== undefined) {
            acked.push(c);
            this.onAlarm(ev);
          }
        }
        // Monitor.acknowledge returns one event: an alarm the acknowledgement also cleared (its
        // condition had returned) shows only as gone from the open alarms.
        const still = new Set(m.openAlarms().map((x) => x.alarmId));
        for (const x of before) {
          if (still.has(x.alarmId) || !acked.includes(x.cause)) continue;
          this.onAlarm({
            type: "cleared",
            alarmId: x.alarmId,
            tS,
            cause: x.cause,
            severity: x.severity,
            level: x.level,
            diagnosis: x.diagnosis,
            evidence: x.evidence,
            raisedAtS: x.raisedAtS,
            durationS: tS - x.raisedAtS,
            peakLevel: x.peakLevel,
            acknowledged: true,
          });
        }
        return acked.length === 0 ? "no open alarm to acknowledge" : `acknowledged ${acked.join(", ")}`;
      }
      case "note":
        this.note(a.text);
        return a.text;
      case "mark":
        return `${step.name} reached`;
    }
  }

  // ------------------------------------------------------------------ ground truth

  private addFault(f: FaultInterval, by: "injector" | "emulator"): void {
    this.faults.push(f);
    this.timeline.push({ kind: "label", tS: f.startS, action: "start", fault: `${f.kind} (${f.text})` });
    this.options.record?.write({
      type: "label",
      atMs: this.options.record.atMs(),
      tS: f.startS,
      action: "start",
      fault: f.text,
      by: by === "injector" ? "injector" : "scenario",
    });
  }

  private endFault(f: FaultInterval, tS: number): void {
    if (tS >= f.endS) return;
    f.endS = tS;
    this.writeEndLabel(f);
  }

  /** The `end` label of a fault, once (at its end time, whatever ended it). */
  private writeEndLabel(f: FaultInterval): void {
    if (this.endLabelled.has(f)) return;
    this.endLabelled.add(f);
    const tS = f.endS;
    this.timeline.push({ kind: "label", tS, action: "end", fault: `${f.kind} (${f.text})` });
    this.options.record?.write({
      type: "label",
      atMs: this.options.record.atMs(),
      tS,
      action: "end",
      fault: f.text,
      by: "scenario",
    });
  }

  /**
   * Renews the injection's dead-man hold every second, as the dashboard does: the device reverts
   * by itself within DEADMAN_MS if the runner stops; the last hold ends the injection on time.
   */
  private scheduleRenewal(inj: Injection): void {
    const sched = this.session?.clock.scheduler;
    if (sched === undefined) return;
    inj.timer = sched.setTimer(() => {
      inj.timer = null;
      if (this.injections.get(inj.channel) !== inj) return;
      const leftMs = Math.round((inj.fault.endS - this.nowS()) * 1000);
      if (leftMs <= 0) return;
      this.source
        ?.send({ type: "PWM", channel: inj.channel, duty: inj.duty, holdMs: Math.min(leftMs, DEADMAN_MS) })
        .catch((e: unknown) => this.note(`renewing the ${inj.channel} hold failed: ${errorText(e)}`));
      if (leftMs > DEADMAN_MS) this.scheduleRenewal(inj);
    }, DEADMAN_RENEW_MS);
  }

  private endInjection(ch: PwmChannel, _why: string): void {
    const inj = this.injections.get(ch);
    if (inj === undefined) return;
    this.injections.delete(ch);
    if (inj.timer !== null) this.session?.clock.scheduler.clearTimer(inj.timer);
    inj.timer = null;
    if (Number.isFinite(this.originMs)) this.endFault(inj.fault, Math.max(inj.fault.startS, this.eventS()));
  }

  private endAllInjections(why: string): void {
    for (const ch of [...this.injections.keys()]) this.endInjection(ch, why);
  }

  // ------------------------------------------------------------------ events

  private onEvent(e: RigEvent): void {
    if (!Number.isFinite(this.originMs)) {
      return;
    }
    switch (e.kind) {
      case "sample":
        this.onSample(e.sample);
        return;
      case "device_event": {
        const [code, detail] = eventFields(e.event);
        const tS = this.eventS();
        this.timeline.push({ kind: "device_event", tS, code, detail });
        switch (e.event.code) {
          case "HB_LOST":
            this.endAllInjections("heartbeat lost");
            this.followApplied("device SAFE after heartbeat loss");
            if (this.heartbeatOn) this.resendWhy = "heartbeat loss";
            break;
          case "OVERTEMP":
            this.endInjection("heater", "interlock");
            this.endInjection("pump", "interlock");
            this.followApplied("over-temperature interlock");
            break;
          case "HOLD_EXPIRED":
            this.endInjection(e.event.channel, "hold expired");
            break;
          case "BOOT":
            this.endAllInjections("reboot");
            this.followApplied("device rebooted");
            this.resendWhy = "device reboot";
            break;
          default:
            break;
        }
        this.checkArmedOnTimeline();
        return;
      }
      case "gap": {
        if (!Number.isFinite(this.rigAtOriginS)) return;
        const fromS = e.fromTS - this.rigAtOriginS;
        const toS = e.toTS - this.rigAtOriginS;
        this.timeline.push({ kind: "gap", tS: fromS, toS, reason: e.reason, lostSamples: e.lostSamples });
        this.monitor?.markGap(fromS, toS);
        this.checkArmedOnTimeline();
        return;
      }
      case "link":
        this.timeline.push({ kind: "link", tS: this.nowS(), state: e.state, reason: e.reason });
        if (e.state === "CONNECTED" && e.reason !== "opened") {
          this.followApplied("link back");
          this.resendWhy = `link ${e.reason}`;
        }
        return;
      case "hello":
        this.timeline.push({
          kind: "hello",
          tS: this.nowS(),
          reboot: e.reboot,
          text: `${e.hello.fwName} ${e.hello.fwVersion} on ${e.hello.board} (${e.hello.uid})`,
        });
        return;
    }
  }

  private onSample(s: RigSample): void {
    if (!Number.isFinite(this.rigAtOriginS)) this.rigAtOriginS = s.tS - this.nowS();
    const tS = s.tS - this.rigAtOriginS;
    const scn = copySample(s, this.scn);
    scn.tS = tS;
    this.lastSampleS = tS;
    const m = this.monitor;
    if (m !== null) {
      const events = m.step(scn);
      for (let i = 0; i < events.length; i++) this.onAlarm(events[i] as AlarmEvent);
      const d = m.output.diagnosis;
      if (d !== this.lastDiagnosis) {
        this.lastDiagnosis = d;
        const open: OpenAlarmView[] = m.openAlarms().map((a) => ({
          alarmId: a.alarmId,
          cause: a.cause,
          severity: a.severity,
          diagnosis: a.diagnosis,
          raisedAtS: a.raisedAtS,
        }));
        this.timeline.push({ kind: "diagnosis", tS, text: d, open });
      }
    }
    const readTruth = this.session?.readTruth;
    if (readTruth !== undefined) readTruth.call(this.session, this.truth);
    fillSignalRow(this.row, tS, scn, m?.output, readTruth !== undefined ? this.truth : undefined);
    this.history.append(this.row);
    const rec = this.options.record;
    if (rec !== undefined && m !== null) {
      const o = m.output;
      const atMs = rec.atMs();
      rec.write({
        type: "twin",
        atMs,
        tS,
        values: { tHotC: o.predTHotC, tColdC: o.predTColdC, flowLpm: o.predFlowLpm },
      });
      rec.write({
        type: "residual",
        atMs,
        tS,
        values: { tHotK: o.resTHotK, tColdK: o.resTColdK, flowLpm: o.resFlowLpm, score: o.score },
      });
    }
    // A device in SAFE that said nothing (its HB_LOST line was lost with the link): the flags tell.
    const hb = TLM_FLAGS.heartbeatLost;
    if ((s.flags & hb) !== 0 && (this.lastFlags & hb) === 0) {
      this.endAllInjections("heartbeat lost (flags)");
      this.followApplied("device reports heartbeat lost");
      if (this.heartbeatOn) this.resendWhy = "heartbeat loss (TLM flags)";
    }
    this.lastFlags = s.flags;
    if (this.armed !== null && !Number.isFinite(this.armed.metAtS)) this.checkArmedOnSample(tS, scn);
  }

  private onAlarm(ev: AlarmEvent): void {
    this.timeline.push({ kind: "alarm", tS: ev.tS, event: ev });
    if (ev.type === "raised") this.alarmCount++;
    const rec = this.options.record;
    if (rec !== undefined) {
      rec.write({
        type: "alarm",
        atMs: rec.atMs(),
        tS: ev.tS,
        source: ev.cause,
        // An escalation or a new diagnosis: the alarm is still raised, now with this diagnosis.
        state: ev.type === "escalated" || ev.type === "rediagnosed" ? "raised" : ev.type,
        ...(ev.diagnosis !== "" ? { diagnosis: ev.diagnosis } : {}),
        score: ev.level,
        message: `${ev.type} ${ev.severity}${ev.evidence.length > 0 ? `: ${ev.evidence.join("; ")}` : ""}`,
      });
    }
    if (this.armed !== null && !Number.isFinite(this.armed.metAtS)) this.checkArmedOnTimeline();
  }

  // ------------------------------------------------------------------ conditions

  private checkArmedOnSample(tS: number, s: RigSample): void {
    const a = this.armed;
    if (a === null) return;
    const c = a.condition;
    if (c.kind === "signal") {
      if (signalConditionHolds(c, this.row[1 + SIGNAL_INDEX[c.signal]] as number)) a.metAtS = tS;
    } else if (c.kind === "steady" && a.steady !== null) {
      a.steady.push(tS, s.tHotC, s.tColdC);
      if (a.steady.steady) a.metAtS = tS;
    }
  }

  private checkArmedOnTimeline(): void {
    const a = this.armed;
    if (a === null || Number.isFinite(a.metAtS)) return;
    a.metAtS = timelineConditionMetAt(a.condition, this.timeline, a.sinceIndex);
    a.sinceIndex = this.timeline.length;
  }

  /** Arms a `wait_until`; a steady watch starts from the history already there. */
  private arm(condition: Condition): void {
    let steady: SteadyWatch | null = null;
    if (condition.kind === "steady") {
      steady = new SteadyWatch(condition.maxRateKPerMin, condition.forS);
      const h = this.history;
      const n = h.length;
      const from = n === 0 ? 0 : h.firstAtOrAfter(h.timeS(n - 1) - condition.forS - 2);
      for (let i = from; i < n; i++)
        steady.push(h.timeS(i), h.value(SIGNAL_INDEX.t_hot_c, i), h.value(SIGNAL_INDEX.t_cold_c, i));
    }
    this.armed = { condition, sinceIndex: this.timeline.length, metAtS: Number.NaN, steady };
    if (steady?.steady) this.armed.metAtS = this.lastSampleS;
    this.checkArmedOnTimeline();
  }

  private lastValueText(c: Condition): string {
    if (c.kind === "signal") {
      const n = this.history.length;
      if (n === 0) return "no sample";
      return `last ${c.signal} = ${this.history.value(SIGNAL_INDEX[c.signal], n - 1).toFixed(3)} at ${fmtS(this.history.timeS(n - 1))}`;
    }
    return `${this.history.length} samples seen`;
  }

  // ------------------------------------------------------------------ reporting

  private note(text: string): void {
    const tS = Number.isFinite(this.originMs) ? this.nowS() : 0;
    this.timeline.push({ kind: "note", tS, text });
    this.options.record?.write({ type: "note", atMs: this.options.record.atMs(), text });
  }

  private progress(phase: RunProgress["phase"], tS: number): void {
    this.options.onProgress?.({
      scenario: this.scenario.name,
      phase,
      tS,
      durationS: this.scenario.durationS,
      alarms: this.alarmCount,
    });
  }

  private linkCounters(): Record<LinkCounter, number> {
    const out = Object.fromEntries(LINK_COUNTERS.map((k) => [k, 0])) as Record<LinkCounter, number>;
    const src = this.source;
    if (src === null) return out;
    const st = src.stats();
    out.crc_errors = st.stream.crc_errors;
    out.malformed = st.stream.malformed;
    out.seq_gaps = st.stream.seq_gaps;
    out.lost_samples = st.stream.lost_samples;
    out.reboots = st.stream.reboots;
    out.gaps = st.gaps;
    out.reconnects = st.reconnects;
    out.retries = st.commands.retries;
    out.timeouts = st.commands.timeouts;
    out.naks = st.commands.naks;
    return out;
  }
}

function dutyText(d: Readonly<Partial<Record<PwmChannel, number>>>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

function errorText(e: unknown): string {
  if (e instanceof Error)
    return e.name === "Error" || e instanceof StepFailure ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}
