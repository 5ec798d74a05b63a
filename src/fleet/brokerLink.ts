/**
 * One connection to the MQTT broker (MQTT.js), the only module that imports `mqtt`. It connects
 * with MQTT 5 (3.1.1 when the broker refuses 5), reconnects on its own with backoff
 * (connectPolicy.ts), reports its state for status lines, and never throws at its user: a broker
 * that is down, restarting or refusing the password is a state, not an exception.
 *
 * MQTT.js's own reconnect timer is off (`reconnectPeriod: 0`): it retries at a fixed period, and
 * a lab of rigs retrying in step is what backoff with jitter avoids. QoS 1 messages handed over
 * and not yet acknowledged stay in MQTT.js's outgoing store and are sent again after a reconnect.
 */
import { randomBytes } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { BrokerConfig } from "./brokerConfig.js";
import { backoffMs, classifyConnectFailure } from "./connectPolicy.js";
import type { OutMessage, Qos } from "./outbox.js";

/** The connection as a status line shows it. */
export type BrokerState =
  | { readonly kind: "connecting" }
  | { readonly kind: "connected"; readonly protocol: "5.0" | "3.1.1" }
  /** Down (network, broker restarting), next try in `retryInMs`. */
  | { readonly kind: "down"; readonly why: string; readonly retryInMs: number }
  /** The broker refused the credentials; retried slowly in case someone fixes them. */
  | { readonly kind: "refused"; readonly why: string; readonly retryInMs: number }
  | { readonly kind: "closed" };

/** One short phrase for a status line: `mqtt connected`, `mqtt refused: bad user name or password`. */
export function describeBrokerState(s: BrokerState): string {
  switch (s.kind) {
    case "connecting":
      return "mqtt connecting";
    case "connected":
      return "mqtt connected";
    case "down":
      return `mqtt down (${s.why}), retry in ${Math.ceil(s.retryInMs / 1000)} s`;
    case "refused":
      return `mqtt refused: ${s.why}`;
    case "closed":
      return "mqtt closed";
  }
}

export interface BrokerLinkOptions {
  readonly broker: BrokerConfig;
  /** Prefix of the client id (a random suffix is added so two sessions never evict each other). */
  readonly clientIdPrefix: string;
  /** Published by the broker if this process vanishes without a goodbye. */
  readonly will?: OutMessage;
  /** Backoff of reconnects [ms]. @default 500 first, 10000 at most */
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
  /** Called on every state change. */
  readonly onState?: (s: BrokerState) => void;
  /** Called after every successful (re)connection. */
  readonly onConnect?: () => void;
  /** Received messages (subscribers). */
  readonly onMessage?: (topic: string, payload: Buffer) => void;
}

export class BrokerLink {
  private readonly client: MqttClient;
  private readonly opts: BrokerLinkOptions;
  private stateNow: BrokerState = { kind: "connecting" };
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private lastFailure: { refused: boolean; why: string } | null = null;
  private readonly subscriptions: { filter: string; qos: Qos }[] = [];

  constructor(options: BrokerLinkOptions) {
    this.opts = options;
    const b = options.broker;
    const co: IClientOptions = {
      protocol: b.scheme,
      host: b.host,
      port: b.port,
      clientId: `${options.clientIdPrefix}-${randomBytes(4).toString("hex")}`,
      protocolVersion: 5,
      keepalive: b.keepaliveS,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      queueQoSZero: false,
      resubscribe: false,
      ...(b.username !== undefined ? { username: b.username } : {}),
      ...(b.password !== undefined ? { password: b.password } : {}),
      ...(b.caPem !== undefined ? { ca: b.caPem } : {}),
      ...(options.will !== undefined
        ? {
            will: {
              topic: options.will.topic,
              payload: Buffer.from(options.will.payload),
              qos: options.will.qos,
              retain: options.will.retain,
            },
          }
        : {}),
    };
    this.client = mqtt.connect(co);
    this.client.on("connect", () => {
      this.attempt = 0;
      this.lastFailure = null;
      this.setState({
        kind: "connected",
        protocol: this.client.options.protocolVersion === 5 ? "5.0" : "3.1.1",
      });
      options.onConnect?.();
    });
    this.client.on("error", (e: Error & { code?: unknown }) => this.onError(e));
    this.client.on("close", () => this.onClose());
    this.client.on("message", (topic, payload) => options.onMessage?.(topic, payload));
  }

  get state(): BrokerState {
    return this.stateNow;
  }

  get connected(): boolean {
    return this.stateNow.kind === "connected";
  }

  /**
   * Hands a message to the client; `done` is called when it is written (QoS 0) or acknowledged
   * (QoS 1), or with an error. Only call while connected: the caller's queue holds the rest.
   */
  publish(msg: OutMessage, done: (error?: Error) => void): void {
    this.client.publish(msg.topic, msg.payload, { qos: msg.qos, retain: msg.retain }, (e) =>
      done(e ?? undefined),
    );
  }

  /** Subscribes now and after every reconnect. */
  subscribe(filter: string, qos: Qos): void {
    this.subscriptions.push({ filter, qos });
    if (this.connected) this.client.subscribe(filter, { qos });
  }

  /**
   * Ends the connection: `goodbye` (the offline status) is published first when connected,
   * waiting at most `timeoutMs` for its acknowledgement; a clean DISCONNECT means the broker
   * does not send the Last Will. Never rejects.
   */
  async close(goodbye?: OutMessage, timeoutMs = 2000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (goodbye !== undefined && this.connected) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        this.publish(goodbye, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.client.end(true, () => resolve());
      }, timeoutMs);
      this.client.end(false, () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.setState({ kind: "closed" });
  }

  private onError(e: Error & { code?: unknown }): void {
    const version = this.client.options.protocolVersion === 5 ? 5 : 4;
    const f = classifyConnectFailure(e.code, version, e.message);
    switch (f.kind) {
      case "protocol":
        // MQTT 5 refused: the next try (at once) speaks 3.1.1.
        this.client.options.protocolVersion = 4;
        this.attempt = -1;
        this.lastFailure = { refused: false, why: "MQTT 5 refused, trying 3.1.1" };
        return;
      case "credentials":
        this.lastFailure = { refused: true, why: f.text };
        return;
      case "other":
        this.lastFailure = { refused: false, why: shortReason(f.text) };
        return;
    }
  }

  private onClose(): void {
    if (this.closing) return;
    if (this.retryTimer !== null) return;
    const failure = this.lastFailure ?? { refused: false, why: "connection lost" };
    this.lastFailure = null;
    // A refusal of the credentials is retried at the longest delay: someone has to fix them.
    const delay =
      this.attempt < 0
        ? 0
        : failure.refused
          ? (this.opts.maxRetryMs ?? 10_000)
          : backoffMs(this.attempt, Math.random(), {
              ...(this.opts.firstRetryMs !== undefined ? { firstMs: this.opts.firstRetryMs } : {}),
              ...(this.opts.maxRetryMs !== undefined ? { maxMs: this.opts.maxRetryMs } : {}),
            });
    this.attempt++;
    this.setState(
      failure.refused
        ? { kind: "refused", why: failure.why, retryInMs: delay }
        : { kind: "down", why: failure.why, retryInMs: delay },
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closing) return;
      this.setState({ kind: "connecting" });
      this.client.reconnect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private setState(s: BrokerState): void {
    this.stateNow = s;
    if (s.kind === "connected")
      for (const sub of this.subscriptions) this.client.subscribe(sub.filter, { qos: sub.qos });
    this.opts.onState?.(s);
  }
}

/** `connect ECONNREFUSED 127.0.0.1:1883` -> `ECONNREFUSED`; other messages as they are, on one line. */
function shortReason(message: string): string {
  const code = /\b(E[A-Z]{3,})\b/.exec(message);
  return code?.[1] ?? message.replace(/\s+/g, " ").slice(0, 60);
}
