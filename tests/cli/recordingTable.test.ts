import { describe, expect, it } from "vitest";
import { recordingToTable } from "../../src/cli/recordingTable.js";
import { createRigSample, TLM_FLAGS } from "../../src/model/rigSample.js";
import { formatCommand } from "../../src/protocol/format.js";
import { encodeRecord, type KnownRecord } from "../../src/rig/recording/recording.js";
import { makeHeader } from "../../src/rig/recording/recordingWriter.js";

function sample(tS: number, duties: [number, number, number], flags = 0): KnownRecord {
  const s = createRigSample();
  s.tS = tS;
  s.tHotC = 40;
  s.tColdC = 39.5;
  s.flowLpm = 3.8;
  [s.pumpDuty, s.heaterDuty, s.fanDuty] = duties;
  s.flags = flags;
  return { type: "sample", atMs: tS * 1000, sample: s };
}

function text(records: KnownRecord[], rig: unknown = null): string {
  return (
    encodeRecord(makeHeader({ source: { kind: "emulator" }, rig, startTime: new Date(0) })) +
    records.map((r) => encodeRecord(r)).join("")
  );
}

const pwm = (
  id: number,
  channel: "pump" | "heater" | "fan",
  duty: number,
  holdMs: number | null,
): KnownRecord => ({
  type: "command",
  atMs: 0,
  id,
  line: formatCommand({ type: "PWM", id, channel, duty, holdMs }),
  attempt: 1,
});

describe("recording -> table", () => {
  it("setpoints come from PWM without a hold; a held PWM is an injection the twin does not follow", () => {
    const t = recordingToTable(
      text([
        pwm(1, "pump", 200, null),
        pwm(2, "heater", 255, null),
        pwm(3, "fan", 255, null),
        sample(0.1, [200, 255, 255]),
        pwm(4, "pump", 0, 30000),
        sample(0.2, [0, 255, 255]),
        { ...pwm(4, "pump", 0, 30000), attempt: 2 } as KnownRecord,
        pwm(5, "pump", 150, null),
        sample(0.3, [150, 255, 255]),
        { type: "command", atMs: 0, id: 6, line: formatCommand({ type: "SAFE", id: 6 }), attempt: 1 },
        sample(0.4, [255, 0, 255]),
      ]),
      "r.ndjson",
    );
    const col = (n: string) => Array.from(t.channels[t.channelNames.indexOf(n)] as Float64Array);
    expect(t.rowCount).toBe(4);
    expect(col("pump_setpoint")).toEqual([200, 200, 150, 255]);
    expect(col("pump_duty")).toEqual([200, 0, 150, 255]);
    expect(col("heater_setpoint")).toEqual([255, 255, 255, 0]);
    expect(col("follow_applied")).toEqual([0, 0, 0, 0]);
    expect(t.anomaly).toBeUndefined();
    expect(t.timeText).toEqual(["0.1", "0.2", "0.3", "0.4"]);
  });

  it("overrides make the twin follow until the next setpoint; gaps and labels land on the next row", () => {
    const t = recordingToTable(
      text(
        [
          sample(1, [200, 255, 255]),
          { type: "label", atMs: 0, tS: 1, action: "start", fault: "pump_failure", by: "injector" },
          sample(1.1, [200, 255, 255]),
          { type: "event", atMs: 0, code: "HB_LOST", detail: "3000" },
          { type: "gap", atMs: 0, reason: "disconnect", fromTS: 1.1, toTS: 9.1 },
          sample(9.1, [255, 0, 255]),
          { type: "label", atMs: 0, tS: 9.1, action: "end", fault: "pump_failure", by: "injector" },
          pwm(7, "heater", 200, null),
          sample(9.2, [255, 200, 255]),
          sample(9.3, [255, 200, 255], TLM_FLAGS.overTemp),
        ],
        { setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 } },
      ),
      "r.ndjson",
    );
    const col = (n: string) => Array.from(t.channels[t.channelNames.indexOf(n)] as Float64Array);
    expect(col("follow_applied")).toEqual([0, 0, 1, 0, 1]);
    expect(col("gap_s")).toEqual([0, 0, 8, 0, 0]);
    expect(col("heater_setpoint")).toEqual([255, 255, 255, 200, 200]);
    expect(Array.from(t.anomaly ?? [])).toEqual([0, 1, 1, 0, 0]);
    expect(Array.from(t.changepoint ?? [])).toEqual([0, 1, 0, 0, 0]);
  });

  it("refuses a recording whose rig time goes backwards", () => {
    expect(() => recordingToTable(text([sample(2, [1, 1, 1]), sample(1, [1, 1, 1])]), "r.ndjson")).toThrow(
      /goes backwards/,
    );
  });
});
