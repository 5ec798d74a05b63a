import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import type { DeviceMessage, TlmMessage } from "../../src/protocol/messages.js";
import { parseDeviceLine } from "../../src/protocol/parse.js";
import { StreamStats, type StreamSummary } from "../../src/protocol/streamStats.js";

const U32 = 4294967296;

const tlm = (seq: number, tMs: number, pulses = 0): TlmMessage => ({
  type: "TLM",
  seq,
  tMs,
  adcHot: 1000,
  adcCold: 1200,
  adcAmb: -1,
  pulses,
  pumpDuty: 200,
  heaterDuty: 100,
  fanDuty: 255,
  flags: 0,
});
const HELLO: DeviceMessage = {
  type: "HELLO",
  major: 1,
  minor: 0,
  fwName: "looptwin-fw",
  fwVersion: "0.1.0",
  board: "uno",
  uid: "0A1B2C3D",
};
const BOOT: DeviceMessage = { type: "EVT", event: { code: "BOOT", resetCause: "POWERON" } };

/** Feeds messages as lines (format + parse, as on the wire) and returns the summary. */
function run(items: readonly (DeviceMessage | string)[]): StreamSummary {
  const stats = new StreamStats();
  for (const it of items)
    stats.observe(parseDeviceLine(typeof it === "string" ? it : formatDeviceMessage(it)));
  return stats.summary();
}

describe("StreamStats", () => {
  it("counts a clean stream", () => {
    const s = run([HELLO, BOOT, tlm(0, 0, 0), tlm(1, 100, 45), tlm(2, 200, 90), { type: "ACK", id: 1 }]);
    expect(s).toMatchObject({
      lines: 6,
      samples: 3,
      hello: 1,
      evt: 1,
      ack: 1,
      seq_gaps: 0,
      lost_samples: 0,
      reboots: 0,
      device_time_ms: 200,
      flow_pulses: 90,
    });
  });

  it("counts gaps and the samples lost in them", () => {
    const s = run([tlm(10, 0), tlm(11, 100), tlm(15, 500), tlm(16, 600), tlm(20, 1000)]);
    expect(s).toMatchObject({ samples: 5, seq_gaps: 2, lost_samples: 6, seq_out_of_order: 0, reboots: 0 });
  });

  it("handles the uint32 wrap of seq, t_ms and pulses", () => {
    const s = run([
      tlm(U32 - 2, U32 - 150, U32 - 10),
      tlm(U32 - 1, U32 - 50, U32 - 1),
      tlm(0, 50, 5),
      tlm(3, 350, 20),
    ]);
    expect(s).toMatchObject({
      seq_gaps: 1,
      lost_samples: 2,
      reboots: 0,
      device_time_ms: 500,
      flow_pulses: 30,
    });
  });

  it("counts a gap across the seq wrap", () => {
    expect(run([tlm(U32 - 3, 0), tlm(2, 600)])).toMatchObject({ seq_gaps: 1, lost_samples: 4 });
  });

  it("counts repeated or backward seq without a reboot as out of order", () => {
    const s = run([tlm(5, 0), tlm(5, 100), tlm(3, 200), tlm(4, 300)]);
    expect(s).toMatchObject({ seq_out_of_order: 2, seq_gaps: 0, lost_samples: 0, reboots: 0 });
  });

  it("counts a reboot once, from HELLO + EVT BOOT + t_ms going back, with no gap across it", () => {
    const s = run([
      HELLO,
      BOOT,
      tlm(0, 0, 0),
      tlm(1, 100, 10),
      tlm(500, 50_000, 900),
      HELLO,
      BOOT,
      tlm(0, 10, 0),
      tlm(1, 110, 4),
    ]);
    expect(s).toMatchObject({ reboots: 1, seq_gaps: 1, lost_samples: 498, hello: 2, evt: 2 });
    expect(s.device_time_ms).toBe(100 + 49_900 + 100);
    expect(s.flow_pulses).toBe(10 + 890 + 4);
  });

  it("sees a reboot from t_ms going back alone (lines lost), but not a wrap", () => {
    expect(run([tlm(7, 90_000), tlm(8, 90_100), tlm(0, 20)])).toMatchObject({
      reboots: 1,
      seq_gaps: 0,
      seq_out_of_order: 0,
    });
    expect(run([tlm(7, U32 - 100), tlm(8, 0)])).toMatchObject({ reboots: 0, device_time_ms: 100 });
  });

  it("sees a reboot from EVT BOOT alone, and a HELLO then a seq restart", () => {
    expect(run([tlm(7, 90_000), BOOT, tlm(0, 95_000)])).toMatchObject({ reboots: 1, seq_out_of_order: 0 });
    expect(run([tlm(7, 90_000), HELLO, tlm(0, 95_000)])).toMatchObject({ reboots: 1, seq_out_of_order: 0 });
  });

  it("does not take a HELLO answering INFO for a reboot", () => {
    expect(run([HELLO, tlm(7, 1000), tlm(8, 1100), HELLO, tlm(9, 1200)])).toMatchObject({
      reboots: 0,
      hello: 2,
      seq_gaps: 0,
    });
  });

  it("does not count the boot at the start of a capture as a reboot", () => {
    expect(run([BOOT, HELLO, tlm(0, 5)])).toMatchObject({ reboots: 0 });
  });

  it("sorts rejected lines: crc, malformed (with too_long and bad_field), unknown, unknown fields", () => {
    const s = run([
      "TLM,0,0,0,0,0,0,0,0,0,0*0000",
      "garbage",
      withCrc("TLM,1,2"),
      withCrc("TLM,1,2,3,4,5,6,7,8,9,Z"),
      `ACK,${"0".repeat(200)}1*0000`,
      withCrc("DBG,hi"),
      withCrc("ACK,1,x,y"),
      withCrc("TLM,0,0,0,0,,0,0,0,0,0,new"),
    ]);
    expect(s).toMatchObject({
      lines: 8,
      samples: 1,
      ack: 1,
      crc_errors: 1,
      malformed: 4,
      too_long: 1,
      bad_field: 1,
      unknown: 1,
      unknown_fields: 3,
    });
  });

  it("accounts for every line exactly once", () => {
    const line = fc.oneof(
      fc.constantFrom(HELLO, BOOT, { type: "ACK", id: 3 } as DeviceMessage).map(formatDeviceMessage),
      fc
        .record({ seq: fc.integer({ min: 0, max: U32 - 1 }), t: fc.integer({ min: 0, max: U32 - 1 }) })
        .map(({ seq, t }) => formatDeviceMessage(tlm(seq, t))),
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30 }).map(withCrc),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const s = run(lines);
        expect(s.lines).toBe(lines.length);
        expect(s.samples + s.hello + s.ack + s.nak + s.evt + s.crc_errors + s.malformed + s.unknown).toBe(
          s.lines,
        );
        expect(s.too_long + s.bad_field).toBeLessThanOrEqual(s.malformed);
      }),
      { seed: 31, numRuns: 1000 },
    );
  });
});
