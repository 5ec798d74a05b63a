/**
 * The monitor's configuration (src/detect/monitor/monitorConfig.ts): every default as its doc
 * comment states it, every option passed through, and every refusal with its message in full
 * (ConfigError's `field: problem (got value)`, src/core/errors.ts; the problems are those of
 * src/detect/detectors/optionChecks.ts and the validators each field is handed to).
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import {
  DEFAULT_PRIMARY_DETECTOR,
  DETECTOR_KEYS,
  type MonitorConfig,
  resolveMonitorConfig,
} from "../../../src/detect/monitor/monitorConfig.js";
import { DEFAULT_FLOW_METER } from "../../../src/model/flowMeter.js";
import { DEFAULT_LOOP_PARAMS } from "../../../src/model/loopParams.js";
import type { SensorCalibration } from "../../../src/model/telemetryConverter.js";
import { DEFAULT_THERMISTOR, type ThermistorConfig } from "../../../src/model/thermistor.js";

function message(config: unknown): string {
  try {
    resolveMonitorConfig(config as MonitorConfig);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("did not throw");
}

const detectors = (d: Record<string, unknown>): MonitorConfig => ({ detectors: d }) as MonitorConfig;
const calibration = (c: Record<string, unknown>): MonitorConfig =>
  ({ calibration: c as unknown as SensorCalibration }) as MonitorConfig;

const CONFIG_KEY_LIST =
  "params, calibration, hasAmbientProbe, rateHz, seed, sensorNoiseK, detectors, alarm, observer, tracker, fitWindowS, performanceRateHz";
const DETECTOR_KEY_LIST =
  "primary, temperatureBandK, commonModeBandK, flowBandLpm, deltaTBandK, heatBandW, heatFilterS, erratic, flatlineS, outOfRangeK, outOfRangeN, pumpEvidenceNats, stoppedRatio, alignS, realignAfterGapS, criticalCommonModeK, diagnosisRefreshS";

describe("monitor config defaults", () => {
  it("resolves an empty config (or none) to the documented defaults", () => {
    for (const cfg of [resolveMonitorConfig(), resolveMonitorConfig({})]) {
      expect(cfg).toStrictEqual({
        params: DEFAULT_LOOP_PARAMS,
        kHzPerLpm: 7.5,
        flowWindowS: 2,
        thermistorHot: DEFAULT_THERMISTOR,
        thermistorCold: DEFAULT_THERMISTOR,
        thermistorAmb: DEFAULT_THERMISTOR,
        hasAmbientProbe: true,
        rateHz: 10,
        sensorNoiseK: 0.05,
        detectors: {
          primary: DEFAULT_PRIMARY_DETECTOR,
          temperatureBandK: 0.3,
          commonModeBandK: 0.3,
          flowBandLpm: 0.3,
          deltaTBandK: 0.05,
          // 5 % of the default 150 W heater.
          heatBandW: 7.5,
          heatFilterS: 10,
          erratic: { window: 20, alpha: 1e-20 },
          flatlineS: 5,
          outOfRangeK: 3,
          outOfRangeN: 5,
          pumpEvidenceNats: 10,
          stoppedRatio: 0.1,
          alignS: 2,
          realignAfterGapS: 60,
          criticalCommonModeK: 10,
          diagnosisRefreshS: 0.5,
        },
        alarm: {
          raiseLevel: 1,
          clearLevel: 0.8,
          criticalLevel: 2,
          raiseDelayS: 0,
          clearDelayS: 2,
          minHoldS: 5,
          latch: "critical",
        },
        observer: { sensorNoiseK: 0.05 },
        tracker: { sensorNoiseK: 0.05 },
        fitWindowS: 60,
        performanceRateHz: 5,
      });
      expect(cfg.params).toBe(DEFAULT_LOOP_PARAMS);
      expect(cfg.kHzPerLpm).toBe(DEFAULT_FLOW_METER.kHzPerLpm);
      expect(cfg.detectors.primary).toBe(DEFAULT_PRIMARY_DETECTOR);
    }
  });

  it("the default primary detector is an EWMA of λ 0.1 with its limit at the band (L σ_z = 1)", () => {
    const d = DEFAULT_PRIMARY_DETECTOR;
    expect(d.kind).toBe("ewma");
    if (d.kind !== "ewma") return;
    expect(d.lambda).toBe(0.1);
    expect(d.sigma).toBe(1);
    // L = sqrt((2 - λ)/λ) = sqrt(19); L sqrt(λ/(2 - λ)) = 1.
    expect(d.L).toBeCloseTo(Math.sqrt(19), 12);
    expect((d.L as number) * Math.sqrt(0.1 / 1.9)).toBeCloseTo(1, 12);
  });

  it("the default heat band is 5 % of Q_heater_max, at least 0.5 W", () => {
    const band = (q: number): number =>
      resolveMonitorConfig({ params: { Q_heater_max: q } }).detectors.heatBandW;
    expect(band(20)).toBeCloseTo(1, 12);
    expect(band(10)).toBeCloseTo(0.5, 12);
    expect(band(4)).toBe(0.5);
    expect(band(300)).toBeCloseTo(15, 12);
  });

  it("lists the detector keys", () => {
    expect(DETECTOR_KEYS.join(", ")).toBe(DETECTOR_KEY_LIST);
  });
});

describe("monitor config options", () => {
  it("passes every option through", () => {
    const hot: ThermistorConfig = { curve: { kind: "beta", r25Ohm: 5000, betaK: 3900 }, seriesOhm: 4700 };
    const cold: ThermistorConfig = {
      curve: { kind: "beta", r25Ohm: 20_000, betaK: 4000 },
      seriesOhm: 22_000,
    };
    const amb: ThermistorConfig = {
      curve: { kind: "beta", r25Ohm: 100_000, betaK: 4250 },
      seriesOhm: 100_000,
    };
    const primary = { kind: "ewma", lambda: 0.2, L: 3 } as const;
    const cfg = resolveMonitorConfig({
      params: { UA: 9, C_hot: 3200 },
      calibration: { hot, cold, amb, flowMeter: { kHzPerLpm: 11 }, flowWindowS: 3 },
      hasAmbientProbe: false,
      rateHz: 1000,
      seed: 7,
      sensorNoiseK: 0.1,
      detectors: {
        primary,
        temperatureBandK: 0.4,
        commonModeBandK: 0.5,
        flowBandLpm: 0.6,
        deltaTBandK: 0.07,
        heatBandW: 3,
        heatFilterS: 12,
        erratic: { window: 10, alpha: 1e-6, dimension: 3 },
        flatlineS: Number.POSITIVE_INFINITY,
        outOfRangeK: 1000,
        outOfRangeN: 1000,
        pumpEvidenceNats: 12,
        stoppedRatio: 0.2,
        alignS: 0,
        realignAfterGapS: Number.POSITIVE_INFINITY,
        criticalCommonModeK: Number.POSITIVE_INFINITY,
        diagnosisRefreshS: 0.25,
      },
      alarm: { raiseLevel: 2, latch: "all" },
      observer: { processNoiseKPerS: 0.01 } as never,
      tracker: { sensorNoiseK: 0.3 } as never,
      fitWindowS: 30,
      performanceRateHz: 1000,
    });
    expect(cfg.params).toStrictEqual({ ...DEFAULT_LOOP_PARAMS, UA: 9, C_hot: 3200 });
    expect([cfg.thermistorHot, cfg.thermistorCold, cfg.thermistorAmb]).toStrictEqual([hot, cold, amb]);
    expect(cfg.thermistorHot).toBe(hot);
    expect(cfg.thermistorCold).toBe(cold);
    expect(cfg.thermistorAmb).toBe(amb);
    expect([cfg.kHzPerLpm, cfg.flowWindowS, cfg.hasAmbientProbe, cfg.rateHz, cfg.sensorNoiseK]).toEqual([
      11,
      3,
      false,
      1000,
      0.1,
    ]);
    expect(cfg.detectors).toStrictEqual({
      primary,
      temperatureBandK: 0.4,
      commonModeBandK: 0.5,
      flowBandLpm: 0.6,
      deltaTBandK: 0.07,
      heatBandW: 3,
      heatFilterS: 12,
      // The erratic test is on one thermistor: dimension 1 whatever is given.
      erratic: { window: 10, alpha: 1e-6, dimension: 1 },
      flatlineS: Number.POSITIVE_INFINITY,
      outOfRangeK: 1000,
      outOfRangeN: 1000,
      pumpEvidenceNats: 12,
      stoppedRatio: 0.2,
      alignS: 0,
      realignAfterGapS: Number.POSITIVE_INFINITY,
      criticalCommonModeK: Number.POSITIVE_INFINITY,
      diagnosisRefreshS: 0.25,
    });
    expect(cfg.alarm).toStrictEqual({
      raiseLevel: 2,
      clearLevel: 1.6,
      criticalLevel: 4,
      raiseDelayS: 0,
      clearDelayS: 2,
      minHoldS: 5,
      latch: "all",
    });
    // The observer and tracker get the monitor's sensor noise unless they set their own.
    expect(cfg.observer).toStrictEqual({ sensorNoiseK: 0.1, processNoiseKPerS: 0.01 });
    expect(cfg.tracker).toStrictEqual({ sensorNoiseK: 0.3 });
    expect([cfg.fitWindowS, cfg.performanceRateHz]).toEqual([30, 1000]);
  });

  it("takes a full loop parameter set, the erratic test's defaults, and disables it with false", () => {
    const params = { ...DEFAULT_LOOP_PARAMS, UA: 7 };
    expect(resolveMonitorConfig({ params }).params).toStrictEqual(params);
    expect(resolveMonitorConfig(detectors({ erratic: {} })).detectors.erratic).toStrictEqual({
      dimension: 1,
      window: 1,
      alpha: 1e-3,
    });
    expect(resolveMonitorConfig(detectors({ erratic: false })).detectors.erratic).toBe(false);
    expect(resolveMonitorConfig(detectors({ outOfRangeN: 1, outOfRangeK: 1 })).detectors).toMatchObject({
      outOfRangeN: 1,
      outOfRangeK: 1,
    });
    expect(resolveMonitorConfig({ hasAmbientProbe: true }).hasAmbientProbe).toBe(true);
    const own = resolveMonitorConfig({ sensorNoiseK: 0.1, observer: { sensorNoiseK: 0.2 }, tracker: {} });
    expect([own.observer, own.tracker]).toStrictEqual([{ sensorNoiseK: 0.2 }, { sensorNoiseK: 0.1 }]);
    expect(
      resolveMonitorConfig({ calibration: { ...calibrationOf(), flowWindowS: undefined } }).flowWindowS,
    ).toBe(2);
  });
});

function calibrationOf(): SensorCalibration {
  return {
    hot: DEFAULT_THERMISTOR,
    cold: DEFAULT_THERMISTOR,
    amb: DEFAULT_THERMISTOR,
    flowMeter: DEFAULT_FLOW_METER,
  };
}

describe("monitor config refusals", () => {
  it("refuses a config that is not an object", () => {
    expect(message(null)).toBe("monitor: must be an object (got null)");
    expect(message([])).toBe("monitor: must be an object (got [])");
    expect(message(5)).toBe("monitor: must be an object (got 5)");
    expect(message("x")).toBe('monitor: must be an object (got "x")');
  });

  it("refuses unknown options, listing the known ones", () => {
    expect(message({ bogus: 1 })).toBe(`bogus: unknown option (known: ${CONFIG_KEY_LIST}) (got 1)`);
    expect(message(detectors({ bogus: 2 }))).toBe(
      `detectors.bogus: unknown option (known: ${DETECTOR_KEY_LIST}) (got 2)`,
    );
  });

  it("names the nested fields of params, calibration and the primary detector", () => {
    expect(message({ params: { bogus: 3 } })).toMatch(
      /^params\.bogus: unknown parameter of the loop model \(known: .*\) \(got 3\)$/,
    );
    expect(message(calibration({ ...calibrationOf(), flowMeter: { kHzPerLpm: 0 } }))).toBe(
      "calibration.flowMeter.kHzPerLpm: must be a finite number > 0 (got 0)",
    );
    expect(message(calibration({ ...calibrationOf(), flowWindowS: 0 }))).toBe(
      "calibration.flowWindowS: must be > 0 (got 0)",
    );
    for (const part of ["hot", "cold", "amb"])
      expect(
        message(calibration({ ...calibrationOf(), [part]: { ...DEFAULT_THERMISTOR, seriesOhm: -1 } })),
      ).toBe(`calibration.${part}.seriesOhm: must be a finite number > 0 (got -1)`);
    expect(message(detectors({ primary: { kind: "bogus" } }))).toMatch(
      /^detectors\.primary\.kind: must be one of .*\(got "bogus"\)$/,
    );
    expect(message(detectors({ primary: { kind: "ewma", lambda: 2 } }))).toMatch(
      /^detectors\.primary\.ewma\.lambda: /,
    );
  });

  it("names the erratic test's field, keeping the chi-square error as the cause", () => {
    let err: unknown;
    try {
      resolveMonitorConfig(detectors({ erratic: { window: 0 } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe("detectors.erratic.window: is invalid (got 0)");
    expect((err as ConfigError).field).toBe("detectors.erratic.window");
    expect((err as Error).cause).toBeInstanceOf(ConfigError);
    expect(((err as Error).cause as Error).message).toBe(
      "chi_square.window: must be an integer in [1, 4096] (got 0)",
    );
    expect(message(detectors({ erratic: { alpha: 1 } }))).toBe("detectors.erratic.alpha: is invalid (got 1)");
    // Not a ConfigError: passed on as it is.
    expect(() => resolveMonitorConfig(detectors({ erratic: null }))).toThrow(TypeError);
    expect(() => resolveMonitorConfig(detectors({ erratic: null }))).toThrow(/'dimension'/);
  });

  it("refuses each band, time and level out of its range", () => {
    for (const f of [
      "temperatureBandK",
      "commonModeBandK",
      "flowBandLpm",
      "deltaTBandK",
      "heatBandW",
      "heatFilterS",
      "pumpEvidenceNats",
      "diagnosisRefreshS",
    ]) {
      expect(message(detectors({ [f]: 0 }))).toBe(`detectors.${f}: must be > 0 (got 0)`);
      expect(message(detectors({ [f]: Number.POSITIVE_INFINITY }))).toBe(
        `detectors.${f}: must be a finite number (got Infinity)`,
      );
    }
    for (const f of ["flatlineS", "realignAfterGapS", "criticalCommonModeK"]) {
      expect(message(detectors({ [f]: 0 }))).toBe(`detectors.${f}: must be > 0 (got 0)`);
      expect(message(detectors({ [f]: Number.NaN }))).toBe(
        `detectors.${f}: must be a finite number (got NaN)`,
      );
    }
    expect(message(detectors({ alignS: -1 }))).toBe("detectors.alignS: must be >= 0 (got -1)");
    expect(message(detectors({ stoppedRatio: 0 }))).toBe("detectors.stoppedRatio: must be in (0, 1) (got 0)");
    expect(message(detectors({ stoppedRatio: 1 }))).toBe("detectors.stoppedRatio: must be in (0, 1) (got 1)");
    expect(message(detectors({ outOfRangeN: 0 }))).toBe(
      "detectors.outOfRangeN: must be an integer in [1, 1000] (got 0)",
    );
    expect(message(detectors({ outOfRangeN: 1001 }))).toBe(
      "detectors.outOfRangeN: must be an integer in [1, 1000] (got 1001)",
    );
    // outOfRangeK is at most outOfRangeN (default 3 against 2).
    expect(message(detectors({ outOfRangeN: 4, outOfRangeK: 5 }))).toBe(
      "detectors.outOfRangeK: must be an integer in [1, 4] (got 5)",
    );
    expect(message(detectors({ outOfRangeN: 2 }))).toBe(
      "detectors.outOfRangeK: must be an integer in [1, 2] (got 3)",
    );
    expect(message(detectors({ outOfRangeK: 0 }))).toBe(
      "detectors.outOfRangeK: must be an integer in [1, 5] (got 0)",
    );
  });

  it("refuses the top-level numbers and flags out of range", () => {
    expect(message({ sensorNoiseK: 0 })).toBe("sensorNoiseK: must be > 0 (got 0)");
    expect(message({ hasAmbientProbe: "yes" })).toBe('hasAmbientProbe: must be true or false (got "yes")');
    expect(message({ rateHz: 0 })).toBe("rateHz: must be in (0, 1000] (got 0)");
    expect(message({ rateHz: 1000.5 })).toBe("rateHz: must be in (0, 1000] (got 1000.5)");
    expect(message({ performanceRateHz: 0 })).toBe("performanceRateHz: must be in (0, 1000] (got 0)");
    expect(message({ performanceRateHz: 1001 })).toBe("performanceRateHz: must be in (0, 1000] (got 1001)");
    expect(message({ fitWindowS: 0 })).toBe("fitWindowS: must be > 0 (got 0)");
    expect(message({ alarm: { clearLevel: 1 } })).toBe(
      "alarm.clearLevel: must be < alarm.raiseLevel (1) (got 1)",
    );
  });
});
