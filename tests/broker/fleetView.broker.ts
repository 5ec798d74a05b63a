/**
 * The terminal fleet view as an operator meets it: `looptwin fleet` in a real tmux pane of 80x24
 * against a real mosquitto with one rig in alarm: the rig's line, Enter for its full dashboard
 * (read-only), Escape back, q to quit; SIGHUP (the SSH session dropped) ends it too.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";
import { MOSQUITTO_MISSING, TestBroker } from "./mosquitto.js";
import { CliProcess } from "./rigProcess.js";
import { alive, paneShows, TMUX_MISSING, tmux } from "./tmuxPane.js";

const MISSING = MOSQUITTO_MISSING ?? TMUX_MISSING;
if (MISSING !== null) console.warn(`fleet view tests skipped: ${MISSING}`);

describe.skipIf(MISSING !== null)("looptwin fleet in a terminal", () => {
  let broker: TestBroker;
  let rig: CliProcess;
  const sessions: string[] = [];

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
      "bench-7",
    ]);
    await rig.waitFor(/mqtt connected/);
  });

  afterAll(async () => {
    for (const s of sessions) if (alive(s)) tmux("kill-session", "-t", s);
    await rig?.stop("SIGKILL");
    await broker?.stop();
  });

  function startView(): string {
    const session = `looptwin-fleet-${process.pid}-${sessions.length}`;
    sessions.push(session);
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "80",
      "-y",
      "24",
      "-c",
      REPO_ROOT,
      `TERM=xterm-256color exec node bin/looptwin.js fleet --mqtt ${broker.url} --mqtt-password-file ${broker.passwordFile} 2>${broker.dir}/${session}.err`,
    );
    return session;
  }

  it("shows the rig with its critical alarm in 80x24, opens its live view on Enter, goes back on Escape, quits on q", async () => {
    const s = startView();
    const list = await paneShows(s, /bench-7\s+online\s+CONNECTED .*CRIT (pump failure|flow fault)/);
    expect(list.split("\n")[0]).toMatch(/^RIG\s+STATE\s+LINK\s+T_HOT\s+T_COLD\s+L\/MIN\s+OPEN ALARMS\s+SEEN/);
    for (const line of list.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(list).toMatch(/mqtt connected │ 1 rig, 0 offline │ 0 bad messages/);
    tmux("send-keys", "-t", s, "Enter");
    // The rig's full dashboard (compact at 80x24), read-only; its charts fill from the next batch.
    await paneShows(s, /^bench-7 \(remote emulator\) │ CONNECTED │ mqtt connected/m);
    const view = await paneShows(s, /T_hot \d+\.\d+ C\s+┄ twin \d+\.\d+/);
    for (const title of ["Temperatures", "Residuals", "Pump", "Alarms"])
      expect(view).toContain(`─ ${title} ─`);
    expect(view).toMatch(/CRIT\s+\w+\s+(pump failure|flow fault)/);
    tmux("send-keys", "-t", s, "Escape");
    await paneShows(s, /^RIG\s+STATE/m);
    tmux("send-keys", "-t", s, "q");
    const until = Date.now() + 10_000;
    while (alive(s) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(alive(s)).toBe(false);
  });

  it("ends when the terminal hangs up (SIGHUP), as over a dropped SSH session", async () => {
    const s = startView();
    await paneShows(s, /bench-7\s+online/);
    const pid = Number(tmux("display-message", "-p", "-t", s, "#{pane_pid}").trim());
    tmux("kill-session", "-t", s);
    const until = Date.now() + 10_000;
    // Exited but not yet reaped by tmux (a zombie, state Z) counts as ended.
    const running = (): boolean => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
      } catch {
        return false;
      }
    };
    while (running() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(false);
  });
});
