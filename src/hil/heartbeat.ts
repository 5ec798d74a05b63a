import type { RigSource } from "../rig/source/rigSource.js";
import type { Scheduler, TimerHandle } from "../rig/source/scheduler.js";

const HEARTBEAT_MS = 500;

/**
 * The runner's heartbeat: a PING every 500 ms on the session's clock while the link is up (the
 * device goes SAFE 3 s after the last one). The runner owns it, rather than the source, so that
 * a scenario can stop it and watch the device's heartbeat-loss behaviour.
 */
export class Heartbeat {
  /** Whether PINGs are sent (a scenario's `heartbeat` step turns it off and on). */
  on = true;
  private timer: TimerHandle | null = null;
  private scheduler: Scheduler | null = null;

  start(scheduler: Scheduler, source: RigSource): void {
    this.scheduler = scheduler;
    const beat = (): void => {
      this.timer = scheduler.setTimer(beat, HEARTBEAT_MS);
      if (this.on && source.state === "CONNECTED") source.send({ type: "PING" }).catch(() => {});
    };
    this.timer = scheduler.setTimer(beat, HEARTBEAT_MS);
  }

  stop(): void {
    if (this.scheduler !== null && this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
  }
}
