/**
 * What a run does when the device takes over from the operator for a reason it reports
 * (docs/protocol.md, EVT and the TLM flags): SAFE after heartbeat loss (its `HB_LOST` line or, when
 * that line was lost with the link, the TLM flag), the over-temperature interlock, an expired
 * hold, a reboot, a link that came back. The injections the device ended end here too, the twin
 * follows the applied duties, and the setpoints are sent again where the device forgot them.
 */
import type { DeviceEvent } from "../protocol/messages.js";
import type { Heartbeat } from "./heartbeat.js";
import type { PhysicalInjections } from "./physicalInjections.js";
import type { SetpointFollowing } from "./setpointFollowing.js";

export class DeviceOverrides {
  private readonly injections: PhysicalInjections;
  private readonly setpoints: SetpointFollowing;
  private readonly heartbeat: Heartbeat;

  constructor(injections: PhysicalInjections, setpoints: SetpointFollowing, heartbeat: Heartbeat) {
    this.injections = injections;
    this.setpoints = setpoints;
    this.heartbeat = heartbeat;
  }

  /** A device event line. */
  event(e: DeviceEvent): void {
    switch (e.code) {
      case "HB_LOST":
        this.heartbeatLost("device SAFE after heartbeat loss", "heartbeat loss");
        return;
      case "OVERTEMP":
        this.injections.end("heater");
        this.injections.end("pump");
        this.setpoints.followApplied("over-temperature interlock");
        return;
      case "HOLD_EXPIRED":
        this.injections.end(e.channel);
        return;
      case "BOOT":
        this.injections.endAll();
        this.setpoints.followApplied("device rebooted");
        this.setpoints.resendWhy = "device reboot";
        return;
      default:
        return;
    }
  }

  /** The TLM flags say heartbeat lost where no `HB_LOST` line said it (it was lost with the link). */
  heartbeatLostFlag(): void {
    this.heartbeatLost("device reports heartbeat lost", "heartbeat loss (TLM flags)");
  }

  /** The link is back after an outage (`reason`: the source's, e.g. "reconnected"). */
  linkBack(reason: string): void {
    this.setpoints.followApplied("link back");
    this.setpoints.resendWhy = `link ${reason}`;
  }

  private heartbeatLost(followWhy: string, resendWhy: string): void {
    this.injections.endAll();
    this.setpoints.followApplied(followWhy);
    // With the heartbeat stopped on purpose (a scenario step), the setpoints wait for it.
    if (this.heartbeat.on) this.setpoints.resendWhy = resendWhy;
  }
}
