import { errorText, StepFailure } from "./hilErrors.js";
import type { Scenario } from "./scenario.js";
import type { TargetCapabilities, TargetClock } from "./targets/target.js";

/** Longest slice of device time the in-process emulator hands over at once [s]. */
const VIRTUAL_CHUNK_S = 0.5;

/**
 * A scenario run's time: the session's clock, scenario time (0 when the steps start), the time
 * stamped on events that carry none, and waiting for a command's answer, which on virtual time
 * means letting device time run (nothing else moves it).
 */
export class RunClock {
  /** Clock time of scenario t = 0 [ms]; NaN before the run starts. */
  originMs = Number.NaN;
  /** Scenario time of the latest sample [s]. */
  lastSampleS = Number.NaN;
  /** Scenario time of the latest step carried out [s]. */
  lastStepS = 0;
  private clock: TargetClock | null = null;
  private readonly virtualTime: boolean;

  constructor(virtualTime: boolean) {
    this.virtualTime = virtualTime;
  }

  /** The session's clock, once connected. */
  attach(clock: TargetClock): void {
    this.clock = clock;
  }

  get session(): TargetClock | null {
    return this.clock;
  }

  /** Whether scenario time has started. */
  get started(): boolean {
    return Number.isFinite(this.originMs);
  }

  /** The session's clock [ms] (0 before it exists). */
  nowMs(): number {
    return this.clock?.nowMs() ?? 0;
  }

  /** Scenario time now [s]. */
  nowS(): number {
    return (this.nowMs() - this.originMs) / 1000;
  }

  /** Scenario time now, or 0 before it started [s]. */
  nowOrZeroS(): number {
    return this.started ? this.nowS() : 0;
  }

  /**
   * Scenario time of an arriving message (EVT lines carry no time). On virtual time the host reads
   * a whole chunk of device time at once, so the clock is late: the latest sample's time, or the
   * latest step's when that came after it (what a step causes cannot precede it), is closer.
   */
  eventS(): number {
    if (!this.started) return 0;
    if (this.virtualTime && Number.isFinite(this.lastSampleS))
      return Math.max(this.lastSampleS, this.lastStepS, this.nowS() - VIRTUAL_CHUNK_S);
    return this.nowS();
  }

  /**
   * Awaits a command's answer. On virtual time nothing else moves the clock, so this lets device
   * time run in small slices until the answer (or the source's own ACK timeout and retries) comes;
   * on a real clock it just waits. Either way at most `wallMs` of wall time, and never past `signal`.
   */
  async settle(p: Promise<void>, signal: AbortSignal, wallMs: number): Promise<void> {
    const clock = this.clock;
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
    if (clock !== null && !this.virtualTime) {
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
    while (!done && clock !== null) {
      if (signal.aborted) throw new StepFailure(`no answer: ${errorText(signal.reason)}`);
      if (performance.now() > wallEnd)
        throw new StepFailure(`no answer within ${wallMs / 1000} s of wall time`);
      await clock.runUntil(clock.nowMs() + 20, signal);
      if (!done) await new Promise<void>((r) => setImmediate(r));
    }
    await tracked;
  }
}

/**
 * The wall time a run may take by default [s]: on virtual time the scenario at the target's
 * slowest speed, on a real clock one and a half times the scenario and its warm-up; each plus
 * two minutes to connect and stop.
 */
export function defaultRunTimeoutS(sc: Scenario, c: TargetCapabilities): number {
  if (c.virtualTime) return 120 + sc.durationS / (c.minSpeed ?? 50);
  const warm = sc.rig.start === "steady" && !c.presetState ? sc.rig.warmupTimeoutS : 0;
  return 120 + 1.5 * (sc.durationS + warm);
}
