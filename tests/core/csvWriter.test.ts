/**
 * CsvWriter writes the same bytes as the string formatting it replaced (issue 16). The reference
 * is the code as it was: `fixed` (toFixed, empty when not finite) and the simulate row formatter
 * verbatim, compared on random values (fast-check) and hand-picked edges.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvWriter, FixedMemo, textSink } from "../../src/core/csvWriter.js";
import { faultLabel } from "../../src/model/plantSimulator.js";
import { CsvRowFormatter } from "../../src/model/simulateCsv.js";
import type { LoopRow, RunRow, SeedRow } from "../../src/model/simulateRun.js";

// --- reference: src/model/simulateCsv.ts before issue 16 ---------------------------------------
function fixed(x: number, decimals: number): string {
  return Number.isFinite(x) ? x.toFixed(decimals) : "";
}
function timeDecimals(dtS: number): number {
  for (let d = 0; d < 9; d++) {
    const scaled = dtS * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 9;
}
class OldCsvRowFormatter {
  private readonly tDecimals: number;
  private readonly sensors: boolean;
  constructor(dtS: number, sensors: boolean) {
    this.tDecimals = timeDecimals(dtS);
    this.sensors = sensors;
  }
  format(row: RunRow): string {
    return row.model === "loop" ? this.loop(row) : this.seed(row);
  }
  private seed(r: SeedRow): string {
    return `${r.tS.toFixed(this.tDecimals)},${fixed(r.tHotC, 6)},${fixed(r.tColdC, 6)},${fixed(r.mDotKgS, 8)},${fixed(r.qInW, 4)},${fixed(r.qOutW, 4)}`;
  }
  private loop(r: LoopRow): string {
    const s = r.sample;
    const truth = `${s.tS.toFixed(this.tDecimals)},${fixed(s.tHotC, 6)},${fixed(s.tColdC, 6)},${fixed(s.mDotKgS, 8)},${fixed(s.qInW, 4)},${fixed(s.uaWK, 5)},${fixed(s.tAmbC, 4)}`;
    if (!this.sensors) return truth;
    return `${truth},${fixed(r.measTHotC, 3)},${fixed(r.measTColdC, 3)},${fixed(r.measTAmbC, 3)},${fixed(r.measFlowLpm, 3)},${r.pumpSetpoint},${r.heaterSetpoint},${r.fanSetpoint},${s.pumpDuty},${s.heaterDuty},${s.fanDuty},${s.adcHot},${s.adcCold},${s.adcAmb < 0 ? "" : s.adcAmb},${s.pulses},${s.anomaly},${s.changepoint},${faultLabel(s.faultMask)}`;
  }
}
// -----------------------------------------------------------------------------------------------

/** What `write` puts out, through a small buffer so that chunks are handed on often. */
function written(write: (out: CsvWriter) => void, capacityBytes = 1024): string {
  let text = "";
  const out = new CsvWriter(
    textSink((chunk) => (text += chunk)),
    capacityBytes,
  );
  write(out);
  out.flush();
  return text;
}

const DECIMALS = [0, 1, 2, 3, 4, 5, 6, 8, 9];

const EDGES: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  0.125,
  -0.125,
  1.005, // 1.00499999999999989... : toFixed(2) is 1.00
  1.0005,
  1.45,
  8.345,
  -8.345,
  0.0000005,
  -0.0000004,
  -1e-9, // rounds to zero yet keeps its sign: -0.000000
  1e-300,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  999999.9999995,
  9.9999999995,
  -4551.123456789,
  123456789.12345679,
  2 ** 31,
  2 ** 31 - 0.5,
  2 ** 52,
  2 ** 53 + 2,
  4503599627370495.5,
  1e15,
  1e20,
  1e21, // toFixed switches to exponent notation here
  -1.5e22,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
];

describe("CsvWriter.fixed writes the bytes of toFixed", () => {
  it("on hand-picked edges at every column width", () => {
    for (const x of EDGES)
      for (const d of DECIMALS)
        expect(
          written((o) => o.fixed(x, d)),
          `${x} with ${d} decimals`,
        ).toBe(fixed(x, d));
  });

  it("on exact ties of the last digit (k + 1/2) / 10^d, positive and negative", () => {
    for (const d of [0, 1, 2, 3])
      for (let k = -2000; k <= 2000; k++) {
        const x = (k + 0.5) / 10 ** d;
        expect(written((o) => o.fixed(x, d))).toBe(x.toFixed(d));
      }
  });

  it("on random doubles of any magnitude", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.constantFrom(...DECIMALS), (x, d) => {
        expect(written((o) => o.fixed(x, d))).toBe(fixed(x, d));
      }),
      { numRuns: 20_000 },
    );
  });

  it("on random values in the ranges the CSVs hold", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.constantFrom(...DECIMALS), (x, d) => {
        expect(written((o) => o.fixed(x, d))).toBe(fixed(x, d));
      }),
      { numRuns: 20_000 },
    );
  });

  it("just below and above integers, where rounding carries into the integer part", () => {
    for (const x of [
      0.9999996,
      -0.9999996,
      1.9999999,
      -1.9999999,
      9.99995,
      99.9999999,
      4824.9999996,
      2 ** 31 - 1e-7,
    ])
      for (const d of DECIMALS) expect(written((o) => o.fixed(x, d))).toBe(fixed(x, d));
    fc.assert(
      fc.property(
        fc.integer({ min: -1e7, max: 1e7 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.constantFrom(...DECIMALS),
        (k, u, d) => {
          const x = k + u * 10 ** -d;
          expect(written((o) => o.fixed(x, d))).toBe(fixed(x, d));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("writes nothing for NaN and the infinities (an empty field)", () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(written((o) => o.fixed(x, 3))).toBe("");
  });
});

describe("CsvWriter.fixedRepeated", () => {
  it("writes what fixed writes, over runs of repeated, changing and non-finite values", () => {
    const value = fc.oneof(
      fc.constantFrom(0, -0, 1000, 0.1, -1e-9, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.constantFrom(0, 4, 8)), { maxLength: 60 }), (cells) => {
        const memo = new FixedMemo();
        const text = written((o) => {
          for (const [x, d] of cells) {
            o.fixedRepeated(x, d, memo);
            o.comma();
          }
        });
        expect(text).toBe(cells.map(([x, d]) => `${fixed(x, d)},`).join(""));
      }),
      { numRuns: 3000 },
    );
  });

  it("copies a repeated field of any length whole, across many chunk ends, and nothing after it", () => {
    // Fields of 1 to 30 bytes (a copy goes in four-byte words), each repeated, through a 1 KiB
    // buffer so that fields land at every offset before a flush.
    const values = [0, 7, 12, 123, 1234, 12345, 0.5, -0.25, 1000, -999.99995, 1e20, -1.5e15];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...values), fc.constantFrom(0, 1, 4, 8), fc.integer({ min: 1, max: 40 })),
          {
            minLength: 1,
            maxLength: 80,
          },
        ),
        (runs) => {
          const memo = new FixedMemo();
          const cells = runs.flatMap(([x, d, n]) => Array.from({ length: n }, () => [x, d] as const));
          const text = written((o) => {
            for (const [x, d] of cells) {
              o.fixedRepeated(x, d, memo);
              o.newline();
            }
          });
          expect(text).toBe(cells.map(([x, d]) => `${fixed(x, d)}\n`).join(""));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("CsvWriter.int and text", () => {
  it("int writes String(n); NaN writes nothing", () => {
    for (const n of [0, -0, 7, -7, 255, 4294967295, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 60, 0.5, Infinity])
      expect(written((o) => o.int(n))).toBe(String(n));
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(written((o) => o.int(n))).toBe(String(n));
      }),
    );
    expect(written((o) => o.int(Number.NaN))).toBe("");
  });

  it("keeps UTF-8 text whole across chunks, and text longer than a chunk", () => {
    const parts = ["température", "流量", "ok", "x".repeat(5000), "€"];
    const text = written((o) => {
      for (let i = 0; i < 200; i++)
        for (const p of parts) {
          o.text(p);
          o.comma();
        }
    });
    expect(text).toBe(`${parts.join(",")},`.repeat(200));
  });

  it("hands on chunks of at most the buffer's size", () => {
    const sizes: number[] = [];
    const out = new CsvWriter((chunk) => sizes.push(chunk.length), 1024);
    for (let i = 0; i < 10_000; i++) {
      out.fixed(i * 1.25, 2);
      out.newline();
    }
    out.flush();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    expect(sizes.length).toBeGreaterThan(50);
  });

  it("refuses a buffer too small for a field, naming the size", () => {
    expect(() => new CsvWriter(() => {}, 10)).toThrow(/capacityBytes.*10/);
  });
});

function seedRow(v: readonly number[]): SeedRow {
  return {
    model: "seed",
    tS: v[0]!,
    tHotC: v[1]!,
    tColdC: v[2]!,
    mDotKgS: v[3]!,
    qInW: v[4]!,
    qOutW: v[5]!,
  };
}

const anyValue = fc.oneof(
  fc.double({ min: -1e5, max: 1e5, noNaN: true }),
  fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY),
);
const count = fc.integer({ min: 0, max: 65535 });

describe("simulate rows: the same bytes as the old formatter", () => {
  it("a run of seed rows through one formatter (repeated columns copied)", () => {
    const few = fc.constantFrom(1000, 999.99995, 0.1, -0, Number.NaN, 250.5);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(few, anyValue), { minLength: 5, maxLength: 5 }), { maxLength: 50 }),
        (rows) => {
          const formatter = new CsvRowFormatter(0.1, false);
          const old = new OldCsvRowFormatter(0.1, false);
          const runRows = rows.map((v, k) => seedRow([k * 0.1, ...v]));
          const text = written((o) => {
            for (const r of runRows) formatter.write(r, o);
          });
          expect(text).toBe(runRows.map((r) => `${old.format(r)}\n`).join(""));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("seed rows", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 0.1, 0.025, 0.001),
        fc.nat({ max: 10_000_000 }),
        fc.array(anyValue, { minLength: 5, maxLength: 5 }),
        (dtS, k, v) => {
          const row = seedRow([k * dtS, ...v]);
          const text = written((o) => new CsvRowFormatter(dtS, false).write(row, o));
          expect(text).toBe(`${new OldCsvRowFormatter(dtS, false).format(row)}\n`);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("loop rows with sensors", () => {
    fc.assert(
      fc.property(
        fc.array(anyValue, { minLength: 11, maxLength: 11 }),
        fc.array(count, { minLength: 11, maxLength: 11 }),
        fc.integer({ min: -1, max: 1023 }),
        fc.nat({ max: 127 }),
        fc.boolean(),
        (v, n, adcAmb, faultMask, sensors) => {
          const row: LoopRow = {
            model: "loop",
            sample: {
              tS: n[5]! * 0.1, // a time is always finite: k dt
              tHotC: v[1]!,
              tColdC: v[2]!,
              mDotKgS: v[3]!,
              qInW: v[4]!,
              uaWK: v[5]!,
              tAmbC: v[6]!,
              pumpDuty: n[0]!,
              heaterDuty: n[1]!,
              fanDuty: n[2]!,
              adcHot: n[3]!,
              adcCold: n[4]!,
              adcAmb,
              pulses: n[5]! * 65536 + n[6]!,
              anomaly: n[7]! % 2,
              changepoint: n[8]! % 2,
              faultMask,
            } as LoopRow["sample"],
            pumpSetpoint: n[9]! % 256,
            heaterSetpoint: n[10]! % 256,
            fanSetpoint: 255,
            measTHotC: v[7]!,
            measTColdC: v[8]!,
            measTAmbC: v[9]!,
            measFlowLpm: v[10]!,
          };
          const text = written((o) => new CsvRowFormatter(0.1, sensors).write(row, o));
          expect(text).toBe(`${new OldCsvRowFormatter(0.1, sensors).format(row)}\n`);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
