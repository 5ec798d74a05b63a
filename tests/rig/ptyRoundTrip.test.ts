/**
 * A round trip through a real pseudo-terminal with the real serialport bindings: the emulator in
 * its own process (node-pty, and socat), the serial source in this one. Handshake, 1,000 samples,
 * commands with ACK; then the emulator process is killed and restarted on the same link, and the
 * source reconnects and marks the gap. Both sides run 5x faster than real time (the emulator's
 * --speed 5 and a matching scaled scheduler on the host), so the heartbeat holds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { RigSample } from "../../src/model/rigSample.js";
import { socatAvailable } from "../../src/rig/emulator/ptyLink.js";
import { SerialSource } from "../../src/rig/hardware/serialSource.js";
import type { RigEvent } from "../../src/rig/source/rigSource.js";
import { scaledScheduler } from "../../src/rig/source/scheduler.js";

const SPEED = 5;
const root = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("./fixtures/emulatorProcess.mts", import.meta.url));
const children: ChildProcess[] = [];
const sources: SerialSource[] = [];
let dir = "";

afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});

/** Starts the emulator process; resolves once it printed its link line. */
function startEmulator(link: string, backend: string, seed: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      script,
      "--link",
      link,
      "--speed",
      String(SPEED),
      "--seed",
      String(seed),
      "--backend",
      backend,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes(`looptwin emulate: ${link} -> `)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited (${code}): ${out}${err}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Waits (in scaled time, with a wall-clock bound) until `cond` holds. */
async function until(cond: () => boolean, what: string, wallTimeoutMs = 20_000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > wallTimeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function roundTrip(backend: "node-pty" | "socat"): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), "looptwin-pty-"));
  const link = join(dir, "ttyLOOP0");
  await startEmulator(link, backend, 4);
  const scheduler = scaledScheduler(SPEED);
  const source = new SerialSource({ path: link, scheduler, rateHz: 50, pingIntervalMs: 500 });
  sources.push(source);
  const samples: RigSample[] = [];
  const events: RigEvent[] = [];
  source.subscribe((e) => {
    if (e.kind === "sample") samples.push({ ...e.sample });
    else events.push(e);
  });
  await source.open();
  expect(source.hello).toMatchObject({ fwName: "looptwin-emu", major: 1 });
  const uid = source.hello?.uid;
  await source.send({ type: "PWM", channel: "pump", duty: 190, holdMs: null });
  await source.send({ type: "PWM", channel: "heater", duty: 128, holdMs: null });
  await until(() => samples.length >= 1000, "1000 samples");
  const s = source.stats();
  expect(s.stream.crc_errors).toBe(0);
  expect(s.stream.seq_gaps).toBe(0);
  expect(s.commands.acks).toBeGreaterThanOrEqual(3);
  // The commands were applied (as long as the heartbeat held, which a loaded CI machine may
  // break for a moment: then the device goes SAFE, as it should).
  expect(samples.some((x) => x.pumpDuty === 190 && x.heaterDuty === 128)).toBe(true);
  const tlm50 = samples.slice(-100);
  for (let i = 1; i < tlm50.length; i++) expect(tlm50[i]!.tS - tlm50[i - 1]!.tS).toBeCloseTo(0.02, 6);

  // Kill the emulator process: the source goes RECONNECTING.
  const first = children.at(-1)!;
  first.kill("SIGKILL");
  await exited(first);
  await until(() => source.state === "RECONNECTING", "RECONNECTING");
  const before = samples.length;
  // Restart on the same link: the source reopens it and marks the gap.
  await startEmulator(link, backend, 4);
  await until(() => source.state === "CONNECTED" && samples.length > before + 50, "reconnect and samples");
  const gap = events.find((e) => e.kind === "gap" && e.reason === "disconnect");
  expect(gap).toBeDefined();
  if (gap?.kind === "gap") {
    expect(gap.toTS).toBeGreaterThan(gap.fromTS);
    expect(gap.fromTS).toBeCloseTo(samples[before - 1]!.tS, 6);
  }
  expect(source.hello?.uid).toBe(uid);
  for (let i = 1; i < samples.length; i++) expect(samples[i]!.tS).toBeGreaterThan(samples[i - 1]!.tS);
  expect(events.flatMap((e) => (e.kind === "link" ? [e.state] : []))).toEqual([
    "CONNECTED",
    "RECONNECTING",
    "CONNECTED",
  ]);
  await source.send({ type: "PING" });
  await source.close();
  const second = children.at(-1)!;
  second.kill("SIGTERM");
  await exited(second);
  expect(existsSync(link)).toBe(false); // the emulator removed its link on SIGTERM
}

describe("pseudo-terminal round trip with the real serialport bindings", () => {
  it("node-pty: handshake, 1000 samples, commands, emulator killed and restarted -> reconnect + gap", async () => {
    await roundTrip("node-pty");
  }, 60_000);

  const socat = socatAvailable();
  it.skipIf(!socat)(
    socat
      ? "socat backend: the same round trip"
      : "socat backend: SKIPPED, socat is not installed (apt-get install socat)",
    async () => {
      await roundTrip("socat");
    },
    60_000,
  );
});
