/**
 * The standalone page's run (docs/web.md "Standalone twin"): the project's plant simulator read
 * at the telemetry rate into raw TLM values and converted by the host's own converter
 * (EmulatedRig), the residual monitor (twin, residuals, detectors, alarms) beside it, and every
 * sample into the {@link PageStore}. Pure and clock-free: the page's loop (runLoop.ts) decides
 * how many samples to step per frame.
 *
 * Page time is continuous across parameter changes: a parameter change starts a new plant and a
 * new twin from the current temperatures at an offset (`segmentStartS`), faults carried over with
 * their times shifted (a fault already running restarts its ramp, and a drift its accumulation,
 * at the change; the parameters have changed anyway). The twin starts from the measurements again.
 */
import { ConfigError } from "../../src/core/errors.js";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";
import { createMonitor, type ResidualMonitor } from "../../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import { type FaultSpec, formatFaultSpec, isLinkFault, parseFaultSpec } from "../../src/model/faultSpec.js";
import { type LoopParamName, type LoopParams, makeLoopParams } from "../../src/model/loopParams.js";
import { alarmViews, fillMonitorRow } from "./monitorRow.js";
import { createStoreRow, type PageStore, type StoreRow } from "./pageStore.js";
import type { RunSpec } from "./runUrl.js";

/** Telemetry rate of the page's plant [Hz] (the firmware's default). */
export const PAGE_RATE_HZ = 10;

/** The part of `f` after page time `atS`, in the time of a segment starting at `atS` (null if over). */
function shiftFault(f: FaultSpec, atS: number): FaultSpec | null {
  if (f.endS <= atS) return null;
  if (f.startS >= atS) return { ...f, startS: f.startS - atS, endS: f.endS - atS };
  return { ...f, startS: 0, endS: f.endS - atS, rampS: Math.max(0, f.startS + f.rampS - atS) };
}

/**
 * A fault spec typed or built by a button, whose `start` and `end` count from page time `nowS`
 * (the URL's count from the run's start). Throws a one-line error naming the field.
 */
export function faultFromNow(text: string, nowS: number): FaultSpec {
  const spec = parseFaultSpec(text, "fault");
  if (isLinkFault(spec.kind))
    throw new ConfigError(
      "fault",
      spec.kind,
      "needs a serial link (looptwin serve --emulate), not the page's plant",
    );
  return { ...spec, startS: spec.startS + nowS, endS: spec.endS + nowS };
}

export class TwinRun {
  private readonly store: PageStore;
  private readonly seed: number;
  private overrides: Partial<Record<LoopParamName, number>>;
  private setpointsNow: OperatorSetpoints;
  /** Faults in page time, as injected (the URL's and the buttons'). */
  private readonly faultList: FaultSpec[] = [];
  private rig!: EmulatedRig;
  private monitor!: ResidualMonitor;
  /** Page time at which the current plant and twin started. */
  private segmentStartS = 0;
  private segments = 0;
  private samplesInSegment = 0;
  private readonly row: StoreRow = createStoreRow();
  /** One-line problems met while running (a fault the plant refused); the page shows them. */
  readonly problems: string[] = [];

  constructor(run: RunSpec, store: PageStore) {
    this.store = store;
    this.seed = run.seed;
    this.overrides = { ...run.set };
    this.setpointsNow = { pumpDuty: run.pumpDuty, heaterDuty: run.heaterDuty, fanDuty: run.fanDuty };
    store.clear();
    store.setSetpoints(this.setpointsNow);
    store.setLink({
      source: `browser twin, seed ${run.seed}`,
      state: "CONNECTED",
      firmware: "none (simulated plant)",
      recording: null,
      crcErrors: 0,
      lostSamples: 0,
      reconnects: 0,
      malformed: 0,
    });
    this.startSegment(0, true);
    for (const f of run.faults) {
      try {
        this.inject(f);
      } catch (e) {
        this.problems.push(e instanceof Error ? e.message : String(e));
      }
    }
  }

  /** Page time of the newest sample [s] (before the first: 0). */
  get tS(): number {
    return this.segmentStartS + Math.max(0, this.rig.nextTS - 1 / this.rig.rateHz);
  }

  get params(): LoopParams {
    return this.rig.params;
  }

  get setpoints(): OperatorSetpoints {
    return this.setpointsNow;
  }

  /** Faults injected so far (page time). */
  get faults(): readonly FaultSpec[] {
    return this.faultList;
  }

  /** The monitor of the current segment (for figures the store does not carry). */
  get currentMonitor(): ResidualMonitor {
    return this.monitor;
  }

  private startSegment(atS: number, steady: boolean): void {
    const base = makeLoopParams(this.overrides);
    const params = steady
      ? base
      : makeLoopParams({ ...this.overrides, T_hot0: this.rig.plant.tHotC, T_cold0: this.rig.plant.tColdC });
    const faults: FaultSpec[] = [];
    for (const f of this.faultList) {
      const shifted = shiftFault(f, atS);
      if (shifted !== null) faults.push(shifted);
    }
    this.rig = new EmulatedRig({
      params,
      seed: this.seed + this.segments,
      rateHz: PAGE_RATE_HZ,
      setpoints: [{ tS: 0, ...this.setpointsNow }],
      faults,
      steady,
    });
    this.monitor = createMonitor({ params, rateHz: PAGE_RATE_HZ });
    this.monitor.setSetpoints(this.setpointsNow, 0);
    this.segmentStartS = atS;
    this.segments++;
    this.samplesInSegment = 0;
    this.store.setOpenAlarms([]);
  }

  /** Steps `n` samples; returns the page time reached. */
  step(n: number): number {
    const store = this.store;
    const row = this.row;
    const sp = this.setpointsNow;
    const offset = this.segmentStartS;
    for (let k = 0; k < n; k++) {
      const s = this.rig.next();
      const events = this.monitor.step(s);
      fillMonitorRow(row, s, this.monitor.output, sp);
      store.addSample(offset + s.tS, row);
      if (events.length > 0) this.recordEvents(events, offset);
      this.samplesInSegment++;
    }
    return this.tS;
  }

  /**
   * Publishes the loop figures and drops ended injections from the list: once per frame, not per
   * sample (at 1000x a frame steps ~170 samples; the figures smooth over 10 s anyway).
   */
  refreshFigures(): void {
    if (this.samplesInSegment === 0) return;
    this.store.setPerformance(this.monitor.performance());
    if (this.store.injections.length > 0) this.publishInjections();
  }

  private recordEvents(events: readonly AlarmEvent[], offset: number): void {
    for (const e of events)
      this.store.addAlarmEvent({
        tS: offset + e.tS,
        type: e.type,
        severity: e.severity,
        cause: e.cause,
        diagnosis: e.diagnosis,
      });
    this.publishAlarms();
  }

  private publishAlarms(): void {
    this.store.setOpenAlarms(alarmViews(this.monitor, this.segmentStartS));
  }

  /** The operator's new setpoints, from the newest sample on (the twin is told the same). */
  setSetpoints(sp: OperatorSetpoints): void {
    this.setpointsNow = sp;
    const plant = this.rig.plant;
    plant.setInputs(sp.pumpDuty, sp.heaterDuty, sp.fanDuty, this.rig.params.T_amb);
    this.monitor.setSetpoints(sp, plant.tS);
    this.store.setSetpoints(sp);
  }

  /**
   * A loop parameter of the plant and its twin: both restart from the current temperatures with
   * the new value (ConfigError naming the parameter when out of range; nothing changes then).
   */
  setParam(name: LoopParamName, value: number): void {
    const next = { ...this.overrides, [name]: value };
    makeLoopParams(next, "set ");
    this.overrides = next;
    // The new plant's first sample is the next sample time: page time never repeats.
    this.startSegment(this.tS + 1 / PAGE_RATE_HZ, false);
  }

  /** The parameter overrides in force (`set=K=V` of the URL). */
  get paramOverrides(): Readonly<Partial<Record<LoopParamName, number>>> {
    return this.overrides;
  }

  /**
   * Injects a fault whose times are page times. The plant refuses some (a link fault, the ambient
   * channel of a rig without its probe): ConfigError, and nothing is added.
   */
  inject(spec: FaultSpec): void {
    const shifted = shiftFault(spec, this.segmentStartS);
    if (shifted === null) throw new ConfigError("fault end", spec.endS, "is already past");
    this.rig.plant.addFault(shifted);
    this.faultList.push(spec);
    const text = formatFaultSpec(spec);
    this.store.addLabel({ tS: spec.startS, action: "start", text });
    if (Number.isFinite(spec.endS)) this.store.addLabel({ tS: spec.endS, action: "end", text });
    this.publishInjections();
  }

  /** Ends every fault now (`x`): running ones end at the newest sample, future ones are dropped. */
  endFaults(): void {
    const now = this.tS;
    const kept: FaultSpec[] = [];
    for (const f of this.faultList) {
      if (f.startS >= now) continue;
      if (f.endS > now) {
        kept.push({ ...f, endS: now });
        this.store.addLabel({ tS: now, action: "end", text: formatFaultSpec(f) });
      } else kept.push(f);
    }
    this.faultList.length = 0;
    this.faultList.push(...kept);
    const plant = this.rig.plant;
    plant.clearFaults();
    for (const f of kept) {
      const shifted = shiftFault(f, this.segmentStartS);
      if (shifted !== null) plant.addFault(shifted);
    }
    this.publishInjections();
  }

  private publishInjections(): void {
    const now = this.tS;
    this.store.setInjections(this.faultList.filter((f) => f.endS > now).map((f) => formatFaultSpec(f)));
  }

  /** Acknowledges the newest open alarm (or the one of `cause`). */
  acknowledge(cause?: string): void {
    const events = this.monitor.acknowledge(this.rig.plant.tS, cause);
    if (events.length > 0) this.recordEvents(events, this.segmentStartS);
  }
}
