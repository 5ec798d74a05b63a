import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import {
  FAULT_MENU,
  faultMenu,
  injectedDuty,
  injectionDurationS,
  injectionLabel,
} from "../../src/session/injection.js";

const sp = { pumpDuty: 200, heaterDuty: 255, fanDuty: 240 };
const item = (key: string) => FAULT_MENU.find((m) => m.key === key)!;

describe("fault injection requests", () => {
  it("pump degradation lowers the real pump PWM by the percentage of the setpoint", () => {
    const req = item("1").parse("30");
    expect(req).toEqual({ kind: "pump_degradation", percent: 30 });
    expect(injectedDuty(req, sp)).toEqual({ channel: "pump", duty: 140 });
    expect(injectionDurationS(req)).toBe(Number.POSITIVE_INFINITY);
    expect(injectionLabel(req)).toBe("pump_degradation:severity=0.3");
  });

  it("pump failure is PWM 0 for N seconds", () => {
    const req = item("2").parse(" 45 ");
    expect(injectedDuty(req, sp)).toEqual({ channel: "pump", duty: 0 });
    expect(injectionDurationS(req)).toBe(45);
    expect(injectionLabel(req)).toBe("pump_failure");
  });

  it("fan reduction is physical fouling, labelled hx_fouling", () => {
    const req = item("3").parse("50");
    expect(injectedDuty(req, sp)).toEqual({ channel: "fan", duty: 120 });
    expect(injectionLabel(req)).toBe("hx_fouling:severity=0.5");
  });

  it("labels are valid fault specs", () => {
    for (const text of ["30", "50"]) {
      for (const key of ["1", "3"])
        expect(() => parseFaultSpec(injectionLabel(item(key).parse(text)))).not.toThrow();
    }
    expect(() => parseFaultSpec(injectionLabel(item("2").parse("10")))).not.toThrow();
  });

  it("emulator faults are checked as fault specs and sent in canonical form", () => {
    const req = item("4").parse("hx_fouling:ramp=60,severity=0.5");
    expect(req).toEqual({ kind: "emulator", spec: "hx_fouling:ramp=60,severity=0.5" });
    expect(injectedDuty(req, sp)).toBeNull();
    expect(injectionDurationS(item("d").parse("link_disconnect:end=5"))).toBe(5);
    expect(() => item("5").parse("sensor_bias:channel=left,value=2")).toThrow(/channel/);
  });

  it("bad answers name the field and the value", () => {
    expect(() => item("1").parse("abc")).toThrow(/pump degradation %: must be a number \(got "abc"\)/);
    expect(() => item("1").parse("0")).toThrow(/must be > 0/);
    expect(() => item("1").parse("150")).toThrow(/must be <= 100/);
    expect(() => item("2").parse("0.5")).toThrow(/pump failure seconds: must be >= 1/);
  });

  it("a real rig's menu has only the physical injections", () => {
    expect(faultMenu(false).map((m) => m.title)).toEqual([
      "pump degradation",
      "pump failure",
      "fan reduction (physical fouling)",
    ]);
    expect(faultMenu(true).length).toBe(FAULT_MENU.length);
    expect(new Set(FAULT_MENU.map((m) => m.key)).size).toBe(FAULT_MENU.length);
    for (const m of FAULT_MENU.filter((x) => x.emulatorOnly))
      expect(() => m.parse(m.defaultAnswer)).not.toThrow();
  });
});
