/**
 * Whether the twin follows the applied duties instead of the operator's setpoints
 * (docs/design.md 2.4): a deviation the device reports (SAFE after heartbeat loss, the interlock,
 * a reboot) is not an anomaly, so the twin follows the duties in TLM until the operator sets a
 * setpoint again. So does a deviation whose report was lost: applied duties that differ from the
 * setpoints for {@link OVERRIDE_CONFIRM_S} with no injection in force (the device rebooted or went
 * SAFE while the link was down, so its EVT lines reached nobody). Pure: the session tells the
 * monitor and the observers.
 */
import type { OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";

/**
 * How long the applied duties may differ from the setpoints, with no injection in force, before
 * the session takes it as an override by the device [s]: longer than a setpoint change takes to
 * be acknowledged and shown in TLM (three tries of 0.5 s).
 */
export const OVERRIDE_CONFIRM_S = 2;

/** The override a device reboot makes (its duties are 0 until the operator sets them). */
export const REBOOT_OVERRIDE = "device rebooted (duties 0): set p/h/n to resume";

export class OverrideWatch {
  private followingNow = false;
  /** Rig time since which the applied duties differ from the setpoints [s]; NaN: they agree. */
  private differSinceS = Number.NaN;

  /** The twin follows the applied duties. */
  get following(): boolean {
    return this.followingNow;
  }

  /** From now on the twin follows the applied duties. */
  follow(): void {
    this.followingNow = true;
  }

  /** The operator set an operating point; returns whether the twin was following until now. */
  stop(): boolean {
    const was = this.followingNow;
    this.followingNow = false;
    this.differSinceS = Number.NaN;
    return was;
  }

  /**
   * One sample's applied duties against the setpoints; returns the override's text when they have
   * differed for {@link OVERRIDE_CONFIRM_S} with no injection in force, else "".
   */
  check(s: Readonly<RigSample>, sp: OperatorSetpoints, injecting: boolean): string {
    const differ =
      !injecting &&
      (s.pumpDuty !== sp.pumpDuty || s.heaterDuty !== sp.heaterDuty || s.fanDuty !== sp.fanDuty);
    if (!differ) {
      this.differSinceS = Number.NaN;
      return "";
    }
    if (Number.isNaN(this.differSinceS) || s.tS < this.differSinceS) {
      this.differSinceS = s.tS;
      return "";
    }
    if (s.tS - this.differSinceS < OVERRIDE_CONFIRM_S) return "";
    this.differSinceS = Number.NaN;
    return `device duties differ from the setpoints (pump ${s.pumpDuty}, heater ${s.heaterDuty}, fan ${s.fanDuty}): changed on the device (SAFE or a reboot while the link was down?); set p/h/n to resume`;
  }
}
