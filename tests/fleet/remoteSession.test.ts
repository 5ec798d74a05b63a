/**
 * A remote rig as a session: broker payloads as a rig publishes them (docs/mqtt.md, written out by
 * hand here) go into a RemoteSession, and the dashboard's view model shows what a local session's
 * would: values, residuals against their bands, applied duties, alarms with evidence, loop
 * figures, the rig's status, and STALE when telemetry stops.
 */
import { describe, expect, it } from "vitest";
import { observeIntoViewModel, refreshViewModel } from "../../src/dashboard/sessionView.js";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";
import type { BrokerState } from "../../src/fleet/brokerLink.js";
import { RemoteSession } from "../../src/fleet/remoteSession.js";

const P = "looptwin/v1";
const FIELDS =
  '["tS","tHotC","tColdC","tAmbC","flowLpm","pumpDuty","heaterDuty","fanDuty","flags","predTHotC","predTColdC","predFlowLpm","resTHotK","resTColdK","resFlowLpm","bandTHotK","bandTColdK","bandFlowLpm","score"]';

const STATUS =
  '{"v":1,"rig":"bench-3","online":true,"command":"serve","source":"emulator","link":"CONNECTED","firmware":"looptwin-emu 0.1.0","uid":"777F5754","sessionStart":"2026-12-06T14:25:37.369Z","reason":"","droppedMessages":0,"sentAtMs":1796567137418}';
const TELEMETRY_1 = `{"v":1,"rig":"bench-3","sentAtMs":1796567137512,"fields":${FIELDS},"rows":[[20.5,41.25,30.5,24.95,3.8,200,255,255,0,41,30.4,3.85,0.25,0.1,-0.05,0.5,0.5,0.4,0.2],[20.6,41.5,30.5,24.97,0,200,255,255,1,41.1,30.4,3.85,0.4,0.1,-3.85,0.5,0.5,0.4,2.5]],"thinned":0}`;
const ALARM_RAISED =
  '{"v":1,"rig":"bench-3","sentAtMs":1796567141555,"event":"raised","alarmId":1,"tS":20.6,"cause":"flow","severity":"critical","level":2.1,"diagnosis":"pump failure","evidence":["flow stopped -3.85 L/min (-100 % vs pump curve)"]}';
const OPEN_ALARMS =
  '{"v":1,"rig":"bench-3","sentAtMs":1796567141556,"alarms":[{"alarmId":1,"cause":"flow","severity":"critical","raisedAtS":20.6,"acknowledged":false,"conditionActive":true,"diagnosis":"pump failure","evidence":["flow stopped -3.85 L/min (-100 % vs pump curve)"]}]}';
const PERFORMANCE =
  '{"v":1,"rig":"bench-3","sentAtMs":1796567139430,"tS":20.6,"heatDeliveredW":13.33,"heatRejectedW":4.31,"hxEffectiveness":0.562,"thermalResistanceKPerW":0.015,"timeConstantS":null,"stability":"settling","rmseTHotK":0.0515,"rmseTColdK":0.0487,"rmseFlowLpm":0.377}';
const ALARM_CLEARED =
  '{"v":1,"rig":"bench-3","sentAtMs":1796567151555,"event":"cleared","alarmId":1,"tS":30.6,"cause":"flow","severity":"critical","level":0.2,"diagnosis":"pump failure","evidence":[],"durationS":10}';
const NO_OPEN_ALARMS = '{"v":1,"rig":"bench-3","sentAtMs":1796567151556,"alarms":[]}';

function remote() {
  let nowMs = 1_000_000;
  let broker: BrokerState = { kind: "connected", protocol: "5.0" };
  const session = new RemoteSession({
    prefix: P,
    rig: "bench-3",
    staleAfterS: 5,
    nowMs: () => nowMs,
    brokerState: () => broker,
  });
  const vm = new DashboardViewModel();
  observeIntoViewModel(session, vm);
  return {
    session,
    vm,
    send: (kind: string, payload: string) => session.apply(`${P}/bench-3/${kind}`, payload),
    advanceMs: (ms: number) => {
      nowMs += ms;
    },
    setBroker: (b: BrokerState) => {
      broker = b;
    },
  };
}

describe("RemoteSession", () => {
  it("shows a remote rig's published values in the dashboard's panels", () => {
    const r = remote();
    r.send("status", STATUS);
    r.send("telemetry", TELEMETRY_1);
    r.send("alarms", ALARM_RAISED);
    r.send("alarms/open", OPEN_ALARMS);
    r.send("performance", PERFORMANCE);
    r.session.apply(`${P}/bench-4/telemetry`, TELEMETRY_1); // another rig's: not this view's
    refreshViewModel(r.session, r.vm);

    expect(r.vm.legend("temperatures").map((l) => l.text)).toEqual([
      "T_hot 41.50 C",
      "twin 41.10",
      "T_cold 30.50 C",
      "twin 30.40",
    ]);
    expect(r.vm.legend("flow").map((l) => l.text)).toEqual(["flow 0.00 L/min", "twin 3.85"]);
    expect(r.vm.legend("residuals").map((l) => l.text)).toEqual([
      "T_hot +0.40/0.50 K",
      "T_cold +0.10/0.50 K",
      "flow -3.85/0.40 L/min",
      "score 2.50",
    ]);
    expect(r.vm.samplesHeld).toBe(2);
    // A status without setpoints (a rig older than the field): unknown; applied duties and flags shown.
    const pump = r.vm.pumpRows(60);
    expect(pump[0]).toMatch(/^pump\s+set\s+--\s+applied 200/);
    expect(pump.at(-1)).toBe("flags  HOLD");
    expect(r.vm.alarmRows()[0]).toMatchObject({
      tS: 20.6,
      severity: "critical",
      state: "ACTIVE",
      diagnosis: "pump failure",
      evidence: ["flow stopped -3.85 L/min (-100 % vs pump curve)"],
    });
    const metrics = new Map(r.vm.metricItems().map(([name, , value]) => [name, value]));
    expect(metrics.get("heat delivered")).toBe("13.3 W");
    expect(metrics.get("HX effectiveness")).toBe("0.562");
    expect(metrics.get("stability")).toBe("settling");
    expect(r.vm.statusLine()).toMatch(
      /^bench-3 \(remote emulator\) │ CONNECTED │ mqtt connected │ looptwin-emu 0\.1\.0 │ .*t=20\.6s │ ALARM critical: pump failure │ \? help$/,
    );
    expect(r.session.messages).toBe(5);
    expect(r.session.malformed).toBe(0);
  });

  it("the operator's setpoints and injections from the status: Pump panel rows and chart labels", () => {
    const r = remote();
    const labels: string[] = [];
    r.session.subscribe({ label: (tS, action, text) => labels.push(`${tS} ${action} ${text}`) });
    r.send("telemetry", TELEMETRY_1);
    const withOperator = (injections: string) =>
      STATUS.replace(
        '"sentAtMs":1796567137418}',
        `"sentAtMs":1796567137418,"setpoints":{"pumpDuty":200,"heaterDuty":null,"fanDuty":255},"injections":${injections}}`,
      );
    r.send("status", withOperator('[{"text":"pump_failure","startS":20.5,"endS":50.5}]'));
    refreshViewModel(r.session, r.vm);
    const pump = r.vm.pumpRows(60);
    expect(pump[0]).toMatch(/^pump\s+set 200\s+applied 200/);
    expect(pump[1]).toMatch(/^heater\s+set\s+--\s+applied 255/);
    expect(pump).toContain("INJECTED pump_failure 30 s left");
    r.send("status", withOperator('[{"text":"pump_failure","startS":20.5,"endS":50.5}]')); // unchanged
    r.send("status", withOperator("[]"));
    refreshViewModel(r.session, r.vm);
    expect(r.vm.pumpRows(60).some((row) => row.startsWith("INJECTED"))).toBe(false);
    expect(labels).toEqual(["20.5 start pump_failure", "20.6 end pump_failure"]);
  });

  it("a cleared alarm goes to the history; an offline rig and a refused broker are said", () => {
    const r = remote();
    r.send("telemetry", TELEMETRY_1);
    r.send("alarms", ALARM_RAISED);
    r.send("alarms/open", OPEN_ALARMS);
    r.send("alarms", ALARM_CLEARED);
    r.send("alarms/open", NO_OPEN_ALARMS);
    refreshViewModel(r.session, r.vm);
    expect(r.vm.alarmRows()).toEqual([
      {
        tS: 20.6,
        severity: "critical",
        cause: "flow",
        diagnosis: "pump failure",
        evidence: [],
        state: "CLEARED",
      },
    ]);
    r.send(
      "status",
      STATUS.replace('"online":true', '"online":false').replace('"reason":""', '"reason":"stopped (SIGINT)"'),
    );
    r.setBroker({ kind: "refused", why: "not authorized", retryInMs: 10_000 });
    refreshViewModel(r.session, r.vm);
    expect(r.vm.noticeText).toBe("rig offline: stopped (SIGINT)");
    expect(r.vm.noticeIsError).toBe(true);
    expect(r.vm.statusLine()).toMatch(
      /^bench-3 \(remote emulator\) │ DISCONNECTED │ mqtt refused: not authorized │ /,
    );
  });

  it("STALE on the status line when no telemetry came for more than staleAfterS", () => {
    const r = remote();
    r.advanceMs(4_000);
    refreshViewModel(r.session, r.vm);
    expect(r.vm.statusLine()).toMatch(/^bench-3 \(remote\) │ DISCONNECTED │ mqtt connected │ no HELLO/);
    r.advanceMs(2_000);
    refreshViewModel(r.session, r.vm);
    expect(r.vm.statusLine()).toMatch(
      /^bench-3 STALE: no telemetry yet for 6 s \(remote\) │ DISCONNECTED │ mqtt connected │ no HELLO/,
    );
    r.send("telemetry", TELEMETRY_1);
    refreshViewModel(r.session, r.vm);
    expect(r.vm.statusLine()).toMatch(/^bench-3 \(remote\) │ DISCONNECTED │ mqtt connected │ no HELLO/);
    r.advanceMs(12_500);
    refreshViewModel(r.session, r.vm);
    expect(r.vm.statusLine()).toMatch(
      /^bench-3 STALE: no telemetry for 12 s \(remote\) │ DISCONNECTED │ mqtt connected │ no HELLO/,
    );
  });

  it("counts and skips what is not as documented; keeps the last good values", () => {
    const r = remote();
    r.send("telemetry", TELEMETRY_1);
    r.send("telemetry", "not json");
    r.send("telemetry", `{"v":1,"rig":"bench-3","sentAtMs":1,"fields":${FIELDS},"rows":[[1,2]],"thinned":0}`);
    r.send(
      "alarms",
      '{"v":1,"rig":"bench-3","sentAtMs":1,"event":"exploded","alarmId":1,"tS":1,"cause":"flow","severity":"critical","level":1,"diagnosis":"","evidence":[]}',
    );
    r.send("performance", '{"v":2}');
    refreshViewModel(r.session, r.vm);
    expect(r.session.malformed).toBe(4);
    expect(r.session.status().malformed).toBe(4);
    expect(r.vm.legend("temperatures")[0]!.text).toBe("T_hot 41.50 C");
  });

  it("a rig that restarts its session continues on the charts after its old samples", () => {
    const r = remote();
    r.send("telemetry", TELEMETRY_1);
    const restarted = TELEMETRY_1.replace("[[20.5,", "[[0.1,").replace("],[20.6,", "],[0.2,");
    r.send("telemetry", restarted);
    expect(r.session.latestTimeS).toBeCloseTo(20.6 + 0.1, 9);
    expect(r.vm.noticeText).toBe("rig started a new session: its times continue from t=20.6 s");
    expect(r.vm.samplesHeld).toBe(4);
  });

  it("has no control, and its exit line says nothing was sent", async () => {
    let closed = 0;
    const s = new RemoteSession({
      prefix: P,
      rig: "bench-3",
      close: async () => {
        closed++;
      },
    });
    expect(s.control).toBeNull();
    const report = await s.shutdown("q");
    await s.shutdown("SIGTERM");
    expect(closed).toBe(1);
    expect(s.exitMessage(report, "looptwin dashboard")).toBe(
      "looptwin dashboard: stopped by q; remote rig bench-3: read-only, nothing was sent to it; 0 messages, 0 malformed skipped",
    );
  });
});
