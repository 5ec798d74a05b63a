/**
 * `looptwin dashboard --mqtt-source URL --rig NAME` as an operator meets it: a real tmux pane of
 * 120x40 against a real mosquitto, watching an emulated rig that `serve --mqtt` publishes with a
 * pump failure: the six panels with the rig's values (checked against the telemetry a separate
 * `mosquitto_sub` received), its alarm, a control key answered read-only, the rig going offline
 * and STALE, and q ending it with the exit line saying nothing was sent.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";
import { BROKER_PASSWORD, BROKER_USER, MOSQUITTO_MISSING, TestBroker } from "./mosquitto.js";
import { CliProcess } from "./rigProcess.js";
import { alive, paneShows, TMUX_MISSING, tmux } from "./tmuxPane.js";

const MISSING = MOSQUITTO_MISSING ?? TMUX_MISSING;
if (MISSING !== null) console.warn(`remote dashboard tests skipped: ${MISSING}`);

const RIG = "bench-8";

describe.skipIf(MISSING !== null)("looptwin dashboard --mqtt-source in a terminal", () => {
  let broker: TestBroker;
  let rig: CliProcess;
  let sub: ChildProcess;
  /** Every tHotC the independent subscriber saw, as the legend rounds it. */
  const tHotSeen = new Set<string>();
  const session = `looptwin-remote-${process.pid}`;
  const errFile = (): string => `${broker.dir}/${session}.err`;

  beforeAll(async () => {
    ensureBuilt();
    broker = await TestBroker.start();
    rig = new CliProcess([
      "serve",
      "--emulate",
      "--listen",
      "127.0.0.1:0",
      "--speed",
      "4",
      "--fault",
      "pump_failure:start=8",
      "--mqtt",
      broker.url,
      "--mqtt-password-file",
      broker.passwordFile,
      "--rig-name",
      RIG,
    ]);
    await rig.waitFor(/mqtt connected/);
    sub = spawn("mosquitto_sub", [
      ...["-h", "127.0.0.1", "-p", String(broker.port), "-u", BROKER_USER, "-P", BROKER_PASSWORD],
      ...["-t", `looptwin/v1/${RIG}/telemetry`],
    ]);
    let pending = "";
    sub.stdout?.on("data", (d: Buffer) => {
      pending += d.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const m = JSON.parse(line) as { fields: string[]; rows: (number | null)[][] };
        const col = m.fields.indexOf("tHotC");
        for (const row of m.rows) if (typeof row[col] === "number") tHotSeen.add(row[col].toFixed(2));
      }
    });
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "120",
      "-y",
      "40",
      "-c",
      REPO_ROOT,
      `TERM=xterm-256color NO_COLOR=1 exec node bin/looptwin.js dashboard --mqtt-source ${broker.url} --mqtt-password-file ${broker.passwordFile} --rig ${RIG} 2>${errFile()}`,
    );
  });

  afterAll(async () => {
    if (alive(session)) tmux("kill-session", "-t", session);
    sub?.kill();
    await rig?.stop("SIGKILL");
    await broker?.stop();
  });

  it("shows the remote rig's six panels with its values and alarm; control keys do nothing", async () => {
    // The pump fails at rig time 8 s (2 s of wall time at --speed 4): wait for its alarm.
    await paneShows(session, /CRIT\s+\w+\s+pump failure/, 30_000);
    // The flow the rig reports falls to 0 over its 2 s estimate window after the alarm (flow 0.33
    // L/min was captured once in a clean CI run): wait for it too.
    await paneShows(session, /flow 0\.00 L\/min\s+┄ twin 3\.8\d/, 10_000);
    // A capture can fall between the writes of one frame: take one with the whole top row.
    const view = await paneShows(session, /^┌─ Temperatures ─+┐┌─ Pump ─+┐\n│━ T_hot \d+\.\d\d C/, 5_000);
    for (const title of ["Temperatures", "Flow", "Residuals", "Pump", "Alarms", "Metrics"])
      expect(view).toContain(`─ ${title} ─`);
    const lines = view.split("\n");
    // The rig's firmware from its status topic, unless a notice (the alarm's) has taken its room:
    // the status line gives the firmware up first by design.
    expect(lines[39]).toMatch(
      new RegExp(
        `^${RIG} \\(remote emulator\\) │ CONNECTED │ mqtt connected │ (looptwin-emu 0\\.1\\.0 │ .*|t=\\d+\\.\\ds │ ALARM .*)$`,
      ),
    );
    // The rig's measured T_hot as the legend shows it is one the rig published.
    const shown = /T_hot (\d+\.\d\d) C/.exec(view)?.[1];
    expect(shown).toBeDefined();
    expect(tHotSeen.has(shown!)).toBe(true);
    // The operator's setpoints (from the status) and the applied duties; the emulated pump failed
    // (PWM 200 kept, flow 0).
    expect(view).toMatch(/pump\s+set 200\s+applied 200/);
    expect(view).toMatch(/flow 0\.00 L\/min\s+┄ twin 3\.8\d/);
    // The Metrics panel: the sample rate in rig time (10 Hz telemetry), the loop figures' rows.
    expect(view).toMatch(/samples\/s\s+(9\.\d|10\.\d)/);
    expect(view).toMatch(/heat delivered/);

    tmux("send-keys", "-t", session, "p");
    await paneShows(session, /remote view: read-only/, 5_000);
    const after = tmux("capture-pane", "-p", "-t", session);
    expect(after).not.toMatch(/pump setpoint|duty 0-255/); // no prompt opened
    tmux("send-keys", "-t", session, "f");
    await new Promise((r) => setTimeout(r, 500));
    expect(tmux("capture-pane", "-p", "-t", session)).not.toContain("Fault injection");
  });

  it("the rig stopping shows offline, then STALE; q ends the view with its exit line", async () => {
    expect(await rig.stop("SIGINT")).toBe(0);
    await paneShows(session, /│ DISCONNECTED │ .*rig offline: stopped \(SIGINT\)/, 10_000);
    await paneShows(
      session,
      new RegExp(`^${RIG} STALE: no telemetry for \\d+ s \\(remote\\) │ DISCONNECTED`, "m"),
      15_000,
    );
    tmux("send-keys", "-t", session, "q");
    const until = Date.now() + 10_000;
    while (alive(session) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(alive(session)).toBe(false);
    expect(readFileSync(errFile(), "utf8")).toMatch(
      new RegExp(
        `^looptwin dashboard: stopped by q; remote rig ${RIG}: read-only, nothing was sent to it; \\d+ messages, 0 malformed skipped\\n$`,
      ),
    );
  });
});
