import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import { parseDeviceBytes, TlmSlot } from "../../src/protocol/parse.js";

const enc = (s: string) => new TextEncoder().encode(s);

/** The ten TLM fields of a good line, as text: seq, t_ms, adc_hot, adc_cold, adc_amb, pulses, three duties, flags. */
const GOOD = ["7", "700", "1800", "2100", "2050", "123456", "200", "128", "255", "1F"];

/** Parses `fields` as a TLM line through the slot (the one-pass reader) and through the general path. */
function bothPaths(fields: readonly string[]): { slot: unknown; general: unknown } {
  const bytes = enc(withCrc(`TLM,${fields.join(",")}`));
  const general = parseDeviceBytes(bytes, 0, bytes.length);
  const slot = new TlmSlot();
  const r = parseDeviceBytes(bytes, 0, bytes.length, slot);
  return { slot: r.ok ? { ok: true, value: slot.snapshot() } : r, general };
}

function withField(i: number, text: string): string[] {
  const f = [...GOOD];
  f[i] = text;
  return f;
}

describe("a TLM line read by the slot's one-pass reader", () => {
  it("gives the values a hand-written table says, leading zeros, limits and either hex case included", () => {
    const cases: [string[], Record<string, number>][] = [
      [GOOD, { seq: 7, tMs: 700, adcHot: 1800, adcAmb: 2050, pulses: 123456, fanDuty: 255, flags: 31 }],
      [withField(0, "4294967295"), { seq: 4294967295 }],
      [withField(1, "0004294967295"), { tMs: 4294967295 }],
      [withField(2, "4095"), { adcHot: 4095 }],
      [withField(3, "0"), { adcCold: 0 }],
      [withField(4, ""), { adcAmb: -1 }],
      [withField(5, "4294967295"), { pulses: 4294967295 }],
      [withField(6, "000"), { pumpDuty: 0 }],
      [withField(9, "ffffffff"), { flags: 0xffffffff }],
      [withField(9, "00aB"), { flags: 0xab }],
    ];
    for (const [fields, want] of cases) {
      const { slot, general } = bothPaths(fields);
      expect(slot, fields.join(",")).toMatchObject({ ok: true, value: want });
      expect(slot).toEqual(general);
    }
  });

  it("leaves every bad or unusual line to the general path, which names the field", () => {
    const max = ["4294967296", "4294967296", "4096", "4096", "4096", "4294967296", "256", "256", "256"];
    const lines: string[][] = [
      ...max.map((text, i) => withField(i, text)),
      withField(9, "100000000"),
      ...GOOD.map((_, i) => withField(i, "1x")),
      ...GOOD.map((_, i) => withField(i, "-1")),
      ...[0, 1, 2, 3, 5, 6, 7, 8, 9].map((i) => withField(i, "")),
      withField(9, "1F,extra"),
      withField(9, "1F,"),
      GOOD.slice(0, 9),
      withField(3, "21.5"),
    ];
    for (const fields of lines) {
      const { slot, general } = bothPaths(fields);
      expect(slot, fields.join(",")).toEqual(general);
      // (Trailing fields are a newer minor version's, kept in `extra`: good lines the reader leaves too.)
      if (!fields[9]?.includes(",")) expect(general, fields.join(",")).toMatchObject({ ok: false });
    }
    expect(bothPaths(withField(0, "4294967296")).general).toMatchObject({
      ok: false,
      error: { kind: "bad_field", field: "seq", problem: "range" },
    });
    expect(bothPaths(withField(9, "1F,extra")).slot).toMatchObject({ ok: true, value: { extra: ["extra"] } });
    expect(bothPaths(withField(9, "1F,")).slot).toMatchObject({ ok: true, value: { extra: [""] } });
  });
});
