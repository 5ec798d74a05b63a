/**
 * The serial source through SerialPortStream and a mock binding with the emulated device behind
 * it (the in-process emulator): handshake, samples, commands, retries, NAK, heartbeat, gaps,
 * version mismatch, garbage, close. Virtual time throughout: no sleeps, no wall-clock timing.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import type { RigSample } from "../../src/model/rigSample.js";
import { withCrc } from "../../src/protocol/format.js";
import { isProtocolVersionError } from "../../src/protocol/version.js";
import {
  InProcessEmulator,
  type InProcessEmulatorOptions,
} from "../../src/rig/emulator/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../../src/rig/emulator/plantAdapter.js";
import { SerialSource, type SerialSourceOptions } from "../../src/rig/hardware/serialSource.js";
import { MemoryRecordSink } from "../../src/rig/recording/recordingWriter.js";
import { CommandTimeoutError, LinkDownError, NakError } from "../../src/rig/source/rigErrors.js";
import type { RigEvent } from "../../src/rig/source/rigSource.js";

const run = promisify(execFile);

let portCounter = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rig(
  emuOptions: Partial<InProcessEmulatorOptions> = {},
  sourceOptions: Partial<SerialSourceOptions> = {},
  deviceOptions: Partial<InProcessEmulatorOptions["device"]> = {},
) {
  const emu = new InProcessEmulator({
    path: `/dev/ttyMOCK${portCounter++}`,
    device: { plant: new PlantDeviceAdapter({ seed: 3 }), seed: 3, uid: "1234ABCD", ...deviceOptions },
    ...emuOptions,
  });
  const sink = new MemoryRecordSink({ nowMs: () => emu.scheduler.nowMs() });
  const source = new SerialSource({
    path: emu.path,
    binding: emu.binding,
    scheduler: emu.scheduler,
    record: sink,
    ...sourceOptions,
  });
  const events: RigEvent[] = [];
  const samples: RigSample[] = [];
  source.subscribe((e) => {
    if (e.kind === "sample") samples.push({ ...e.sample });
    else events.push(e);
  });
  cleanups.push(async () => {
    await emu.stop();
    await source.close();
  });
  return { emu, source, events, samples, sink };
}

/** Opens while the emulator runs virtual time. */
async function openRunning(r: ReturnType<typeof rig>): Promise<void> {
  r.emu.start();
  await r.source.open();
}

describe("serial source on the in-process emulator (mock binding)", () => {
  it("handshakes on the HELLO sent at open, converts samples, sends commands with ACK", async () => {
    const r = rig();
    await openRunning(r);
    expect(r.source.state).toBe("CONNECTED");
    expect(r.source.hello).toMatchObject({ fwName: "looptwin-emu", uid: "1234ABCD", major: 1 });
    await r.source.send({ type: "RATE", rateHz: 50 });
    await r.source.send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
    await r.source.send({ type: "PWM", channel: "heater", duty: 255, holdMs: null });
    const t0 = r.emu.nowMs;
    await r.emu.stop();
    await r.emu.runUntil(t0 + 20_000);
    const last = r.samples.at(-1)!;
    expect(last.pumpDuty).toBe(200);
    expect(last.heaterDuty).toBe(255);
    // 50 Hz for 20 s: about 1000 samples, one every 20 ms of rig time.
    const recent = r.samples.filter((s) => s.tS > last.tS - 10);
    expect(recent.length).toBeGreaterThanOrEqual(499);
    for (let i = 1; i < recent.length; i++) expect(recent[i]!.tS - recent[i - 1]!.tS).toBeCloseTo(0.02, 9);
    expect(last.tHotC).toBeGreaterThan(20);
    expect(last.tHotC).toBeLessThan(80);
    expect(last.flowLpm).toBeGreaterThan(0.3);
    const stats = r.source.stats();
    expect(stats.stream.crc_errors).toBe(0);
    expect(stats.stream.seq_gaps).toBe(0);
    expect(stats.commands.acks).toBeGreaterThanOrEqual(3);
    // The heartbeat kept the device out of SAFE.
    expect(r.emu.device.flags & 2).toBe(0);
    expect(r.sink.records.some((x) => x.type === "command" && x.line.startsWith("PWM"))).toBe(true);
    expect(r.sink.records.some((x) => x.type === "answer" && x.result === "ack")).toBe(true);
  });

  it("sends INFO when no HELLO arrives within 1.5 s (a board that does not reset on open)", async () => {
    const r = rig({ resetOnOpen: false });
    await openRunning(r);
    expect(r.source.hello?.uid).toBe("1234ABCD");
    const info = r.sink.records.find((x) => x.type === "command" && x.line.startsWith("INFO"));
    // The port opened within the emulator's first chunk (100 ms of virtual time).
    expect(info?.atMs).toBeGreaterThanOrEqual(1500);
    expect(info?.atMs).toBeLessThanOrEqual(1700);
  });

  it("refuses a device with a different protocol major version, with a clear error", async () => {
    const r = rig({ resetOnOpen: false }, { helloTimeoutMs: 100_000 });
    r.emu.start();
    const opening = r.source.open().catch((x: unknown) => x);
    // A device speaking protocol 2.0 answers.
    while (!r.emu.hostConnected) await new Promise((res) => setImmediate(res));
    await r.emu.sendRaw(Buffer.from(`${withCrc("HELLO,2.0,other-fw,9.9,uno,0000BEEF")}\n`));
    const e = await opening;
    expect(isProtocolVersionError(e)).toBe(true);
    expect(String((e as Error).message)).toMatch(/protocol 2\.0.*refusing a different major/);
    expect(r.source.state).toBe("DISCONNECTED");
    expect(r.emu.hostConnected).toBe(false);
  });

  it("counts CRC errors and sequence gaps (link faults) and marks gaps", async () => {
    const r = rig(
      {},
      {},
      {
        faults: [
          parseFaultSpec("link_corrupt:start=2,end=12,value=0.005"),
          parseFaultSpec("link_drop:start=14,end=24,value=0.1"),
        ],
      },
    );
    await openRunning(r);
    await r.emu.stop();
    await r.emu.runUntil(30_000);
    const s = r.source.stats();
    expect(s.stream.crc_errors).toBeGreaterThan(0);
    expect(s.stream.seq_gaps).toBeGreaterThan(0);
    expect(s.stream.lost_samples).toBeGreaterThanOrEqual(s.stream.seq_gaps);
    const gaps = r.events.filter((e) => e.kind === "gap" && e.reason === "seq");
    expect(gaps.length).toBeGreaterThan(0);
    expect(r.sink.records.filter((x) => x.type === "gap").length).toBe(s.gaps);
    // Commands still got through (retries with the same id) and the link stayed up.
    expect(r.source.state).toBe("CONNECTED");
  });

  it("retries an unanswered command with the same id, and the device applies it once", async () => {
    const r = rig({}, {}, {});
    await openRunning(r);
    // Every host line lost for 1.2 s: the first attempts go nowhere, a retry gets through.
    r.emu.device.injectFault(parseFaultSpec("link_drop:end=1.2,value=1"));
    await r.source.send({ type: "PWM", channel: "fan", duty: 77, holdMs: null });
    const cmds = r.sink.records.filter((x) => x.type === "command" && x.line.startsWith("PWM"));
    expect(cmds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(cmds.map((c) => (c.type === "command" ? c.id : -1))).size).toBe(1);
    expect(cmds.map((c) => (c.type === "command" ? c.attempt : -1))).toEqual(cmds.map((_c, i) => i + 1));
    expect(r.emu.device.dutyOf("fan")).toBe(77);
    expect(r.source.stats().commands.retries).toBeGreaterThanOrEqual(1);
  });

  it("an answer that never comes: CommandTimeoutError after 1 + 3 attempts of 500 ms", async () => {
    const r = rig();
    await openRunning(r);
    r.emu.device.injectFault(parseFaultSpec("link_drop:end=100,value=1"));
    const t0 = r.emu.scheduler.nowMs();
    const e = await r.source.send({ type: "SAFE" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandTimeoutError);
    expect((e as CommandTimeoutError).attempts).toBe(4);
    expect(r.emu.scheduler.nowMs() - t0).toBeGreaterThanOrEqual(2000);
  });

  it("surfaces a NAK with its reason", async () => {
    const r = rig();
    await openRunning(r);
    await r.source.send({ type: "EMU", faultSpec: "sensor_short:channel=hot" });
    await r.emu.runFor(200);
    // The short trips the interlock: the heater is refused.
    const e = await r.source
      .send({ type: "PWM", channel: "heater", duty: 100, holdMs: null })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NakError);
    expect((e as NakError).reason).toBe("interlock");
    expect(r.events.some((x) => x.kind === "device_event" && x.event.code === "OVERTEMP")).toBe(true);
  });

  it("heartbeat stopped: the emulated device goes SAFE after 3 s and says HB_LOST", async () => {
    const r = rig({}, { pingIntervalMs: 0 });
    await openRunning(r);
    await r.source.send({ type: "PWM", channel: "heater", duty: 200, holdMs: null });
    await r.emu.stop();
    await r.emu.runFor(3500);
    const hb = r.events.find((x) => x.kind === "device_event" && x.event.code === "HB_LOST");
    expect(hb).toBeDefined();
    const last = r.samples.at(-1)!;
    expect([last.heaterDuty, last.pumpDuty, last.fanDuty]).toEqual([0, 255, 255]);
    expect(last.flags & 2).toBe(2);
  });

  it("10 MB without a newline keeps memory bounded and the link usable", async () => {
    // Memory is measured in a child process with --expose-gc (a full GC before each reading).
    const script = fileURLToPath(new URL("./fixtures/garbageMemory.mts", import.meta.url));
    const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
    });
    const out = JSON.parse(stdout) as { readings: number[]; bytesIn: number; tooLong: number };
    expect(out.bytesIn).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    expect(out.tooLong).toBe(1);
    // 20 MB went through; what stays is far below even one 10 MB send.
    const growth = Math.max(...out.readings) - out.readings[0]!;
    expect(growth).toBeLessThan(1024 * 1024);

    // And in-process: the link stays usable after 10 MB of garbage.
    const r = rig();
    await openRunning(r);
    await r.emu.stop();
    await r.emu.sendRaw(Buffer.alloc(10 * 1024 * 1024, 0x41));
    await r.emu.sendRaw(Buffer.from("\n"));
    expect(r.source.stats().stream.too_long).toBe(1);
    const n = r.samples.length;
    await r.emu.runFor(1000);
    expect(r.samples.length).toBeGreaterThan(n);
    await r.source.send({ type: "PING" });
  });

  it("a deliberate close is not a disconnect: DISCONNECTED 'closed', no RECONNECTING, events end", async () => {
    const r = rig();
    await openRunning(r);
    const iter = r.source.events()[Symbol.asyncIterator]();
    await r.source.close();
    const links = r.events.filter((e) => e.kind === "link");
    expect(links.map((e) => (e.kind === "link" ? `${e.state}:${e.reason}` : ""))).toEqual([
      "CONNECTED:opened",
      "DISCONNECTED:closed",
    ]);
    // Whatever was queued drains, then the iterator ends.
    for (;;) {
      const n = await iter.next();
      if (n.done) break;
    }
    await expect(r.source.send({ type: "PING" })).rejects.toBeInstanceOf(LinkDownError);
    expect(r.emu.hostConnected).toBe(false);
  });

  it("reconnects after the device disappears, and marks the gap", async () => {
    const r = rig({}, {}, { faults: [parseFaultSpec("link_disconnect:start=5,end=9")] });
    await openRunning(r);
    await r.emu.stop();
    await r.emu.runUntil(20_000);
    const states = r.events.flatMap((e) => (e.kind === "link" ? [e.state] : []));
    expect(states).toEqual(["CONNECTED", "RECONNECTING", "CONNECTED"]);
    const gap = r.events.find((e) => e.kind === "gap" && e.reason === "disconnect");
    expect(gap).toBeDefined();
    if (gap?.kind === "gap") {
      expect(gap.fromTS).toBeGreaterThan(4.5);
      expect(gap.fromTS).toBeLessThanOrEqual(5);
      expect(gap.toTS).toBeGreaterThanOrEqual(9);
      // The port was reopened: the device reset on open and its clock restarted; rig time
      // follows the host across the outage.
      expect(gap.toTS - gap.fromTS).toBeGreaterThan(3.9);
      // The device's seq restarted: no count is claimed across it (never a wrapped 2^32 - n).
      expect(gap.lostSamples).toBeLessThan(1000);
    }
    expect(r.source.stats().reconnects).toBe(1);
    expect(r.sink.records.some((x) => x.type === "gap" && x.reason === "disconnect")).toBe(true);
    // Rig time is monotonic through the gap.
    for (let i = 1; i < r.samples.length; i++) expect(r.samples[i]!.tS).toBeGreaterThan(r.samples[i - 1]!.tS);
  });
});

describe("reconnect to the same unit on another path", () => {
  it("finds the unit by its uid when its path is gone, and skips another unit", async () => {
    const mk = (path: string, uid: string, faults: InProcessEmulatorOptions["device"]["faults"] = []) =>
      new InProcessEmulator({
        path,
        device: { plant: new PlantDeviceAdapter({ seed: 5 }), seed: 5, uid, faults },
      });
    const n = portCounter++;
    const a = mk(`/dev/ttyA${n}`, "AAAA0001", [parseFaultSpec("link_disconnect:start=2,end=100000")]);
    const other = mk(`/dev/ttyC${n}`, "CCCC0003");
    const b = mk(`/dev/ttyB${n}`, "AAAA0001");
    const emus = [a, other, b];
    const binding = {
      list: async () => [],
      open: (o: { path: string; baudRate: number }) => {
        const e = emus.find((x) => x.path === o.path);
        if (e === undefined) return Promise.reject(new Error(`No such file or directory: ${o.path}`));
        return e.binding.open(o);
      },
    };
    const tried: string[] = [];
    const source = new SerialSource({
      path: a.path,
      binding,
      scheduler: a.scheduler,
      candidatePaths: async () => {
        tried.push("list");
        return [other.path, b.path];
      },
    });
    const links: string[] = [];
    source.subscribe((e) => {
      if (e.kind === "link") links.push(`${e.state}:${e.reason}`);
    });
    cleanups.push(async () => {
      await source.close();
    });
    a.start();
    await source.open();
    await a.stop();
    for (let t = 1000; t <= 12_000; t += 100) {
      for (const e of emus) await e.runUntil(t);
    }
    expect(links).toEqual([
      "CONNECTED:opened",
      expect.stringMatching(/^RECONNECTING:/),
      `CONNECTED:reconnected on ${b.path}`,
    ]);
    expect(source.stats().path).toBe(b.path);
    expect(source.hello?.uid).toBe("AAAA0001");
    expect(tried.length).toBeGreaterThan(0);
    // The other unit was opened, found to be someone else, and let go.
    expect(other.hostConnected).toBe(false);
    expect(b.hostConnected).toBe(true);
  });
});
