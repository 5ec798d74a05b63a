/**
 * StreamStats at its edges (found by mutation testing): a step of exactly half the uint32 range,
 * which the counters take as going back (`>= 2^31`), and reboot signals that repeat before any
 * telemetry follows, which count once. Expected counts worked by hand.
 */
import { describe, expect, it } from "vitest";
import type { DeviceMessage } from "../../src/protocol/messages.js";
import { StreamStats } from "../../src/protocol/streamStats.js";

const HALF = 2 ** 31;
const BOOT: DeviceMessage = { type: "EVT", event: { code: "BOOT", resetCause: "WDT" } };

function feed(steps: readonly ([seq: number, tMs: number, pulses: number] | DeviceMessage)[]) {
  const s = new StreamStats();
  for (const x of steps) {
    if (Array.isArray(x)) s.observeTlm(x[0], x[1], x[2]);
    else s.observe({ ok: true, value: x as DeviceMessage });
  }
  return s.summary();
}

describe("StreamStats at half the uint32 range", () => {
  it("a seq step of exactly 2^31 is out of order, one less is a forward gap", () => {
    expect(
      feed([
        [0, 0, 0],
        [HALF, 100, 0],
      ]),
    ).toMatchObject({
      seq_out_of_order: 1,
      seq_gaps: 0,
      lost_samples: 0,
      reboots: 0,
      device_time_ms: 100,
    });
    expect(
      feed([
        [0, 0, 0],
        [HALF - 1, 100, 0],
      ]),
    ).toMatchObject({
      seq_out_of_order: 0,
      seq_gaps: 1,
      lost_samples: HALF - 2,
    });
  });

  it("a t_ms step of exactly 2^31 is time going back (a reboot), one less is time going on", () => {
    expect(
      feed([
        [5, 1000, 10],
        [6, 1000 + HALF, 20],
      ]),
    ).toMatchObject({
      reboots: 1,
      device_time_ms: 0,
      flow_pulses: 0,
    });
    expect(
      feed([
        [5, 1000, 10],
        [6, 1000 + HALF - 1, 20],
      ]),
    ).toMatchObject({
      reboots: 0,
      device_time_ms: HALF - 1,
      flow_pulses: 10,
    });
  });
});

describe("StreamStats: one reboot, however many signals", () => {
  it("two BOOT events before the next TLM count once; a BOOT after telemetry again counts again", () => {
    expect(feed([[0, 0, 0], BOOT, BOOT])).toMatchObject({ reboots: 1, evt: 2 });
    expect(feed([[0, 0, 0], BOOT, BOOT, [0, 0, 0], [1, 100, 0], BOOT])).toMatchObject({
      reboots: 2,
      samples: 3,
      device_time_ms: 100,
    });
  });

  it("a BOOT before any telemetry is the start, not a reboot", () => {
    expect(feed([BOOT, [0, 0, 0], [1, 100, 0]])).toMatchObject({ reboots: 0, evt: 1 });
  });
});
