/**
 * Physical injections from the Web Serial page (web/src/holdInjector.ts) on a virtual clock: the
 * PWMs sent and when, against hand-written schedules (dead-man 3000 ms, renewal every 1000 ms).
 */
import { describe, expect, it } from "vitest";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";
import { HoldInjector } from "../../web/src/holdInjector.js";
import type { RigRequest } from "../../web/src/rigConversation.js";
import { serialProblem } from "../../web/src/webSerialPage.js";

function injector(fail: (req: RigRequest) => boolean = () => false) {
  const clock = new VirtualScheduler();
  const sent: [number, string, number, number | null][] = [];
  const ended: [number, string, string][] = [];
  let sp: OperatorSetpoints = { pumpDuty: 200, heaterDuty: 255, fanDuty: 180 };
  const inj = new HoldInjector({
    send: async (req) => {
      if (req.type !== "PWM") throw new Error(`unexpected ${req.type}`);
      sent.push([clock.nowMs(), req.channel, req.duty, req.holdMs]);
      if (fail(req)) throw new Error("no answer to PWM (id 9) after 4 attempts of 500 ms");
    },
    scheduler: clock,
    setpoints: () => sp,
    onEnd: (label, why) => ended.push([clock.nowMs(), label, why]),
  });
  return { clock, sent, ended, inj, setSp: (s: OperatorSetpoints) => (sp = s) };
}

describe("HoldInjector", () => {
  it("holds a 10 s pump failure with renewals, the last hold covering what remains", async () => {
    const { clock, sent, ended, inj } = injector();
    expect(await inj.start({ kind: "pump_failure", durationS: 10 })).toBe("pump_failure");
    expect(inj.holds("pump")).toBe(true);
    expect(inj.holds("fan")).toBe(false);
    clock.advanceTo(20_000);
    // Remaining 10 s, 9 s, ... 4 s: a full dead-man hold each; at 7 s, 3 s remain: the last one.
    expect(sent).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000].map((t) => [t, "pump", 0, 3000]));
    expect(ended).toEqual([[10_000, "pump_failure", "its time ran out"]]);
    expect(inj.labels()).toEqual([]);
  });

  it("renews a pump degradation from the setpoint now until ended, then sends the setpoint back", async () => {
    const { clock, sent, ended, inj, setSp } = injector();
    await inj.start({ kind: "pump_degradation", percent: 30 });
    clock.advanceTo(1500);
    setSp({ pumpDuty: 100, heaterDuty: 255, fanDuty: 180 });
    clock.advanceTo(2500);
    await inj.endAll();
    clock.advanceTo(10_000);
    expect(sent).toEqual([
      [0, "pump", 140, 3000],
      [1000, "pump", 140, 3000],
      [2000, "pump", 70, 3000],
      [2500, "pump", 100, null],
    ]);
    expect(ended).toEqual([[2500, "pump_degradation:severity=0.3", "ended"]]);
  });

  it("replaces an injection on the same channel and keeps one on another", async () => {
    const { clock, sent, ended, inj } = injector();
    await inj.start({ kind: "fan_reduction", percent: 50 });
    await inj.start({ kind: "pump_degradation", percent: 50 });
    clock.advanceTo(500);
    await inj.start({ kind: "pump_failure", durationS: 2 });
    expect(inj.labels().sort()).toEqual(["hx_fouling:severity=0.5", "pump_failure"]);
    expect(ended).toEqual([[500, "pump_degradation:severity=0.5", "replaced"]]);
    expect(sent).toEqual([
      [0, "fan", 90, 3000],
      [0, "pump", 100, 3000],
      [500, "pump", 0, 2000],
    ]);
  });

  it("ends an injection whose renewal fails, and renews it no more (the device's hold lapses)", async () => {
    let calls = 0;
    const { clock, sent, ended, inj } = injector(() => ++calls === 2);
    await inj.start({ kind: "pump_failure", durationS: 60 });
    clock.advanceTo(1000);
    await Promise.resolve();
    await Promise.resolve();
    clock.advanceTo(10_000);
    expect(sent).toEqual([
      [0, "pump", 0, 3000],
      [1000, "pump", 0, 3000],
    ]);
    expect(ended).toEqual([[1000, "pump_failure", "no answer to PWM (id 9) after 4 attempts of 500 ms"]]);
  });

  it("stops renewing when the page goes (no PWM, no end reported)", async () => {
    const { clock, sent, ended, inj } = injector();
    await inj.start({ kind: "pump_failure", durationS: 60 });
    inj.stop();
    clock.advanceTo(10_000);
    expect(sent).toEqual([[0, "pump", 0, 3000]]);
    expect(ended).toEqual([]);
  });

  it("refuses a renewal period that would let the hold lapse", () => {
    const clock = new VirtualScheduler();
    const base = {
      send: async () => {},
      scheduler: clock,
      setpoints: () => ({ pumpDuty: 0, heaterDuty: 0, fanDuty: 0 }),
      onEnd: () => {},
    };
    expect(() => new HoldInjector({ ...base, renewMs: 3000 })).toThrow(
      "renewMs must be > 0 and < deadmanMs (3000), got 3000",
    );
  });
});

describe("serialProblem", () => {
  it("says in one line what went wrong when opening a port", () => {
    expect(serialProblem(new DOMException("No port selected by the user.", "NotFoundError"))).toBe(
      "Web Serial: no port chosen (the request was cancelled)",
    );
    expect(serialProblem(new DOMException("Failed to open serial port.", "NetworkError"))).toBe(
      "Web Serial: the port could not be opened (Failed to open serial port.)",
    );
    expect(serialProblem(new DOMException("The port is already open.", "InvalidStateError"))).toBe(
      "Web Serial: the port is already open (another tab or program has it?)",
    );
    expect(serialProblem(new DOMException("x", "SecurityError"))).toBe(
      "Web Serial: not allowed on this page (it needs https or localhost, and a click)",
    );
    expect(serialProblem(new Error("the port has no streams"))).toBe("Web Serial: the port has no streams");
  });
});
