/**
 * Emulator speed through the full byte path, as device seconds per wall second, telemetry at 50 Hz:
 *
 * - `emulator_speedup_inprocess` (target >= 2,000): plant simulation, TLM formatting and CRC in
 *   the emulated device, the `@serialport/binding-mock` port, SerialPortStream, framing, parsing
 *   and conversion in the serial source, with the source's PINGs answered on virtual time.
 * - `emulator_speedup_pty` (target >= 200): the emulated device on a real pseudo-terminal
 *   (node-pty) at `--speed max` (paced by the reader), the serial source on the real serialport
 *   bindings at the other end, both in this process.
 *
 * Each is the median of 3 rounds; the samples received are checked for gaps, so a fast but lossy
 * path does not count. The in-process figure is per CPU second of this process (user + system, so
 * GC threads count against it): on a shared 2-core machine wall time also counts other people's
 * work; for one busy thread on an idle machine the two agree. Its wall-clock figure is reported
 * beside it (`emulator_speedup_inprocess_wall`). The pty figure is per wall second (two processes'
 * worth of kernel and event-loop work in one, waiting on the terminal).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessEmulator } from "../src/rig/emulator/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../src/rig/emulator/plantAdapter.js";
import { PtyEmulator } from "../src/rig/emulator/ptyEmulator.js";
import { SerialSource } from "../src/rig/hardware/serialSource.js";
import { scaledScheduler } from "../src/rig/source/scheduler.js";
import type { BenchFile } from "./run.js";

const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

let portNo = 0;

async function inProcessRound(deviceSeconds: number): Promise<{ cpu: number; wall: number }> {
  const emu = new InProcessEmulator({
    path: `/dev/ttyBENCH${portNo++}`,
    device: { plant: new PlantDeviceAdapter({ seed: 1 }), seed: 1 },
    chunkMs: 1000,
  });
  const source = new SerialSource({
    path: emu.path,
    binding: emu.binding,
    scheduler: emu.scheduler,
    rateHz: 50,
  });
  let samples = 0;
  source.subscribe((e) => {
    if (e.kind === "sample") samples++;
  });
  emu.start();
  await source.open();
  await source.send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
  await source.send({ type: "PWM", channel: "heater", duty: 255, holdMs: null });
  await emu.stop();
  const t0Dev = emu.nowMs;
  const n0 = samples;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  await emu.runUntil(t0Dev + deviceSeconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - wall0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const got = samples - n0;
  const stats = source.stats();
  await source.close();
  if (got < deviceSeconds * 50 - 1 || stats.stream.seq_gaps > 0) {
    throw new Error(`in-process bench lost samples: ${got} for ${deviceSeconds} s at 50 Hz`);
  }
  return { cpu: deviceSeconds / cpuS, wall: deviceSeconds / wallS };
}

async function ptyRound(wallSeconds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "looptwin-bench-"));
  const link = join(dir, "ttyLOOP0");
  const emu = await PtyEmulator.start({ linkPath: link, speed: "max", seed: 1, backend: "node-pty" });
  // The host's timers in device time would need the emulator's clock; the heartbeat does not
  // matter for throughput (the device goes SAFE and keeps sending), so a fast scaled clock is used.
  const source = new SerialSource({
    path: link,
    rateHz: 50,
    scheduler: scaledScheduler(50),
    // Handshake and ACK waits in wall terms as usual (they are device time on this clock).
    handshakeTimeoutMs: 250_000,
    openTimeoutMs: 150_000,
    ackTimeoutMs: 25_000,
  });
  let first = -1;
  let lastTS = 0;
  let count = 0;
  source.subscribe((e) => {
    if (e.kind !== "sample") return;
    if (first < 0) first = e.sample.tS;
    lastTS = e.sample.tS;
    count++;
  });
  try {
    await source.open();
    // Measure from the first 50 Hz sample on.
    await new Promise((r) => setTimeout(r, 200));
    const t0 = lastTS;
    const n0 = count;
    const stats0 = source.stats().stream;
    const wall0 = performance.now();
    await new Promise((r) => setTimeout(r, wallSeconds * 1000));
    const wallS = (performance.now() - wall0) / 1000;
    const stats = source.stats().stream;
    const deviceS = lastTS - t0;
    const expected = Math.round(deviceS * 50);
    if (stats.seq_gaps > stats0.seq_gaps || count - n0 < expected - 1) {
      throw new Error(`pty bench lost samples: ${count - n0} for ${deviceS.toFixed(1)} s at 50 Hz`);
    }
    return deviceS / wallS;
  } finally {
    await source.close();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: BenchFile = {
  name: "rig",
  async run() {
    await inProcessRound(60); // warm-up
    const inproc: { cpu: number; wall: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) inproc.push(await inProcessRound(1200));
    const pty: number[] = [];
    for (let i = 0; i < ROUNDS; i++) pty.push(await ptyRound(2));
    return {
      emulator_speedup_inprocess: {
        value: median(inproc.map((r) => r.cpu)),
        unit: "x (per CPU s)",
        target: { op: ">=", value: 2000 },
      },
      emulator_speedup_inprocess_wall: { value: median(inproc.map((r) => r.wall)), unit: "x real time" },
      emulator_speedup_pty: { value: median(pty), unit: "x real time", target: { op: ">=", value: 200 } },
    };
  },
};

export default bench;
