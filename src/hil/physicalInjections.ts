import type { PwmChannel } from "../protocol/messages.js";
import type { RigSource } from "../rig/source/rigSource.js";
import type { TimerHandle } from "../rig/source/scheduler.js";
import type { FaultLabels } from "./faultLabels.js";
import { errorText } from "./hilErrors.js";
import type { FaultInterval } from "./observations.js";
import type { RunClock } from "./runClock.js";

/** Dead-man hold of a physical injection, and its renewal period [ms] (as the dashboard's). */
export const DEADMAN_MS = 3000;
export const DEADMAN_RENEW_MS = 1000;

/** A physical injection in force. */
interface Injection {
  readonly fault: FaultInterval;
  readonly channel: PwmChannel;
  readonly duty: number;
  timer: TimerHandle | null;
}

/**
 * The runner's physical fault injections (docs/design.md 2.4): one per PWM channel, each sent
 * with a dead-man hold of {@link DEADMAN_MS} renewed every second, so the device reverts by
 * itself within 3 s if the runner stops; the last hold ends the injection on time. Ending one
 * (a setpoint sent, a restore, SAFE, a reboot, an expired hold) ends its fault label.
 */
export class PhysicalInjections {
  private readonly byChannel = new Map<PwmChannel, Injection>();
  private readonly clock: RunClock;
  private readonly labels: FaultLabels;
  private readonly source: () => RigSource | null;
  private readonly note: (text: string) => void;

  constructor(
    clock: RunClock,
    labels: FaultLabels,
    source: () => RigSource | null,
    note: (text: string) => void,
  ) {
    this.clock = clock;
    this.labels = labels;
    this.source = source;
    this.note = note;
  }

  /** The channels with an injection in force. */
  channels(): PwmChannel[] {
    return [...this.byChannel.keys()];
  }

  /** Starts keeping an injection whose first PWM (with a hold) the device acknowledged. */
  start(channel: PwmChannel, duty: number, fault: FaultInterval): void {
    this.end(channel);
    const inj: Injection = { fault, channel, duty, timer: null };
    this.byChannel.set(channel, inj);
    this.scheduleRenewal(inj);
  }

  /** The injection on `channel` is over (its fault label ends now). */
  end(channel: PwmChannel): void {
    const inj = this.byChannel.get(channel);
    if (inj === undefined) return;
    this.byChannel.delete(channel);
    this.cancelRenewal(inj);
    if (this.clock.started) this.labels.end(inj.fault, Math.max(inj.fault.startS, this.clock.eventS()));
  }

  endAll(): void {
    for (const ch of this.channels()) this.end(ch);
  }

  /** No more renewals (shutting down): the injections end with SAFE or by their holds. */
  stopRenewing(): void {
    for (const inj of this.byChannel.values()) this.cancelRenewal(inj);
  }

  private cancelRenewal(inj: Injection): void {
    if (inj.timer !== null) this.clock.session?.scheduler.clearTimer(inj.timer);
    inj.timer = null;
  }

  private scheduleRenewal(inj: Injection): void {
    const sched = this.clock.session?.scheduler;
    if (sched === undefined) return;
    inj.timer = sched.setTimer(() => {
      inj.timer = null;
      if (this.byChannel.get(inj.channel) !== inj) return;
      const leftMs = Math.round((inj.fault.endS - this.clock.nowS()) * 1000);
      if (leftMs <= 0) return;
      this.source()
        ?.send({ type: "PWM", channel: inj.channel, duty: inj.duty, holdMs: Math.min(leftMs, DEADMAN_MS) })
        .catch((e: unknown) => this.note(`renewing the ${inj.channel} hold failed: ${errorText(e)}`));
      if (leftMs > DEADMAN_MS) this.scheduleRenewal(inj);
    }, DEADMAN_RENEW_MS);
  }
}
