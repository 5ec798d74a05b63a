/**
 * Physical fault injections on a rig the page talks to itself (Web Serial), as the terminal
 * dashboard makes them (src/session/injection.ts, docs/design.md 2.4): the pump's or the fan's PWM
 * lowered with a dead-man `hold_ms`, renewed every `renewMs` while the injection lasts, so the
 * device returns to the operator's duty by itself within `deadmanMs` when the page dies. The last
 * hold of a timed injection covers exactly what remains of it: the device ends it. Clock-free:
 * time and timers come from a {@link Scheduler}.
 */
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import type { Scheduler, TimerHandle } from "../../src/rig/source/scheduler.js";
import {
  type InjectionRequest,
  injectedDuty,
  injectionDurationS,
  injectionLabel,
} from "../../src/session/injection.js";
import type { RigRequest } from "./rigConversation.js";

/** A physical injection: everything but the emulator's faults. */
export type PhysicalRequest = Exclude<InjectionRequest, { kind: "emulator" }>;

const SETPOINT_KEY = { pump: "pumpDuty", fan: "fanDuty" } as const;

interface Held {
  readonly label: string;
  readonly req: PhysicalRequest;
  readonly channel: "pump" | "fan";
  readonly endMs: number;
  timer: TimerHandle | null;
}

export interface HoldInjectorOptions {
  /** Sends a command and waits for its ACK (rejects on NAK or timeout). */
  readonly send: (req: RigRequest) => Promise<void>;
  readonly scheduler: Scheduler;
  /** The operator's setpoints now (what a degradation is a fraction of). */
  readonly setpoints: () => OperatorSetpoints;
  /** An injection ended (its time ran out, a renewal failed, or all were ended). */
  readonly onEnd: (label: string, why: string) => void;
  /** @default 3000 */
  readonly deadmanMs?: number;
  /** @default 1000 */
  readonly renewMs?: number;
}

export class HoldInjector {
  private readonly opts: HoldInjectorOptions;
  readonly deadmanMs: number;
  readonly renewMs: number;
  /** At most one injection per channel: a new one on the same channel replaces it. */
  private readonly held = new Map<"pump" | "fan", Held>();

  constructor(opts: HoldInjectorOptions) {
    this.opts = opts;
    this.deadmanMs = opts.deadmanMs ?? 3000;
    this.renewMs = opts.renewMs ?? 1000;
    if (!(this.renewMs > 0 && this.renewMs < this.deadmanMs))
      throw new RangeError(`renewMs must be > 0 and < deadmanMs (${this.deadmanMs}), got ${this.renewMs}`);
  }

  /** Labels (fault specs) of the injections in force. */
  labels(): string[] {
    return [...this.held.values()].map((h) => h.label);
  }

  /** Whether `channel` is under an injection (its operator duty is not sent then). */
  holds(channel: "pump" | "heater" | "fan"): boolean {
    return channel !== "heater" && this.held.has(channel);
  }

  /** Starts an injection now; resolves once the device took its first PWM (rejects if not). */
  async start(req: PhysicalRequest): Promise<string> {
    const target = injectedDuty(req, this.opts.setpoints());
    if (target === null) throw new Error(`${req.kind}: not a physical injection`);
    const previous = this.held.get(target.channel);
    if (previous !== undefined) this.finish(previous, "replaced");
    const h: Held = {
      label: injectionLabel(req),
      req,
      channel: target.channel,
      endMs: this.opts.scheduler.nowMs() + injectionDurationS(req) * 1000,
      timer: null,
    };
    this.held.set(h.channel, h);
    await this.renew(h);
    return h.label;
  }

  /** Ends every injection and sends the operator's duties back (no hold). */
  async endAll(): Promise<void> {
    const ended = [...this.held.values()];
    for (const h of ended) this.finish(h, "ended");
    const sp = this.opts.setpoints();
    await Promise.all(
      ended.map((h) =>
        this.opts.send({ type: "PWM", channel: h.channel, duty: sp[SETPOINT_KEY[h.channel]], holdMs: null }),
      ),
    );
  }

  /** Stops renewing (the page is closing): the device's holds lapse within `deadmanMs`. */
  stop(): void {
    for (const h of this.held.values()) if (h.timer !== null) this.opts.scheduler.clearTimer(h.timer);
    this.held.clear();
  }

  /** (Re)sends the injection's PWM with its hold and schedules what comes next. */
  private async renew(h: Held): Promise<void> {
    const s = this.opts.scheduler;
    h.timer = null;
    const remainingMs = h.endMs - s.nowMs();
    const target = injectedDuty(h.req, this.opts.setpoints());
    const holdMs = Math.max(1, Math.round(Math.min(remainingMs, this.deadmanMs)));
    // The next step is planned before the send: a renewal waits for no ACK.
    h.timer =
      remainingMs <= this.deadmanMs
        ? s.setTimer(() => this.finish(h, "its time ran out"), remainingMs)
        : s.setTimer(() => void this.renew(h).catch(() => {}), this.renewMs);
    try {
      await this.opts.send({ type: "PWM", channel: h.channel, duty: target?.duty ?? 0, holdMs });
    } catch (e) {
      if (this.held.get(h.channel) === h) this.finish(h, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  private finish(h: Held, why: string): void {
    if (this.held.get(h.channel) !== h) return;
    this.held.delete(h.channel);
    if (h.timer !== null) this.opts.scheduler.clearTimer(h.timer);
    h.timer = null;
    this.opts.onEnd(h.label, why);
  }
}
