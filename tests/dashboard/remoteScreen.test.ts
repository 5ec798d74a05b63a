/**
 * The dashboard's screen on a remote rig (a RemoteSession fed with broker payloads written by
 * hand), rendered into an off-screen terminal: the six panels show the rig's values, every key
 * that would act on the rig answers read-only on the status line and opens nothing, view keys
 * still work, Escape goes back when the screen was opened from the fleet table.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DashboardScreen } from "../../src/dashboard/screen.js";
import { observeIntoViewModel } from "../../src/dashboard/sessionView.js";
import { DashboardViewModel } from "../../src/dashboard/viewModel.js";
import { RemoteSession } from "../../src/fleet/remoteSession.js";
import { type OffscreenTerminal, offscreenTerminal } from "./offscreen.js";

const P = "looptwin/v1";
const STATUS =
  '{"v":1,"rig":"bench-3","online":true,"command":"dashboard","source":"/dev/ttyACM0","link":"CONNECTED","firmware":"looptwin 1.2.0","uid":"55AA","sessionStart":"2026-12-06T14:25:37.369Z","reason":"","droppedMessages":0,"sentAtMs":1}';
const FIELDS =
  '["tS","tHotC","tColdC","tAmbC","flowLpm","pumpDuty","heaterDuty","fanDuty","flags","predTHotC","predTColdC","predFlowLpm","resTHotK","resTColdK","resFlowLpm","bandTHotK","bandTColdK","bandFlowLpm","score"]';

const open: { screen: DashboardScreen; t: OffscreenTerminal }[] = [];
afterEach(() => {
  for (const { screen, t } of open.splice(0)) {
    screen.destroy();
    t.dispose();
  }
});

async function remoteDashboard(onBack?: () => void) {
  const t = offscreenTerminal(120, 40);
  const session = new RemoteSession({
    prefix: P,
    rig: "bench-3",
    brokerState: () => ({ kind: "connecting" }),
  });
  const vm = new DashboardViewModel();
  observeIntoViewModel(session, vm);
  const quits: string[] = [];
  const screen = new DashboardScreen({
    session,
    viewModel: vm,
    input: t.input,
    output: t.output,
    terminal: "xterm-256color",
    color: false,
    onQuit: (r) => quits.push(r),
    ...(onBack !== undefined ? { onBack } : {}),
  });
  open.push({ screen, t });
  session.apply(`${P}/bench-3/status`, STATUS);
  const rows: string[] = [];
  for (let i = 1; i <= 30; i++)
    rows.push(`[${i / 10},45.5,30.25,25,3.2,180,128,255,0,45.25,30.5,3.3,0.25,-0.25,-0.1,0.5,0.5,0.4,0.3]`);
  session.apply(
    `${P}/bench-3/telemetry`,
    `{"v":1,"rig":"bench-3","sentAtMs":2,"fields":${FIELDS},"rows":[${rows.join(",")}],"thinned":0}`,
  );
  screen.render();
  await t.settle();
  const keys = async (k: string) => {
    t.input.type(k);
    await t.settle();
    screen.render();
    await t.settle();
  };
  return { t, session, vm, screen, keys, quits };
}

describe("dashboard screen on a remote rig", () => {
  it("shows the rig's values in the six panels; keys that act say read-only and open nothing", async () => {
    const d = await remoteDashboard();
    const text = d.t.text();
    for (const title of ["Temperatures", "Flow", "Residuals", "Pump", "Alarms", "Metrics"])
      expect(text).toContain(`─ ${title} ─`);
    expect(text).toContain("T_hot 45.50 C");
    expect(text).toContain("twin 45.25");
    expect(text).toContain("flow 3.20 L/min");
    expect(text).toContain("T_hot +0.25/0.50 K");
    expect(text).toMatch(/pump\s+set\s+--\s+applied 180/);
    expect(text).toMatch(/heater\s+set\s+--\s+applied 128/);
    expect(d.t.lines()[39]).toMatch(
      /^bench-3 \(remote \/dev\/ttyACM0\) │ CONNECTED │ mqtt connecting │ looptwin 1\.2\.0 │ .*t=3\.0s/,
    );
    for (const key of ["p", "h", "n", "f", "x", "a", "r", "t"]) {
      d.vm.setNotice("");
      await d.keys(key);
      expect(d.t.lines()[39], `key ${key}`).toContain("remote view: read-only");
      expect(d.t.text(), `key ${key}`).not.toMatch(/Fault injection|setpoint|twin parameters|Confirm/);
    }
    // View keys still act.
    await d.keys("+");
    expect(d.t.lines()[39]).toContain("window 120 s");
    await d.keys("q");
    expect(d.quits).toEqual(["q"]);
  });

  it("Escape goes back when the screen was opened from the fleet table", async () => {
    let back = 0;
    const d = await remoteDashboard(() => back++);
    await d.keys("?");
    await d.keys("\u001b"); // closes the help first
    expect(back).toBe(0);
    await d.keys("\u001b");
    expect(back).toBe(1);
  });
});
