/**
 * EmulatedRig.tlmLine() before the first sample: the telemetry slot as it starts, all counts 0
 * and no ambient probe (the empty adc_amb field of the wire protocol, docs/design.md), not a
 * reading of some count. Kills emulatedRig.ts:71's `adcAmb: +1`.
 */
import { describe, expect, it } from "vitest";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";

describe("EmulatedRig's TLM line before its first sample", () => {
  it("is the empty slot: sequence, time and counts 0, no ambient reading", () => {
    const rig = new EmulatedRig({
      seed: 1,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
      faults: [],
    });
    // TLM,seq,t_ms,adc_hot,adc_cold,adc_amb,pulses,pump,heater,fan,flags*CRC
    expect(rig.tlmLine().split("*")[0]).toBe("TLM,0,0,0,0,,0,0,0,0,0");
    rig.next();
    // After it, the sample's own fields: sequence 1 at 0 ms, the set duties.
    expect(rig.tlmLine().split("*")[0]).toMatch(/^TLM,1,0,\d+,\d+,\d+,0,200,255,255,0$/);
  });
});
