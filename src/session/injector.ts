/**
 * The injections in force and their dead-man holds (docs/design.md 2.4). Every physical injection
 * is a `PWM` with `hold_ms`, re-sent every `renewMs` while it lasts, so the device reverts to the
 * operator's duty by itself within `deadmanMs` if this process dies; the last hold is cut to the
 * injection's remaining time, and the operator's duty is put back explicitly when it ends. An
 * emulator fault is one `EMU` line, listed until its spec's end (or `x`).
 *
 * The session owns the link, the setpoints, the notices and the recording; it lends them through
 * {@link InjectorHost}. Separate from the session because holds and renewals change for their own
 * reasons (the device's hold semantics, the renewal timing) and are what a reviewer of rig safety
 * reads.
 */
import { ConfigError } from "../core/errors.js";
import type { OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { PwmChannel } from "../protocol/messages.js";
import type { RigCommand } from "../rig/source/rigSource.js";
import type { Scheduler, TimerHandle } from "../rig/source/scheduler.js";
import {
  describeInjection,
  type InjectionRequest,
  injectedDuty,
  injectionDurationS,
  injectionLabel,
} from "./injection.js";
import type { InjectionInForce, NoticeLevel } from "./sessionObserver.js";

/** The channels an operator sets, and the setpoint each one reads. */
export const DUTY_CHANNELS = ["pump", "heater", "fan"] as const;
export type DutyChannel = (typeof DUTY_CHANNELS)[number];
export const SETPOINT_KEY: Readonly<Record<DutyChannel, keyof OperatorSetpoints>> = {
  pump: "pumpDuty",
  heater: "heaterDuty",
  fan: "fanDuty",
};

/** What a label record and a chart marker need of an injection. */
export interface InjectionMark {
  /** Its ground-truth label (a fault spec). */
  readonly label: string;
  /** Who injected it: the harness on the real actuators, or the emulator. */
  readonly by: "injector" | "emulator";
}

interface ActiveInjection extends InjectionMark {
  readonly serial: number;
  readonly request: InjectionRequest;
  readonly startS: number;
  readonly endS: number;
  readonly channel: PwmChannel | null;
  /** Host time [ms] the injection ends (Infinity: until x). */
  readonly endHostMs: number;
  timer: TimerHandle | null;
}

/** What the injector borrows from its session. */
export interface InjectorHost {
  /** Sends a command; a refusal or a timeout is the host's notice and resolves false. */
  send(cmd: RigCommand): Promise<boolean>;
  /** The operator's setpoints now (an injection's duty is computed from them at every renewal). */
  readonly setpoints: OperatorSetpoints;
  /** Rig time of the latest sample [s]. */
  readonly latestTimeS: number;
  /** The session still listens to its source (after shutdown nothing is restored). */
  readonly listening: boolean;
  /** An injection started or ended (a chart marker and a label record). */
  mark(action: "start" | "end", injection: InjectionMark): void;
  notice(text: string, level?: NoticeLevel): void;
  /** The injections in force changed. */
  changed(): void;
}

export interface InjectorOptions {
  readonly host: InjectorHost;
  /** Host timers for the renewals (wall time, or the emulator's). */
  readonly scheduler: Scheduler;
  /** The rig is the emulator: EMU faults may be sent. */
  readonly emulator: boolean;
  /** Dead-man hold of a physical injection [ms]. @default 3000 */
  readonly deadmanMs?: number;
  /** Renewal period of the hold [ms], < deadmanMs. @default 1000 */
  readonly renewMs?: number;
}

function inForce(i: ActiveInjection): InjectionInForce {
  return { id: i.serial, text: i.label, startS: i.startS, endS: i.endS };
}

export class Injector {
  readonly deadmanMs: number;
  readonly renewMs: number;
  private readonly host: InjectorHost;
  private readonly scheduler: Scheduler;
  private readonly emulator: boolean;
  private readonly injections: ActiveInjection[] = [];
  private serial = 0;

  constructor(options: InjectorOptions) {
    this.host = options.host;
    this.scheduler = options.scheduler;
    this.emulator = options.emulator;
    this.deadmanMs = options.deadmanMs ?? 3000;
    this.renewMs = options.renewMs ?? 1000;
    if (!(this.renewMs > 0 && this.renewMs < this.deadmanMs))
      throw new ConfigError("renewMs", this.renewMs, `must be > 0 and < deadmanMs (${this.deadmanMs})`);
  }

  /** Injections in force, oldest first. */
  list(): readonly InjectionInForce[] {
    return this.injections.map(inForce);
  }

  /** Injections in force, for label records (a recording started or stopped mid-injection). */
  marks(): readonly InjectionMark[] {
    return this.injections;
  }

  /** Any injection in force (applied duties off the setpoints are then expected). */
  get active(): boolean {
    return this.injections.length > 0;
  }

  /**
   * Starts an injection (already confirmed by the operator); returns it, or null when the device
   * refused it (the reason is a notice). A physical injection replaces one on the same channel.
   */
  async start(req: InjectionRequest): Promise<InjectionInForce | null> {
    if (req.kind === "emulator" && !this.emulator)
      throw new ConfigError("fault", req.spec, "emulator-only faults need the emulator (--emulate)");
    const host = this.host;
    const target = injectedDuty(req, host.setpoints);
    const durationS = injectionDurationS(req);
    if (target !== null) {
      const previous = this.injections.find((i) => i.channel === target.channel);
      if (previous !== undefined) this.finish(previous, false);
    }
    const tS = host.latestTimeS;
    const inj: ActiveInjection = {
      serial: ++this.serial,
      request: req,
      label: injectionLabel(req),
      by: req.kind === "emulator" ? "emulator" : "injector",
      startS: tS,
      endS: tS + durationS,
      channel: target?.channel ?? null,
      endHostMs: this.scheduler.nowMs() + durationS * 1000,
      timer: null,
    };
    if (target === null) {
      if (!(await host.send({ type: "EMU", faultSpec: (req as { spec: string }).spec }))) return null;
      // EMU faults end by their own spec; keep them listed until then (or until x).
      this.injections.push(inj);
      if (Number.isFinite(durationS))
        inj.timer = this.scheduler.setTimer(() => this.finish(inj, false), durationS * 1000);
    } else {
      this.injections.push(inj);
      if (!(await this.renew(inj))) {
        this.injections.splice(this.injections.indexOf(inj), 1);
        return null;
      }
    }
    host.mark("start", inj);
    host.notice(`injected: ${describeInjection(req, host.setpoints, this.deadmanMs)}`);
    host.changed();
    return inForce(inj);
  }

  /**
   * Ends one injection now: a physical one puts the operator's duty back at once (its hold would
   * within `deadmanMs`); an emulator fault sends `EMU clear`, which ends every emulator fault (the
   * emulator clears them only all together), so every emulator injection listed ends with it.
   * Returns false when `id` is not in force.
   */
  async end(id: number): Promise<boolean> {
    const inj = this.injections.find((i) => i.serial === id);
    if (inj === undefined) return false;
    if (inj.channel !== null) {
      this.finish(inj, true);
      return true;
    }
    for (const other of [...this.injections]) if (other.channel === null) this.finish(other, false);
    return this.host.send({ type: "EMU", faultSpec: "clear" });
  }

  /** Ends every injection without restoring duties or notices (`x` and shutdown send SAFE). */
  endAllQuietly(): void {
    for (const inj of [...this.injections]) this.finish(inj, false, true);
  }

  /** Stops every renewal (shutdown: SAFE follows, and the holds run out on the device anyway). */
  stopRenewals(): void {
    for (const inj of this.injections) if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
  }

  /**
   * Re-applies the injection on `channel`, if any, from the operator's new setpoint (sent just
   * before, which cleared the device's hold and became its revert duty).
   */
  async reapply(channel: PwmChannel): Promise<void> {
    const inj = this.injections.find((i) => i.channel === channel);
    if (inj !== undefined) await this.renew(inj);
  }

  /** The device's `EVT,HOLD_EXPIRED` on `channel`: the injection there has ended on the device. */
  holdExpired(channel: PwmChannel): void {
    const inj = this.injections.find((i) => i.channel === channel);
    if (inj === undefined) return;
    // A hold that runs out before the planned end means renewals stopped reaching the device.
    if (this.scheduler.nowMs() < inj.endHostMs - this.renewMs) {
      this.host.notice(
        `${inj.label}: the device's dead-man hold expired (renewal lost); injection ended`,
        "error",
      );
    }
    this.finish(inj, false);
  }

  /** (Re)sends a physical injection's PWM with the dead-man hold and schedules the next renewal. */
  private async renew(inj: ActiveInjection): Promise<boolean> {
    if (inj.channel === null) return true;
    if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
    inj.timer = null;
    const remainingMs = inj.endHostMs - this.scheduler.nowMs();
    if (remainingMs <= 0) {
      this.finish(inj, true);
      return true;
    }
    const target = injectedDuty(inj.request, this.host.setpoints);
    const holdMs = Math.max(1, Math.round(Math.min(remainingMs, this.deadmanMs)));
    const ok = await this.host.send({ type: "PWM", channel: inj.channel, duty: target?.duty ?? 0, holdMs });
    if (!this.injections.includes(inj)) return ok;
    inj.timer =
      remainingMs <= this.deadmanMs
        ? // The last hold ends the injection on the device; restore explicitly at the same time.
          this.scheduler.setTimer(() => this.finish(inj, true), remainingMs)
        : this.scheduler.setTimer(() => void this.renew(inj), this.renewMs);
    return ok;
  }

  /**
   * Ends an injection: stops its renewals, marks the end, and (`restore`) puts the operator's
   * duty back (the hold would too). `quiet`: no restore and no notice.
   */
  private finish(inj: ActiveInjection, restore: boolean, quiet = false): void {
    const i = this.injections.indexOf(inj);
    if (i < 0) return;
    this.injections.splice(i, 1);
    if (inj.timer !== null) this.scheduler.clearTimer(inj.timer);
    inj.timer = null;
    const host = this.host;
    host.mark("end", inj);
    if (restore && !quiet && inj.channel !== null && host.listening) {
      const ch = inj.channel as DutyChannel;
      void host.send({ type: "PWM", channel: ch, duty: host.setpoints[SETPOINT_KEY[ch]], holdMs: null });
    }
    if (!quiet) host.notice(`injection ended: ${inj.label}`);
    host.changed();
  }
}
