/**
 * `looptwin dashboard` before the screen opens: every problem is one line on stderr with exit 2,
 * naming the option and the value, and nothing is left running. And the rig of `--config`/`--set`
 * where it belongs: the twin, the emulated plant, the host conversion of a serial rig, the
 * recording header (virtual time on the in-process emulator; no sleeps).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { prepareDashboard } from "../../src/cli/dashboardCommand.js";
import { main } from "../../src/cli/main.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams, makeLoopParams } from "../../src/model/loopParams.js";
import { createPlantSample, PlantSimulator } from "../../src/model/plantSimulator.js";
import type { RigSample } from "../../src/model/rigSample.js";
import { DEFAULT_THERMISTOR, tempCFromCounts } from "../../src/model/thermistor.js";
import { InProcessEmulator } from "../../src/rig/emulator/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../../src/rig/emulator/plantAdapter.js";
import { RecordingWriter } from "../../src/rig/recording/recordingWriter.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-dash-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["dashboard", ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
  });
  return { code, out, err };
}

describe("looptwin dashboard: errors before the screen opens", () => {
  it.each([
    [
      [],
      /^looptwin dashboard: source: choose exactly one of --emulate, --port PATH, --replay FILE, --firmata PATH \(got "none"\)\n$/,
    ],
    [["--emulate", "--port", "/dev/x"], /source: choose exactly one .* \(got "--emulate --port"\)/],
    [
      ["--replay", "missing.ndjson"],
      /^looptwin dashboard: --replay: no such file \(got "missing\.ndjson"\)\n$/,
    ],
    [["--emulate", "--pump", "300"], /--pump: must be <= 255 \(got "300"\)/],
    [["--emulate", "--rate", "500"], /--rate: must be <= 100 \(got "500"\)/],
    [["--emulate", "--window", "45"], /--window: must be one of 15, 30, 60/],
    [["--emulate", "--fault", "pump_explosion"], /--fault/],
    [["--emulate", "--bogus"], /--bogus: unknown option/],
    [
      ["--emulate", "--config", "missing.json"],
      /^looptwin dashboard: --config: cannot read \(ENOENT.*\) \(got "missing\.json"\)\n$/,
    ],
    [["--emulate", "--config", "bad.json"], /^looptwin dashboard: bad\.json: not valid JSON: /],
    [
      ["--emulate", "--config", "field.json"],
      /^looptwin dashboard: field\.json: UA: must be a number \(W\/K\) \(got "ten"\)\n$/,
    ],
    [
      ["--emulate", "--set", "Foo=1"],
      /^looptwin dashboard: --set Foo: unknown parameter of the loop model \(known: C_hot, /,
    ],
    [["--emulate", "--set", "UA"], /^looptwin dashboard: --set: expected K=V \(got "UA"\)\n$/],
    // The rig config is read before any port is opened.
    [
      ["--port", "/dev/ttyLOOPTWIN-NONE", "--config", "missing.json"],
      /^looptwin dashboard: --config: cannot read/,
    ],
    [
      ["--firmata", "/dev/ttyLOOPTWIN-NONE"],
      /^looptwin dashboard: --firmata: cannot open: .*\/dev\/ttyLOOPTWIN-NONE/,
    ],
  ])("%j -> exit 2 with one line", async (argv, message) => {
    writeFileSync(join(dir, "bad.json"), '{ "UA": 9.6, ');
    writeFileSync(join(dir, "field.json"), '{ "UA": "ten" }');
    const r = await run(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("an unreadable port is a one-line error naming it", async () => {
    const r = await run("--port", join(dir, "ttyNOPE"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^looptwin dashboard: --port: cannot open: .*ttyNOPE/);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a file that is not a recording is a one-line error naming the file and line", async () => {
    writeFileSync(join(dir, "notes.ndjson"), '{"hello":1}\n');
    const r = await run("--replay", "notes.ndjson");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/notes\.ndjson \(line 1\): first line is not a header record/);
  });

  it("without a terminal the emulator is opened, then refused, and stopped again", async () => {
    const r = await run("--emulate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /terminal: the dashboard needs a terminal \(run it in a terminal, tmux, or ssh -t\)/,
    );
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A rig config as looptwin calibrate writes it, far enough from the defaults to tell apart. */
const CALIBRATED = {
  C_hot: 2000,
  C_cold: 2300,
  UA: 6,
  UA_loss: 0.3,
  m_dot_max: 0.07,
  _sensors: { offsetsK: { hot: 0.8, cold: -0.6, amb: 0 } },
  _calibration: { about: "written by looptwin calibrate", source: "run.csv" },
};

function copyOf(s: RigSample): RigSample {
  return { ...s };
}

/**
 * The plant with `params` and ideal sensors, driven by the duties the device reported: the true
 * temperatures at each sample's time.
 */
function reference(params: LoopParams, samples: readonly RigSample[]): { tHotC: number; tColdC: number }[] {
  const sim = new PlantSimulator({ params, noiseKRms: 0 });
  for (const ch of ["pump", "heater", "fan"] as const) sim.setDuty(ch, 0);
  const out = createPlantSample();
  return samples.map((s) => {
    sim.advanceTo(s.tS);
    sim.sample(out, false);
    sim.setDuty("pump", s.pumpDuty);
    sim.setDuty("heater", s.heaterDuty);
    sim.setDuty("fan", s.fanDuty);
    return { tHotC: out.tHotC, tColdC: out.tColdC };
  });
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe("looptwin dashboard --config/--set: the calibrated rig", () => {
  it("--emulate: the loop parameters reach the twin and the emulated plant (sensors ideal); the header records the config", async () => {
    writeFileSync(join(dir, "cal.json"), JSON.stringify(CALIBRATED));
    let emu: InProcessEmulator | null = null;
    const { rig, session, rigArgs } = await prepareDashboard(
      ["--emulate", "--config", "cal.json", "--set", "UA=5", "--record", "cal-run.ndjson"],
      dir,
      {
        runEmulator: (e) => {
          emu = e;
          e.start(); // as fast as it goes until the test takes over
          return { stop: () => e.stop() };
        },
      },
    );
    cleanups.push(async () => {
      await session.shutdown("test end");
      await rig.stop();
    });
    const em = emu as unknown as InProcessEmulator;
    const samples: RigSample[] = [];
    rig.source.subscribe((e) => {
      if (e.kind === "sample") samples.push(copyOf(e.sample));
    });
    await session.start();
    await em.stop();
    await em.runUntil(em.nowMs + 900_000);
    em.start(); // for SAFE at shutdown

    const calibrated = makeLoopParams({ ...rigArgs.params });
    expect(calibrated.UA).toBe(5); // --set over the file's 6
    expect(calibrated.C_hot).toBe(2000);
    // The twin's parameters are the calibrated rig's.
    expect(session.tuning.params).toEqual(calibrated);

    // The emulated plant is the calibrated rig: its readings follow an independent simulation of
    // it (no offsets: the emulator's thermistors are ideal), not one of the default rig.
    expect(samples.length).toBeGreaterThan(8000);
    const last = samples.slice(-50);
    const truth = reference(calibrated, samples).slice(-50);
    const defaults = reference(DEFAULT_LOOP_PARAMS, samples).slice(-50);
    const hot = last.map((s) => s.tHotC);
    const cold = last.map((s) => s.tColdC);
    expect(Math.abs(meanOf(hot) - meanOf(truth.map((t) => t.tHotC)))).toBeLessThan(0.1);
    expect(Math.abs(meanOf(cold) - meanOf(truth.map((t) => t.tColdC)))).toBeLessThan(0.1);
    expect(Math.abs(meanOf(hot) - meanOf(defaults.map((t) => t.tHotC)))).toBeGreaterThan(3);

    // So the twin predicts the plant: small residuals, no alarm.
    const out = session.monitor.output;
    const lastTruth = truth.at(-1)!;
    expect(Math.abs(out.predTHotC - lastTruth.tHotC)).toBeLessThan(0.3);
    expect(Math.abs(out.predTColdC - lastTruth.tColdC)).toBeLessThan(0.3);
    expect(Math.abs(out.resTHotK)).toBeLessThan(out.bandTHotK);
    expect(Math.abs(out.resTColdK)).toBeLessThan(out.bandTColdK);
    expect(session.monitor.openAlarms()).toEqual([]);

    // The recording's header carries the config in force (the --set value written in), which
    // looptwin calibrate reads back as the run's rig.
    await session.shutdown("test end");
    const header = JSON.parse(readFileSync(join(dir, "cal-run.ndjson"), "utf8").split("\n")[0]!) as {
      rig: { config: Record<string, unknown>; tuning: { params: LoopParams } };
    };
    expect(header.rig.config).toEqual({ ...CALIBRATED, UA: 5 });
    expect(header.rig.tuning.params).toEqual(calibrated);
  }, 60_000);

  it("--port: the thermistor offsets reach the serial source's conversion; the loop parameters the twin", async () => {
    writeFileSync(join(dir, "cal.json"), JSON.stringify(CALIBRATED));
    const emu = new InProcessEmulator({
      path: "/dev/ttyMOCKDASH0",
      device: { plant: new PlantDeviceAdapter({ seed: 5 }), seed: 5 },
    });
    emu.start();
    const { rig, session } = await prepareDashboard(["--port", emu.path, "--config", "cal.json"], dir, {
      serialBinding: emu.binding,
      serialScheduler: emu.scheduler,
    });
    cleanups.push(async () => {
      await emu.stop();
      await rig.source.close();
    });
    const samples: RigSample[] = [];
    rig.source.subscribe((e) => {
      if (e.kind === "sample") samples.push(copyOf(e.sample));
    });
    await emu.stop();
    await emu.runUntil(emu.nowMs + 5000);
    expect(rig.label).toBe(emu.path);
    expect(samples.length).toBeGreaterThanOrEqual(40);
    for (const s of samples) {
      expect(s.tHotC - tempCFromCounts(DEFAULT_THERMISTOR, s.adcHot)).toBeCloseTo(0.8, 9);
      expect(s.tColdC - tempCFromCounts(DEFAULT_THERMISTOR, s.adcCold)).toBeCloseTo(-0.6, 9);
    }
    expect(session.tuning.params.UA).toBe(6);
    expect(session.tuning.params.C_cold).toBe(2300);
  });

  it("--replay: the twin takes the loop parameters", async () => {
    writeFileSync(join(dir, "cal.json"), JSON.stringify(CALIBRATED));
    new RecordingWriter(join(dir, "empty.ndjson"), { source: { kind: "emulator", path: "emu" } }).close();
    const { rig, session } = await prepareDashboard(
      ["--replay", "empty.ndjson", "--config", "cal.json", "--set", "C_cold=2500"],
      dir,
    );
    cleanups.push(() => rig.source.close());
    expect(rig.readOnly).toBe(true);
    expect(session.tuning.params).toEqual(
      makeLoopParams({ C_hot: 2000, C_cold: 2500, UA: 6, UA_loss: 0.3, m_dot_max: 0.07 }),
    );
  });

  it("--replay without --config: the twin runs on the recording's own rig config, --set over it", async () => {
    new RecordingWriter(join(dir, "own.ndjson"), {
      source: { kind: "emulator", path: "emu" },
      rig: {
        setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
        config: { params: { UA: 7.5, C_hot: 2100 } },
      },
    }).close();
    const own = await prepareDashboard(["--replay", "own.ndjson"], dir);
    cleanups.push(() => own.rig.source.close());
    expect(own.session.tuning.params).toEqual(makeLoopParams({ UA: 7.5, C_hot: 2100 }));
    expect(own.rigArgs.config).toEqual({ params: { UA: 7.5, C_hot: 2100 } });
    const set = await prepareDashboard(["--replay", "own.ndjson", "--set", "UA=8"], dir);
    cleanups.push(() => set.rig.source.close());
    expect(set.session.tuning.params).toEqual(makeLoopParams({ UA: 8, C_hot: 2100 }));
    // A recording made without a config: the twin parameters it ran with (the header's tuning).
    new RecordingWriter(join(dir, "tuned.ndjson"), {
      source: { kind: "emulator", path: "emu" },
      rig: { config: null, tuning: { params: makeLoopParams({ UA: 9 }) } },
    }).close();
    const tuned = await prepareDashboard(["--replay", "tuned.ndjson"], dir);
    cleanups.push(() => tuned.rig.source.close());
    expect(tuned.session.tuning.params.UA).toBe(9);
    // A header naming an impossible rig: one line naming the recording and the field.
    new RecordingWriter(join(dir, "bad.ndjson"), {
      source: { kind: "emulator", path: "emu" },
      rig: { config: { params: { UA: -1 } } },
    }).close();
    await expect(prepareDashboard(["--replay", "bad.ndjson"], dir)).rejects.toThrow(
      /bad\.ndjson \(header rig\).*UA/,
    );
  });
});
