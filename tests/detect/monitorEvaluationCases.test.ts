import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import {
  DEFAULT_SETPOINTS,
  isSpecificWrong,
  nominalSchedule,
  onsetJitterS,
  otherCases,
  targetCases,
  uaReachesS,
} from "../../src/detect/evaluation/monitorEvaluation.js";
import { parseFaultSpec } from "../../src/model/faultSpec.js";

describe("the evaluation's fault cases", () => {
  it("the issue's target events, with their deadlines (section 7) and the HIL diagnosis deadlines", () => {
    const heaterStep = [
      { tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
      { tS: 30, pumpDuty: 200, heaterDuty: 120, fanDuty: 255 },
    ];
    expect(targetCases()).toEqual([
      {
        name: "pump_failure",
        fault: "pump_failure:start=120",
        durationS: 200,
        targetS: 2,
        diagnosisTargetS: 2,
      },
      {
        name: "pump_degradation_30",
        fault: "pump_degradation:start=120,severity=0.3",
        durationS: 200,
        targetS: 10,
        diagnosisTargetS: 10,
      },
      // UA at 75 % of nominal: 60 + 600 x 0.25 / 0.5 = 360 s, and 60 + 150 x 0.25 / 0.4 = 153.75 s.
      {
        name: "hx_fouling_ramp600_to50",
        fault: "hx_fouling:start=60,ramp=600,severity=0.5",
        durationS: 900,
        targetS: 60,
        referenceS: 360,
      },
      {
        name: "hx_fouling_ramp150_to60",
        fault: "hx_fouling:start=60,ramp=150,severity=0.4",
        durationS: 500,
        targetS: 60,
        referenceS: 153.75,
      },
      {
        name: "bias_hot_+1.5",
        fault: "sensor_bias:start=120,value=1.5,channel=hot",
        durationS: 200,
        targetS: 10,
      },
      {
        name: "bias_hot_-1.5",
        fault: "sensor_bias:start=120,value=-1.5,channel=hot",
        durationS: 200,
        targetS: 10,
      },
      {
        name: "bias_cold_+1.5",
        fault: "sensor_bias:start=120,value=1.5,channel=cold",
        durationS: 200,
        targetS: 10,
      },
      {
        name: "bias_cold_-1.5",
        fault: "sensor_bias:start=120,value=-1.5,channel=cold",
        durationS: 200,
        targetS: 10,
      },
      { name: "stuck_hot_steady", fault: "sensor_stuck:start=120,channel=hot", durationS: 200, targetS: 30 },
      {
        name: "stuck_cold_steady",
        fault: "sensor_stuck:start=120,channel=cold",
        durationS: 200,
        targetS: 30,
      },
      {
        name: "stuck_hot_settling",
        fault: "sensor_stuck:start=60,channel=hot",
        durationS: 200,
        targetS: 30,
        setpoints: heaterStep,
      },
      {
        name: "stuck_cold_settling",
        fault: "sensor_stuck:start=60,channel=cold",
        durationS: 200,
        targetS: 30,
        setpoints: heaterStep,
      },
      {
        name: "flow_blockage_jam",
        fault: "flow_blockage:start=120",
        durationS: 200,
        targetS: 5,
        diagnosisTargetS: 5,
      },
      {
        name: "flow_blockage_half",
        fault: "flow_blockage:start=120,severity=0.5",
        durationS: 200,
        targetS: 5,
        diagnosisTargetS: 5,
      },
    ]);
  });

  it("the other fault kinds, without deadlines", () => {
    expect(otherCases()).toEqual([
      { name: "heater_overpower_20", fault: "heater_overpower:start=120,severity=0.2", durationS: 600 },
      {
        name: "heater_overpower_70",
        fault: "heater_overpower:start=60,severity=0.7",
        durationS: 400,
        setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 150, fanDuty: 255 }],
      },
      { name: "drift_hot", fault: "sensor_drift:start=120,value=0.01,channel=hot", durationS: 400 },
      { name: "drift_cold", fault: "sensor_drift:start=120,value=-0.01,channel=cold", durationS: 400 },
      { name: "noise_hot", fault: "sensor_noise:start=120,value=0.5,channel=hot", durationS: 200 },
      { name: "noise_cold", fault: "sensor_noise:start=120,value=0.5,channel=cold", durationS: 200 },
      { name: "open_hot", fault: "sensor_open:start=120,channel=hot", durationS: 200 },
      { name: "open_cold", fault: "sensor_open:start=120,channel=cold", durationS: 200 },
      { name: "short_hot", fault: "sensor_short:start=120,channel=hot", durationS: 200 },
      { name: "short_cold", fault: "sensor_short:start=120,channel=cold", durationS: 200 },
      { name: "pump_degradation_10", fault: "pump_degradation:start=120,severity=0.1", durationS: 200 },
    ]);
    expect(DEFAULT_SETPOINTS).toEqual([{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }]);
  });

  it("uaReachesS: the linear ramp's time of a UA ratio, a step's onset, never past the full severity", () => {
    const ramp = parseFaultSpec("hx_fouling:start=60,ramp=600,severity=0.5");
    expect(uaReachesS(ramp, 0.75)).toBeCloseTo(360, 9); // 60 + 600 x 0.25 / 0.5
    expect(uaReachesS(ramp, 0.5)).toBeCloseTo(660, 9); // exactly the full severity: the ramp's end
    expect(uaReachesS(ramp, 0.4)).toBe(Number.POSITIVE_INFINITY); // beyond it: never
    expect(uaReachesS(ramp, 1)).toBe(60);
    expect(uaReachesS(parseFaultSpec("hx_fouling:start=30,severity=0.5"), 0.75)).toBe(30);
    // A step of no severity reaches ratio 1 at its onset (0 / 0 is never formed).
    const none = { ...parseFaultSpec("hx_fouling:start=30,severity=0.5"), severity: 0 };
    expect(uaReachesS(none, 1)).toBe(30);
  });

  it("onsetJitterS: the fractional part of seed x the golden ratio's conjugate", () => {
    expect(onsetJitterS(1)).toBeCloseTo(0.6180339887498949, 15);
    expect(onsetJitterS(2)).toBeCloseTo(0.2360679774997898, 15);
    expect(onsetJitterS(3)).toBeCloseTo(0.8541019662496847, 15);
    expect(onsetJitterS(0)).toBe(0);
  });

  it("isSpecificWrong: a text that is no diagnosis counts as a wrong one", () => {
    expect(isSpecificWrong("not a diagnosis", "pump_failure")).toBe(true);
  });
});

describe("nominalSchedule", () => {
  it("steps every everyS jittered by up to a third, one setting at a time, within each setting's range", () => {
    const everyS = 900;
    const durationS = 2000 * everyS;
    const s = nominalSchedule(durationS, 7, everyS);
    expect(s[0]).toEqual({ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 });
    expect(s[1]?.tS).toBe(everyS);
    const changed = { pump: 0, heater: 0, fan: 0 };
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1] as (typeof s)[number];
      const b = s[i] as (typeof s)[number];
      const gap = b.tS - a.tS;
      if (i > 1) {
        expect(gap).toBeGreaterThanOrEqual(everyS * (2 / 3) - 0.1);
        expect(gap).toBeLessThanOrEqual(everyS * (4 / 3) + 0.1);
      }
      expect(Math.abs(b.tS * 10 - Math.round(b.tS * 10))).toBeLessThan(1e-6);
      expect(b.tS).toBeLessThan(durationS);
      const d = [b.pumpDuty !== a.pumpDuty, b.heaterDuty !== a.heaterDuty, b.fanDuty !== a.fanDuty];
      expect(d.filter(Boolean).length).toBeLessThanOrEqual(1);
      if (d[0]) changed.pump++;
      if (d[1]) changed.heater++;
      if (d[2]) changed.fan++;
      expect(b.pumpDuty).toBeGreaterThanOrEqual(120);
      expect(b.pumpDuty).toBeLessThanOrEqual(255);
      expect(b.heaterDuty).toBeGreaterThanOrEqual(80);
      expect(b.heaterDuty).toBeLessThanOrEqual(255);
      expect(b.fanDuty).toBeGreaterThanOrEqual(120);
      expect(b.fanDuty).toBeLessThanOrEqual(255);
    }
    // About durationS / everyS steps; the next one would have come at or after durationS.
    expect(s.length - 1).toBeGreaterThan(1900);
    expect(s.length - 1).toBeLessThan(2100);
    expect((s[s.length - 1] as (typeof s)[number]).tS).toBeGreaterThan(durationS - everyS * (4 / 3) - 0.1);
    // Pump and heater steps two in five each, fan steps one in five (about 2000 steps: sd ~ 1 %).
    const n = changed.pump + changed.heater + changed.fan;
    expect(changed.pump / n).toBeGreaterThan(0.35);
    expect(changed.pump / n).toBeLessThan(0.45);
    expect(changed.heater / n).toBeGreaterThan(0.35);
    expect(changed.heater / n).toBeLessThan(0.45);
    expect(changed.fan / n).toBeGreaterThan(0.15);
    expect(changed.fan / n).toBeLessThan(0.25);
    // The default step is 900 s; nothing but the initial setpoints within it.
    expect(nominalSchedule(900, 7)).toHaveLength(1);
    expect(nominalSchedule(901, 7)[1]?.tS).toBe(900);
  });

  it("the jitter of each step is 1 + (u - 1/2) x 2/3 of everyS, u the seeded draw after the step's setting", () => {
    // The seed's draws, in the order the schedule takes them: which setting (of 5), its value, u.
    const rng = new SeededRng(11);
    const which = rng.int(5);
    rng.int(which <= 3 ? (which <= 1 ? 136 : 176) : 136);
    const u = rng.uniform();
    const second = Math.round((900 + 900 * (1 + (u - 0.5) * (2 / 3))) * 10) / 10;
    expect(nominalSchedule(1e5, 11)[2]?.tS).toBe(second);
  });
});
