/**
 * End to end in tmux, as a person would use it: `looptwin dashboard --emulate --record FILE` from
 * the built dist (built here first when dist is missing or older than src), keys typed with
 * send-keys, the screen read with capture-pane. A pump failure is injected and confirmed; the
 * alarm with diagnosis "pump failure" must appear; `x` must bring the applied pump duty back (to
 * SAFE's 255); SIGHUP (the SSH session dropped) must leave the emulated rig SAFE (its ACK is in the
 * recording) and the recording whole. Skipped, with the reason printed, only where tmux is absent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../../scripts/ensureBuilt.js";
import { readRecording } from "../../src/rig/recording/recordingReader.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const hasTmux = spawnSync("tmux", ["-V"], { encoding: "utf8" }).status === 0;
if (!hasTmux) console.warn("dashboard e2e skipped: tmux is not installed (apt-get install tmux)");

const session = `looptwin-e2e-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "looptwin-e2e-"));
afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["kill-session", "-t", session]);
  rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]): string => execFileSync("tmux", args, { encoding: "utf8" });
const screen = (): string => tmux("capture-pane", "-t", session, "-p");
const keys = (...k: string[]): void => {
  tmux("send-keys", "-t", session, ...k);
};

/** Polls the pane until `re` matches (or fails with the last screen after `timeoutMs`). */
async function waitFor(re: RegExp, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    last = screen();
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${re} on the screen:\n${last}`);
}

/** Whether `pid` still runs: an exited process that tmux has not reaped yet (a zombie) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ...": Z is a zombie (exited, not yet reaped).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe.skipIf(!hasTmux)("looptwin dashboard --emulate in tmux", () => {
  it("pump failure -> alarm 'pump failure'; x -> applied duty back; SIGHUP -> SAFE acknowledged, recording closed whole", async () => {
    ensureBuilt();
    const recording = join(dir, "e2e.ndjson");
    const stderr = join(dir, "stderr.txt");
    const bin = join(root, "bin", "looptwin.js");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "120",
      "-y",
      "40",
      `cd ${JSON.stringify(dir)} && TERM=xterm-256color exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} dashboard --emulate --rate 20 --record e2e.ndjson 2> ${JSON.stringify(stderr)}`,
    );
    const pid = Number(tmux("list-panes", "-t", session, "-F", "#{pane_pid}").trim());
    await waitFor(/T_hot \d+\.\d\d C[\s\S]*CONNECTED/, 30_000);
    await waitFor(/─ Temperatures ─[\s\S]*─ Alarms ─[\s\S]*─ Metrics ─/, 5_000);
    // Let the twin and the observer settle on the running loop before the fault.
    await new Promise((r) => setTimeout(r, 8_000));

    keys("f");
    await waitFor(/Fault injection/, 5_000);
    keys("2");
    await waitFor(/pump PWM 0 for how many seconds/, 5_000);
    keys("Enter"); // the offered 30 s
    await waitFor(/Inject pump failure for 30 s/, 5_000);
    keys("y");
    await waitFor(/pump\s+set 200\s+applied\s+0/, 10_000);
    const alarmScreen = await waitFor(/CRIT\s+(ACTIVE|RTN|ACK)\s+pump failure/, 60_000);
    expect(alarmScreen).toMatch(/INJECTED pump_failure/);

    keys("x");
    await waitFor(/pump\s+set 255\s+applied 255/, 10_000);

    process.kill(pid, "SIGHUP");
    const until = Date.now() + 15_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(readFileSync(stderr, "utf8")).toMatch(
      /stopped by SIGHUP; rig left SAFE \(SAFE acknowledged\); recording closed: .*e2e\.ndjson/,
    );

    // The recording: every line whole, the injection labelled, the alarm, and SAFE acknowledged.
    const text = readFileSync(recording, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const { records, stats } = await readRecording(recording);
    expect(stats.badLines).toBe(0);
    expect(stats.truncatedBytes).toBe(0);
    const labels = records.flatMap((r) => (r.type === "label" ? [`${r.action} ${r.fault}`] : []));
    expect(labels).toEqual(["start pump_failure", "end pump_failure"]);
    expect(records.some((r) => r.type === "alarm" && r.diagnosis === "pump failure")).toBe(true);
    const safes = records.flatMap((r) => (r.type === "command" && r.line.startsWith("SAFE,") ? [r.id] : []));
    expect(safes.length).toBeGreaterThanOrEqual(2); // x, and the shutdown
    const lastSafe = safes.at(-1)!;
    expect(records.some((r) => r.type === "answer" && r.id === lastSafe && r.result === "ack")).toBe(true);
    expect(records.at(-1)).toMatchObject({
      type: "note",
      text: expect.stringMatching(/stopped \(SIGHUP\); SAFE acknowledged/),
    });
  }, 180_000);
});
