/**
 * When applied duties that differ from the setpoints become a device override (docs/design.md
 * 2.4): only after OVERRIDE_CONFIRM_S (2 s) of rig time with no injection in force, once, and
 * never while an injection is deliberately off the setpoints.
 */
import { describe, expect, it } from "vitest";
import { createRigSample } from "../../src/model/rigSample.js";
import { OverrideWatch } from "../../src/session/overrideWatch.js";

const SP = { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 };

function sample(tS: number, pumpDuty: number) {
  return { ...createRigSample(), tS, pumpDuty, heaterDuty: 255, fanDuty: 255 };
}

describe("OverrideWatch", () => {
  it("says so once the duties have differed for 2 s, and not before", () => {
    const w = new OverrideWatch();
    expect(w.check(sample(10, 255), SP, false)).toBe("");
    expect(w.check(sample(11.9, 255), SP, false)).toBe("");
    expect(w.check(sample(12, 255), SP, false)).toBe(
      "device duties differ from the setpoints (pump 255, heater 255, fan 255): changed on the device (SAFE or a reboot while the link was down?); set p/h/n to resume",
    );
    // Said once: the count starts again.
    expect(w.check(sample(12.1, 255), SP, false)).toBe("");
  });

  it("agreeing duties, an injection in force, or rig time going back restart the count", () => {
    const w = new OverrideWatch();
    w.check(sample(10, 0), SP, false);
    w.check(sample(11, 200), SP, false); // agree again
    expect(w.check(sample(12.5, 0), SP, false)).toBe("");
    expect(w.check(sample(20, 0), SP, true)).toBe(""); // injecting: expected to differ
    expect(w.check(sample(21, 0), SP, false)).toBe("");
    expect(w.check(sample(5, 0), SP, false)).toBe(""); // a new session's time
    expect(w.check(sample(6.9, 0), SP, false)).toBe("");
    expect(w.check(sample(7, 0), SP, false)).not.toBe("");
  });

  it("following until the operator sets a setpoint", () => {
    const w = new OverrideWatch();
    expect(w.following).toBe(false);
    expect(w.stop()).toBe(false);
    w.follow();
    expect(w.following).toBe(true);
    expect(w.stop()).toBe(true);
    expect(w.following).toBe(false);
  });
});
