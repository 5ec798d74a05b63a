/**
 * The expected time for the temperatures to tell a pump fault from a flow-meter fault
 * (src/detect/diagnosis/flowDecisionTime.ts): against its closed form for a stopped pump, against two
 * full loop-model twins (FlowDrivenTwin, radiator and losses included) accumulating the same
 * expected evidence, and the laws it must keep.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FlowDecisionInput, flowDecisionTimeS } from "../../src/detect/diagnosis/flowDecisionTime.js";
import { FlowDrivenTwin } from "../../src/detect/twins/flowDrivenTwin.js";
import { heaterPowerW, radiatorUaWK } from "../../src/model/actuators.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { pumpMassFlowKgS } from "../../src/model/pumpCurve.js";

const p = DEFAULT_LOOP_PARAMS;
const Q = heaterPowerW(p, 255);
const UA = radiatorUaWK(p, 255);
const M_A = pumpMassFlowKgS(p, 200);
const SIGMA = 0.05;
const RATE = 10;
const NATS = 10;
const BAND = 0.05;

/** Twin a at its steady state: T_hot - T_cold = Q/(m cp) with UA_loss = 0. */
function input(measuredKgS: number, over: Partial<FlowDecisionInput> = {}): FlowDecisionInput {
  return {
    heaterW: Q,
    cHotJK: p.C_hot,
    cColdJK: p.C_cold,
    cpJKgK: p.cp,
    uaWK: UA,
    intendedKgS: M_A,
    measuredKgS,
    deltaTK: Q / (M_A * p.cp),
    sensorNoiseK: SIGMA,
    rateHz: RATE,
    evidenceNats: NATS,
    bandK: BAND,
    ...over,
  };
}

/**
 * The reference: twins on the full loop model from the intended flow's steady state, one switched
 * to `measuredKgS`; per sample, while their T_hot - T_cold differ by the band, the expected
 * log-likelihood increment (dT_hot^2 + dT_cold^2)/(2 sigma^2); the time it reaches NATS.
 */
function simulatedDecisionS(measuredKgS: number, horizonS = 120): number {
  const a = new FlowDrivenTwin(p);
  const b = new FlowDrivenTwin(p);
  for (const t of [a, b]) t.setInputs(Q, UA, p.T_sink, p.T_amb);
  // Settle a at the intended flow (10 radiator time constants), then start b from it.
  a.setState(p.T_sink + Q / UA + Q / (M_A * p.cp), p.T_sink + Q / UA);
  for (let i = 0; i < 3000; i++) a.step(1, M_A);
  b.setState(a.tHotC, a.tColdC);
  let evidence = 0;
  for (let n = 1; n <= horizonS * RATE; n++) {
    a.step(1 / RATE, M_A);
    b.step(1 / RATE, measuredKgS);
    const dh = b.tHotC - a.tHotC;
    const dc = b.tColdC - a.tColdC;
    if (Math.abs(dh - dc) < BAND) continue;
    evidence += (dh * dh + dc * dc) / (2 * SIGMA * SIGMA);
    if (evidence >= NATS) return n / RATE;
  }
  return Number.POSITIVE_INFINITY;
}

describe("flowDecisionTimeS", () => {
  it("a stopped pump: the closed form of T_hot - T_cold parting at k Q_in per second", () => {
    // D(t) = k Q t, k = 1/C_hot + 1/C_cold; evidence from t0 = band/(k Q) at a rate per second of
    // RATE w (k Q t)^2 / (2 sigma^2), w = (C_hot^2 + C_cold^2)/(C_hot + C_cold)^2.
    const k = 1 / p.C_hot + 1 / p.C_cold;
    const w = (p.C_hot ** 2 + p.C_cold ** 2) / (p.C_hot + p.C_cold) ** 2;
    const c = (RATE * w * (k * Q) ** 2) / (2 * SIGMA * SIGMA);
    const t0 = BAND / (k * Q);
    const closed = Math.cbrt((3 * NATS) / c + t0 ** 3);
    const t = flowDecisionTimeS(input(0));
    // The sum is over samples: within one sample period of the integral.
    expect(Math.abs(t - closed)).toBeLessThanOrEqual(1 / RATE + 1e-9);
    // On the default rig: T_hot - T_cold part at ~0.11 K/s and the evidence decides in ~1.4 s.
    expect(k * Q).toBeGreaterThan(0.1);
    expect(k * Q).toBeLessThan(0.12);
    expect(t).toBeGreaterThan(1.2);
    expect(t).toBeLessThan(1.7);
  });

  it.each([
    ["pump stopped", 0],
    ["pump at half", 0.5 * M_A],
    ["pump at 70 %", 0.7 * M_A],
    ["meter reading 30 % high", 1.3 * M_A],
  ])("agrees with two full loop-model twins: %s", (_name, measuredKgS) => {
    const reference = simulatedDecisionS(measuredKgS);
    const t = flowDecisionTimeS(input(measuredKgS));
    expect(Number.isFinite(reference)).toBe(true);
    // The estimate leaves out the radiator and the losses (seconds against C_cold/UA = 300 s).
    expect(Math.abs(t - reference)).toBeLessThanOrEqual(Math.max(0.2, 0.1 * reference));
  });

  it("is Infinity when the temperatures cannot tell: no heat input, or a change of flow too small", () => {
    expect(flowDecisionTimeS(input(0, { heaterW: 0, deltaTK: 0 }))).toBe(Number.POSITIVE_INFINITY);
    // 1 % less flow moves T_hot - T_cold by 0.006 K at most, below the 0.05 K band.
    expect(flowDecisionTimeS(input(0.99 * M_A))).toBe(Number.POSITIVE_INFINITY);
    expect(flowDecisionTimeS(input(M_A))).toBe(Number.POSITIVE_INFINITY);
  });

  it("is NaN for inputs it cannot use", () => {
    expect(flowDecisionTimeS(input(0, { uaWK: 0 }))).toBeNaN();
    expect(flowDecisionTimeS(input(Number.NaN))).toBeNaN();
    expect(flowDecisionTimeS(input(0, { sensorNoiseK: 0 }))).toBeNaN();
  });

  it("less measured flow is decided no later, and more noise or a higher decision level no sooner", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (f1, f2, scale) => {
          const lo = Math.min(f1, f2);
          const hi = Math.max(f1, f2);
          const tLo = flowDecisionTimeS(input(lo * M_A));
          const tHi = flowDecisionTimeS(input(hi * M_A));
          expect(tLo).toBeLessThanOrEqual(tHi);
          expect(flowDecisionTimeS(input(lo * M_A, { sensorNoiseK: SIGMA * scale }))).toBeGreaterThanOrEqual(
            tLo,
          );
          expect(flowDecisionTimeS(input(lo * M_A, { evidenceNats: NATS * scale }))).toBeGreaterThanOrEqual(
            tLo,
          );
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

/**
 * A loop small enough to work by hand: C_hot = C_cold = 1 J/K, cp = 1, Q_in = 1 W, the intended
 * flow 1 kg/s at its steady state (T_hot - T_cold = Q/(m cp) = 1 K), one sample a second, sigma
 * 0.5 K. Then k = 2, the split (1 + 1)/(1 + 1)^2 = 0.5, the evidence per second
 * 1 x 0.5 / (2 x 0.25) = 1 per K^2, and with the pump stopped the twins part as D(t) = k Q t = 2t
 * (the intended-flow twin stays put): the increment at sample n is (2n)^2 per sample.
 */
function tiny(over: Partial<FlowDecisionInput> = {}): FlowDecisionInput {
  return {
    heaterW: 1,
    cHotJK: 1,
    cColdJK: 1,
    cpJKgK: 1,
    uaWK: 1,
    intendedKgS: 1,
    measuredKgS: 0,
    deltaTK: 1,
    sensorNoiseK: 0.5,
    rateHz: 1,
    evidenceNats: 4,
    bandK: 0.1,
    ...over,
  };
}

describe("flowDecisionTimeS on a loop worked by hand", () => {
  it("one sample within the horizon (C_cold/UA = 1 s): evidence 4 at t = 1 s, decided at a level of 4, not above", () => {
    expect(flowDecisionTimeS(tiny())).toBe(1);
    expect(flowDecisionTimeS(tiny({ evidenceNats: 4.0001 }))).toBe(Number.POSITIVE_INFINITY);
  });

  it("a divergence of exactly the band counts; one above it does not", () => {
    expect(flowDecisionTimeS(tiny({ bandK: 2 }))).toBe(1);
    expect(flowDecisionTimeS(tiny({ bandK: 2.0001 }))).toBe(Number.POSITIVE_INFINITY);
  });

  it("two samples (horizon 2 s): 4 then 4 + 16 = 20; a band of 3 K skips the first", () => {
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, evidenceNats: 4 }))).toBe(1);
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, evidenceNats: 20 }))).toBe(2);
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, evidenceNats: 20.001 }))).toBe(Number.POSITIVE_INFINITY);
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, bandK: 3, evidenceNats: 16 }))).toBe(2);
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, bandK: 3, evidenceNats: 16.001 }))).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("steps of horizon/4000 when the samples are finer: horizon 8000 s, steps of 2 s, evidence (2 x 2)^2 x 2 = 32", () => {
    const ua = 1 / 8000;
    expect(flowDecisionTimeS(tiny({ uaWK: ua, evidenceNats: 32 }))).toBe(2);
    // At 2 s steps the next is t = 4 s: 32 + 8^2 x 2 = 160.
    expect(flowDecisionTimeS(tiny({ uaWK: ua, evidenceNats: 33 }))).toBe(4);
  });

  it("a twin away from its steady state relaxes: D(1) = 2 - (1 - e^-2) with T_hot - T_cold = 0 at the change", () => {
    // e_a' = k (Q - m cp e_a) from 0: e_a(t) = Q/(m cp) (1 - e^(-k m cp t)) = 1 - e^(-2t);
    // e_b(t) = k Q t = 2t with no flow; D(1) = 2 - (1 - e^-2) = 1 + e^-2.
    const d1 = 1 + Math.exp(-2);
    expect(flowDecisionTimeS(tiny({ deltaTK: 0, evidenceNats: 0.999 * d1 * d1 }))).toBe(1);
    expect(flowDecisionTimeS(tiny({ deltaTK: 0, evidenceNats: 1.001 * d1 * d1 }))).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("four samples a second apart by half a second (rate 2 Hz): increments 4 t^2 add to 1, 5, 14, 30", () => {
    // Evidence per second 2 x 0.5 / (2 x 0.25) = 2; per step 2 x (2t)^2 x 0.5 = 4 t^2.
    expect(flowDecisionTimeS(tiny({ rateHz: 2, uaWK: 0.5, evidenceNats: 30 }))).toBe(2);
    expect(flowDecisionTimeS(tiny({ rateHz: 2, uaWK: 0.5, evidenceNats: 30.001 }))).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(flowDecisionTimeS(tiny({ rateHz: 2, uaWK: 0.5, evidenceNats: 1 }))).toBe(0.5);
  });

  it("the relaxing twin at the second sample: D(2) = 4 - (1 - e^-4)", () => {
    const d1 = 1 + Math.exp(-2);
    const d2 = 3 + Math.exp(-4);
    const at = (nats: number) => flowDecisionTimeS(tiny({ uaWK: 0.5, deltaTK: 0, evidenceNats: nats }));
    expect(at(d1 * d1 + 0.999 * d2 * d2)).toBe(2);
    expect(at(d1 * d1 + 1.001 * d2 * d2)).toBe(Number.POSITIVE_INFINITY);
  });

  it("the relaxing twin's rate k m cp: 2 kg/s at cp 2 relaxes at 8 /s, D(1) = 2 - (1 - e^-8)/4", () => {
    // e_a(t) = Q/(m cp) (1 - e^(-k m cp t)) = (1 - e^(-8t))/4; e_b(t) = k Q t = 2t.
    const d1 = 1.75 + Math.exp(-8) / 4;
    const at = (nats: number) =>
      flowDecisionTimeS(tiny({ intendedKgS: 2, cpJKgK: 2, deltaTK: 0, evidenceNats: nats }));
    expect(at(0.999 * d1 * d1)).toBe(1);
    expect(at(1.001 * d1 * d1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a negative flow is no flow", () => {
    // Measured -1 kg/s is the stopped pump: 4 + 16 at the second sample, not more at the first.
    expect(flowDecisionTimeS(tiny({ uaWK: 0.5, measuredKgS: -1, evidenceNats: 16 }))).toBe(2);
    // Intended -1 kg/s and measured 0: both twins without flow, never apart.
    expect(flowDecisionTimeS(tiny({ intendedKgS: -1 }))).toBe(Number.POSITIVE_INFINITY);
  });

  it("NaN when a decision level or a band is not a number, or a product overflows", () => {
    expect(flowDecisionTimeS(tiny({ evidenceNats: Number.NaN }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ evidenceNats: Number.POSITIVE_INFINITY }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ bandK: Number.NaN }))).toBeNaN();
    // C_hot = C_cold = 0.5 J/K (k = 4) and m cp = 1e308: k m cp is beyond the largest double
    // while m cp T_hot - T_cold (= 0) is not; for either twin.
    const small = { cHotJK: 0.5, cColdJK: 0.5, uaWK: 0.5, deltaTK: 0 };
    expect(flowDecisionTimeS(tiny({ ...small, intendedKgS: 1e308, measuredKgS: 0 }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ ...small, intendedKgS: 0, measuredKgS: 1e308 }))).toBeNaN();
    // m cp (T_hot - T_cold) = 1e400 overflows while k m cp = 2e200 does not; for either twin.
    expect(flowDecisionTimeS(tiny({ intendedKgS: 1e200, measuredKgS: 0, deltaTK: 1e200 }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ intendedKgS: 0, measuredKgS: 1e200, deltaTK: 1e200 }))).toBeNaN();
  });

  it("NaN without a positive finite horizon", () => {
    expect(flowDecisionTimeS(tiny({ uaWK: -1 }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ uaWK: Number.POSITIVE_INFINITY }))).toBeNaN();
    expect(flowDecisionTimeS(tiny({ cColdJK: Number.POSITIVE_INFINITY }))).toBeNaN();
  });
});
