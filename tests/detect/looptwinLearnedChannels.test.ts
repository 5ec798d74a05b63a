import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSimulateArgs, writeSimulationCsv } from "../../src/cli/simulateCommand.js";
import { InputFileError } from "../../src/core/errors.js";
import type { LabelledTable } from "../../src/detect/data/labelledTable.js";
import { parseLooptwinCsv } from "../../src/detect/data/looptwinCsv.js";
import { fitLearnedDetector, scoreChannels } from "../../src/detect/learned/learnedDetector.js";
import {
  carryFinite,
  isLooptwinTable,
  LOOPTWIN_DEFAULT_TRAIN_S,
  learnedLooptwinTable,
  rowsWithinSeconds,
  TWIN_RESIDUAL_CHANNELS,
} from "../../src/detect/learned/looptwinLearnedChannels.js";

/** A seeded `simulate --sensors` run at dt 1 s, through the CLI's own writer and the CSV parser. */
function simulate(durationS: number, seed: number, extra: readonly string[] = []): LabelledTable {
  const { config, sensors } = parseSimulateArgs(
    [
      "--sensors",
      "--duration",
      String(durationS),
      "--dt",
      "1",
      "--seed",
      String(seed),
      // Pump and heater steps every 15 min, the first hour (training) included.
      "--input",
      "pump=0:200,900:150,1800:230,2700:170,3600:210,4500:140,5400:240,6300:180",
      "--input",
      "heater=0:255,900:150,1800:200,2700:120,3600:230,4500:160,5400:100,6300:210",
      ...extra,
    ],
    "/",
  );
  const chunks: string[] = [];
  writeSimulationCsv(config, sensors, (c) => chunks.push(c));
  return parseLooptwinCsv(chunks.join(""), "sim.csv");
}

const DURATION_S = 7200;
const ONSET_S = 5400;

describe("carryFinite", () => {
  it("holds the last finite value, back-fills the leading gap with the first, 0 when none", () => {
    const a = Float64Array.from([Number.NaN, Number.NaN, 2, Number.NaN, 5, Number.NaN]);
    expect(carryFinite(a)).toBe(4);
    expect([...a]).toEqual([2, 2, 2, 2, 5, 5]);
    const none = Float64Array.from([Number.NaN, Number.NaN]);
    expect(carryFinite(none)).toBe(2);
    expect([...none]).toEqual([0, 0]);
  });

  it("leaves finite cells unchanged and every cell finite (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
          maxLength: 50,
        }),
        (xs) => {
          const a = Float64Array.from(xs);
          const nans = xs.filter((x) => Number.isNaN(x)).length;
          expect(carryFinite(a)).toBe(nans);
          xs.forEach((x, i) => {
            expect(Number.isFinite(a[i] as number)).toBe(true);
            if (!Number.isNaN(x)) expect(a[i]).toBe(x);
            // A filled cell holds the previous cell's value (or, leading, the next finite one).
            else if (i > 0) expect(a[i]).toBe(a[i - 1]);
          });
        },
      ),
    );
  });
});

describe("the learned detector on a seeded looptwin run (twin residuals)", () => {
  const nominal = simulate(DURATION_S, 7);
  const faulty = simulate(DURATION_S, 7, ["--fault", `sensor_bias:start=${ONSET_S},value=1.5,channel=hot`]);

  it("sees only the twin's residuals, never ground truth or raw counts; the flow gap is carried", () => {
    expect(nominal.channelNames).toContain("t_hot_c");
    expect(Number.isNaN(nominal.channels[nominal.channelNames.indexOf("meas_flow_lpm")]?.[0] as number)).toBe(
      true,
    );
    const { table, filledCells } = learnedLooptwinTable(nominal);
    expect(table.channelNames).toEqual([...TWIN_RESIDUAL_CHANNELS]);
    expect(filledCells.res_flow_lpm).toBeGreaterThan(0);
    for (const ch of table.channels) for (const v of ch) expect(Number.isFinite(v)).toBe(true);
    const both = learnedLooptwinTable(nominal, "measured+residuals").table;
    expect(both.channelNames).toEqual([
      "meas_t_hot_c",
      "meas_t_cold_c",
      "meas_flow_lpm",
      "meas_t_amb_c",
      ...TWIN_RESIDUAL_CHANNELS,
    ]);
    // The input table is not modified by the carrying.
    expect(Number.isNaN(nominal.channels[nominal.channelNames.indexOf("meas_flow_lpm")]?.[0] as number)).toBe(
      true,
    );
  });

  it("trains on the first hour only: a fault after it leaves the model identical", () => {
    const trainRows = rowsWithinSeconds(nominal, LOOPTWIN_DEFAULT_TRAIN_S);
    expect(trainRows).toBe(3600);
    const a = learnedLooptwinTable(nominal).table;
    const b = learnedLooptwinTable(faulty).table;
    // The runs differ after the onset (else this test would prove nothing)...
    const hot = (t: LabelledTable): Float64Array =>
      t.channels[t.channelNames.indexOf("res_t_hot_k")] as Float64Array;
    expect(Math.abs((hot(b)[ONSET_S + 10] as number) - (hot(a)[ONSET_S + 10] as number))).toBeGreaterThan(1);
    // ...and the fitted models, thresholds included, are the same.
    expect(fitLearnedDetector(b.channelNames, b.channels, trainRows)).toEqual(
      fitLearnedDetector(a.channelNames, a.channels, trainRows),
    );
  });

  it("raises no alarm on the nominal run after training, and finds a 1.5 K bias within 10 s", () => {
    const trainRows = rowsWithinSeconds(nominal, LOOPTWIN_DEFAULT_TRAIN_S);
    const a = learnedLooptwinTable(nominal).table;
    const model = fitLearnedDetector(a.channelNames, a.channels, trainRows);
    const clean = scoreChannels(model, a.channels, a.rowCount);
    let alarms = 0;
    for (let i = trainRows; i < a.rowCount; i++) alarms += clean.anomaly[i] as number;
    expect(alarms).toBe(0);

    const b = learnedLooptwinTable(faulty).table;
    const { anomaly } = scoreChannels(model, b.channels, b.rowCount);
    let first = -1;
    for (let i = trainRows; i < b.rowCount; i++)
      if (anomaly[i] === 1) {
        first = i;
        break;
      }
    expect(first).toBeGreaterThanOrEqual(ONSET_S);
    expect((b.timeS[first] as number) - ONSET_S).toBeLessThanOrEqual(10);
  });

  it("does not crash on an open thermistor: the held residual scores, every score finite", () => {
    const open = simulate(DURATION_S, 7, ["--fault", `sensor_open:start=${ONSET_S},channel=cold`]);
    const raw = open.channels[open.channelNames.indexOf("meas_t_cold_c")] as Float64Array;
    expect(Number.isNaN(raw[ONSET_S + 5] as number)).toBe(true);
    const { table } = learnedLooptwinTable(open);
    const model = fitLearnedDetector(table.channelNames, table.channels, 3600);
    const { score } = scoreChannels(model, table.channels, table.rowCount);
    for (const s of score) expect(Number.isFinite(s)).toBe(true);
  });
});

/** A hand-made table: times as given, channels by name (a few rows of a nominal looptwin run). */
function handTable(timeS: number[], columns: Record<string, number[]>, timeColumn = "t_s"): LabelledTable {
  const names = Object.keys(columns);
  return {
    source: "hand.csv",
    timeColumn,
    timeText: timeS.map(String),
    timeS: Float64Array.from(timeS),
    channelNames: names,
    channels: names.map((n) => Float64Array.from(columns[n] as number[])),
    anomaly: Uint8Array.from(timeS, (_, i) => (i === 2 ? 1 : 0)),
    changepoint: undefined,
    rowCount: timeS.length,
  };
}

describe("looptwin tables: recognised by their time column, the training span by time", () => {
  it("isLooptwinTable: the time column t_s", () => {
    expect(isLooptwinTable(handTable([0], { x: [1] }))).toBe(true);
    expect(isLooptwinTable(handTable([0], { x: [1] }, "datetime"))).toBe(false);
  });

  it("rowsWithinSeconds: rows strictly less than the span after the first row's time", () => {
    const t = handTable([10, 10.5, 11, 12, 15], { x: [0, 0, 0, 0, 0] });
    expect(rowsWithinSeconds(t, 1)).toBe(2);
    expect(rowsWithinSeconds(t, 1.01)).toBe(3);
    expect(rowsWithinSeconds(t, 100)).toBe(5);
    expect(rowsWithinSeconds(t, 0)).toBe(0);
    expect(rowsWithinSeconds(handTable([], { x: [] }), 10)).toBe(0);
  });
});

describe("carryFinite: infinities are missing too", () => {
  it("an infinite cell is filled like a NaN", () => {
    const a = Float64Array.from([Number.POSITIVE_INFINITY, 1, Number.NEGATIVE_INFINITY, 3]);
    expect(carryFinite(a)).toBe(2);
    expect([...a]).toEqual([1, 1, 1, 3]);
  });
});

describe("learnedLooptwinTable on a short run", () => {
  const run = simulate(120, 3);
  /** The run without the named columns. */
  const without = (...names: string[]): LabelledTable => {
    const keep = run.channelNames.map((n, i) => [n, i] as const).filter(([n]) => !names.includes(n));
    return {
      ...run,
      channelNames: keep.map(([n]) => n),
      channels: keep.map(([, i]) => run.channels[i] as Float64Array),
    };
  };

  it("a missing measured column is refused in full, whatever the channel set; ambient may be absent", () => {
    for (const set of ["residuals", "measured+residuals"] as const)
      expect(() => learnedLooptwinTable(without("meas_flow_lpm"), set)).toThrow(
        new InputFileError(
          "sim.csv",
          'missing column "meas_flow_lpm" (the learned detector on looptwin data reads meas_t_hot_c, meas_t_cold_c, meas_flow_lpm)',
          { line: 1, column: "meas_flow_lpm" },
        ),
      );
    expect(() => learnedLooptwinTable(without("meas_t_hot_c"))).toThrow(
      'sim.csv (line 1, column meas_t_hot_c): missing column "meas_t_hot_c" (the learned detector on looptwin data reads meas_t_hot_c, meas_t_cold_c, meas_flow_lpm)',
    );
    // A measured column found first among the channels.
    const first = run.channelNames.indexOf("meas_t_hot_c");
    const order = [first, ...run.channelNames.map((_, i) => i).filter((i) => i !== first)];
    const reordered = {
      ...run,
      channelNames: order.map((i) => run.channelNames[i] as string),
      channels: order.map((i) => run.channels[i] as Float64Array),
    };
    expect(learnedLooptwinTable(reordered, "measured+residuals").table.channelNames[0]).toBe("meas_t_hot_c");
    const noAmb = learnedLooptwinTable(without("meas_t_amb_c"), "measured+residuals").table;
    expect(noAmb.channelNames).toEqual([
      "meas_t_hot_c",
      "meas_t_cold_c",
      "meas_flow_lpm",
      ...TWIN_RESIDUAL_CHANNELS,
    ]);
  });

  it("the measured channels are the run's, carried, with their filled cells counted; time and labels unchanged", () => {
    const { table, filledCells } = learnedLooptwinTable(run, "measured+residuals");
    for (const name of ["meas_t_hot_c", "meas_t_cold_c", "meas_flow_lpm", "meas_t_amb_c"]) {
      const raw = run.channels[run.channelNames.indexOf(name)] as Float64Array;
      const carried = Float64Array.from(raw);
      const missing = raw.filter((v) => !Number.isFinite(v)).length;
      expect(carryFinite(carried)).toBe(missing);
      expect(filledCells[name]).toBe(missing);
      expect(table.channels[table.channelNames.indexOf(name)]).toEqual(carried);
    }
    // The flow estimate is missing at the start (its window fills first).
    expect(filledCells.meas_flow_lpm).toBeGreaterThan(0);
    expect(Object.keys(filledCells)).toEqual(table.channelNames);
    expect(table.timeS).toBe(run.timeS);
    expect(table.timeColumn).toBe("t_s");
    expect(table.rowCount).toBe(run.rowCount);
    expect(table.source).toBe("sim.csv");
  });
});
