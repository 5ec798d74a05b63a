/**
 * Pump versus meter (src/detect/monitor/pumpMeterEvidence.ts): while the flow family is live and
 * its score is at least 0.3, the log-likelihood ratio of twin (b) against twin (a) grows by
 * (aH^2 + aC^2 - bH^2 - bC^2) / (2 sigma^2) per sample (two Gaussians of equal variance sigma^2
 * around each twin's prediction; the residuals are measurement minus prediction), counted only
 * where the twins' T_hot - T_cold differ by the band, bounded at +-1e4 nats; the decision is +1 at
 * the level, -1 at minus the level, and holds until forgotten. sigma = 0.5 K here, so 2 sigma^2 =
 * 0.5 K^2 and every increment below is a binary fraction worked by hand.
 */
import { describe, expect, it } from "vitest";
import { resolveMonitorConfig } from "../../../src/detect/monitor/monitorConfig.js";
import { expectedDecisionS, PumpMeterEvidence } from "../../../src/detect/monitor/pumpMeterEvidence.js";
import { SampleValues } from "../../../src/detect/monitor/sampleValues.js";

const NaN_ = Number.NaN;

function setup(levelNats: number, bandK: number, sigmaK = 0.5) {
  const v = new SampleValues();
  const ev = new PumpMeterEvidence(levelNats, bandK, sigmaK, v);
  /** One sample; returns whether the decision changed. */
  const step = (tS: number, live: boolean, score: number, aH = 0, aC = 0, bH = 0, bC = 0): boolean => {
    v.tS = tS;
    v.flowScore = score;
    v.aHotK = aH;
    v.aColdK = aC;
    v.bHotK = bH;
    v.bColdK = bC;
    return ev.update(live);
  };
  return { ev, step };
}

describe("PumpMeterEvidence: the increment", () => {
  it("starts with no evidence, no decision, not engaged, not quiet", () => {
    const { ev } = setup(10, 0.05);
    expect(ev.llrNats).toBe(0);
    expect(ev.decision).toBe(0);
    expect(ev.engagedAtS).toBeNaN();
    expect(ev.quietS).toBe(0);
  });

  it("adds (aH^2 + aC^2 - bH^2 - bC^2) / (2 sigma^2) per engaged sample", () => {
    const { ev, step } = setup(100, 0.1);
    // D = (2 - 3) - (0.5 - 2) = 0.5; (4 + 9 - 0.25 - 4) / 0.5 = 17.5
    expect(step(10, true, 0.5, 2, 3, 0.5, 2)).toBe(false);
    expect(ev.llrNats).toBe(17.5);
    // D = 0 - (1 - 0.5) = -0.5; (0 - 1 - 0.25) / 0.5 = -2.5
    expect(step(11, true, 0.5, 0, 0, 1, 0.5)).toBe(false);
    expect(ev.llrNats).toBe(15);
    expect(ev.decision).toBe(0);
  });

  it("sigma enters squared: sigma 0.25 K gives 2 sigma^2 = 0.125 K^2", () => {
    const { ev, step } = setup(1000, 0.1, 0.25);
    // D = 1; (1 - 0) / 0.125 = 8
    step(0, true, 1, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(8);
  });

  it("counts nothing where the twins' T_hot - T_cold agree, though the residuals differ", () => {
    const { ev, step } = setup(100, 0.1);
    // D = (1 - 0.5) - (0.75 - 0.25) = 0; the increment would be (1 + 0.25 - 0.5625 - 0.0625)/0.5 = 1.25
    step(0, true, 1, 1, 0.5, 0.75, 0.25);
    expect(ev.llrNats).toBe(0);
  });

  it("counts a divergence of exactly the band, either sign; not one below it", () => {
    const { ev, step } = setup(100, 0.25);
    // D = (0.5 - 0.25) - (0.25 - 0.25) = 0.25: (0.25 + 0.0625 - 0.0625 - 0.0625)/0.5 = 0.375
    step(0, true, 1, 0.5, 0.25, 0.25, 0.25);
    expect(ev.llrNats).toBe(0.375);
    // D = (0.25 - 0.5) - 0 = -0.25: the same increment
    step(1, true, 1, 0.25, 0.5, 0.25, 0.25);
    expect(ev.llrNats).toBe(0.75);
    // D = 0.2421875 (0.4921875 - 0.25): below the band
    step(2, true, 1, 0.4921875, 0.25, 0.25, 0.25);
    expect(ev.llrNats).toBe(0.75);
  });

  it("skips increments that are not finite", () => {
    const { ev, step } = setup(100, 0.1);
    step(0, true, 1, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(2);
    step(1, true, 1, Number.POSITIVE_INFINITY, 0, 0, 0);
    step(2, true, 1, 0, 0, Number.NEGATIVE_INFINITY, 0);
    step(3, true, 1, NaN_, 0, 0, 0);
    step(4, true, 1, 0, 0, 0, NaN_);
    expect(ev.llrNats).toBe(2);
  });

  it("is bounded at +-1e4 nats, so a long fault is forgotten as fast as a short one", () => {
    const { ev, step } = setup(10, 0.1);
    // D = 100: 10000 / 0.5 = 2e4, capped at 1e4
    step(0, true, 1, 100, 0, 0, 0);
    expect(ev.llrNats).toBe(1e4);
    // D = -1: -2 from the cap
    step(1, true, 1, 0, 0, 1, 0);
    expect(ev.llrNats).toBe(9998);
    // -2e4 from 9998: capped at -1e4
    step(2, true, 1, 0, 0, 100, 0);
    expect(ev.llrNats).toBe(-1e4);
    step(3, true, 1, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(-9998);
  });

  it("gathers only while the flow family is live with a score of at least 0.3", () => {
    const { ev, step } = setup(100, 0.1);
    // each of these would add 2 if engaged
    expect(step(0, false, 5, 1, 0, 0, 0)).toBe(false);
    expect(step(1, true, 0.29, 1, 0, 0, 0)).toBe(false);
    expect(step(2, true, NaN_, 1, 0, 0, 0)).toBe(false);
    expect(ev.llrNats).toBe(0);
    expect(ev.engagedAtS).toBeNaN();
    step(3, true, 0.3, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(2);
    expect(ev.engagedAtS).toBe(3);
    step(4, true, 0.7, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(4);
    // engaged since the first engaged sample
    expect(ev.engagedAtS).toBe(3);
    // not live: nothing added, still engaged since 3
    step(5, false, 0.7, 1, 0, 0, 0);
    expect(ev.llrNats).toBe(4);
    expect(ev.engagedAtS).toBe(3);
  });
});

describe("PumpMeterEvidence: the decision", () => {
  it("+1 at the level, -1 at minus the level, held in between; true only when it changes", () => {
    const { ev, step } = setup(4, 0.1);
    const up = (t: number): boolean => step(t, true, 1, 1, 0, 0, 0); // +2
    const down = (t: number): boolean => step(t, true, 1, 0, 0, 1, 0); // -2
    expect(up(0)).toBe(false); // 2
    expect(ev.decision).toBe(0);
    expect(up(1)).toBe(true); // 4: at the level
    expect(ev.decision).toBe(1);
    expect(up(2)).toBe(false); // 6
    expect(ev.decision).toBe(1);
    for (let t = 3; t <= 6; t++) expect(down(t)).toBe(false); // 4, 2, 0, -2: held
    expect(ev.llrNats).toBe(-2);
    expect(ev.decision).toBe(1);
    expect(down(7)).toBe(true); // -4: at minus the level
    expect(ev.decision).toBe(-1);
    expect(down(8)).toBe(false); // -6
    expect(ev.decision).toBe(-1);
    // a sample that is not engaged never reports a change
    expect(step(9, false, 1, 100, 0, 0, 0)).toBe(false);
  });

  it("from undecided, -1 needs minus the level: 2 nats below a level of 4 is not a meter decision", () => {
    const { ev, step } = setup(4, 0.1);
    expect(step(0, true, 1, 0, 0, 1, 0)).toBe(false); // -2
    expect(ev.decision).toBe(0);
    expect(step(1, true, 1, 0, 0, 1, 0)).toBe(true); // -4
    expect(ev.decision).toBe(-1);
  });

  it("forget clears the evidence, the decision and the engagement time", () => {
    const { ev, step } = setup(4, 0.1);
    step(10, true, 1, 2, 0, 0, 0); // +8
    expect(ev.decision).toBe(1);
    ev.forget();
    expect(ev.llrNats).toBe(0);
    expect(ev.decision).toBe(0);
    expect(ev.engagedAtS).toBeNaN();
    expect(step(20, true, 1, 1, 0, 0, 0)).toBe(false); // +2
    expect(ev.engagedAtS).toBe(20);
    expect(ev.llrNats).toBe(2);
  });
});

describe("PumpMeterEvidence: how long the flow family has been quiet", () => {
  it("counts from the first live sample scoring below 0.3, and restarts otherwise", () => {
    const { ev, step } = setup(10, 0.1);
    step(1, true, 0.1);
    expect(ev.quietS).toBe(0);
    step(2.5, true, 0.2);
    expect(ev.quietS).toBe(1.5);
    step(3, true, 0.3); // not quiet
    expect(ev.quietS).toBe(0);
    step(4, true, 0.29);
    expect(ev.quietS).toBe(0);
    step(6, true, 0);
    expect(ev.quietS).toBe(2);
    step(7, false, 0.1); // not live: not quiet either
    expect(ev.quietS).toBe(0);
    step(8, true, 0.1);
    step(9.5, true, 0.1);
    expect(ev.quietS).toBe(1.5);
    step(10, true, NaN_); // no score: not quiet
    expect(ev.quietS).toBe(0);
    // forget leaves the quiet count alone
    step(11, true, 0.1);
    ev.forget();
    step(14, true, 0.1);
    expect(ev.quietS).toBe(3);
  });
});

describe("expectedDecisionS", () => {
  // The loop of tests/detect/flowDecisionTime.test.ts worked by hand: C_hot = C_cold = 1 J/K,
  // cp = 1, Q_in = 1 W, intended flow 1 kg/s at its steady state (T_hot - T_cold = 1 K), the
  // pump stopped (measured 0), one sample a second, sigma 0.5 K: the twins part as D(t) = 2t and
  // the evidence per sample is (2n)^2 (k = 2, split 0.5, 1 nat per K^2 per second). With UA 1 W/K
  // the horizon C_cold/UA is 1 s: 4 nats at t = 1 s.
  const cfg = (evidenceNats: number, bandK: number) =>
    resolveMonitorConfig({
      params: { C_hot: 1, C_cold: 1, cp: 1 },
      sensorNoiseK: 0.5,
      rateHz: 1,
      detectors: { pumpEvidenceNats: evidenceNats, deltaTBandK: bandK },
    });

  it("reads the loop, the noise, the rate, the decision level and the band from the config", () => {
    expect(expectedDecisionS(cfg(4, 0.1), 1, 1, 1, 0, 1)).toBe(1);
    // a level just above the 4 nats within the horizon: never
    expect(expectedDecisionS(cfg(4.0001, 0.1), 1, 1, 1, 0, 1)).toBe(Number.POSITIVE_INFINITY);
    // D(1) = 2 K: a band of 2 K counts it, one above does not
    expect(expectedDecisionS(cfg(4, 2), 1, 1, 1, 0, 1)).toBe(1);
    expect(expectedDecisionS(cfg(4, 2.0001), 1, 1, 1, 0, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("passes the heat input, UA, both flows and T_hot - T_cold through", () => {
    // UA 0.5 W/K: horizon 2 s, 4 + 16 = 20 nats at t = 2 s
    expect(expectedDecisionS(cfg(20, 0.1), 1, 0.5, 1, 0, 1)).toBe(2);
    // no heat input: nothing to tell them apart
    expect(expectedDecisionS(cfg(4, 0.1), 0, 1, 1, 0, 0)).toBe(Number.POSITIVE_INFINITY);
    // no radiator: NaN
    expect(expectedDecisionS(cfg(4, 0.1), 1, 0, 1, 0, 1)).toBeNaN();
    // the same flow on both: no divergence
    expect(expectedDecisionS(cfg(4, 0.1), 1, 1, 1, 1, 1)).toBe(Number.POSITIVE_INFINITY);
    // T_hot - T_cold 0 at the change: D(1) = 2 - (1 - e^-2) = 1 + e^-2, 1.27 nats
    const d1 = 1 + Math.exp(-2);
    expect(expectedDecisionS(cfg(0.999 * d1 * d1, 0.1), 1, 1, 1, 0, 0)).toBe(1);
    expect(expectedDecisionS(cfg(1.001 * d1 * d1, 0.1), 1, 1, 1, 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
