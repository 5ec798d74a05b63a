/**
 * The blessed screen rendered into an off-screen terminal (@xterm/headless fed by blessed's
 * output): panel titles, values updating, the 80x24 compact layout, resize, the help overlay,
 * keys reaching the session, NO_COLOR.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DashboardScreen } from "../../src/dashboard/screen.js";
import { observeIntoViewModel } from "../../src/dashboard/sessionView.js";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";
import { resolveAlarmManagerOptions } from "../../src/detect/alarms/alarmManager.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";
import { LiveSession } from "../../src/session/liveSession.js";
import { SwitchableRecordSink } from "../../src/session/recordSwitch.js";
import { FakeMonitor } from "../session/fakeMonitor.js";
import { FakeSource } from "../session/fakeSource.js";
import { type OffscreenTerminal, offscreenTerminal } from "./offscreen.js";

const open: { screen: DashboardScreen; t: OffscreenTerminal }[] = [];
afterEach(() => {
  for (const { screen, t } of open.splice(0)) {
    screen.destroy();
    t.dispose();
  }
});

async function dashboard(cols: number, rows: number, color = true) {
  const t = offscreenTerminal(cols, rows);
  const source = new FakeSource();
  const vm = new DashboardViewModel();
  const monitor = new FakeMonitor();
  const session = new LiveSession({
    source,
    sourceLabel: "emulator",
    recordedSource: { kind: "emulator" },
    emulator: true,
    readOnly: false,
    sourceRecordsSamples: true,
    createMonitor: () => monitor,
    tuning: { params: DEFAULT_LOOP_PARAMS, alarm: resolveAlarmManagerOptions(), detectors: {} },
    setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
    scheduler: new VirtualScheduler(),
    records: new SwitchableRecordSink(),
    openRecording: () => {
      throw new Error("no recording in this test");
    },
  });
  observeIntoViewModel(session, vm);
  const quits: string[] = [];
  const screen = new DashboardScreen({
    session,
    viewModel: vm,
    input: t.input,
    output: t.output,
    terminal: "xterm-256color",
    color,
    onQuit: (r) => quits.push(r),
  });
  open.push({ screen, t });
  await session.start();
  let tS = 0;
  const samples = async (n: number, fields: Parameters<FakeSource["emitSample"]>[0] = {}) => {
    for (let i = 0; i < n; i++) {
      tS += 0.1;
      source.emitSample({
        tS,
        tHotC: 45,
        tColdC: 30,
        flowLpm: 3.2,
        pumpDuty: 200,
        heaterDuty: 255,
        fanDuty: 255,
        ...fields,
      });
    }
    screen.render();
    await t.settle();
  };
  const keys = async (k: string) => {
    t.input.type(k);
    await t.settle();
    screen.render();
    await t.settle();
  };
  return { t, source, vm, monitor, session, screen, samples, keys, quits };
}

const TITLES = ["Temperatures", "Flow", "Residuals", "Pump", "Alarms", "Metrics"];

describe("dashboard screen (off-screen terminal)", () => {
  it("120x40: every panel title, the status line, values that update", async () => {
    const d = await dashboard(120, 40);
    await d.samples(50);
    let text = d.t.text();
    for (const title of TITLES) expect(text).toContain(`─ ${title} ─`);
    expect(text).toContain("T_hot 45.00 C");
    expect(text).toContain("flow 3.20 L/min");
    expect(text).toMatch(/pump\s+set 200\s+applied 200/);
    expect(text).toContain("heat delivered");
    expect(text).toMatch(/no alarms/);
    const status = d.t.lines()[39]!;
    expect(status).toMatch(
      /^emulator │ CONNECTED │ looptwin-emu 0\.1\.0 │ not recording │ window 60s │ t=5\.0s │ \? help/,
    );
    // Braille dots of the charts, x-axis labels in rig seconds.
    expect(text).toMatch(/[\u2801-\u28ff]/);
    expect(text).toMatch(/\b0s\b.*\b10s\b/);

    await d.samples(10, { tHotC: 46.5, pumpDuty: 0 });
    text = d.t.text();
    expect(text).toContain("T_hot 46.50 C");
    expect(text).toMatch(/pump\s+set 200\s+applied\s+0/);
    expect(d.t.lines()[39]).toContain("t=6.0s");

    // An alarm: its row, then its evidence on a row of its own; the status line says it too.
    d.monitor.expectedFlowLpm = 3.2;
    await d.samples(5, { flowLpm: 0 });
    text = d.t.text();
    expect(text).toMatch(/6\.1s\s+CRIT\s+ACTIVE\s+pump failure \[flow\]/);
    expect(text).toMatch(/│\s{20,}flow -3\.20 L\/min vs/);
    expect(d.t.lines()[39]).toContain("ALARM critical: pump failure");
  });

  it("draws no frame when nothing on screen changed, and the next change at once", async () => {
    const d = await dashboard(120, 40);
    await d.samples(20);
    const drawn = d.screen.frames;
    for (let i = 0; i < 5; i++) d.screen.render();
    await d.t.settle();
    expect(d.screen.frames).toBe(drawn);
    await d.samples(1, { tHotC: 47.25 });
    expect(d.screen.frames).toBe(drawn + 1);
    expect(d.t.text()).toContain("T_hot 47.25 C");
    await d.keys("?");
    expect(d.t.text()).toContain("Help: keys");
  });

  it("a frame draws only what changed, and leaves the screen as blessed's full render would", async () => {
    const d = await dashboard(120, 40);
    await d.samples(30);
    d.monitor.expectedFlowLpm = 3.2;
    await d.samples(5, { flowLpm: 0 }); // an alarm: the Alarms table changes too
    const renders: string[] = [];
    const onRender = (el: { type: string }) => () => renders.push(el.type);
    for (const el of d.screen.screen.children) el.on("prerender", onRender(el));
    const before = d.t.output.chunks.length;
    await d.samples(1, { flowLpm: 0, tHotC: 46.75 });
    const frame = d.t.output.chunks.slice(before).join("");
    expect(d.t.text()).toContain("T_hot 46.75 C");
    // Charts and text panels go to blessed's buffer cell by cell: no element is rendered, and only
    // changed cells are written (nothing of the unchanged Pump panel or titles).
    expect(renders).toEqual([]);
    expect(frame).not.toContain("applied");
    expect(frame).not.toContain("Temperatures");
    // blessed's own full render over everything finds nothing to write.
    const after = d.t.output.bytes;
    d.screen.screen.render();
    await d.t.settle();
    expect(d.t.output.bytes).toBe(after);
  });

  it("80x24, after the help overlay closed and the window changed: blessed's full render finds nothing to write", async () => {
    const d = await dashboard(80, 24, true);
    await d.samples(30);
    await d.keys("?");
    await d.keys("x");
    await d.keys("+");
    await d.samples(3, { tHotC: 48.5 });
    expect(d.t.text()).toContain("T_hot 48.50 C");
    const after = d.t.output.bytes;
    d.screen.screen.render();
    await d.t.settle();
    expect(d.t.output.bytes).toBe(after);
  });

  it("80x24: the compact layout (fewer, taller panels), and it re-lays out on resize", async () => {
    const d = await dashboard(80, 24);
    await d.samples(30);
    let text = d.t.text();
    for (const title of ["Temperatures", "Residuals", "Pump", "Alarms"])
      expect(text).toContain(`─ ${title} ─`);
    expect(text).not.toContain("─ Flow ─");
    expect(text).not.toContain("─ Metrics ─");
    expect(text).toMatch(/flow\s+3\.20 L\/min/); // Flow's values move into the Pump panel
    const lines = d.t.lines();
    expect(lines).toHaveLength(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[23]!.trimEnd()).toMatch(/^emulator │ CONNECTED │ .* \? help$/);
    expect(d.screen.currentLayout.mode).toBe("compact");

    d.t.output.resize(120, 40);
    await d.t.settle();
    d.screen.render();
    await d.t.settle();
    text = d.t.text();
    expect(d.screen.currentLayout.mode).toBe("full");
    for (const title of TITLES) expect(text).toContain(`─ ${title} ─`);
  });

  it("? opens the help overlay listing every key; any key closes it", async () => {
    const d = await dashboard(80, 24);
    await d.samples(5);
    await d.keys("?");
    const text = d.t.text();
    expect(text).toContain("Help: keys");
    for (const k of [
      "q, Ctrl-C",
      "space",
      "acknowledge the newest alarm",
      "end all injections now (SAFE)",
      "fault injection menu",
      "start/stop recording",
      "twin parameters",
      "widen",
      "narrow",
    ])
      expect(text).toContain(k);
    await d.keys("x");
    expect(d.t.text()).not.toContain("Help: keys");
    expect(d.source.sent.some((c) => c.type === "SAFE")).toBe(false); // the closing key did nothing else
  });

  it("f, 2, 5 s, Enter, y injects a pump failure: PWM pump 0 with a dead-man hold", async () => {
    const d = await dashboard(120, 40);
    await d.samples(5);
    await d.keys("f");
    expect(d.t.text()).toContain("Fault injection");
    expect(d.t.text()).toContain("2  pump failure");
    await d.keys("2");
    expect(d.t.text()).toContain("pump PWM 0 for how many seconds");
    await d.keys("\x7f\x7f5\r");
    expect(d.t.text()).toMatch(/Inject pump failure for 5 s: PWM pump 0/);
    d.source.sent.length = 0;
    await d.keys("y");
    expect(d.source.pwm()).toEqual(["pump 0 3000"]);
    await d.samples(1, { pumpDuty: 0 });
    expect(d.t.text()).toContain("INJECTED pump_failure");
  });

  it("a bad setpoint is refused in the prompt with the field and the value", async () => {
    const d = await dashboard(120, 40);
    await d.keys("p");
    await d.keys("\x7f\x7f\x7f300\r");
    expect(d.t.text()).toContain('pump duty: must be a whole number 0-255 (got "300")');
    d.source.sent.length = 0;
    await d.keys("\x7f\x7f\x7f150\r");
    expect(d.source.pwm()).toEqual(["pump 150 -", "heater 255 -", "fan 255 -"]);
    expect(d.t.text()).not.toContain("must be a whole number");
  });

  it("q and Ctrl-C ask to quit; space pauses", async () => {
    const d = await dashboard(80, 24);
    await d.keys(" ");
    expect(d.t.lines()[23]).toContain("PAUSED");
    await d.keys("q");
    await d.keys("\x03");
    expect(d.quits).toEqual(["q", "Ctrl-C"]);
  });

  it("NO_COLOR: no colour escapes at all; with colour, the series are coloured", async () => {
    const plain = await dashboard(120, 40, false);
    await plain.samples(50);
    const out = plain.t.output.chunks.join("");
    // SGR parameters 30-37, 90-97 (fg), 38;5 (256-colour fg), 40-47 (bg) must not appear.
    const ESC = String.fromCharCode(27);
    const sgr = [...out.matchAll(new RegExp(`${ESC}\\[([0-9;]*)m`, "g"))].flatMap((m) =>
      (m[1] ?? "").split(";"),
    );
    expect(sgr.filter((p) => /^(3[0-8]|9[0-7]|4[0-7])$/.test(p))).toEqual([]);
    const colored = await dashboard(120, 40, true);
    await colored.samples(50);
    expect(colored.t.output.chunks.join("")).toMatch(new RegExp(`${ESC}\\[[0-9;]*3[1-7][;m]`));
  });
});
