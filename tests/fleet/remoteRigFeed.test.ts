import { describe, expect, it } from "vitest";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";
import { createMonitorOutput, NO_PERFORMANCE } from "../../src/detect/monitor/monitorTypes.js";
import { openAlarmsPayload, performancePayload } from "../../src/fleet/payloads.js";
import { RemoteRigFeed } from "../../src/fleet/remoteRigFeed.js";
import { TelemetryBatch } from "../../src/fleet/telemetryBatch.js";
import { createRigSample } from "../../src/model/rigSample.js";

const P = "looptwin/v1";

describe("RemoteRigFeed", () => {
  it("feeds the dashboard's view model from a rig's messages as a local session would", () => {
    const vm = new DashboardViewModel();
    const feed = new RemoteRigFeed(P, "b1", () => vm);
    const batch = new TelemetryBatch(8);
    const s = createRigSample();
    const out = createMonitorOutput();
    for (let i = 0; i < 3; i++) {
      Object.assign(s, {
        tS: i * 0.1,
        tHotC: 31 + i,
        tColdC: 26,
        flowLpm: 0.5,
        pumpDuty: 200,
        heaterDuty: 255,
        fanDuty: 255,
      });
      Object.assign(out, {
        predTHotC: 30.5,
        predTColdC: 26.1,
        predFlowLpm: 3.85,
        resTHotK: 0.5 + i,
        bandTHotK: 0.6,
      });
      batch.add(s, out);
    }
    feed.apply(`${P}/b1/telemetry`, batch.take("b1", 1)!);
    feed.apply(`${P}/other/telemetry`, batch.take("other", 1) ?? ""); // another rig's: ignored
    feed.apply(
      `${P}/b1/alarms/open`,
      JSON.stringify(
        openAlarmsPayload(
          "b1",
          [
            {
              alarmId: 1,
              cause: "flow",
              severity: "critical",
              raisedAtS: 0.1,
              acknowledged: false,
              acknowledgedAtS: Number.NaN,
              conditionActive: true,
              level: 2,
              peakLevel: 2,
              diagnosis: "pump failure",
              evidence: ["flow -87 %"],
            },
          ],
          1,
        ),
      ),
    );
    feed.apply(
      `${P}/b1/performance`,
      JSON.stringify(
        performancePayload("b1", 0.2, { ...NO_PERFORMANCE, heatDeliveredW: 42.5, stability: "steady" }, 1),
      ),
    );
    feed.apply(`${P}/b1/telemetry`, "garbage");
    expect(vm.legend("temperatures").map((l) => l.text)).toEqual([
      "T_hot 33.00 C",
      "twin 30.50",
      "T_cold 26.00 C",
      "twin 26.10",
    ]);
    expect(vm.samplesHeld).toBe(3);
    expect(vm.alarmRows()[0]).toMatchObject({
      severity: "critical",
      diagnosis: "pump failure",
      state: "ACTIVE",
    });
    expect(vm.metricItems()[0]?.[2]).toBe("42.5 W");
    expect(vm.metricItems()[5]?.[2]).toBe("steady");
    expect(feed.malformed).toBe(1);
  });

  it("a rig's status names it on the status line, with the broker's state when set", () => {
    const vm = new DashboardViewModel();
    const feed = new RemoteRigFeed(P, "b1", () => vm);
    feed.apply(
      `${P}/b1/status`,
      JSON.stringify({
        v: 1,
        rig: "b1",
        online: false,
        command: "serve",
        source: "emulator",
        link: "CONNECTED",
        firmware: "fw 1",
        uid: "U",
        sessionStart: "",
        reason: "stopped (q)",
        droppedMessages: 0,
        sentAtMs: 5,
      }),
    );
    expect(feed.status).toBe("offline: stopped (q)");
    vm.setBroker("mqtt connected, 0 dropped");
    expect(vm.statusLine(200)).toMatch(/^b1 \(emulator\) │ CONNECTED │ mqtt connected, 0 dropped │/);
    // At 80 columns the notice is cut, not the broker state.
    expect(vm.statusLine(80)).toContain("mqtt connected, 0 dropped");
    expect(vm.statusLine(80).length).toBeLessThanOrEqual(80);
  });

  it("a rig that starts a new session (rig time back to 0) gets fresh charts", () => {
    const feed = new RemoteRigFeed(P, "b1", () => new DashboardViewModel());
    const batch = new TelemetryBatch(8);
    const s = createRigSample();
    for (const tS of [100, 100.1, 100.2]) {
      s.tS = tS;
      batch.add(s, createMonitorOutput());
    }
    feed.apply(`${P}/b1/telemetry`, batch.take("b1", 1)!);
    const first = feed.viewModel;
    expect(first.samplesHeld).toBe(3);
    s.tS = 0.1;
    batch.add(s, createMonitorOutput());
    feed.apply(`${P}/b1/telemetry`, batch.take("b1", 2)!);
    expect(feed.viewModel).not.toBe(first);
    expect(feed.viewModel.samplesHeld).toBe(1);
    expect(feed.viewModel.latestTimeS).toBe(0.1);
  });
});
