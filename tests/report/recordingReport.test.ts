/**
 * `looptwin report`: a recording made by a HIL run on the emulator, and hand-written recordings
 * (a dashboard's, with the twin in rig time; one from `looptwin record`, without a twin, with a
 * cut last line and a bad line) become the report's trace and page; bad arguments exit 2 with one
 * line naming the argument or the file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDefaultMonitorFactory } from "../../src/hil/monitorFactory.js";
import { loadScenarioFiles } from "../../src/hil/scenarioLoader.js";
import { runSuite } from "../../src/hil/suite.js";
import { emulatorTarget } from "../../src/hil/targets/emulatorTarget.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../src/model/telemetryConverter.js";
import { recordingHtmlReport } from "../../src/report/recordingHtmlReport.js";
import { readRecordingContent } from "../../src/report/recordingTrace.js";
import { PLOT_COLUMNS } from "../../src/report/svgPlot.js";
import { runCli } from "../cli/runCli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = mkdtempSync(join(tmpdir(), "looptwin-report-"));

const cli = (args: string[]) => runCli(args, DIR);

const HEADER = {
  type: "header",
  format: "looptwin-recording",
  version: 1,
  startTime: "2026-03-04T05:06:07.000Z",
  source: { kind: "serial", path: "/dev/ttyACM0" },
  rig: { name: "bench <A>" },
  hello: { major: 1, minor: 0, fwName: "looptwin", fwVersion: "1.2.3", board: "uno", uid: "ABCD" },
  writer: "looptwin 0.1.0",
};

function sample(atMs: number, tS: number, tHotC: number): string {
  return JSON.stringify({
    type: "sample",
    atMs,
    sample: {
      tS,
      seq: Math.round(tS * 10),
      tMs: Math.round(tS * 1000),
      tHotC,
      tColdC: 30,
      tAmbC: null,
      flowLpm: 3.5,
      adcHot: 1000,
      adcCold: 1100,
      adcAmb: null,
      pulses: 0,
      pumpDuty: 200,
      heaterDuty: 255,
      fanDuty: 255,
      flags: 0,
    },
  });
}

/** A dashboard recording: samples at rig time 1000-1009 s, the twin beside each, a pump fault, an alarm. */
function dashboardRecording(): string {
  const lines = [
    JSON.stringify(HEADER),
    JSON.stringify({ type: "event", atMs: 0, code: "BOOT", detail: "POWERON" }),
  ];
  for (let i = 0; i < 10; i++) {
    const tS = 1000 + i;
    lines.push(sample(i * 1000, tS, i === 7 ? 99 : 40));
    lines.push(
      JSON.stringify({ type: "twin", atMs: i * 1000, tS, values: { tHotC: 40.5, tColdC: 30, flowLpm: 3.6 } }),
    );
    lines.push(
      JSON.stringify({
        type: "residual",
        atMs: i * 1000,
        tS,
        values: { tHotK: -0.5, tColdK: 0, flowLpm: -0.1, score: 0.2 },
      }),
    );
    if (i === 3) {
      lines.push(
        JSON.stringify({ type: "command", atMs: 3000, id: 7, line: "PWM,7,pump,0,3000*ABCD", attempt: 1 }),
      );
      lines.push(JSON.stringify({ type: "command", atMs: 3000, id: 8, line: "PING,8*0000", attempt: 1 }));
      lines.push(JSON.stringify({ type: "answer", atMs: 3010, id: 7, result: "ack", rttMs: 10 }));
      lines.push(
        JSON.stringify({
          type: "label",
          atMs: 3000,
          tS,
          action: "start",
          fault: "pump_failure",
          by: "operator",
        }),
      );
    }
    if (i === 5)
      lines.push(
        JSON.stringify({
          type: "alarm",
          atMs: 5000,
          tS,
          source: "flow",
          state: "raised",
          diagnosis: "pump failure",
          score: 2.5,
          message: "raised critical: flow -100 %",
        }),
      );
    if (i === 6)
      lines.push(
        JSON.stringify({
          type: "label",
          atMs: 6000,
          tS,
          action: "end",
          fault: "pump_failure",
          by: "operator",
        }),
      );
  }
  return `${lines.join("\n")}\n`;
}

/** A `looptwin record` recording: no twin, a 20 s disconnect, a bad line and a cut last line. */
function recordRecording(): string {
  const lines = [JSON.stringify({ ...HEADER, hello: null, rig: null })];
  for (let i = 0; i < 5; i++) lines.push(sample(i * 100, 10 + i * 0.1, 25));
  lines.push("{not json");
  lines.push(
    JSON.stringify({
      type: "gap",
      atMs: 600,
      reason: "disconnect",
      fromTS: 10.4,
      toTS: 30.4,
      lostSamples: 200,
    }),
  );
  for (let i = 0; i < 5; i++) lines.push(sample(20_600 + i * 100, 30.4 + i * 0.1, 25));
  return `${lines.join("\n")}\n{"type":"sample","atMs":21`;
}

let hilRecording: string;
beforeAll(async () => {
  writeFileSync(join(DIR, "bench.ndjson"), dashboardRecording());
  writeFileSync(join(DIR, "record.ndjson"), recordRecording());
  writeFileSync(join(DIR, "notes.txt"), "hello\n");
  const scenarios = loadScenarioFiles(
    ["pump-failure-deadman.yaml", "sensor-bias-hot.yaml"].map((f) => join(ROOT, "hil", "scenarios", f)),
    ROOT,
  );
  await runSuite(scenarios, {
    target: emulatorTarget("", { cwd: ROOT }),
    monitorFactory: await loadDefaultMonitorFactory(),
    outDir: DIR,
  });
  hilRecording = join(DIR, "pump-failure-deadman.ndjson");
  // The sensor-bias run as `looptwin record` would have written it: no twin, residual or alarm.
  const withTwin = readFileSync(join(DIR, "sensor-bias-hot.ndjson"), "utf8");
  writeFileSync(
    join(DIR, "bias-untwinned.ndjson"),
    withTwin
      .split("\n")
      .filter((l) => !/^\{"type":"(twin|residual|alarm)"/.test(l))
      .join("\n"),
  );
}, 60_000);

describe("a recording made by a HIL run on the emulator", () => {
  it("is plotted in scenario time: the fault from 60 s, the alarm within 2 s, the twin beside every sample", async () => {
    const r = await readRecordingContent(hilRecording);
    expect(r.header.source.kind).toBe("emulator");
    expect(r.twinSamples).toBe(1800);
    // 180 s at 10 Hz.
    expect(r.samples).toBe(1800);
    expect(r.trace.t0S).toBeGreaterThanOrEqual(0);
    expect(r.trace.t0S).toBeLessThan(0.2);
    expect(r.trace.t1S).toBeGreaterThan(179.8);
    expect(r.trace.t1S).toBeLessThan(180.1);
    expect(r.trace.faults).toHaveLength(1);
    expect(r.trace.faults[0]?.fromS).toBeCloseTo(60, 0);
    const raised = r.trace.markers.filter((m) => m.kind === "critical");
    expect(raised[0]?.tS).toBeGreaterThan(60);
    expect(raised[0]?.tS).toBeLessThan(62);
    // Decimated as it streamed in: at most two points per plot column, whatever the length.
    const twin = r.trace.series.predTHotC;
    expect(twin.values.length).toBeGreaterThan(100);
    expect(twin.values.length).toBeLessThanOrEqual(2 * PLOT_COLUMNS);
    // The pump stopped: T_hot climbs well above the twin, which keeps assuming the flow.
    expect(Math.max(...r.trace.series.tHotC.values) - Math.max(...twin.values)).toBeGreaterThan(1);
    // The pump PWM 0 with its hold, renewed every second, is among the commands; the PINGs are counted.
    expect(r.commands.some((c) => /^PWM,\d+,pump,0,3000\*/.test(c.line) && c.result === "ACK")).toBe(true);
    expect(r.pings).toBeGreaterThan(300);
    // The device's hold expiry at about 90 s.
    const hold = r.events.find((e) => e.code === "HOLD_EXPIRED");
    expect(hold?.tS).toBeGreaterThan(89);
    expect(hold?.tS).toBeLessThan(91);
  });

  it("looptwin report writes a page with its header, plots, alarms, labels and commands", async () => {
    const res = await cli(["report", "pump-failure-deadman.ndjson", "bench.ndjson", "--html", "out.html"]);
    expect(res.err).toBe("");
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^wrote out\.html: 2 recording\(s\), 1810 samples, \d+ kB\n$/);
    const page = readFileSync(join(DIR, "out.html"), "utf8");
    expect(page).toContain("<h2>pump-failure-deadman.ndjson</h2>");
    expect(page).toContain("<li><b>source</b> emulator emulator</li>");
    expect(page).toContain("<li><b>firmware</b> looptwin-emu 0.1.0 on emu");
    expect(page).toMatch(/<h3>Alarms \(\d+\)<\/h3>/);
    expect(page).toContain("<h3>Injected faults (2)</h3>");
    expect(page).toContain("and 360 PING heartbeats");
    expect((page.match(/<path class="line /g) ?? []).length).toBeGreaterThanOrEqual(2 * 13);
    expect(page).not.toMatch(/https?:\/\//);
  });
});

describe("hand-written recordings", () => {
  it("a dashboard recording: rig time, the fault window 1003-1006 s, the alarm at 1005 s, the spike kept", async () => {
    const r = await readRecordingContent(join(DIR, "bench.ndjson"), "bench.ndjson");
    expect(r.trace.t0S).toBe(1000);
    expect(r.trace.t1S).toBe(1009);
    expect(r.trace.faults.map((f) => [f.fromS, f.toS, f.label])).toEqual([
      [1003, 1006, "pump_failure (operator)"],
    ]);
    expect(r.trace.markers.filter((m) => m.kind !== "event").map((m) => [m.kind, m.tS])).toEqual([
      ["critical", 1005],
    ]);
    expect(Math.max(...r.trace.series.tHotC.values)).toBe(99);
    expect([...r.trace.series.predTHotC.values]).toEqual(new Array(10).fill(40.5));
    expect([...r.trace.series.predTHotC.tS]).toEqual([...r.trace.series.tHotC.tS]);
    expect([...r.trace.series.score.values]).toEqual(new Array(10).fill(0.2));
    expect(r.commands.map((c) => [c.tS, c.line, c.result])).toEqual([
      [1003, "PWM,7,pump,0,3000*ABCD", "ACK"],
    ]);
    expect(r.pings).toBe(1);
    // The BOOT came before the first sample: listed, not plotted.
    expect(r.events.map((e) => e.code)).toEqual(["BOOT"]);
    expect(Number.isNaN(r.events[0]?.tS)).toBe(true);
    const page = recordingHtmlReport([r], new Date("2026-03-04T06:00:00Z"));
    expect(page).toContain("&quot;name&quot;: &quot;bench &lt;A&gt;&quot;");
    expect(page).toContain('EVT BOOT POWERON <span class="muted">at before the first sample</span>');
    expect(page).not.toContain("NaN");
  });

  it("a `looptwin record` recording: no twin plotted, the disconnect shaded, the bad line and the cut tail named", async () => {
    const r = await readRecordingContent(join(DIR, "record.ndjson"), "record.ndjson");
    expect(r.twinSamples).toBe(0);
    expect(r.samples).toBe(10);
    expect(r.trace.gaps.map((g) => [g.fromS, g.toS])).toEqual([[10.4, 30.4]]);
    expect(r.stats.badLines).toBe(1);
    expect(r.stats.truncatedBytes).toBe('{"type":"sample","atMs":21'.length);
    const page = recordingHtmlReport([r], new Date());
    expect(page).toContain("No twin: recorded without a twin.");
    expect(page).toContain("1 unreadable line(s) skipped (first: line 7, not JSON)");
    expect(page).toContain("the file ends in a cut line (26 bytes not read)");
    expect(page).not.toContain("T_hot twin");
    expect(page).toContain('<rect class="win gap"');
    // The line does not cross the 20 s without data: two runs of the measured T_hot.
    const hot = /<path class="line hot" d="([^"]*)"/.exec(page)?.[1] ?? "";
    expect(hot.match(/M/g)).toHaveLength(2);
  });
});

describe("a recording made without a twin", () => {
  it("gets one from looptwin report: the same twin and the same alarm as the HIL run recorded", async () => {
    const recorded = await readRecordingContent(join(DIR, "sensor-bias-hot.ndjson"));
    const res = await cli(["report", "bias-untwinned.ndjson", "--html", "bias.html"]);
    expect(res.code).toBe(0);
    const page = readFileSync(join(DIR, "bias.html"), "utf8");
    expect(page).toContain(
      "the twin, residuals, score and alarms shown were computed by the report, on the default rig parameters",
    );
    expect((page.match(/<path class="line /g) ?? []).length).toBe(13);
    // The same content read directly, with the CLI's twin: no recorded twin, a computed one.
    const factory = await loadDefaultMonitorFactory();
    const computed = await readRecordingContent(join(DIR, "bias-untwinned.ndjson"), "bias", {
      twinFor: (c) => ({
        monitor: factory({
          params: makeLoopParams({}),
          calibration: DEFAULT_SENSOR_CALIBRATION,
          hasAmbientProbe: c.hasAmbientProbe,
          rateHz: c.rateHz,
          seed: 0,
        }),
        how: "test",
      }),
    });
    expect(computed.twin).toEqual({ kind: "computed", how: "test" });
    expect(computed.twinSamples).toBe(recorded.samples);
    // The HIL run's twin and the report's agree: the twin follows the same duties on the same rig.
    const a = recorded.trace.series.predTHotC;
    const b = computed.trace.series.predTHotC;
    expect(b.values.length).toBe(a.values.length);
    for (let i = 0; i < a.values.length; i++)
      expect(Math.abs((b.values[i] as number) - (a.values[i] as number))).toBeLessThan(0.05);
    // The 1.5 K bias on T_hot from 60 s raises an alarm in both, at about the same time.
    const firstRaised = (x: typeof recorded) =>
      x.alarms.find((al) => al.state === "raised")?.tS ?? Number.NaN;
    expect(firstRaised(recorded)).toBeGreaterThan(60);
    expect(Math.abs(firstRaised(computed) - firstRaised(recorded))).toBeLessThan(2);
  });
});

describe("looptwin report: bad arguments and files (exit 2, one line)", () => {
  it.each([
    [["report", "bench.ndjson"], "looptwin report: --html: is required: the report file to write\n"],
    [
      ["report", "--html", "x.html"],
      "looptwin report: RECORDING: give at least one recording (.ndjson) to report on\n",
    ],
    [
      ["report", "bench.ndjson", "--html", "nodir/x.html"],
      'looptwin report: --html: its folder does not exist (got "nodir/x.html")\n',
    ],
    [
      ["report", "bench.ndjson", "--html", "bench.ndjson"],
      'looptwin report: --html: is one of the recordings (got "bench.ndjson")\n',
    ],
    [
      ["report", "notes.txt", "--html", "x.html"],
      `looptwin report: ${join(DIR, "notes.txt")} (line 1): first line is not JSON (not a looptwin recording?)\n`,
    ],
    [
      ["report", "bench.ndjson", "--pdf", "x"],
      'looptwin report: --pdf: unknown option (see --help) (got "--pdf")\n',
    ],
  ])("%j", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(message);
  });

  it("a file that is not there is named", async () => {
    const r = await cli(["report", "missing.ndjson", "--html", "x.html"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^looptwin report: \S*missing\.ndjson: cannot read: ENOENT[^\n]*\n$/);
  });
});
