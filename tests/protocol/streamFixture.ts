/** A seeded, realistic device -> host byte stream with every kind of trouble, for stream tests. */
import { SeededRng } from "../../src/core/rng.js";
import { formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import type { DeviceMessage } from "../../src/protocol/messages.js";

export interface StreamFixture {
  readonly bytes: Uint8Array;
  /** Lines written (every `\n`), and of those the valid TLM lines. */
  readonly lines: number;
  readonly samples: number;
}

/**
 * `count` lines: HELLO and EVT BOOT first, TLM at 10 Hz with occasional dropped lines (seq gaps),
 * ACK/NAK/EVT, a reboot, corrupted bytes (CRC errors), overlong lines, unknown types, CRLF endings,
 * and an unfinished last line.
 */
export function makeDeviceStream(seed: number, count: number): StreamFixture {
  const rng = new SeededRng(seed);
  const enc = new TextEncoder();
  const parts: string[] = [];
  let seq = 4294967290; // wraps during the stream
  let tMs = 4294967000;
  let pulses = 4294967200;
  let samples = 0;
  const hello: DeviceMessage = {
    type: "HELLO",
    major: 1,
    minor: 0,
    fwName: "looptwin-fw",
    fwVersion: "0.1.0",
    board: "uno",
    uid: "0A1B2C3D",
  };
  const boot = formatDeviceMessage({ type: "EVT", event: { code: "BOOT", resetCause: "POWERON" } });
  parts.push(formatDeviceMessage(hello), boot);
  for (let i = parts.length; i < count; i++) {
    const roll = rng.uniform();
    let line: string;
    if (roll < 0.8) {
      line = formatDeviceMessage({
        type: "TLM",
        seq,
        tMs,
        adcHot: 1500 + rng.int(100),
        adcCold: 1900 + rng.int(100),
        adcAmb: rng.uniform() < 0.5 ? -1 : 2000 + rng.int(50),
        pulses,
        pumpDuty: 200,
        heaterDuty: rng.int(256),
        fanDuty: 255,
        flags: rng.int(32),
      });
      samples++;
      seq = (seq + (rng.uniform() < 0.05 ? 2 + rng.int(3) : 1)) % 4294967296;
      tMs = (tMs + 100) % 4294967296;
      pulses = (pulses + rng.int(20)) % 4294967296;
    } else if (roll < 0.85) {
      line = formatDeviceMessage({ type: "ACK", id: 1 + rng.int(65535) });
    } else if (roll < 0.87) {
      line = formatDeviceMessage({ type: "NAK", id: 1 + rng.int(65535), reason: "range:duty" });
    } else if (roll < 0.9) {
      // Corrupt one byte of a TLM line: a CRC error (or, rarely, a broken trailer or a split line).
      const good = enc.encode(formatDeviceMessage({ ...TLM0, seq, tMs }));
      const at = rng.int(good.length);
      good[at] = (good[at] ?? 0) ^ (1 << rng.int(7));
      line = String.fromCharCode(...good);
    } else if (roll < 0.92) {
      line = "X".repeat(150 + rng.int(300));
    } else if (roll < 0.94) {
      line = withCrc(`DBG,${rng.int(1000)}`);
    } else if (roll < 0.95 && i > count / 2 && tMs > 10_000) {
      // Reboot: HELLO, BOOT, counters restart.
      parts.push(formatDeviceMessage(hello));
      line = boot;
      seq = 0;
      tMs = 5;
      pulses = 0;
    } else {
      line = formatDeviceMessage({
        type: "EVT",
        event: { code: "HB_LOST", sinceCommandMs: 3000 + rng.int(100) },
      });
    }
    parts.push(rng.uniform() < 0.3 ? `${line}\r` : line);
  }
  const text = `${parts.join("\n")}\nTLM,1,2,3`;
  const lines = text.split("\n").length - 1;
  return { bytes: Uint8Array.from(text, (c) => c.charCodeAt(0)), lines, samples };
}

const TLM0 = {
  type: "TLM",
  seq: 0,
  tMs: 0,
  adcHot: 1000,
  adcCold: 1000,
  adcAmb: 1000,
  pulses: 0,
  pumpDuty: 0,
  heaterDuty: 0,
  fanDuty: 0,
  flags: 0,
} as const;
