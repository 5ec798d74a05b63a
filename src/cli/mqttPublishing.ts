/**
 * Starts the MQTT publisher of a command (`--mqtt`), loading MQTT.js only then (a command run
 * without `--mqtt` never loads it). Broker trouble is reported on stderr once per change of
 * state (a refused password, the broker gone, back), never as an exception: the local job goes on.
 */
import type { BrokerState } from "../fleet/brokerLink.js";
import type { SessionPublisher } from "../fleet/sessionPublisher.js";
import type { CliIo } from "./command.js";
import type { MqttPublishArgs } from "./mqttArgs.js";

export interface StartPublisherOptions {
  readonly command: string;
  /** The rig's name when `--rig-name` is absent: the device uid. */
  readonly defaultRigName: string;
  /** Where broker state changes are reported (`looptwin record: mqtt ...`); null: nowhere (the dashboard shows them). */
  readonly io: CliIo | null;
  readonly onBrokerState?: (s: BrokerState) => void;
}

export async function startPublisher(
  mqtt: MqttPublishArgs,
  o: StartPublisherOptions,
): Promise<SessionPublisher> {
  const { SessionPublisher } = await import("../fleet/sessionPublisher.js");
  const { describeBrokerState } = await import("../fleet/brokerLink.js");
  const rig = mqtt.rigName ?? (o.defaultRigName === "" ? "unnamed-rig" : o.defaultRigName);
  let lastKind = "";
  return new SessionPublisher({
    broker: mqtt.broker,
    prefix: mqtt.prefix,
    rig,
    command: o.command,
    onBrokerState: (s) => {
      o.onBrokerState?.(s);
      // "connecting" between tries and "closed" at the end are noise; report the outcomes, each kind once in a row.
      if (o.io === null || s.kind === "connecting" || s.kind === "closed" || s.kind === lastKind) return;
      lastKind = s.kind;
      const local = s.kind === "refused" || s.kind === "down" ? "; the local session goes on" : "";
      o.io.stderr.write(
        `looptwin ${o.command}: ${describeBrokerState(s)} (${mqtt.broker.displayUrl}, rig ${rig})${local}\n`,
      );
    },
  });
}
