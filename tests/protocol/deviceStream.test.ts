import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import { formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import type { LineError } from "../../src/protocol/lineError.js";
import type { DeviceMessage, TlmMessage } from "../../src/protocol/messages.js";
import { makeDeviceStream } from "./streamFixture.js";

interface Outcome {
  readonly messages: (DeviceMessage | { error: LineError; line: string })[];
  readonly summary: ReturnType<DeviceStreamDecoder["summary"]>;
  readonly tail: number;
}

function decode(chunks: readonly Uint8Array[]): Outcome {
  const messages: Outcome["messages"] = [];
  const d = new DeviceStreamDecoder({
    onTlm: (m) => messages.push({ ...m }),
    onMessage: (m) => messages.push(m),
    onError: (error, line) => messages.push({ error, line: String.fromCharCode(...line) }),
  });
  for (const c of chunks) d.push(c);
  return { messages, summary: d.summary(), tail: d.end() };
}

function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe("DeviceStreamDecoder", () => {
  const fixture = makeDeviceStream(7, 600);
  const whole = decode([fixture.bytes]);

  it("decodes a troubled stream and accounts for every line", () => {
    const s = whole.summary;
    expect(s.lines).toBe(fixture.lines);
    expect(s.samples).toBe(fixture.samples);
    expect(s.samples + s.hello + s.ack + s.nak + s.evt + s.crc_errors + s.malformed + s.unknown).toBe(
      s.lines,
    );
    for (const k of ["crc_errors", "too_long", "unknown", "seq_gaps", "lost_samples", "reboots"] as const)
      expect(s[k], k).toBeGreaterThan(0);
    expect(whole.tail).toBe("TLM,1,2,3".length);
    expect(whole.messages.length).toBe(s.lines);
  });

  it("gives the same messages and statistics for any split into chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(decode(split(fixture.bytes, cuts))).toEqual(whole);
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it("gives the same result byte by byte", () => {
    expect(decode([...fixture.bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it("hands TLM out in one reused slot and other messages as fresh objects", () => {
    const seen: TlmMessage[] = [];
    const d = new DeviceStreamDecoder({ onTlm: (m) => seen.push(m) });
    const line = (seq: number) =>
      formatDeviceMessage({
        type: "TLM",
        seq,
        tMs: seq * 100,
        adcHot: 1,
        adcCold: 2,
        adcAmb: 3,
        pulses: 4,
        pumpDuty: 5,
        heaterDuty: 6,
        fanDuty: 7,
        flags: 8,
      });
    d.push(new TextEncoder().encode(`${line(1)}\n${line(2)}\n`));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[1]?.seq).toBe(2);
  });

  it("reports the bytes of a rejected line and an overlong line's length", () => {
    const errors: [string, string][] = [];
    const d = new DeviceStreamDecoder({
      onError: (e, line) => errors.push([e.kind, String.fromCharCode(...line)]),
    });
    d.push(new TextEncoder().encode(`ACK,1*0000\r\n${"Z".repeat(170)}\n${withCrc("ACK,2")}\n`));
    expect(errors).toEqual([
      ["crc", "ACK,1*0000"],
      ["too_long", ""],
    ]);
    expect(d.summary()).toMatchObject({ lines: 3, ack: 1, crc_errors: 1, too_long: 1 });
    expect(d.bytesReceived).toBe(12 + 171 + 11);
  });
});
