/**
 * The view model from scripted sample and alarm streams: series, ranges, alarm rows, metrics,
 * Pump rows, status line, pause and window, labels.
 */
import { describe, expect, it } from "vitest";
import { DashboardViewModel, WINDOWS_S } from "../../src/dashboard/viewModel.js";
import { AlarmManager } from "../../src/detect/alarms/alarmManager.js";
import { createRigSample, TLM_FLAGS } from "../../src/model/rigSample.js";
import { FakeMonitor } from "../session/fakeMonitor.js";

/** Feeds `n` samples at `hz` from t0: T_hot 45 + ramp, T_cold 30, flow 3. */
function feed(vm: DashboardViewModel, monitor: FakeMonitor, n: number, hz: number, t0 = 0, hotRampKPerS = 0) {
  const s = createRigSample();
  for (let i = 0; i < n; i++) {
    s.tS = t0 + i / hz;
    s.seq = i;
    s.tHotC = 45 + hotRampKPerS * s.tS;
    s.tColdC = 30;
    s.flowLpm = 3;
    s.pumpDuty = 200;
    s.heaterDuty = 255;
    s.fanDuty = 255;
    monitor.step(s);
    vm.addSample(s, monitor.output);
  }
  return s;
}

describe("dashboard view model", () => {
  it("chart series come from the samples and the twin, binned over the window in rig time", () => {
    const vm = new DashboardViewModel({ windowS: 60 });
    const m = new FakeMonitor();
    m.offsetK = 0.5;
    feed(vm, m, 50 * 60, 50, 100); // 60 s at 50 Hz, rig time 100-160 s
    const range = vm.chartRange("temperatures");
    const frame = vm.chartFrame("temperatures", 120, range);
    expect(frame.t1S).toBeGreaterThanOrEqual(160 - 1 / 50);
    expect(frame.t1S - frame.t0S).toBe(60);
    // Series order: twin hot, twin cold, T_hot, T_cold.
    const [predHot, predCold, hot, cold] = frame.series;
    const lastFull = 118;
    expect(hot!.max[lastFull]).toBeCloseTo(45, 12);
    expect(cold!.min[lastFull]).toBeCloseTo(30, 12);
    expect(predHot!.last[lastFull]).toBeCloseTo(44.5, 12);
    expect(predCold!.last[lastFull]).toBeCloseTo(29.5, 12);
    expect(predHot!.color).not.toBe(hot!.color);
    expect(predHot!.dotted).toBe(true);
    expect(hot!.dotted).toBe(false);
  });

  it("y range is scaled to the data (29.5-45 C), not from zero", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    m.offsetK = 0.5;
    feed(vm, m, 500, 50);
    const r = vm.chartRange("temperatures");
    expect(r.min).toBeGreaterThan(20);
    expect(r.min).toBeLessThanOrEqual(29.5);
    expect(r.max).toBeGreaterThanOrEqual(45);
    expect(r.max).toBeLessThan(55);
  });

  it("residuals are drawn in units of their band, with the band at +-1", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    m.offsetK = 0.25;
    m.bandK = 0.5;
    feed(vm, m, 100, 50);
    const frame = vm.chartFrame("residuals", 50, vm.chartRange("residuals"));
    expect(frame.hlines.map((h) => h.value).sort()).toEqual([-1, 1]);
    const hot = frame.series[0]!;
    const filled = [...hot.last].filter(Number.isFinite);
    expect(filled.at(-1)).toBeCloseTo(0.5, 12);
    expect(frame.range.min).toBeLessThanOrEqual(-1);
    expect(frame.range.max).toBeGreaterThanOrEqual(1);
  });

  it("the window follows the newest sample, snapped to whole time bins; + and - step through the windows", () => {
    const vm = new DashboardViewModel({ windowS: 60 });
    const m = new FakeMonitor();
    feed(vm, m, 1000, 10, 0); // up to 99.9 s
    const w = vm.chartWindow(120); // 0.5 s per bin
    expect(w.t1S).toBeCloseTo(100, 9);
    expect(w.t0S).toBeCloseTo(40, 9);
    expect(vm.widen()).toBe(120);
    expect(vm.narrow()).toBe(60);
    for (let i = 0; i < 20; i++) vm.narrow();
    expect(vm.windowS).toBe(WINDOWS_S[0]);
    for (let i = 0; i < 20; i++) vm.widen();
    expect(vm.windowS).toBe(WINDOWS_S.at(-1));
  });

  it("pause freezes the charts while samples keep coming; resume follows again", () => {
    const vm = new DashboardViewModel({ windowS: 15 });
    const m = new FakeMonitor();
    feed(vm, m, 100, 10, 0);
    expect(vm.togglePause()).toBe(true);
    const frozen = vm.chartWindow(60);
    feed(vm, m, 100, 10, 10);
    expect(vm.samplesHeld).toBe(200);
    expect(vm.chartWindow(60)).toEqual(frozen);
    expect(vm.statusLine()).toContain("PAUSED");
    expect(vm.togglePause()).toBe(false);
    expect(vm.chartWindow(60).t1S).toBeGreaterThan(frozen.t1S);
  });

  it("legend carries the current values", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    m.offsetK = 0.5;
    feed(vm, m, 10, 10);
    const text = vm.legend("temperatures").map((l) => l.text);
    expect(text).toEqual(["T_hot 45.00 C", "twin 44.50", "T_cold 30.00 C", "twin 29.50"]);
    expect(vm.legend("residuals")[0]!.text).toBe("T_hot +0.50/0.50 K");
  });

  it("fault labels become chart markers inside the window", () => {
    const vm = new DashboardViewModel({ windowS: 60 });
    const m = new FakeMonitor();
    feed(vm, m, 300, 10, 0);
    vm.addLabel(12.5, "start", "pump_failure");
    vm.addLabel(25, "end", "pump_failure");
    const frame = vm.chartFrame("flow", 60, vm.chartRange("flow"));
    expect(frame.markers.map((mk) => [mk.tS, mk.text])).toEqual([
      [12.5, "▼pump_failure"],
      [25, "▲end"],
    ]);
    const lines = vm.chartLines("flow", 60, 10, false).join("\n");
    expect(lines).toContain("▼pump_failure");
  });

  it("alarm rows: open ones (active, acknowledged) newest first, then cleared history", () => {
    const vm = new DashboardViewModel();
    const am = new AlarmManager({ clearDelayS: 0, minHoldS: 0, latch: "none" });
    const e1 = am.update(10, "flow", 3, {
      text: "pump failure",
      evidence: ["flow -100 %"],
      severity: "critical",
    })!;
    am.update(11, "t_hot", 1.2, { text: "HX fouling", evidence: [] });
    am.acknowledge(12, "t_hot");
    vm.addAlarmEvent(e1);
    vm.setOpenAlarms(am.openAlarms().reverse());
    let rows = vm.alarmRows();
    expect(rows.map((r) => [r.tS, r.diagnosis, r.state, r.severity])).toEqual([
      [11, "HX fouling", "ACK", "warning"],
      [10, "pump failure", "ACTIVE", "critical"],
    ]);
    const cleared = am.update(20, "t_hot", 0)!;
    expect(cleared.type).toBe("cleared");
    vm.addAlarmEvent(cleared);
    vm.setOpenAlarms(am.openAlarms().reverse());
    rows = vm.alarmRows();
    expect(rows.map((r) => [r.diagnosis, r.state])).toEqual([
      ["pump failure", "ACTIVE"],
      ["HX fouling", "CLEARED"],
    ]);
    expect(rows[0]!.evidence).toEqual(["flow -100 %"]);
  });

  it("Pump rows show setpoint against applied duty, flags, and the injection with its time left", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    vm.setSetpoints({ pumpDuty: 200, heaterDuty: 255, fanDuty: 255 });
    const s = feed(vm, m, 10, 10, 100);
    s.pumpDuty = 0;
    s.flags = TLM_FLAGS.holdActive;
    m.step(s);
    vm.addSample(s, m.output);
    vm.setInjections([{ text: "pump_failure", startS: 100, endS: 130.9 }]);
    const rows = vm.pumpRows(60);
    expect(rows[0]).toMatch(/^pump\s+set 200\s+applied\s+0 .*≠$/);
    expect(rows[1]).toMatch(/^heater set 255\s+applied 255/);
    expect(rows[1]).not.toContain("≠");
    expect(rows).toContain("flags  HOLD");
    expect(rows[3]).toBe("INJECTED pump_failure 30 s left");
    expect(rows.at(-1)).toBe("flags  HOLD");
    expect(vm.pumpRows(32, true).some((r) => r.startsWith("flow   3.00 L/min"))).toBe(true);
  });

  it("metrics list the loop figures and link figures", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    feed(vm, m, 101, 50);
    vm.setPerformance(m.performance());
    vm.setLink({
      source: "emulator",
      state: "CONNECTED",
      firmware: "looptwin-emu 0.1.0",
      recording: null,
      crcErrors: 3,
      lostSamples: 7,
      reconnects: 1,
      malformed: 0,
    });
    const items = Object.fromEntries(vm.metricItems().map(([long, , v]) => [long, v]));
    expect(items).toMatchObject({
      "heat delivered": "150.5 W",
      "HX effectiveness": "0.625",
      "thermal resistance": "0.123 K/W",
      "loop time constant": "185 s",
      stability: "steady",
      "twin RMSE T_hot": "0.120 K",
      "samples per second": "50.0",
      "CRC errors": "3",
      "lost lines": "7",
      reconnects: "1",
    });
    const oneCol = vm.metricLines(40, 13);
    expect(oneCol).toHaveLength(13);
    const twoCol = vm.metricLines(46, 7);
    expect(twoCol).toHaveLength(7);
    for (const l of twoCol) expect(l.length).toBeLessThanOrEqual(46);
    expect(twoCol[0]).toContain("│");
  });

  it("status line: source, link state, firmware, recording, rig time; drops detail to fit 80 columns", () => {
    const vm = new DashboardViewModel();
    const m = new FakeMonitor();
    feed(vm, m, 11, 10, 5);
    vm.setLink({
      source: "/dev/ttyACM0",
      state: "RECONNECTING",
      firmware: "looptwin-fw 1.2.0",
      recording: "run1.ndjson",
      crcErrors: 0,
      lostSamples: 0,
      reconnects: 0,
      malformed: 0,
    });
    const full = vm.statusLine();
    expect(full).toBe(
      "/dev/ttyACM0 │ RECONNECTING │ looptwin-fw 1.2.0 │ rec run1.ndjson │ window 60s │ t=6.0s │ ? help",
    );
    vm.setNotice("ALARM critical: pump failure (flow -100 % vs pump curve)");
    const short = vm.statusLine(80);
    expect(short.length).toBeLessThanOrEqual(80);
    expect(short).toMatch(/^\/dev\/ttyACM0 │ RECONNECTING │ .*t=6\.0s │ ALARM critical.* │ \? help$/);
  });

  it("a remote view at 80 columns keeps the broker's state when a long notice has no room", () => {
    const vm = new DashboardViewModel();
    vm.setLink({
      source: "bench-7 (remote emulator)",
      state: "CONNECTED",
      firmware: "looptwin-emu 0.1.0",
      recording: null,
      crcErrors: 0,
      lostSamples: 0,
      reconnects: 0,
      malformed: 0,
    });
    vm.setBroker("mqtt connected");
    vm.setNotice("ALARM critical: pump failure (diagnosis revised: flow -100 % vs pump curve)");
    // 70 characters without the notice: with its separator, 7 columns would be left for it.
    expect(vm.statusLine(80)).toBe("bench-7 (remote emulator) │ CONNECTED │ mqtt connected │ t=-- │ ? help");
    // With 12 more columns the notice is cut to its 19 (18 characters and the ellipsis).
    expect(vm.statusLine(92)).toBe(
      "bench-7 (remote emulator) │ CONNECTED │ mqtt connected │ t=-- │ ALARM critical: pu… │ ? help",
    );
  });

  it("--serve: the page's address stays on the status line, the firmware, recording and window give way first", () => {
    const vm = new DashboardViewModel();
    vm.setLink({
      source: "emulator",
      state: "CONNECTED",
      firmware: "looptwin-emu 0.1.0",
      recording: null,
      crcErrors: 0,
      lostSamples: 0,
      reconnects: 0,
      malformed: 0,
    });
    vm.setWebUrl("http://127.0.0.1:41234/");
    expect(vm.statusLine()).toBe(
      "emulator │ CONNECTED │ web http://127.0.0.1:41234/ │ looptwin-emu 0.1.0 │ not recording │ window 60s │ t=-- │ ? help",
    );
    expect(vm.statusLine(80)).toBe("emulator │ CONNECTED │ web http://127.0.0.1:41234/ │ t=-- │ ? help");
  });
});
