import { describe, expect, it } from "vitest";
import { TELEMETRY_FIELDS, type TelemetryPayload } from "../../src/fleet/payloads.js";
import { NO_TWIN, TelemetryBatch, type TelemetryTwin } from "../../src/fleet/telemetryBatch.js";
import { createRigSample } from "../../src/model/rigSample.js";

const twin: TelemetryTwin = {
  predTHotC: 31.5,
  predTColdC: 26.25,
  predFlowLpm: 3.85,
  resTHotK: -0.5,
  resTColdK: 0.125,
  resFlowLpm: -3.85,
  bandTHotK: 0.6,
  bandTColdK: 0.6,
  bandFlowLpm: 0.3,
  score: 2.5,
};

describe("TelemetryBatch", () => {
  it("writes each sample as one row under the field names, NaN as null, and empties", () => {
    const b = new TelemetryBatch(4);
    const s = createRigSample();
    Object.assign(s, {
      tS: 1.5,
      tHotC: 31,
      tColdC: 26.375,
      flowLpm: 0,
      pumpDuty: 200,
      heaterDuty: 255,
      fanDuty: 255,
      flags: 1,
    });
    b.add(s, twin);
    s.tS = 1.6; // the caller reuses its sample: the batch holds a copy
    b.add(s, NO_TWIN);
    const p = JSON.parse(b.take("bench-1", 1_700_000_000_000)!) as TelemetryPayload;
    expect(p).toMatchObject({ v: 1, rig: "bench-1", sentAtMs: 1_700_000_000_000, thinned: 0 });
    expect(p.fields).toEqual(TELEMETRY_FIELDS);
    expect(p.rows).toEqual([
      [1.5, 31, 26.375, null, 0, 200, 255, 255, 1, 31.5, 26.25, 3.85, -0.5, 0.125, -3.85, 0.6, 0.6, 0.3, 2.5],
      [1.6, 31, 26.375, null, 0, 200, 255, 255, 1, ...Array(10).fill(null)],
    ]);
    expect(b.rows).toBe(0);
    expect(b.take("bench-1", 0)).toBeNull();
  });

  it("a full batch thins: later samples are counted, not kept, until it is taken", () => {
    const b = new TelemetryBatch(3);
    const s = createRigSample();
    for (let i = 0; i < 5; i++) {
      s.tS = i;
      b.add(s, NO_TWIN);
    }
    const p = JSON.parse(b.take("r", 0)!) as TelemetryPayload;
    expect(p.rows.map((r) => r[0])).toEqual([0, 1, 2]);
    expect(p.thinned).toBe(2);
    s.tS = 9;
    b.add(s, NO_TWIN);
    expect((JSON.parse(b.take("r", 0)!) as TelemetryPayload).rows.map((r) => r[0])).toEqual([9]);
  });
});
