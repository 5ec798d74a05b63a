/**
 * `looptwin serve --emulate` in this process (the real emulator, monitor and recording, at 4x
 * the wall clock), over real HTTP and WebSocket: values move, the token from a file, two viewers
 * see the alarm of a pump failure injected with it, a closed socket ends its injection within 3 s
 * of device time, and SIGTERM leaves the device SAFE and the recording whole.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runServe } from "../../src/cli/serveCommand.js";
import { readRecording } from "../../src/rig/recording/recordingReader.js";
import type { LiveWeb } from "../../src/web/liveWeb.js";
import { Viewer, waitFor } from "./webHarness.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Snapshot {
  sample: { t_s: number; pump_duty: number; flow_lpm: number | null } | null;
  status: { rig_time_s: number; link: string };
}

async function snapshot(url: string): Promise<Snapshot> {
  return (await (await fetch(`${url}api/snapshot`)).json()) as Snapshot;
}

/** Polls the snapshot until `check` holds (the emulator runs on its own). */
async function until(url: string, what: string, check: (s: Snapshot) => boolean): Promise<Snapshot> {
  const end = Date.now() + 30_000;
  for (;;) {
    const s = await snapshot(url);
    if (check(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s.sample)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("looptwin serve --emulate", () => {
  it("serves the live session; a token from a file controls it; viewers share alarms; closed sockets and SIGTERM leave the rig safe", async () => {
    const tokenFile = join(dir, "token");
    const token = "file-token-abcdefghijklmnop";
    writeFileSync(tokenFile, `${token}\n`);
    const recording = join(dir, "serve.ndjson");
    const out: string[] = [];
    const err: string[] = [];
    const signals = new EventEmitter();
    let web: LiveWeb | null = null;
    const run = runServe(
      [
        "--emulate",
        "--listen",
        "127.0.0.1:0",
        "--allow-control",
        "--token-file",
        tokenFile,
        "--record",
        recording,
        "--rate",
        "50",
        "--speed",
        "4",
      ],
      {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => err.push(s) },
        cwd: dir,
      },
      { signals, onStarted: (w) => (web = w) },
    );
    await waitFor("started", () => web ?? undefined, 30_000);
    const lines = out.join("").split("\n");
    expect(lines[0]).toMatch(/^looptwin serve: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(lines[1]).toBe(`looptwin serve: control on; token from ${tokenFile}`);
    const url = lines[0]!.slice("looptwin serve: ".length);

    const health = (await (await fetch(`${url}api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", link: "CONNECTED", control: true, recording });
    const s1 = await until(url, "samples", (s) => s.sample !== null);
    const s2 = await until(url, "time moving", (s) => s.sample !== null && s.sample.t_s > s1.sample!.t_s + 1);
    expect(s2.sample!.pump_duty).toBe(200);

    const a = await Viewer.connect(url);
    const b = await Viewer.connect(url);
    const post = (path: string, body: unknown, bearer: string) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body),
      });
    const refused = await post(
      "api/inject",
      { kind: "pump_failure", duration_s: 600, connection: a.connectionId },
      "random",
    );
    expect(refused.status).toBe(401);
    const r = await post(
      "api/inject",
      { kind: "pump_failure", duration_s: 600, connection: a.connectionId },
      token,
    );
    expect(r.status).toBe(200);
    // The twin expects flow from the setpoint; the measured flow falls to 0: an alarm that the
    // diagnosis names a pump failure, on both viewers.
    for (const v of [a, b]) {
      const alarm = await waitFor(
        "a pump-failure alarm",
        () => v.of("alarm").find((m) => /pump failure/.test(m.diagnosis)),
        30_000,
      );
      expect(alarm.cause).toBe("flow");
    }
    const stopped = await until(url, "pump at 0", (s) => s.sample?.pump_duty === 0);
    expect(stopped.sample!.pump_duty).toBe(0);

    const closedAt = (await snapshot(url)).sample!.t_s;
    await a.close();
    const back = await until(url, "pump duty back at the setpoint", (s) => s.sample?.pump_duty === 200);
    expect(back.sample!.t_s - closedAt).toBeLessThanOrEqual(3);
    expect(b.of("label").some((m) => m.action === "end" && m.fault === "pump_failure")).toBe(true);

    signals.emit("SIGTERM");
    const exit = await run;
    expect(exit.code).toBe(0);
    expect(exit.report.safeAcknowledged).toBe(true);
    expect(err.join("")).toBe(
      `looptwin serve: stopped by SIGTERM; rig left SAFE (SAFE acknowledged); recording closed: ${recording}\n`,
    );
    await waitFor("b gets bye", () => (b.closed ? true : undefined));
    expect(b.of("bye")).toEqual([{ type: "bye", reason: "SIGTERM" }]);

    const rec = await readRecording(recording);
    expect(rec.header.writer).toBe("looptwin serve");
    const safe = rec.records.filter((x) => x.type === "command" && /^SAFE,/.test(x.line));
    expect(safe.length).toBeGreaterThanOrEqual(1);
    const labels = rec.records.flatMap((x) => (x.type === "label" ? [`${x.action} ${x.fault}`] : []));
    expect(labels).toEqual(["start pump_failure", "end pump_failure"]);
    expect(rec.records.at(-1)).toMatchObject({
      type: "note",
      text: expect.stringMatching(/serve stopped \(SIGTERM\); SAFE acknowledged/),
    });
    expect(rec.stats.badLines).toBe(0);
  }, 120_000);

  it("control on an address the network reaches: a warning line, and the token still required", async () => {
    const signals = new EventEmitter();
    const out: string[] = [];
    const err: string[] = [];
    let web: LiveWeb | null = null;
    const run = runServe(
      ["--emulate", "--listen", "0.0.0.0:0", "--allow-control"],
      {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => err.push(s) },
        cwd: dir,
      },
      { signals, onStarted: (w) => (web = w) },
    );
    const w = await waitFor("started", () => web ?? undefined, 30_000);
    const lines = out.join("").split("\n");
    expect(lines[0]).toMatch(/^looptwin serve: http:\/\/0\.0\.0\.0:\d+\/$/);
    const token = /^looptwin serve: control on; token: ([A-Za-z0-9_-]{43})$/.exec(lines[1]!)?.[1];
    expect(token).toBeDefined();
    expect(err.join("")).toBe(
      `looptwin serve: warning: control of the rig is reachable from the network on 0.0.0.0:${w.port} (bearer token required; plain HTTP, so use it on a trusted network or behind TLS)\n`,
    );
    const url = `http://127.0.0.1:${w.port}/`;
    const body = JSON.stringify({ pump_duty: 150 });
    expect((await fetch(`${url}api/setpoints`, { method: "POST", body })).status).toBe(401);
    const ok = await fetch(`${url}api/setpoints`, {
      method: "POST",
      body,
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    signals.emit("SIGINT");
    expect((await run).code).toBe(0);
  }, 60_000);

  it("an uncaught error stops it the same way: SAFE, exit code 1, the error in the last line", async () => {
    const signals = new EventEmitter();
    const err: string[] = [];
    let started = false;
    const run = runServe(
      ["--emulate", "--listen", "127.0.0.1:0"],
      { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, cwd: dir },
      { signals, onStarted: () => (started = true) },
    );
    await waitFor("started", () => (started ? true : undefined), 30_000);
    signals.emit("uncaughtException", new Error("boom"));
    const exit = await run;
    expect(exit.code).toBe(1);
    expect(err.join("")).toBe(
      "looptwin serve: stopped by error: boom; rig left SAFE (SAFE acknowledged); no recording\n",
    );
  }, 60_000);
});
