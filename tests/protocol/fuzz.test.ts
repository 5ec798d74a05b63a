import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/core/rng.js";
import { crc16, crcHex } from "../../src/protocol/crc16.js";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import { formatCommand, formatDeviceMessage } from "../../src/protocol/format.js";
import { type LineErrorKind, nakFor } from "../../src/protocol/lineError.js";
import { parseCommandBytes, parseDeviceBytes, TlmSlot } from "../../src/protocol/parse.js";
import { readVectors } from "./vectorFile.js";

const SPECIAL = [44, 42, 13, 10, 48, 57, 70, 102, 32, 0, 255, 46, 58, 45];

/** One random mutation of `line`; half the time the CRC is recomputed so the fields get checked too. */
function mutate(rng: SeededRng, line: Uint8Array): Uint8Array {
  const b = [...line];
  const edits = 1 + rng.int(3);
  for (let k = 0; k < edits; k++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(7)) {
      case 0:
        if (at < b.length) b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
        break;
      case 1:
        if (at < b.length) b[at] = SPECIAL[rng.int(SPECIAL.length)] ?? 0;
        break;
      case 2:
        b.splice(at, 0, rng.uniform() < 0.5 ? (SPECIAL[rng.int(SPECIAL.length)] ?? 0) : rng.int(256));
        break;
      case 3:
        b.splice(at, 1 + rng.int(4));
        break;
      case 4:
        b.splice(at, 0, ...b.slice(rng.int(b.length), rng.int(b.length) + 1 + rng.int(30)));
        break;
      case 5:
        b.length = Math.min(b.length, at);
        break;
      default:
        b.splice(at, 0, ...Array.from({ length: 1 + rng.int(200) }, () => 48 + rng.int(10)));
    }
  }
  if (rng.uniform() < 0.5) {
    const star = b.lastIndexOf(42);
    const body = star >= 0 ? b.slice(0, star) : b;
    return Uint8Array.from([...body, 42, ...new TextEncoder().encode(crcHex(crc16(Uint8Array.from(body))))]);
  }
  return Uint8Array.from(b);
}

describe("fuzz: 100,000 mutated lines", () => {
  it("are only counted, never thrown, and the fast and safe paths agree", () => {
    const rng = new SeededRng(20260126);
    const enc = new TextEncoder();
    const seeds = readVectors()
      .filter((v) => v.group !== "crc")
      .map((v) => v.input);
    const counts = new Map<string, number>();
    const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
    const slot = new TlmSlot();
    const stream: Uint8Array[] = [];
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      const line = mutate(rng, seeds[rng.int(seeds.length)] ?? new Uint8Array(0));
      stream.push(line, Uint8Array.of(10));
      const safe = parseDeviceBytes(line, 0, line.length);
      const fast = parseDeviceBytes(line, 0, line.length, slot);
      if (safe.ok) {
        bump(`device ok ${safe.value.type}`);
        expect(fast.ok && (fast.value.type === "TLM" ? slot.snapshot() : fast.value)).toEqual(safe.value);
        // Anything accepted formats back to a line that parses to the same message.
        const printable =
          !("extra" in safe.value) || (safe.value.extra ?? []).every((f) => /^[ -~]*$/.test(f));
        if (printable) {
          const bytes = enc.encode(formatDeviceMessage(safe.value));
          const again = parseDeviceBytes(bytes, 0, bytes.length);
          expect(again).toEqual(safe);
        }
      } else {
        bump(`device err ${safe.error.kind}`);
        expect(fast).toEqual(safe);
      }
      const cmd = parseCommandBytes(line, 0, line.length, { acceptEmu: rng.uniform() < 0.5 });
      if (cmd.ok) {
        bump(`command ok ${cmd.value.type}`);
        expect(formatCommand(cmd.value)).toMatch(/\*[0-9A-F]{4}$/);
      } else {
        bump(`command err ${cmd.error.kind}`);
        if (nakFor(cmd.error) !== null) bump("command nak");
      }
    }

    const total = (prefix: string) =>
      [...counts].filter(([k]) => k.startsWith(prefix)).reduce((s, [, n]) => s + n, 0);
    expect(total("device ")).toBe(N);
    expect(total("command ok") + total("command err")).toBe(N);
    const kinds: LineErrorKind[] = ["crc", "malformed", "unknown_type", "bad_field", "too_long"];
    for (const kind of kinds) {
      expect(counts.get(`device err ${kind}`) ?? 0, kind).toBeGreaterThan(100);
      expect(counts.get(`command err ${kind}`) ?? 0, kind).toBeGreaterThan(100);
    }
    for (const t of ["TLM", "HELLO", "ACK", "NAK", "EVT"])
      expect(counts.get(`device ok ${t}`) ?? 0, t).toBeGreaterThan(50);
    expect(counts.get("command nak") ?? 0).toBeGreaterThan(100);

    // The same bytes as one stream, in uneven chunks: every line is counted once.
    const decoder = new DeviceStreamDecoder();
    const all = Uint8Array.from(stream.flatMap((c) => [...c]));
    for (let at = 0; at < all.length; ) {
      const n = 1 + rng.int(5000);
      decoder.push(all.subarray(at, at + n));
      at += n;
    }
    decoder.end();
    const s = decoder.summary();
    expect(s.lines).toBe(all.reduce((n, b) => n + (b === 10 ? 1 : 0), 0));
    expect(s.samples + s.hello + s.ack + s.nak + s.evt + s.crc_errors + s.malformed + s.unknown).toBe(
      s.lines,
    );
  });
});
