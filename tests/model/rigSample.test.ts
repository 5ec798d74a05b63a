import { describe, expect, it } from "vitest";
import { copyRigSample, createRigSample, TLM_FLAGS } from "../../src/model/rigSample.js";

describe("rig sample", () => {
  it("starts with no reading: temperatures and flow NaN, no ambient probe (adcAmb -1), all else 0", () => {
    expect(createRigSample()).toEqual({
      tS: 0,
      seq: 0,
      tMs: 0,
      tHotC: Number.NaN,
      tColdC: Number.NaN,
      tAmbC: Number.NaN,
      flowLpm: Number.NaN,
      adcHot: 0,
      adcCold: 0,
      adcAmb: -1,
      pulses: 0,
      pumpDuty: 0,
      heaterDuty: 0,
      fanDuty: 0,
      flags: 0,
    });
  });

  it("copies every field into the target it returns", () => {
    const from = { ...createRigSample(), tS: 1.5, seq: 7, tHotC: 40.25, adcAmb: 2048, flags: 5 };
    const to = createRigSample();
    expect(copyRigSample(from, to)).toBe(to);
    expect(to).toEqual(from);
  });

  it("has the flag bits of docs/design.md 4", () => {
    expect(TLM_FLAGS).toEqual({
      holdActive: 1,
      heartbeatLost: 2,
      overTemp: 4,
      sensorOutOfRange: 8,
      watchdogReset: 16,
    });
  });
});
