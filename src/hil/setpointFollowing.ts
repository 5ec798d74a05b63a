/**
 * What drives the twin during a HIL run, as on the dashboard (docs/design.md 2.4): the operator's
 * setpoints, never the injector's deviation. Where the device overrides the setpoints for a reason
 * it reports (SAFE after heartbeat loss, the over-temperature interlock, a reboot, a link that
 * came back), the twin follows the applied duties until the setpoints are sent again. Holds the
 * setpoints, which of the two the twin follows, and why the setpoints must be sent again.
 */
import type { Monitor } from "../detect/monitor/monitorTypes.js";
import type { PwmChannel } from "../protocol/messages.js";

export class SetpointFollowing {
  /** The operator's setpoints now (the scenario's, then its `setpoints` steps). */
  readonly duties: Record<PwmChannel, number>;
  /** Why the setpoints must be sent again (null: they need not). */
  resendWhy: string | null = null;
  private following = false;
  private readonly monitor: () => Monitor | null;
  private readonly note: (text: string) => void;

  constructor(
    initial: Readonly<Record<PwmChannel, number>>,
    monitor: () => Monitor | null,
    note: (text: string) => void,
  ) {
    this.duties = { ...initial };
    this.monitor = monitor;
    this.note = note;
  }

  /** The twin is driven by the operator's setpoints again, from scenario time tS. */
  followSetpoints(tS: number): void {
    const m = this.monitor();
    m?.setSetpoints(
      { pumpDuty: this.duties.pump, heaterDuty: this.duties.heater, fanDuty: this.duties.fan },
      tS,
    );
    if (this.following) {
      m?.followApplied(false);
      this.following = false;
    }
  }

  /** The device overrode the setpoints for a reason it reports: the twin follows what it applies. */
  followApplied(why: string): void {
    if (this.following) return;
    this.following = true;
    this.monitor()?.followApplied(true);
    this.note(`twin follows the applied duties (${why})`);
  }

  /** The setpoints as a note says them. */
  text(): string {
    return `pump ${this.duties.pump}, heater ${this.duties.heater}, fan ${this.duties.fan}`;
  }
}
