/**
 * The ambient probe's checks with the erratic test configured off (`detectors.erratic: false`,
 * src/detect/monitor/ambientProbeChecks.ts): no chi-square detector is built, so readings that jump
 * by 2 K every sample (an erratic probe by any measure) give no erratic score and no noise estimate,
 * while the flatline and out-of-range checks still run. With the test on, the same readings score.
 */
import { describe, expect, it } from "vitest";
import type { SensorEvidence } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { AmbientProbeChecks } from "../../../src/detect/monitor/ambientProbeChecks.js";
import { type MonitorConfig, resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { DEFAULT_THERMISTOR } from "../../../src/model/thermistor.js";

function probe(d: MonitorConfig["detectors"]) {
  const v = new SampleValues();
  const c = new AmbientProbeChecks(
    resolveMonitorConfig({ detectors: d }).detectors,
    0.05,
    DEFAULT_THERMISTOR,
    v,
  );
  const read = (tS: number, tempC: number): void => {
    v.tS = tS;
    v.tAmbC = tempC;
    v.adcAmb = 2000;
    c.update();
  };
  const score = (): number => {
    const out = Float64Array.of(-1);
    c.scoreInto(out, 0);
    return out[0] as number;
  };
  return { c, read, score };
}

/** 25 C and 27 C in turn, 0.1 s apart: a first difference of 2 K, 28 times the 0.07 K noise of one. */
function jumpy(read: (tS: number, tempC: number) => void): void {
  for (let i = 0; i < 10; i++) read(i / 10, i % 2 === 0 ? 25 : 27);
}

describe("AmbientProbeChecks with the erratic test off", () => {
  it("builds no erratic detector", () => {
    expect(probe({ erratic: false }).c.erratic).toBeNull();
  });

  it("scores jumping readings 0 and reports no erratic score or noise", () => {
    const p = probe({ erratic: false });
    jumpy(p.read);
    expect(p.score()).toBe(0);
    const e = {} as SensorEvidence;
    p.c.fillEvidence(e);
    expect(e.erraticScore).toBe(0);
    expect(e.noiseK).toBeNaN();
    expect(e.range).toBe("ok");
    expect(e.frozenS).toBe(0);
  });

  it("with the test on (4 samples, alpha 0.001), the same readings score past 1", () => {
    const p = probe({ erratic: { window: 4, alpha: 0.001 } });
    expect(p.c.erratic?.options).toEqual({ dimension: 1, window: 4, alpha: 0.001 });
    jumpy(p.read);
    // Each whitened difference is 2 / (sqrt(2) sigma) with sigma >= 0.05 K and at most ~0.06 K
    // (noise plus quantisation at 25 C): about 25 per term, 625 squared, against chi2(4)'s 18.47.
    expect(p.score()).toBeGreaterThan(1);
    const e = {} as SensorEvidence;
    p.c.fillEvidence(e);
    expect(e.erraticScore).toBeGreaterThan(1);
  });
});
