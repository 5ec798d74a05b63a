/**
 * Publishes one rig session to the broker (docs/mqtt.md): status (retained, with a Last Will that
 * says offline), telemetry batched to at most one message per batch period, every alarm event,
 * the open alarms (retained), the loop figures once a second, and HIL verdicts and summaries.
 *
 * The local job comes first: every call here returns at once (a sample is copied into a
 * preallocated batch; a message is queued in the bounded {@link Outbox}); the connection drains
 * the queue when it can. What the bound drops is counted in {@link SessionPublisher.dropped}.
 */
import type { AlarmEvent, AlarmState } from "../detect/alarms/alarmManager.js";
import type { LoopPerformanceFigures, OperatorSetpoints } from "../detect/monitor/monitorTypes.js";
import type { RigSample } from "../model/rigSample.js";
import type { InjectionInForce } from "../session/sessionObserver.js";
import type { BrokerConfig } from "./brokerConfig.js";
import { BrokerLink, type BrokerLinkOptions, type BrokerState, describeBrokerState } from "./brokerLink.js";
import { Outbox, type OutboxLimits, type OutboxStats, type OutMessage } from "./outbox.js";
import {
  alarmEventPayload,
  finiteOrNull,
  type HilSummaryPayload,
  type HilVerdictPayload,
  openAlarmsPayload,
  PAYLOAD_VERSION,
  performancePayload,
  type StatusPayload,
} from "./payloads.js";
import { TelemetryBatch, type TelemetryTwin } from "./telemetryBatch.js";
import { DEFAULT_TOPIC_PREFIX, type RigTopics, rigTopics } from "./topics.js";

/** What the status topic says about the session (the rest is the publisher's). */
export interface StatusFacts {
  readonly source: string;
  readonly link: string;
  readonly firmware: string;
  readonly uid: string;
  /** The operator's setpoints (NaN: unknown); absent: no operator (`record`). */
  readonly setpoints?: OperatorSetpoints;
  /** Injections in force. @default none */
  readonly injections?: readonly InjectionView[];
}

/** An injection as the status carries it. */
export type InjectionView = Pick<InjectionInForce, "text" | "startS" | "endS">;

function sameFacts(a: StatusFacts, b: StatusFacts): boolean {
  const sa = a.setpoints;
  const sb = b.setpoints;
  const ia = a.injections ?? [];
  const ib = b.injections ?? [];
  return (
    a.source === b.source &&
    a.link === b.link &&
    a.firmware === b.firmware &&
    a.uid === b.uid &&
    (sa === sb ||
      (sa !== undefined &&
        sb !== undefined &&
        Object.is(sa.pumpDuty, sb.pumpDuty) &&
        Object.is(sa.heaterDuty, sb.heaterDuty) &&
        Object.is(sa.fanDuty, sb.fanDuty))) &&
    ia.length === ib.length &&
    ia.every((x, i) => x.text === ib[i]!.text && x.startS === ib[i]!.startS && x.endS === ib[i]!.endS)
  );
}

/** The connection as the publisher uses it (BrokerLink; tests pass a fake). */
export interface PublishLink {
  readonly state: BrokerState;
  readonly connected: boolean;
  publish(msg: OutMessage, done: (error?: Error) => void): void;
  close(goodbye?: OutMessage, timeoutMs?: number): Promise<void>;
}

export interface SessionPublisherOptions {
  readonly broker: BrokerConfig;
  /** The rig's name in topics (`--rig-name`, default the device uid). */
  readonly rig: string;
  /** What publishes: `dashboard`, `serve`, `record`, `hil run`. */
  readonly command: string;
  /** @default looptwin/v1 */
  readonly prefix?: string;
  readonly limits?: OutboxLimits;
  /** Telemetry batch period [ms]. @default 100 (10 messages a second) */
  readonly batchMs?: number;
  /** Period of the performance topic [ms]. @default 1000 */
  readonly performanceMs?: number;
  /** QoS 1 and 0 messages handed to the client and not yet confirmed, at most. @default 64 */
  readonly maxInFlight?: number;
  /** Unix epoch ms (payload times). @default Date.now */
  readonly epochMs?: () => number;
  /** Called when the broker connection changes state. */
  readonly onBrokerState?: (s: BrokerState) => void;
  /** The connection. @default a {@link BrokerLink} */
  readonly connect?: (o: BrokerLinkOptions) => PublishLink;
}

export class SessionPublisher {
  readonly rig: string;
  readonly topics: RigTopics;
  private readonly opts: SessionPublisherOptions;
  private readonly outbox: Outbox;
  private readonly batch = new TelemetryBatch();
  private readonly link: PublishLink;
  private readonly epochMs: () => number;
  private readonly maxInFlight: number;
  private readonly sessionStart: string;
  private facts: StatusFacts = { source: "", link: "", firmware: "", uid: "" };
  private inFlight = 0;
  private sentCount = 0;
  private lastPerformanceMs = Number.NEGATIVE_INFINITY;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private statusSet = false;
  private draining = false;

  constructor(options: SessionPublisherOptions) {
    this.opts = options;
    this.rig = options.rig;
    this.topics = rigTopics(options.prefix ?? DEFAULT_TOPIC_PREFIX, options.rig);
    this.outbox = new Outbox(options.limits);
    this.epochMs = options.epochMs ?? Date.now;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.sessionStart = new Date(this.epochMs()).toISOString();
    const will: OutMessage = {
      topic: this.topics.status,
      payload: JSON.stringify(this.statusPayload(false, "connection lost (Last Will)", null)),
      qos: 1,
      retain: true,
    };
    const linkOptions: BrokerLinkOptions = {
      broker: options.broker,
      clientIdPrefix: `looptwin-${this.rig}`.slice(0, 40),
      will,
      onState: (s) => {
        options.onBrokerState?.(s);
        if (s.kind === "connected") {
          this.outbox.resendState();
          // A fresh status: the drops counted while the broker was away, and the time now.
          if (this.statusSet) this.putStatus(true, "");
          this.drain();
        }
      },
    };
    this.link = (options.connect ?? ((o) => new BrokerLink(o)))(linkOptions);
    this.timer = setInterval(() => this.tick(), options.batchMs ?? 100);
    this.timer.unref?.();
  }

  /** The connection state and the drops, for a status line: `mqtt connected, 0 dropped`. */
  describe(): string {
    return `${describeBrokerState(this.link.state)}, ${this.dropped} dropped`;
  }

  get brokerState(): BrokerState {
    return this.link.state;
  }

  /** Messages the bounded queue dropped so far. */
  get dropped(): number {
    return this.outbox.dropped;
  }

  /** Messages confirmed (QoS 1 acknowledged, QoS 0 written). */
  get sent(): number {
    return this.sentCount;
  }

  stats(): OutboxStats & { readonly inFlight: number; readonly sent: number; readonly thinned: number } {
    return {
      ...this.outbox.stats(),
      inFlight: this.inFlight,
      sent: this.sentCount,
      thinned: this.batch.thinned,
    };
  }

  /** Sets the status facts; publishes the retained status when they changed. */
  setStatus(facts: StatusFacts): void {
    if (this.statusSet && sameFacts(this.facts, facts)) return;
    this.facts = { ...facts };
    this.statusSet = true;
    this.putStatus(true, "");
  }

  /** One sample with the twin's prediction and residuals (copied into the batch; no allocation). */
  sample(s: Readonly<RigSample>, twin: Readonly<TelemetryTwin>): void {
    this.batch.add(s, twin);
  }

  /** An alarm transition, and the open alarms after it. */
  alarm(e: AlarmEvent, open: readonly AlarmState[]): void {
    const now = this.epochMs();
    this.push({
      topic: this.topics.alarms,
      payload: JSON.stringify(alarmEventPayload(this.rig, e, now)),
      qos: 1,
      retain: false,
    });
    this.openAlarms(open);
  }

  /** The open alarms now (retained). */
  openAlarms(open: readonly AlarmState[]): void {
    this.outbox.putState({
      topic: this.topics.alarmsOpen,
      payload: JSON.stringify(openAlarmsPayload(this.rig, open, this.epochMs())),
      qos: 1,
      retain: true,
    });
    this.drain();
  }

  /** The loop figures; published at most once per performance period. */
  performance(tS: number, p: LoopPerformanceFigures): void {
    const now = this.epochMs();
    if (now - this.lastPerformanceMs < (this.opts.performanceMs ?? 1000)) return;
    this.lastPerformanceMs = now;
    this.push({
      topic: this.topics.performance,
      payload: JSON.stringify(performancePayload(this.rig, tS, p, now)),
      qos: 0,
      retain: false,
    });
  }

  /** One HIL scenario's verdict. */
  hilVerdict(v: Omit<HilVerdictPayload, "v" | "rig" | "sentAtMs">): void {
    const payload: HilVerdictPayload = { v: PAYLOAD_VERSION, rig: this.rig, sentAtMs: this.epochMs(), ...v };
    this.push({
      topic: this.topics.hilVerdict(v.runId, v.scenario),
      payload: JSON.stringify(payload),
      qos: 1,
      retain: false,
    });
  }

  /** A HIL run's totals (retained). */
  hilSummary(s: Omit<HilSummaryPayload, "v" | "rig" | "sentAtMs" | "droppedMessages">): void {
    const payload: HilSummaryPayload = {
      v: PAYLOAD_VERSION,
      rig: this.rig,
      sentAtMs: this.epochMs(),
      ...s,
      droppedMessages: this.dropped,
    };
    this.outbox.putState({
      topic: this.topics.hilSummary(s.runId),
      payload: JSON.stringify(payload),
      qos: 1,
      retain: true,
    });
    this.drain();
  }

  /**
   * Ends publishing: the last telemetry batch is queued, the queue is given up to `timeoutMs` to
   * drain, the offline status (`reason`) goes out as the goodbye and the connection closes.
   * Never rejects; resolves with the drops counted.
   */
  async close(reason: string, timeoutMs = 2000): Promise<{ dropped: number; unsent: number }> {
    if (this.closed) return { dropped: this.dropped, unsent: this.outbox.stats().queued };
    this.closed = true;
    clearInterval(this.timer);
    this.flushTelemetry();
    const until = performance.now() + timeoutMs;
    while (this.link.connected && (!this.outbox.isEmpty || this.inFlight > 0) && performance.now() < until) {
      this.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    const unsent = this.outbox.stats().queued;
    await this.link.close(
      {
        topic: this.topics.status,
        payload: JSON.stringify(this.statusPayload(false, reason, this.epochMs())),
        qos: 1,
        retain: true,
      },
      Math.max(200, until - performance.now()),
    );
    return { dropped: this.dropped, unsent };
  }

  private statusPayload(online: boolean, reason: string, sentAtMs: number | null): StatusPayload {
    return {
      v: PAYLOAD_VERSION,
      rig: this.rig,
      online,
      command: this.opts.command,
      source: this.facts.source,
      link: sentAtMs === null ? "UNKNOWN" : this.facts.link,
      firmware: this.facts.firmware,
      uid: this.facts.uid,
      sessionStart: this.sessionStart,
      reason,
      droppedMessages: this.dropped,
      sentAtMs,
      setpoints:
        this.facts.setpoints === undefined
          ? null
          : {
              pumpDuty: finiteOrNull(this.facts.setpoints.pumpDuty),
              heaterDuty: finiteOrNull(this.facts.setpoints.heaterDuty),
              fanDuty: finiteOrNull(this.facts.setpoints.fanDuty),
            },
      injections: (this.facts.injections ?? []).map((i) => ({
        text: i.text,
        startS: i.startS,
        endS: finiteOrNull(i.endS),
      })),
    };
  }

  private putStatus(online: boolean, reason: string): void {
    this.outbox.putState({
      topic: this.topics.status,
      payload: JSON.stringify(this.statusPayload(online, reason, this.epochMs())),
      qos: 1,
      retain: true,
    });
    this.drain();
  }

  private push(msg: OutMessage): void {
    if (this.closed) return;
    this.outbox.push(msg);
    this.drain();
  }

  private flushTelemetry(): void {
    const payload = this.batch.take(this.rig, this.epochMs());
    if (payload !== null) this.outbox.push({ topic: this.topics.telemetry, payload, qos: 0, retain: false });
  }

  private tick(): void {
    this.flushTelemetry();
    this.drain();
  }

  /** Hands queued messages to the client while it is connected and the in-flight window has room. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.link.connected && this.inFlight < this.maxInFlight) {
        const msg = this.outbox.take();
        if (msg === null) break;
        this.inFlight++;
        this.link.publish(msg, (error) => {
          this.inFlight--;
          if (error === undefined) {
            this.sentCount++;
            queueMicrotask(() => this.drain());
          } else if (msg.qos === 1 || msg.retain) {
            // The client gave it up (the connection dropped): it waits for the next connection,
            // which drains the queue again (no retry here: that could spin while the socket closes).
            this.outbox.giveBack(msg);
          }
        });
      }
    } finally {
      this.draining = false;
    }
  }
}
