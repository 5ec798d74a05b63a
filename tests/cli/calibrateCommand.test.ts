import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseConfigText } from "../../src/cli/simulateCommand.js";
import { parseRigConfig } from "../../src/model/calibration/rigConfigFile.js";
import {
  DEFAULT_LOOP_INPUTS,
  LOOP_INPUT_CHANNELS,
  parseInputSchedules,
} from "../../src/model/inputSchedule.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { simulateRun } from "../../src/model/simulateRun.js";
import { withCrc } from "../../src/protocol/format.js";
import {
  encodeRecord,
  type HeaderRecord,
  RECORDING_FORMAT,
  RECORDING_FORMAT_VERSION,
} from "../../src/rig/recording/recording.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-calibrate-"));
afterAll(() => (process.env.KEEP_CAL ? undefined : rmSync(dir, { recursive: true, force: true })));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A rig 15-30 % away from the defaults the fit starts from. */
const RIG = { C_hot: 3000, C_cold: 2500, UA: 12, UA_loss: 0.3, m_dot_max: 0.07, pump_stall_duty: 50 };
const SETS = Object.entries(RIG).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
const INPUTS = [
  "pump=0:200,900:80,1800:255,2700:60,3600:150,4500:220,5400:100,6300:255",
  "heater=0:255,1200:100,2100:200,3000:0,3900:255,4800:150,5700:60,6600:255",
  "fan=0:255,2400:0,4200:255,6000:100",
];
const DURATION_S = 7200;

interface Parameter {
  name: string;
  value: number;
  std: number | null;
}

function byName(parameters: Parameter[]): Record<string, Parameter> {
  return Object.fromEntries(parameters.map((p) => [p.name, p]));
}

describe("looptwin calibrate on a simulate --sensors CSV", () => {
  let json: { parameters: Parameter[]; [k: string]: unknown };
  beforeAll(async () => {
    const sim = await run([
      "simulate",
      "--sensors",
      "--duration",
      String(DURATION_S),
      "--seed",
      "11",
      ...INPUTS.flatMap((i) => ["--input", i]),
      ...SETS,
      "--fault",
      "sensor_bias:channel=hot,value=0.25",
      "--out",
      "run.csv",
    ]);
    expect(sim.code).toBe(0);
    const cal = await run(["calibrate", "run.csv", "--out", "rig.json", "--json"]);
    expect(cal.stderr).toBe("");
    expect(cal.code).toBe(0);
    json = JSON.parse(cal.stdout);
  });

  it("prints one JSON object with every parameter within 5 % of the simulated rig's", () => {
    const p = byName(json.parameters);
    for (const [name, truth] of Object.entries(RIG)) {
      expect(Math.abs(p[name]!.value / truth - 1), name).toBeLessThan(0.05);
      expect(p[name]!.std, name).toBeGreaterThan(0);
    }
    expect(Math.abs(p.offset_hot_k!.value + 0.25)).toBeLessThan(0.02);
    expect(Math.abs(p.offset_cold_k!.value)).toBeLessThan(0.02);
    expect(json.format).toBe("csv");
    expect(json.samples).toBe(DURATION_S + 1);
    expect(json.converged).toBe(true);
    expect(json.warnings).toEqual([]);
    const rmse = json.rmse as Record<string, number>;
    expect(rmse.t_hot_k).toBeLessThan(0.06);
    expect(rmse.t_cold_k).toBeLessThan(0.06);
    expect(rmse.flow_lpm).toBeLessThan(0.05);
  });

  it("writes a rig config that simulate --config loads, and that reads back to the fitted values", async () => {
    const text = readFileSync(join(dir, "rig.json"), "utf8");
    const rig = parseRigConfig(text, "rig.json");
    const p = byName(json.parameters);
    // Written with 7 significant digits.
    for (const name of Object.keys(RIG))
      expect(Math.abs(rig.params[name as keyof typeof rig.params] / p[name]!.value - 1), name).toBeLessThan(
        1e-6,
      );
    expect(Math.abs(rig.offsetsK.hot / p.offset_hot_k!.value - 1)).toBeLessThan(1e-6);
    expect(rig.params.Q_heater_max).toBe(150);
    // simulate's own config reader: every top-level key is a loop parameter, the rest are comments.
    const parsed = parseConfigText(text, "rig.json");
    expect(makeLoopParams(parsed.params)).toEqual(rig.params);
    const sim = await run(["simulate", "--config", "rig.json", "--duration", "2"]);
    expect(sim.code).toBe(0);
    expect(sim.stdout.split("\n")[1]).toMatch(/^0,25\.000000,25\.000000,/);
  });

  it("--config and --set give the held values, --fix holds a parameter, --no-flow leaves the meter out", async () => {
    const r = await run([
      "calibrate",
      "run.csv",
      "--json",
      "--config",
      "rig.json",
      "--fix",
      "offset_hot_k,pump_stall_duty",
      "--set",
      "pump_stall_duty=50",
      "--no-flow",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const names = out.parameters.map((p: Parameter) => p.name);
    expect(names).not.toContain("offset_hot_k");
    expect(names).not.toContain("pump_stall_duty");
    const fromConfig = parseRigConfig(readFileSync(join(dir, "rig.json"), "utf8"), "rig.json");
    expect(out.offsets_k.hot).toBe(fromConfig.offsetsK.hot);
    expect(out.config.pump_stall_duty).toBe(50);
    expect(out.rmse.flow_lpm).toBeNull();
    expect(Math.abs(byName(out.parameters).m_dot_max!.value / RIG.m_dot_max - 1)).toBeLessThan(0.05);
  });

  it("prints a table with uncertainties and the RMSE per channel", async () => {
    const r = await run(["calibrate", "run.csv"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run\.csv: 7201 samples, 7201 observations over 2\.00 h; 8 parameters fitted/);
    expect(r.stdout).toMatch(/\nC_hot\s+\d+(\.\d+)?\s+\+- \d/);
    expect(r.stdout).toMatch(
      /\nfit RMSE: t_hot 0\.0\d+ K \(noise 0\.0\d+\), t_cold 0\.0\d+ K .*, flow 0\.0\d+ L\/min/,
    );
    expect(r.stdout).toMatch(/thermistor offsets \(add to readings\): hot -0\.2\d+ K/);
  });
});

describe("looptwin calibrate on a recording", () => {
  // The same kind of run written as a recording: samples, and each setpoint change as a PWM command
  // acknowledged at the rig time it took effect (as a source records them).
  const truth = makeLoopParams({ ...RIG, Q_heater_max: 120 });
  let csvJson: { parameters: Parameter[] };
  beforeAll(async () => {
    const inputs = parseInputSchedules(INPUTS, LOOP_INPUT_CHANNELS, { ...DEFAULT_LOOP_INPUTS, t_amb: 25 });
    const header: HeaderRecord = {
      type: "header",
      format: RECORDING_FORMAT,
      version: RECORDING_FORMAT_VERSION,
      startTime: "2026-01-01T00:00:00.000Z",
      source: { kind: "simulation" },
      rig: { scenario: "calibration", config: { Q_heater_max: 120 }, rig: { params: {} } },
      hello: null,
      writer: "test",
    };
    const lines = [encodeRecord(header)];
    const csvLines = [
      "t_s,meas_t_hot_c,meas_t_cold_c,meas_t_amb_c,meas_flow_lpm,pump_duty,heater_duty,fan_duty",
    ];
    let seq = 0;
    let id = 1;
    let last = [-1, -1, -1];
    simulateRun(
      { model: "loop", params: truth, inputs, faults: [], seed: 5, sensors: true, durationS: 3600, dtS: 1 },
      (row) => {
        if (row.model !== "loop") return;
        const s = row.sample;
        const atMs = s.tS * 1000 + 10;
        const duties = [s.pumpDuty, s.heaterDuty, s.fanDuty];
        ["pump", "heater", "fan"].forEach((ch, i) => {
          if (duties[i] === last[i]) return;
          const line = withCrc(`PWM,${id},${ch},${duties[i]}`);
          lines.push(encodeRecord({ type: "command", atMs: atMs - 5, id, line, attempt: 1 }));
          lines.push(encodeRecord({ type: "answer", atMs: atMs + 5, id, result: "ack", rttMs: 10 }));
          id++;
        });
        last = duties;
        lines.push(
          encodeRecord({
            type: "sample",
            atMs,
            sample: {
              tS: s.tS,
              seq: seq++,
              tMs: s.tS * 1000,
              tHotC: row.measTHotC,
              tColdC: row.measTColdC,
              tAmbC: row.measTAmbC,
              flowLpm: row.measFlowLpm,
              adcHot: s.adcHot,
              adcCold: s.adcCold,
              adcAmb: s.adcAmb,
              pulses: s.pulses,
              pumpDuty: s.pumpDuty,
              heaterDuty: s.heaterDuty,
              fanDuty: s.fanDuty,
              flags: 0,
            },
          }),
        );
        const f = (x: number) => (Number.isFinite(x) ? String(x) : "");
        csvLines.push(
          [s.tS, f(row.measTHotC), f(row.measTColdC), f(row.measTAmbC), f(row.measFlowLpm), ...duties].join(
            ",",
          ),
        );
      },
    );
    writeFileSync(join(dir, "run.ndjson"), lines.join(""));
    writeFileSync(join(dir, "same.csv"), `${csvLines.join("\n")}\n`);
    const c = await run(["calibrate", "same.csv", "--json", "--set", "Q_heater_max=120"]);
    expect(c.code).toBe(0);
    csvJson = JSON.parse(c.stdout);
  });

  it("takes Q_heater_max from the header's rig config and fits what the same data as CSV gives", async () => {
    const r = await run(["calibrate", "run.ndjson", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe("recording");
    expect((out.config as Record<string, number>).Q_heater_max).toBe(120);
    const p = byName(out.parameters);
    const c = byName(csvJson.parameters);
    // Commands acknowledged at the sample times date the changes exactly as the CSV's grid does.
    for (const name of Object.keys(p)) expect(p[name]!.value).toBeCloseTo(c[name]!.value, 6);
    for (const [name, v] of Object.entries(RIG))
      expect(Math.abs(p[name]!.value / v - 1), name).toBeLessThan(0.05);
  });

  it("leaves out a last line cut by a crash, and says so", async () => {
    const text = readFileSync(join(dir, "run.ndjson"), "utf8");
    writeFileSync(join(dir, "cut.ndjson"), text.slice(0, text.length - 40));
    const r = await run(["calibrate", "cut.ndjson", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^looptwin calibrate: cut\.ndjson: line \d+ has no newline \(a recording cut mid-line\): left out\n$/,
    );
    expect(JSON.parse(r.stdout).samples).toBe(3600);
  });
});

describe("looptwin calibrate: bad input is a one-line error with exit code 2", () => {
  const cases: [string, string, RegExp][] = [
    [
      "bad.csv",
      "t_s,meas_t_hot_c,meas_t_cold_c,pump_duty,heater_duty,fan_duty\n0,30,29,200,255,255\n1,30,x,200,255,255\n",
      /^looptwin calibrate: bad\.csv \(line 3, column 3 \(meas_t_cold_c\)\): not a number: "x"\n$/,
    ],
    [
      "ragged.csv",
      "t_s,meas_t_hot_c,meas_t_cold_c,pump_duty,heater_duty,fan_duty\n0,30,29,200,255\n",
      /^looptwin calibrate: ragged\.csv \(line 2, column 6 \(fan_duty\)\): ragged row: 5 fields, header has 6/,
    ],
    [
      "broken.ndjson",
      `${JSON.stringify({ type: "header", format: RECORDING_FORMAT, version: 1, startTime: "x", source: { kind: "simulation" }, rig: null, hello: null, writer: "t" })}\n{"type":"sample",\n`,
      /^looptwin calibrate: broken\.ndjson \(line 2\): not JSON\n$/,
    ],
    [
      "duty.ndjson",
      `${JSON.stringify({ type: "header", format: RECORDING_FORMAT, version: 1, startTime: "x", source: { kind: "simulation" }, rig: null, hello: null, writer: "t" })}\n${JSON.stringify({ type: "sample", atMs: 0, sample: { tS: 0, seq: 0, tMs: 0, tHotC: 30, tColdC: 29, tAmbC: null, flowLpm: null, adcHot: 1, adcCold: 1, adcAmb: -1, pulses: 0, pumpDuty: null, heaterDuty: 0, fanDuty: 0, flags: 0 } })}\n`,
      /^looptwin calibrate: duty\.ndjson \(line 2, column sample\.pumpDuty\): applied duty must be 0-255 \(got NaN\)\n$/,
    ],
    ["what.txt", "hello\n", /^looptwin calibrate: what\.txt \(line 1\): cannot tell the format/],
  ];
  for (const [name, text, expected] of cases)
    it(name, async () => {
      writeFileSync(join(dir, name), text);
      const r = await run(["calibrate", name]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    });

  it("a missing file, no file, an unknown parameter name", async () => {
    const missing = await run(["calibrate", "nope.csv"]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      "looptwin calibrate: nope.csv: cannot read (ENOENT)\n",
    ]);
    const none = await run(["calibrate"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/FILE: give the recording or CSV to calibrate/);
    const unknown = await run(["calibrate", "run.csv", "--fit", "C_hot,bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--fit: unknown parameter .*\(got "bogus"\)/);
  });

  it("--help describes the command", async () => {
    const r = await run(["calibrate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: looptwin calibrate FILE/);
  });
});
