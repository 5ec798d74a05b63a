/**
 * The fleet view's one subscription (`<prefix>/#`, QoS 1) feeding a {@link FleetState}. Retained
 * status and open alarms arrive at once on subscribing, so a view started late still sees every
 * rig, online or gone.
 */
import type { BrokerConfig } from "./brokerConfig.js";
import { BrokerLink, type BrokerState } from "./brokerLink.js";
import { FleetState, type RigChange } from "./fleetState.js";
import { fleetSubscription } from "./topics.js";

export interface FleetSubscriberOptions {
  readonly broker: BrokerConfig;
  readonly prefix: string;
  /** Epoch ms of receipt. @default Date.now */
  readonly epochMs?: () => number;
  readonly onChange?: (c: RigChange) => void;
  /** Every message, after the state took it (the live view of one rig reads them). */
  readonly onMessage?: (topic: string, payload: Buffer) => void;
  readonly onBrokerState?: (s: BrokerState) => void;
}

export class FleetSubscriber {
  readonly state: FleetState;
  private readonly link: BrokerLink;
  private everConnected = false;

  constructor(o: FleetSubscriberOptions) {
    this.state = new FleetState(o.prefix);
    const now = o.epochMs ?? Date.now;
    this.link = new BrokerLink({
      broker: o.broker,
      clientIdPrefix: "looptwin-fleet",
      onState: (s) => {
        if (s.kind === "connected") this.everConnected = true;
        o.onBrokerState?.(s);
      },
      onMessage: (topic, payload) => {
        const c = this.state.apply(topic, payload, now());
        if (c !== null) o.onChange?.(c);
        o.onMessage?.(topic, payload);
      },
    });
    this.link.subscribe(fleetSubscription(o.prefix), 1);
  }

  get brokerState(): BrokerState {
    return this.link.state;
  }

  /** The broker accepted us at least once. */
  get connectedOnce(): boolean {
    return this.everConnected;
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
