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
import { hasLearnedDetector } from "../detect/learned/learnedBesideMonitor.js";
import type { Monitor } from "../detect/monitor/monitorTypes.js";
import type { FaultSpec } from "../model/faultSpec.js";
import type { LoopParams } from "../model/loopParams.js";
import { createRigSample, type RigSample, TLM_FLAGS } from "../model/rigSample.js";
import type { PwmChannel } from "../protocol/messages.js";
import { AbortedError, isNakError } from "../rig/source/rigErrors.js";
import type { RigCommand, RigEvent, RigSource } from "../rig/source/rigSource.js";
import { acknowledgeAlarms } from "./alarmAcknowledgement.js";
import { describeCondition } from "./conditions.js";
import { DeviceOverrides } from "./deviceOverrides.js";
import { fmtS, type Verdict } from "./expectations.js";
import { FaultLabels } from "./faultLabels.js";
import { Heartbeat } from "./heartbeat.js";
import { errorText, RunAbandoned, StepFailure } from "./hilErrors.js";
import { type FaultInterval, type Observation, SignalHistory, type StepOutcome } from "./observations.js";
import { DEADMAN_MS, DEADMAN_RENEW_MS, PhysicalInjections } from "./physicalInjections.js";
import { defaultRunTimeoutS, RunClock } from "./runClock.js";
import { RunLog } from "./runLog.js";
import type { RunProgress, ScenarioResult, ScenarioRunOptions, ScenarioStatus } from "./runTypes.js";
import { judgeRun, linkCountersOf } from "./runVerdict.js";
import { copySample, fillSignalRow } from "./sampleRow.js";
import type { Scenario, Step, StepAction } from "./scenario.js";
import { initialSteadyState, scenarioParams } from "./scenarioPlant.js";
import { SetpointFollowing } from "./setpointFollowing.js";
import type { PlantTruth } from "./signals.js";
import { scenarioSkipReason, stepSkipReason, unavailableSignals } from "./targetSupport.js";
import type { HilTarget, TargetSession } from "./targets/target.js";
import { WaitCondition } from "./waitCondition.js";
import { warmUpToSteady } from "./warmUp.js";

export type {
  MonitorContext,
  MonitorFactory,
  RunProgress,
  ScenarioResult,
  ScenarioRunOptions,
  ScenarioStatus,
} from "./runTypes.js";
export { initialSteadyState, scenarioParams } from "./scenarioPlant.js";

/** Time slice of `at` waits [ms]; `wait_until` checks every sample and resumes within a tick. */
const AT_TICK_MS = 1000;
const WAIT_TICK_MS = 100;
/** Scenario seconds the link may stay down before the run gives up. */
const LINK_LOST_LIMIT_S = 60;
/** Wall time between yields to the event loop on virtual time [ms] (signals, timeouts). */
const YIELD_EVERY_MS = 25;

/** Runs one scenario; never throws (errors become a result with status `error`). */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioResult> {
  return new ScenarioRun(scenario, options).run();
}

class ScenarioRun {
  private readonly scenario: Scenario;
  private readonly options: ScenarioRunOptions;
  private readonly target: HilTarget;
  private readonly params: LoopParams;
  private readonly timeline: Observation[] = [];
  private readonly history = new SignalHistory();
  private readonly row = new Float64Array(SignalHistory.STRIDE);
  private readonly outcomes: StepOutcome[] = [];
  private readonly stepTimeoutMs: number;
  private readonly truth: PlantTruth = { tHotC: NaN, tColdC: NaN, flowLpm: NaN, uaRatio: NaN, qInW: NaN };
  private readonly scn: RigSample = createRigSample();
  /** Scenario time and waiting for answers (runClock.ts). */
  private readonly clock: RunClock;
  /** The ground truth: every injected fault's labels (faultLabels.ts). */
  private readonly labels: FaultLabels;
  /** Physical injections in force with their dead-man holds (physicalInjections.ts). */
  private readonly injections: PhysicalInjections;
  private readonly heartbeat = new Heartbeat();
  /** The `wait_until` condition in progress (waitCondition.ts). */
  private readonly wait: WaitCondition;

  private session: TargetSession | null = null;
  private source: RigSource | null = null;
  private monitor: Monitor | null = null;
  private abort!: AbortSignal;
  /** Rig time of scenario t = 0 [s]; NaN until known. */
  private rigAtOriginS = Number.NaN;
  private lastFlags = 0;
  /** The operator's setpoints and what the twin follows (setpointFollowing.ts). */
  private readonly setpoints: SetpointFollowing;
  /** What the run does when the device takes over from the operator (deviceOverrides.ts). */
  private readonly overrides: DeviceOverrides;
  /** The timeline and the recording (runLog.ts). */
  private readonly log: RunLog;
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
    this.setpoints = new SetpointFollowing(
      scenario.setpoints,
      () => this.monitor,
      (t) => this.note(t),
    );
    this.clock = new RunClock(this.target.capabilities.virtualTime === true);
    this.labels = new FaultLabels(this.timeline, options.record);
    this.log = new RunLog(this.timeline, options.record);
    this.injections = new PhysicalInjections(
      this.clock,
      this.labels,
      () => this.source,
      (t) => this.note(t),
    );
    this.wait = new WaitCondition(this.timeline, this.history);
    this.overrides = new DeviceOverrides(this.injections, this.setpoints, this.heartbeat);
  }

  async run(): Promise<ScenarioResult> {
    const wall0 = performance.now();
    const sc = this.scenario;
    const skip = scenarioSkipReason(sc, this.target);
    if (skip !== undefined)
      return this.result("skipped", `skipped on ${this.target.name}: ${skip}`, [], wall0, 0);

    const timeoutS = sc.timeoutS ?? defaultRunTimeoutS(sc, this.target.capabilities);
    const timeout = AbortSignal.timeout(timeoutS * 1000);
    this.abort = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    let status: ScenarioStatus = "passed";
    let reason = "";
    let endS = 0;
    try {
      this.progress("connecting", 0);
      await this.connect();
      await this.warmUp();
      this.clock.originMs = this.clock.nowMs();
      const zero = this.session?.rigZeroClockMs?.();
      if (zero !== undefined && Number.isFinite(zero))
        this.rigAtOriginS = (this.clock.originMs - zero) / 1000;
      this.note(`scenario ${sc.name} starts on ${this.target.name}`);
      const stepsOk = await this.runSteps();
      if (stepsOk) await this.advanceTo(sc.durationS, null);
      endS = this.clock.nowS();
      const failedStep = this.outcomes.find((o) => o.status === "failed");
      if (failedStep !== undefined) {
        status = "failed";
        reason = `step ${failedStep.name} (line ${failedStep.line}) failed: ${failedStep.detail}`;
      }
    } catch (e) {
      endS = this.clock.nowOrZeroS();
      status = "error";
      reason = this.abort?.aborted ? this.abortReason(timeoutS) : errorText(e);
    } finally {
      await this.shutdown();
    }
    this.labels.closeAll(endS);
    const judged = judgeRun({
      scenario: sc,
      targetName: this.target.name,
      status,
      reason,
      outcomes: this.outcomes,
      timeline: this.timeline,
      history: this.history,
      faults: this.labels.faults,
      linkCounters: linkCountersOf(this.source),
      unavailable: unavailableSignals(this.target),
      endS,
      learnedRan: this.monitor !== null && hasLearnedDetector(this.monitor),
    });
    const verdicts = judged.verdicts;
    ({ status, reason } = judged);
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
      faults: this.labels.faults,
      rigS: endS,
      wallS: (performance.now() - wall0) / 1000,
      linkCounters: linkCountersOf(this.source),
      ...(stats !== undefined ? { deviceStats: stats } : {}),
    };
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
    this.clock.attach(clock);
    this.options.onClock?.(() => clock.nowMs());
    this.source = this.session.source;
    this.monitor = this.options.monitorFactory({
      params: this.params,
      calibration: this.session.calibration,
      hasAmbientProbe: sc.rig.ambientProbe,
      rateHz: sc.rig.rateHz,
      seed: sc.seed,
      ...(sc.learned !== undefined ? { learnFirstS: sc.learned.learnFirstS } : {}),
    });
    this.unsubscribe = this.source.subscribe((e) => this.onEvent(e));
    this.heartbeat.start(clock.scheduler, this.source);
    await this.sendSetpoints("initial setpoints");
  }

  private async shutdown(): Promise<void> {
    this.progress("stopping", this.clock.nowS());
    // No more renewals: the injections end with the SAFE below (or by their dead-man holds).
    this.injections.stopRenewing();
    const src = this.source;
    if (src !== null && this.session !== null) {
      // Leave the rig safe whatever happened: SAFE also clears every hold.
      const cleanup = AbortSignal.timeout(5000);
      try {
        if (src.state === "CONNECTED") await this.clock.settle(src.send({ type: "SAFE" }), cleanup, 4000);
      } catch {
        // The report says what went wrong before; a rig that cannot be reached cannot be made safe.
      }
    }
    this.heartbeat.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    try {
      await this.session?.close();
    } catch {
      // Closing is best effort.
    }
  }

  // ------------------------------------------------------------------ time

  /**
   * Lets time run to scenario time `toS`, in ticks; between ticks it re-sends setpoints when the
   * device lost them, reports progress and yields. Returns true as soon as `stop()` holds.
   */
  private async advanceTo(toS: number, stop: (() => boolean) | null): Promise<boolean> {
    const clock = this.session?.clock;
    if (clock === undefined) return false;
    const endMs = this.clock.originMs + toS * 1000;
    const tick = stop !== null ? WAIT_TICK_MS : AT_TICK_MS;
    for (;;) {
      if (this.abort.aborted) throw new AbortedError("scenario run", { cause: this.abort.reason });
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
    else if (Number.isNaN(this.linkDownSinceS)) this.linkDownSinceS = this.clock.nowS();
    else if (this.clock.nowS() - this.linkDownSinceS > LINK_LOST_LIMIT_S)
      throw new RunAbandoned(
        `the link has been ${state} since ${fmtS(this.linkDownSinceS)} (over ${LINK_LOST_LIMIT_S} s): the run cannot go on`,
        { state, downSinceS: this.linkDownSinceS },
      );
    const why = this.setpoints.resendWhy;
    if (why !== null && this.source?.state === "CONNECTED" && this.heartbeat.on) {
      this.setpoints.resendWhy = null;
      try {
        await this.sendSetpoints(why);
      } catch (e) {
        this.note(`re-sending setpoints after ${why} failed: ${errorText(e)}`);
        this.setpoints.resendWhy = why;
      }
    }
    const wall = performance.now();
    if (wall - this.lastProgressWall >= 1000) {
      this.lastProgressWall = wall;
      this.progress("running", this.clock.nowS());
    }
    if (this.target.capabilities.virtualTime && wall - this.lastYieldWall >= YIELD_EVERY_MS) {
      this.lastYieldWall = wall;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  private async command(cmd: RigCommand): Promise<void> {
    const src = this.source;
    if (src === null) throw new StepFailure("no connection");
    await this.clock.settle(src.send(cmd), this.abort, this.stepTimeoutMs);
  }

  // ------------------------------------------------------------------ setpoints

  /** PWM (no hold) for every channel, then the twin follows the setpoints again. */
  private async sendSetpoints(why: string): Promise<void> {
    for (const ch of ["pump", "heater", "fan"] as const) {
      await this.command({ type: "PWM", channel: ch, duty: this.setpoints.duties[ch], holdMs: null });
      this.injections.end(ch);
    }
    this.setpoints.followSetpoints(this.clock.nowOrZeroS());
    if (this.clock.started) this.note(`setpoints ${this.setpoints.text()} (${why})`);
  }

  // ------------------------------------------------------------------ warm-up

  /** A `start: steady` scenario on a rig that cannot be preset: run the setpoints until steady. */
  private async warmUp(): Promise<void> {
    const sc = this.scenario;
    if (sc.rig.start !== "steady" || this.target.capabilities.presetState) return;
    const clock = this.session?.clock;
    if (clock === undefined) return;
    await warmUpToSteady(sc, clock, this.source, this.abort, (warmedS) => this.progress("warm-up", warmedS));
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
        const startS = this.clock.nowS();
        this.wait.arm(condition, this.clock.lastSampleS);
        const limitS = Math.min(startS + timeoutS, this.scenario.durationS);
        const met = await this.advanceTo(limitS, () => this.wait.met);
        const metAtS = this.wait.disarm();
        if (!met) {
          const why = `${describeCondition(condition)} not met within ${fmtS(limitS - startS)} (waited from ${fmtS(startS)}; ${this.wait.lastValueText(condition)})`;
          this.outcome(step, "failed", Number.NaN, why);
          return false;
        }
        this.note(`${step.name}: ${describeCondition(condition)} at ${fmtS(metAtS)}`);
      }
      await this.perform(step);
    }
    return true;
  }

  private outcome(step: Step, status: StepOutcome["status"], tS: number, detail: string): void {
    this.outcomes.push({ name: step.name, line: step.line, status, tS, detail });
    this.log.step(step.name, status, Number.isFinite(tS) ? tS : this.clock.eventS(), detail);
  }

  private async perform(step: Step): Promise<void> {
    const tS = this.clock.nowS();
    this.clock.lastStepS = tS;
    const a = step.action;
    try {
      const text = await this.act(a, tS, step);
      if (step.expectNak !== undefined)
        throw new StepFailure(`expected NAK ${step.expectNak}, the device acknowledged`);
      this.outcome(step, "done", tS, text);
    } catch (e) {
      if (isNakError(e) && step.expectNak !== undefined && e.reason === step.expectNak) {
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
        Object.assign(this.setpoints.duties, a.duties);
        for (const [ch, duty] of Object.entries(a.duties) as [PwmChannel, number][]) {
          await this.command({ type: "PWM", channel: ch, duty, holdMs: null });
          this.injections.end(ch);
        }
        this.setpoints.followSetpoints(tS);
        return `setpoints ${dutyText(a.duties)}`;
      }
      case "inject": {
        const first = Math.min(a.holdMs, DEADMAN_MS);
        await this.command({ type: "PWM", channel: a.channel, duty: a.duty, holdMs: first });
        const text = `${a.channel} PWM ${a.duty} for ${a.holdMs / 1000} s under a ${DEADMAN_MS} ms dead-man hold renewed every ${DEADMAN_RENEW_MS} ms (setpoint ${this.setpoints.duties[a.channel]})`;
        const f: FaultInterval = { kind: a.fault, text, startS: tS, endS: tS + a.holdMs / 1000 };
        this.injections.start(a.channel, a.duty, f);
        this.labels.add(f, "injector");
        return `injected ${a.fault}: ${text}`;
      }
      case "restore": {
        const channels = a.channel !== undefined ? [a.channel] : this.injections.channels();
        for (const ch of channels) {
          await this.command({ type: "PWM", channel: ch, duty: this.setpoints.duties[ch], holdMs: null });
          this.injections.end(ch);
        }
        return channels.length === 0
          ? "nothing injected to restore"
          : `restored ${channels.join(", ")} to the setpoint`;
      }
      case "emu":
      case "link":
        await this.sendEmulatorFault(a.spec, a.text);
        this.labels.addEmulatorFault(a.spec, a.text, tS);
        return `EMU ${a.text}`;
      case "emu_clear":
        await this.sendEmulatorFault("clear", "clear");
        this.labels.endEmulatorFaults(tS);
        return "EMU clear: every emulator fault ended";
      case "heartbeat":
        this.heartbeat.on = a.on;
        if (a.on) {
          await this.command({ type: "PING" });
          await this.sendSetpoints("heartbeat back");
        }
        return a.on ? "heartbeat on (PING every 500 ms), setpoints sent again" : "heartbeat off (no PING)";
      case "safe":
        await this.command({ type: "SAFE" });
        this.injections.endAll();
        this.setpoints.followApplied("SAFE sent");
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
        return acknowledgeAlarms(m, a.cause, tS, (ev) => this.onAlarm(ev));
      }
      case "note":
        this.note(a.text);
        return a.text;
      case "mark":
        return `${step.name} reached`;
    }
  }

  /** An emulator-only fault (or `clear`) by the target's own channel, else as an `EMU` line. */
  private async sendEmulatorFault(spec: FaultSpec | "clear", text: string): Promise<void> {
    const inject = this.session?.injectFault;
    if (inject !== undefined) await inject.call(this.session, spec);
    else await this.command({ type: "EMU", faultSpec: text });
  }

  // ------------------------------------------------------------------ events

  private onEvent(e: RigEvent): void {
    if (!this.clock.started) return;
    switch (e.kind) {
      case "sample":
        this.onSample(e.sample);
        return;
      case "device_event": {
        this.log.deviceEvent(this.clock.eventS(), e.event);
        this.overrides.event(e.event);
        this.wait.onTimeline();
        return;
      }
      case "gap": {
        if (!Number.isFinite(this.rigAtOriginS)) return;
        const fromS = e.fromTS - this.rigAtOriginS;
        const toS = e.toTS - this.rigAtOriginS;
        this.log.gap(fromS, toS, e.reason, e.lostSamples);
        this.monitor?.markGap(fromS, toS);
        this.wait.onTimeline();
        return;
      }
      case "link":
        this.log.link(this.clock.nowS(), e.state, e.reason);
        if (e.state === "CONNECTED" && e.reason !== "opened") this.overrides.linkBack(e.reason);
        return;
      case "hello":
        this.log.hello(this.clock.nowS(), e.hello, e.reboot);
        return;
    }
  }

  private onSample(s: RigSample): void {
    if (!Number.isFinite(this.rigAtOriginS)) this.rigAtOriginS = s.tS - this.clock.nowS();
    const tS = s.tS - this.rigAtOriginS;
    const scn = copySample(s, this.scn);
    scn.tS = tS;
    this.clock.lastSampleS = tS;
    const m = this.monitor;
    if (m !== null) {
      const events = m.step(scn);
      for (let i = 0; i < events.length; i++) this.onAlarm(events[i] as AlarmEvent);
      this.log.diagnosisOf(tS, m);
    }
    const readTruth = this.session?.readTruth;
    if (readTruth !== undefined) readTruth.call(this.session, this.truth);
    fillSignalRow(this.row, tS, scn, m?.output, readTruth !== undefined ? this.truth : undefined);
    this.history.append(this.row);
    if (m !== null) this.log.twin(tS, m.output);
    // A device in SAFE that said nothing (its HB_LOST line was lost with the link): the flags tell.
    const hb = TLM_FLAGS.heartbeatLost;
    if ((s.flags & hb) !== 0 && (this.lastFlags & hb) === 0) this.overrides.heartbeatLostFlag();
    this.lastFlags = s.flags;
    if (this.wait.pending) this.wait.onSample(tS, scn, this.row);
  }

  private onAlarm(ev: AlarmEvent): void {
    this.log.alarm(ev);
    if (this.wait.pending) this.wait.onTimeline();
  }

  // ------------------------------------------------------------------ reporting

  private note(text: string): void {
    this.log.note(this.clock.nowOrZeroS(), text);
  }

  private progress(phase: RunProgress["phase"], tS: number): void {
    this.options.onProgress?.({
      scenario: this.scenario.name,
      phase,
      tS,
      durationS: this.scenario.durationS,
      alarms: this.log.alarmsRaised,
    });
  }
}

function dutyText(d: Readonly<Partial<Record<PwmChannel, number>>>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}
