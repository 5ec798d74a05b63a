/**
 * Fault isolation through the whole monitor, for every fault kind the plant simulator injects
 * (link faults belong to the emulator's serial link, not to the plant): the diagnosis the monitor
 * shows 20 s after it first alarmed must be the injected truth (the hand-written table in
 * faultDiagnoses.ts, not expectedDiagnosis, which runCase uses), with no alarm
 * before the onset. Seeded emulated runs (monitorEvaluation.ts), two seeds each.
 */
import { describe, expect, it } from "vitest";
import { DIAGNOSIS_TEXT } from "../../src/detect/diagnosis/isolation.js";
import { type FaultCase, runCase } from "../../src/detect/evaluation/monitorEvaluation.js";
import { FAULT_KINDS, LINK_FAULT_KINDS, parseFaultSpec } from "../../src/model/faultSpec.js";
import { faultDiagnosis } from "./faultDiagnoses.js";

const CASES: readonly FaultCase[] = [
  { name: "pump degradation", fault: "pump_degradation:start=60,severity=0.3", durationS: 120 },
  { name: "pump failure", fault: "pump_failure:start=60", durationS: 120 },
  { name: "HX fouling", fault: "hx_fouling:start=60,ramp=150,severity=0.4", durationS: 400 },
  { name: "heater over-power", fault: "heater_overpower:start=60,severity=0.2", durationS: 400 },
  { name: "bias hot", fault: "sensor_bias:start=60,value=1.5,channel=hot", durationS: 120 },
  { name: "bias cold", fault: "sensor_bias:start=60,value=-1.5,channel=cold", durationS: 120 },
  { name: "drift hot", fault: "sensor_drift:start=60,value=0.01,channel=hot", durationS: 200 },
  { name: "drift cold", fault: "sensor_drift:start=60,value=-0.01,channel=cold", durationS: 200 },
  { name: "noise hot", fault: "sensor_noise:start=60,value=0.5,channel=hot", durationS: 120 },
  { name: "noise cold", fault: "sensor_noise:start=60,value=0.5,channel=cold", durationS: 120 },
  { name: "stuck hot", fault: "sensor_stuck:start=60,channel=hot", durationS: 120 },
  { name: "stuck cold", fault: "sensor_stuck:start=60,channel=cold", durationS: 120 },
  { name: "open hot", fault: "sensor_open:start=60,channel=hot", durationS: 100 },
  { name: "open cold", fault: "sensor_open:start=60,channel=cold", durationS: 100 },
  { name: "short hot", fault: "sensor_short:start=60,channel=hot", durationS: 100 },
  { name: "short cold", fault: "sensor_short:start=60,channel=cold", durationS: 100 },
  { name: "open amb", fault: "sensor_open:start=60,channel=amb", durationS: 100 },
  { name: "stuck amb", fault: "sensor_stuck:start=60,channel=amb", durationS: 100 },
  { name: "noise amb", fault: "sensor_noise:start=60,value=0.5,channel=amb", durationS: 100 },
  { name: "flow meter jammed", fault: "flow_blockage:start=60", durationS: 120 },
  { name: "flow meter half", fault: "flow_blockage:start=60,severity=0.5", durationS: 120 },
];

describe("isolation through the monitor, every plant fault kind", () => {
  it("covers every fault kind the plant can inject", () => {
    const covered = new Set(CASES.map((c) => c.fault.split(":", 1)[0]));
    const plantKinds = FAULT_KINDS.filter((k) => !(LINK_FAULT_KINDS as readonly string[]).includes(k));
    expect([...covered].sort()).toEqual([...plantKinds].sort());
  });

  it.each(CASES)("$name ($fault)", (c) => {
    const spec = parseFaultSpec(c.fault);
    const truth = faultDiagnosis(spec.kind, spec.channel);
    for (const seed of [1, 2]) {
      const r = runCase(c, seed);
      const why = `${c.fault} seed ${seed}: first ${r.firstCause}/${r.firstDiagnosis}, shown ${r.diagnoses.join(" -> ")}`;
      expect(r.falseAlarms, why).toBe(0);
      expect(Number.isFinite(r.delayS), why).toBe(true);
      expect(r.expected, why).toBe(truth);
      expect(r.settledDiagnosis, why).toBe(DIAGNOSIS_TEXT[truth]);
    }
  });

  it("a 1.5 K step of the ambient probe is its own fault (no room jumps so), never the loop's", () => {
    const r = runCase(
      { name: "amb", fault: "sensor_bias:start=60,value=1.5,channel=amb", durationS: 200 },
      3,
    );
    expect(r.falseAlarms).toBe(0);
    expect(r.firstCause).toBe("t_amb");
    expect(r.delayS).toBeLessThan(1);
    expect(r.firstDiagnosis).toBe("ambient probe fault");
  });
});
