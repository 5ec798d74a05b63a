import { describe, expect, it } from "vitest";
import { CHANNEL_LABEL, ratioText, signed, signedPercent } from "../../src/detect/diagnosis/evidenceText.js";
import { createDiagnosisSnapshot, diagnose } from "../../src/detect/diagnosis/monitorDiagnosis.js";

describe("evidence wording", () => {
  it("signs a value, with no sign on what rounds to zero", () => {
    expect(signed(2.314, 2)).toBe("+2.31");
    expect(signed(-0.04, 2)).toBe("-0.04");
    expect(signed(0, 2)).toBe("0.00");
    expect(signed(-0.004, 2)).toBe("0.00");
    expect(signed(0.004, 2)).toBe("0.00");
    expect(signed(-1.25, 1)).toBe("-1.3");
  });

  it("says n/a for a value that is not a finite number (the two copies differed here: one printed NaN)", () => {
    expect(signed(Number.NaN, 2)).toBe("n/a");
    expect(signed(Number.POSITIVE_INFINITY, 2)).toBe("n/a");
    expect(signed(Number.NEGATIVE_INFINITY, 1)).toBe("n/a");
  });

  it("words percentages and parameter ratios", () => {
    expect(signedPercent(-0.32)).toBe("-32 %");
    expect(signedPercent(0.05)).toBe("+5 %");
    expect(signedPercent(0.001)).toBe("0 %");
    expect(ratioText({ ratio: 0.68, std: 0.04 })).toBe("-32 % +/- 4 %");
  });

  it("names the channels", () => {
    expect(CHANNEL_LABEL).toEqual({ tHot: "T_hot", tCold: "T_cold", deltaT: "T_hot - T_cold", flow: "flow" });
  });

  it("a thermistor family's evidence shows n/a for a residual the twin does not have yet", () => {
    const s = createDiagnosisSnapshot();
    s.hot.range = "open";
    s.hot.rangeScore = 1;
    s.hot.residualK = Number.NaN;
    s.cold.residualK = 0.1;
    s.flowResLpm = Number.NaN;
    const bands = {
      temperatureBandK: 0.3,
      deltaTBandK: 0.3,
      flowBandLpm: 0.3,
      pumpEvidenceNats: 10,
      stoppedRatio: 0.2,
      sensorNoiseK: 0.05,
      heatBandW: 7.5,
    };
    const d = diagnose("t_hot", s, bands);
    expect(d.diagnosis).toBe("t_hot_sensor");
    expect(d.evidence).toEqual([
      "T_hot thermistor reads open (rail high)",
      "T_hot n/a K vs twin, T_cold +0.10 K, flow n/a L/min",
    ]);
  });
});
