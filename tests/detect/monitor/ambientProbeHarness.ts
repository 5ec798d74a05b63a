/**
 * The ambient probe's checks on hand-fed readings, for the tests of
 * src/detect/monitor/ambientProbeChecks.ts: `read(tS, tempC, counts)` writes one sample's ambient
 * fields and runs the checks.
 */
import { AmbientProbeChecks } from "../../../src/detect/monitor/ambientProbeChecks.js";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";
import { DEFAULT_THERMISTOR } from "../../../src/model/thermistor.js";

type DetectorOverrides = NonNullable<Parameters<typeof resolveMonitorConfig>[0]>["detectors"];

export function ambientProbe(detectors: DetectorOverrides, noiseK = 0.05) {
  const v = new SampleValues();
  const c = new AmbientProbeChecks(
    resolveMonitorConfig({ detectors }).detectors,
    noiseK,
    DEFAULT_THERMISTOR,
    v,
  );
  const read = (tS: number, tempC: number, counts = 2000): void => {
    v.tS = tS;
    v.tAmbC = tempC;
    v.adcAmb = counts;
    c.update();
  };
  return { c, v, read };
}
