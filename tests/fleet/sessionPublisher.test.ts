import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { brokerConfig } from "../../src/fleet/brokerConfig.js";
import type { BrokerLinkOptions, BrokerState } from "../../src/fleet/brokerLink.js";
import type { OutMessage } from "../../src/fleet/outbox.js";
import { type PublishLink, SessionPublisher } from "../../src/fleet/sessionPublisher.js";
import { NO_TWIN } from "../../src/fleet/telemetryBatch.js";
import { createRigSample } from "../../src/model/rigSample.js";

/** A connection that records what it is handed and confirms at once while "connected". */
class FakeLink implements PublishLink {
  state: BrokerState = { kind: "connecting" };
  readonly sent: OutMessage[] = [];
  will: OutMessage | undefined;
  private readonly opts: BrokerLinkOptions;
  constructor(o: BrokerLinkOptions) {
    this.opts = o;
    this.will = o.will;
  }
  get connected(): boolean {
    return this.state.kind === "connected";
  }
  up(): void {
    this.state = { kind: "connected", protocol: "5.0" };
    this.opts.onState?.(this.state);
  }
  down(): void {
    this.state = { kind: "down", why: "ECONNREFUSED", retryInMs: 500 };
    this.opts.onState?.(this.state);
  }
  publish(msg: OutMessage, done: (error?: Error) => void): void {
    this.sent.push(msg);
    done();
  }
  async close(goodbye?: OutMessage): Promise<void> {
    if (goodbye !== undefined && this.connected) this.sent.push(goodbye);
    this.state = { kind: "closed" };
  }
}

const broker = brokerConfig({ option: "--mqtt", url: "mqtt://b" });
const alarm = (id: number): AlarmEvent => ({
  type: "raised",
  alarmId: id,
  tS: id,
  cause: "flow",
  severity: "critical",
  level: 2,
  diagnosis: "pump failure",
  evidence: [],
});

function setup(maxMessages = 10_000): { pub: SessionPublisher; link: FakeLink } {
  let link: FakeLink | undefined;
  const pub = new SessionPublisher({
    broker,
    rig: "b1",
    command: "dashboard",
    limits: { maxMessages },
    epochMs: () => 1_000_000,
    connect: (o) => {
      link = new FakeLink(o);
      return link;
    },
  });
  return { pub, link: link! };
}

const topics = (l: FakeLink) => l.sent.map((m) => m.topic.replace("looptwin/v1/b1/", ""));

describe("SessionPublisher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sets a retained offline Last Will on the status topic", () => {
    const { link } = setup();
    expect(link.will).toMatchObject({ topic: "looptwin/v1/b1/status", qos: 1, retain: true });
    expect(JSON.parse(link.will!.payload)).toMatchObject({
      online: false,
      reason: "connection lost (Last Will)",
      sentAtMs: null,
    });
  });

  it("batches samples into one telemetry message per period, however many came", () => {
    const { pub, link } = setup();
    link.up();
    const s = createRigSample();
    for (let i = 0; i < 25; i++) {
      s.tS = i / 100;
      pub.sample(s, NO_TWIN);
    }
    expect(topics(link)).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(topics(link)).toEqual(["telemetry"]);
    expect((JSON.parse(link.sent[0]!.payload) as { rows: unknown[] }).rows).toHaveLength(25);
    vi.advanceTimersByTime(100);
    expect(topics(link)).toEqual(["telemetry"]); // nothing new: no empty batch
  });

  it("while the broker is away queues, drops the oldest telemetry first at the bound, counts it, and sends the state again on reconnect", () => {
    const { pub, link } = setup(3);
    link.down();
    pub.setStatus({ source: "emulator", link: "CONNECTED", firmware: "fw 1", uid: "U1" });
    const s = createRigSample();
    pub.alarm(alarm(1), []);
    for (let i = 0; i < 4; i++) {
      pub.sample(s, NO_TWIN);
      vi.advanceTimersByTime(100);
    }
    // 1 alarm + 4 telemetry for 3 places: the two oldest telemetry batches went.
    expect(pub.dropped).toBe(2);
    expect(pub.stats()).toMatchObject({ queued: 3, droppedQos0: 2, droppedQos1: 0 });
    expect(pub.describe()).toBe("mqtt down (ECONNREFUSED), retry in 1 s, 2 dropped");
    link.up();
    expect(topics(link)).toEqual(["status", "alarms/open", "alarms", "telemetry", "telemetry"]);
    expect(JSON.parse(link.sent[0]!.payload)).toMatchObject({ online: true, droppedMessages: 2 });
    link.down();
    link.up();
    // After a reconnect the retained state goes out again (the broker may have lost it).
    expect(topics(link).slice(5)).toEqual(["status", "alarms/open"]);
  });

  it("publishes the loop figures at most once a second", () => {
    let now = 0;
    let link: FakeLink | undefined;
    const pub = new SessionPublisher({
      broker,
      rig: "b1",
      command: "serve",
      epochMs: () => now,
      connect: (o) => {
        link = new FakeLink(o);
        return link;
      },
    });
    link!.up();
    const perf = {
      heatDeliveredW: 1,
      heatRejectedW: 1,
      hxEffectiveness: 0.5,
      thermalResistanceKPerW: 0.1,
      timeConstantS: 60,
      stability: "steady" as const,
      rmseTHotK: 0,
      rmseTColdK: 0,
      rmseFlowLpm: 0,
    };
    for (now = 0; now <= 2500; now += 100) pub.performance(now / 1000, perf);
    expect(topics(link!)).toEqual(["performance", "performance", "performance"]);
  });

  it("the status carries the operator's setpoints and injections, published again when they change", () => {
    const { pub, link } = setup();
    link.up();
    const facts = { source: "emulator", link: "CONNECTED", firmware: "fw 1", uid: "U1" };
    pub.setStatus({ ...facts, setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, injections: [] });
    pub.setStatus({ ...facts, setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, injections: [] });
    pub.setStatus({
      ...facts,
      setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
      injections: [
        { text: "pump_failure", startS: 12.5, endS: 42.5 },
        { text: "pump_degradation:severity=0.3", startS: 13, endS: Number.POSITIVE_INFINITY },
      ],
    });
    pub.setStatus({ ...facts, setpoints: { pumpDuty: Number.NaN, heaterDuty: 0, fanDuty: 255 } });
    const statuses = link.sent.filter((m) => m.topic.endsWith("/status")).map((m) => JSON.parse(m.payload));
    expect(statuses.map((p) => [p.setpoints, p.injections])).toEqual([
      [{ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }, []],
      [
        { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
        [
          { text: "pump_failure", startS: 12.5, endS: 42.5 },
          { text: "pump_degradation:severity=0.3", startS: 13, endS: null },
        ],
      ],
      [{ pumpDuty: null, heaterDuty: 0, fanDuty: 255 }, []],
    ]);
  });

  it("close says goodbye with the reason and the drops", async () => {
    const { pub, link } = setup();
    link.up();
    const closing = pub.close("stopped (q)");
    await vi.runAllTimersAsync();
    expect(await closing).toEqual({ dropped: 0, unsent: 0 });
    const last = link.sent.at(-1)!;
    expect(last).toMatchObject({ topic: "looptwin/v1/b1/status", retain: true, qos: 1 });
    expect(JSON.parse(last.payload)).toMatchObject({
      online: false,
      reason: "stopped (q)",
      sentAtMs: 1_000_000,
    });
  });
});
