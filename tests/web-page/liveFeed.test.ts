import { describe, expect, it } from "vitest";
import { LIVE_PROTOCOL_VERSION, type LiveServerMessage, SAMPLE_COLUMNS } from "../../src/web/liveMessages.js";
import { LiveFeed } from "../../web/src/liveFeed.js";
import { PageStore } from "../../web/src/pageStore.js";

const hello = {
  type: "hello",
  version: LIVE_PROTOCOL_VERSION,
  connection_id: "c7",
  control: true,
  rig: {
    source: "emulator",
    emulator: true,
    read_only: false,
    firmware: "looptwin 1.2.0",
    parameters: {},
    config: null,
  },
  bands: { t_hot_k: 0.3, t_cold_k: 0.3, flow_lpm: 0.3 },
  columns: SAMPLE_COLUMNS,
  rate_hz: 10,
} as const satisfies LiveServerMessage;

/** A samples batch: column c of row i is 100 * (index of c) + i; t_s is i / 10; fan_duty null. */
function batch(n: number): LiveServerMessage {
  const columns = {} as Record<(typeof SAMPLE_COLUMNS)[number], (number | null)[]>;
  SAMPLE_COLUMNS.forEach((c, k) => {
    columns[c] = Array.from({ length: n }, (_, i) =>
      c === "t_s" ? i / 10 : c === "fan_duty" ? null : 100 * k + i,
    );
  });
  return { type: "samples", columns, decimation: 1, bands: hello.bands };
}

function send(feed: LiveFeed, m: LiveServerMessage): boolean {
  return feed.handleFrame(JSON.stringify(m));
}

describe("LiveFeed", () => {
  it("hello names the source and the control offer; samples land in the store by column name", () => {
    const store = new PageStore();
    const feed = new LiveFeed(store);
    expect(send(feed, hello)).toBe(true);
    expect(feed.hello).toEqual({ control: true, connectionId: "c7", readOnly: false, emulator: true });
    expect(store.link.source).toBe("emulator");
    expect(store.link.firmware).toBe("looptwin 1.2.0");
    send(feed, batch(5));
    const r = store.rangeOf(100, 0.4);
    expect(Array.from(store.timeOf(r))).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    const at = (name: (typeof SAMPLE_COLUMNS)[number]) => 100 * SAMPLE_COLUMNS.indexOf(name);
    expect(Array.from(store.columnOf("tHotC", r))).toEqual([0, 1, 2, 3, 4].map((i) => at("t_hot_c") + i));
    expect(store.columnOf("resFlowBand", r)[2]).toBe(at("res_flow_n") + 2);
    expect(store.columnOf("pumpSetpoint", r)[4]).toBe(at("pump_set") + 4);
    expect(Number.isNaN(store.columnOf("fanApplied", r)[0] as number)).toBe(true);
  });

  it("alarms, labels, figures, status, faults and setpoints reach the store", () => {
    const store = new PageStore();
    const feed = new LiveFeed(store);
    send(feed, hello);
    send(feed, {
      type: "alarm",
      event: "raised",
      alarm_id: 1,
      t_s: 31,
      cause: "flow",
      severity: "critical",
      diagnosis: "pump failure",
      evidence: ["flow 0.00 L/min"],
    });
    send(feed, {
      type: "alarms",
      open: [
        {
          alarm_id: 1,
          cause: "flow",
          severity: "critical",
          diagnosis: "pump failure",
          evidence: ["flow 0.00 L/min"],
          raised_at_s: 31,
          acknowledged: false,
          condition_active: true,
          level: 3,
        },
      ],
    });
    send(feed, { type: "label", t_s: 30, action: "start", fault: "pump_failure" });
    send(feed, { type: "faults", active: [{ id: 4, label: "pump_failure", start_s: 30, end_s: null }] });
    send(feed, { type: "setpoints", pump_duty: 180, heater_duty: 255, fan_duty: null });
    send(feed, {
      type: "performance",
      t_s: 32,
      figures: {
        heat_delivered_w: 140.5,
        heat_rejected_w: null,
        hx_effectiveness: 0.6,
        thermal_resistance_k_per_w: 0.1,
        time_constant_s: null,
        stability: "drifting",
        rmse_t_hot_k: 0.05,
        rmse_t_cold_k: 0.04,
        rmse_flow_lpm: 0.02,
      },
    });
    send(feed, {
      type: "status",
      status: {
        source: "emulator",
        link: "CONNECTED",
        firmware: "looptwin 1.2.0",
        recording: "bench.ndjson",
        rig_time_s: 32,
        crc_errors: 2,
        lost_samples: 3,
        reconnects: 1,
        malformed: 4,
        viewers: 2,
        override: "",
      },
    });
    expect(store.alarmLog[0]).toEqual({
      tS: 31,
      type: "raised",
      severity: "critical",
      cause: "flow",
      diagnosis: "pump failure",
    });
    expect(store.openAlarms[0]?.diagnosis).toBe("pump failure");
    expect(store.openAlarms[0]?.conditionActive).toBe(true);
    expect(store.labels).toEqual([{ tS: 30, action: "start", text: "pump_failure" }]);
    expect(store.injections).toEqual(["pump_failure"]);
    expect(store.setpoints.pumpDuty).toBe(180);
    expect(Number.isNaN(store.setpoints.fanDuty)).toBe(true);
    expect(store.performance.heatDeliveredW).toBe(140.5);
    expect(Number.isNaN(store.performance.heatRejectedW)).toBe(true);
    expect(store.performance.stability).toBe("drifting");
    expect(store.link).toEqual({
      source: "emulator",
      state: "CONNECTED",
      firmware: "looptwin 1.2.0",
      recording: "bench.ndjson",
      crcErrors: 2,
      lostSamples: 3,
      reconnects: 1,
      malformed: 4,
    });
  });

  it("counts and skips frames that are not the contract's, and keeps going", () => {
    const store = new PageStore();
    const feed = new LiveFeed(store);
    send(feed, hello);
    expect(feed.handleFrame("{not json")).toBe(false);
    expect(feed.handleFrame("42")).toBe(false);
    expect(feed.handleFrame(JSON.stringify({ type: "samples", columns: {} }))).toBe(false);
    expect(feed.handleFrame(JSON.stringify({ ...hello, version: 99 }))).toBe(false);
    expect(feed.badFrames).toBe(4);
    expect(feed.handleFrame(JSON.stringify({ type: "something_newer", x: 1 }))).toBe(true);
    send(feed, batch(2));
    expect(store.length).toBe(2);
  });

  it("a bye keeps its reason for the link line; notices go to the page", () => {
    const feed = new LiveFeed(new PageStore());
    const notices: string[] = [];
    feed.onNotice = (t) => notices.push(t);
    send(feed, { type: "notice", text: "recording to bench.ndjson", level: "info" });
    send(feed, { type: "bye", reason: "server shutting down" });
    expect(notices).toEqual(["recording to bench.ndjson"]);
    expect(feed.bye).toBe("server shutting down");
  });
});
