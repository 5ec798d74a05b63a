/**
 * Starts the MQTT publisher of a command (`--mqtt`), loading MQTT.js only then (a command run
 * without `--mqtt` never loads it). Broker trouble is reported on stderr once per change of
 * state (a refused password, the broker gone, back), never as an exception: the local job goes on.
 */
import type { BrokerState } from "../fleet/brokerLink.js";
import type { SessionPublisher } from "../fleet/sessionPublisher.js";
import type { ObservableSession } from "../fleet/sessionPublishing.js";
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
    limits: { maxMessages: mqtt.queueMessages },
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

/** A live session being published, and how to stop. */
export interface LivePublishing {
  readonly publisher: SessionPublisher;
  /** Stops observing, drains for up to 2 s, says goodbye; resolves with `mqtt: N sent, D dropped`. */
  stop(reason: string): Promise<string>;
}

/**
 * Publishes a live session (dashboard, serve) under `--rig-name` or the device uid: as one more
 * observer of the session, so the publisher sees exactly what the screen and the web page see.
 */
export async function publishLiveSession(
  mqtt: MqttPublishArgs,
  session: ObservableSession,
  uid: () => string,
  o: Omit<StartPublisherOptions, "defaultRigName">,
): Promise<LivePublishing> {
  // Loaded before the connection starts: no await between its start and the caller's next step
  // (serve installs its signal handlers then; a broker error must not be reported before them).
  const { publishSession } = await import("../fleet/sessionPublishing.js");
  const publisher = await startPublisher(mqtt, { ...o, defaultRigName: uid() });
  const unsubscribe = publishSession(session, publisher, uid);
  return {
    publisher,
    stop: async (reason) => {
      unsubscribe();
      const r = await publisher.close(`stopped (${reason})`);
      return `mqtt ${publisher.sent} sent, ${r.dropped} dropped, ${r.unsent} unsent`;
    },
  };
}
