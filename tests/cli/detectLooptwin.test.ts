/**
 * `looptwin detect` and `looptwin eval` on the project's own data (--format looptwin): simulate
 * --sensors CSVs and recordings, through the twin's residual monitor. Seeded runs, no timing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { EmulatedRig } from "../../src/detect/evaluation/emulatedRig.js";
import { formatCommand } from "../../src/protocol/format.js";
import { encodeRecord, type KnownRecord } from "../../src/rig/recording/recording.js";
import { makeHeader } from "../../src/rig/recording/recordingWriter.js";

let dir: string;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    cwd: dir,
  });
  return { code, out: out.join(""), err: err.join("") };
}

async function simulate(file: string, ...extra: string[]): Promise<void> {
  const r = await run(
    "simulate",
    "--sensors",
    "--duration",
    "200",
    "--dt",
    "0.1",
    "--seed",
    "3",
    "--out",
    file,
    ...extra,
  );
  expect(r.code, r.err).toBe(0);
}

function rows(csv: string): string[][] {
  return csv
    .trimEnd()
    .split("\n")
    .map((l) => l.split(","));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-detect-twin-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("looptwin detect --format looptwin on a simulate --sensors CSV", () => {
  it("writes t_s,score,anomaly,diagnosis with one row per input row, finding a pump failure", async () => {
    await simulate("pf.csv", "--fault", "pump_failure:start=120");
    const input = readFileSync(join(dir, "pf.csv"), "utf8").trimEnd().split("\n");
    const r = await run("detect", "pf.csv", "--format", "looptwin", "--quiet");
    expect(r.code, r.err).toBe(0);
    const out = rows(r.out);
    expect(out[0]).toEqual(["t_s", "score", "anomaly", "diagnosis"]);
    expect(out).toHaveLength(input.length);
    // Times echoed as written.
    expect(out.slice(1).map((c) => c[0])).toEqual(input.slice(1).map((l) => l.split(",")[0]));
    const body = out.slice(1);
    const before = body.filter((c) => Number(c[0]) < 120);
    expect(before.every((c) => c[2] === "0" && c[3] === "")).toBe(true);
    const firstAlarm = body.find((c) => c[2] === "1");
    expect(Number(firstAlarm?.[0])).toBeGreaterThanOrEqual(120);
    expect(Number(firstAlarm?.[0])).toBeLessThanOrEqual(122);
    expect(body.find((c) => Number(c[0]) === 125)?.[3]).toBe("pump failure");
    expect(body.every((c) => c[2] === "0" || Number(c[1]) >= 0.8)).toBe(true);
  });

  it("guesses the format from the header, and --out writes the same rows", async () => {
    await simulate("b.csv", "--fault", "flow_blockage:start=100");
    const a = await run("detect", "b.csv", "--quiet");
    const b = await run("detect", "b.csv", "--format", "looptwin", "--out", "o.csv");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(join(dir, "o.csv"), "utf8")).toBe(a.out);
    expect(b.err).toMatch(/b\.csv: 2001 rows, \d+ alarmed/);
    expect(rows(a.out).some((c) => c[3] === "flow sensor fault")).toBe(true);
    expect(rows(a.out).some((c) => c[3] === "pump failure")).toBe(false);
  });

  it("takes a residual detector spec and twin settings", async () => {
    await simulate("n.csv", "--input", "pump=0:200,100:140");
    const r = await run(
      "detect",
      "n.csv",
      "--detector",
      "cusum:k=0.5,h=8,sigma=0.2",
      "--set",
      "UA=10",
      "--quiet",
    );
    expect(r.code, r.err).toBe(0);
    const out = rows(r.out);
    expect(out).toHaveLength(2002);
    // A setpoint step is no anomaly.
    expect(out.slice(1).every((c) => c[2] === "0")).toBe(true);
  });

  it("refuses what the twin cannot do, naming the argument", async () => {
    await simulate("n.csv");
    writeFileSync(
      join(dir, "skab.csv"),
      "datetime;a;anomaly\n2020-01-01 00:00:00;1;0\n2020-01-01 00:00:01;2;0\n",
    );
    writeFileSync(join(dir, "few.csv"), "t_s,meas_t_hot_c\n0,40\n0.1,40\n");
    for (const [argv, pattern] of [
      [["detect", "skab.csv", "--detector", "twin"], /--detector/],
      [["detect", "n.csv", "--detector", "bogus"], /--detector/],
      [["detect", "n.csv", "--set", "UA=-1"], /--set params\.UA/],
      [["detect", "n.csv", "--set", "nonsense=1"], /--set/],
      [["detect", "n.csv", "--save-model", "m.json"], /--save-model/],
      [["detect", "few.csv", "--format", "looptwin"], /meas_t_cold_c/],
    ] as const) {
      const r = await run(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err, argv.join(" ")).toMatch(pattern);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

describe("looptwin eval --format looptwin", () => {
  it("scores the twin on labelled simulator runs with the same metrics", async () => {
    await simulate("pf.csv", "--fault", "pump_failure:start=120");
    await simulate("bias.csv", "--fault", "sensor_bias:start=100,value=1.5,channel=hot");
    const r = await run("eval", "pf.csv", "bias.csv", "--format", "looptwin", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.detector).toBe("twin");
    expect(j.trainRows).toBe(0);
    expect(j.testRows).toBe(4002);
    expect(j.events).toBe(2);
    expect(j.eventsDetected).toBe(2);
    expect(j.fp).toBe(0);
    expect(j.meanDelayS).toBeLessThan(2);
    const table = await run("eval", "pf.csv", "--format", "looptwin");
    expect(table.out).toMatch(/^detector twin \(the twin's residual monitor\); 1 files, 2001 test rows/);
  });
});

describe("looptwin detect and eval on a recording", () => {
  /** A recording of the emulated rig: setpoints sent, a physical pump injection (PWM with a hold), labels. */
  function writeRecording(file: string): number {
    const lines: string[] = [];
    const add = (r: KnownRecord): void => {
      lines.push(encodeRecord(r));
    };
    lines.push(
      encodeRecord(
        makeHeader({
          source: { kind: "emulator" },
          rig: { setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 } },
          startTime: new Date(0),
        }),
      ),
    );
    const rig = new EmulatedRig({
      seed: 6,
      setpoints: [{ tS: 0, pumpDuty: 200, heaterDuty: 255, fanDuty: 255 }],
    });
    let atMs = 0;
    let id = 1;
    const pwm = (channel: "pump" | "heater" | "fan", duty: number, holdMs: number | null): void =>
      add({
        type: "command",
        atMs,
        id,
        line: formatCommand({ type: "PWM", id: id++, channel, duty, holdMs }),
        attempt: 1,
      });
    pwm("pump", 200, null);
    pwm("heater", 255, null);
    pwm("fan", 255, null);
    let samples = 0;
    for (let i = 0; i <= 1200; i++) {
      atMs = i * 100;
      if (i === 600) {
        // The injector drops the pump to 0 under a 30 s dead-man hold; the twin keeps 200.
        pwm("pump", 0, 30000);
        rig.plant.setDuty("pump", 0);
        add({
          type: "label",
          atMs,
          tS: rig.nextTS - 0.1,
          action: "start",
          fault: "pump_failure",
          by: "injector",
        });
      }
      if (i === 900) {
        rig.plant.setDuty("pump", 200);
        add({
          type: "label",
          atMs,
          tS: rig.nextTS - 0.1,
          action: "end",
          fault: "pump_failure",
          by: "injector",
        });
      }
      if (i === 1000) add({ type: "gap", atMs, reason: "seq", fromTS: rig.nextTS - 0.5, toTS: rig.nextTS });
      add({ type: "sample", atMs, sample: rig.next() });
      samples++;
    }
    writeFileSync(join(dir, file), lines.join(""));
    return samples;
  }

  it("one row per sample record; the injection is found and diagnosed, the setpoint never changed", async () => {
    const samples = writeRecording("run.ndjson");
    const r = await run("detect", "run.ndjson", "--quiet");
    expect(r.code, r.err).toBe(0);
    const out = rows(r.out);
    expect(out[0]).toEqual(["t_s", "score", "anomaly", "diagnosis"]);
    expect(out).toHaveLength(samples + 1);
    const body = out.slice(1);
    expect(body.filter((c) => Number(c[0]) < 60).every((c) => c[2] === "0")).toBe(true);
    expect(body.find((c) => Number(c[0]) === 64)?.[3]).toBe("pump failure");

    const e = await run("eval", "run.ndjson", "--format", "looptwin", "--json");
    expect(e.code, e.err).toBe(0);
    const j = JSON.parse(e.out);
    expect(j.events).toBe(1);
    expect(j.eventsDetected).toBe(1);
    expect(j.meanDelayS).toBeLessThan(2);
  });

  it("a recording without samples is a one-line error", async () => {
    writeFileSync(join(dir, "empty.ndjson"), encodeRecord(makeHeader({ source: { kind: "emulator" } })));
    const r = await run("detect", "empty.ndjson");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no sample records/);
  });
});
