/**
 * The ambient probe's checks start again (src/detect/monitor/ambientProbeChecks.ts, restart):
 * after a reading without counts (no probe) or when the monitor calls `restart` after a gap, the
 * stuck time counts from the next reading and no first difference spans the break.
 */
import { describe, expect, it } from "vitest";
import type { SensorEvidence } from "../../../src/detect/diagnosis/monitorDiagnosis.js";
import { ambientProbe } from "./ambientProbeHarness.js";

function probe() {
  const { c, read } = ambientProbe({ erratic: { window: 4, alpha: 0.001 } });
  const frozenS = (): number => {
    const e = {} as SensorEvidence;
    c.fillEvidence(e);
    return e.frozenS;
  };
  return { c, read, frozenS };
}

describe("AmbientProbeChecks: starting again", () => {
  it("a reading without counts restarts the stuck time", () => {
    const { read, frozenS } = probe();
    for (const t of [0, 1, 2, 3]) read(t, 24.5);
    expect(frozenS()).toBe(3);
    read(3.5, Number.NaN, -1);
    expect(frozenS()).toBe(0);
    read(4, 24.5);
    expect(frozenS()).toBe(0);
    read(6, 24.5);
    expect(frozenS()).toBe(2);
  });

  it("restart() (after a gap) restarts the stuck time and the first differences", () => {
    const { c, read, frozenS } = probe();
    for (const t of [0, 1, 2, 3]) read(t, 24.5);
    expect(c.erratic?.samples).toBe(3);
    c.restart();
    expect(frozenS()).toBe(0);
    read(10, 24.5);
    expect(frozenS()).toBe(0);
    expect(c.erratic?.samples).toBe(3);
    read(11, 24.5);
    expect(frozenS()).toBe(1);
    expect(c.erratic?.samples).toBe(4);
  });
});
