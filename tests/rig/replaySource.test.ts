/**
 * Recording a live (emulated) session through the serial source and replaying it: the replay
 * produces exactly the recorded samples, gaps and events; pacing follows the recorded host time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import type { RigSample } from "../../src/model/rigSample.js";
import { InProcessEmulator } from "../../src/rig/emulator/inProcessEmulator.js";
import { PlantDeviceAdapter } from "../../src/rig/emulator/plantAdapter.js";
import { SerialSource } from "../../src/rig/hardware/serialSource.js";
import { SAMPLE_FIELDS } from "../../src/rig/recording/recording.js";
import { RecordingWriter } from "../../src/rig/recording/recordingWriter.js";
import { ReplaySource } from "../../src/rig/recording/replaySource.js";
import type { RigEvent } from "../../src/rig/source/rigSource.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-replay-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Records 30 s of an emulated rig with link faults; returns the live samples and events. */
async function recordSession(path: string): Promise<{ samples: RigSample[]; events: RigEvent[] }> {
  const emu = new InProcessEmulator({
    path: "/dev/ttyREPLAY0",
    device: {
      plant: new PlantDeviceAdapter({ seed: 9 }),
      seed: 9,
      faults: [
        parseFaultSpec("link_drop:start=5,end=10,value=0.05"),
        parseFaultSpec("link_disconnect:start=15,end=18"),
      ],
    },
  });
  const writer = new RecordingWriter(
    path,
    { source: { kind: "emulator", path: emu.path }, rig: { calibration: "default" } },
    { clock: { nowMs: () => emu.scheduler.nowMs() } },
  );
  const source = new SerialSource({
    path: emu.path,
    binding: emu.binding,
    scheduler: emu.scheduler,
    record: writer,
    rateHz: 20,
  });
  const samples: RigSample[] = [];
  const events: RigEvent[] = [];
  source.subscribe((e) => {
    if (e.kind === "sample") samples.push({ ...e.sample });
    else events.push(e);
  });
  emu.start();
  await source.open();
  await source.send({ type: "PWM", channel: "heater", duty: 200, holdMs: null });
  await emu.stop();
  await emu.runUntil(30_000);
  await source.close();
  writer.close();
  return { samples, events };
}

describe("replay of a recording", () => {
  it("produces exactly the recorded samples (every field), gaps and HELLO", async () => {
    const path = join(dir, "session.ndjson");
    const live = await recordSession(path);
    expect(live.samples.length).toBeGreaterThan(400);
    const replay = new ReplaySource({ path });
    const samples: RigSample[] = [];
    const events: RigEvent[] = [];
    const iterated: RigEvent[] = [];
    replay.subscribe((e) => {
      if (e.kind === "sample") samples.push({ ...e.sample });
      else events.push(e);
    });
    const consume = (async () => {
      for await (const e of replay.events()) iterated.push(e);
    })();
    await replay.open();
    await replay.done;
    await consume;
    expect(samples).toHaveLength(live.samples.length);
    for (let i = 0; i < samples.length; i++) {
      for (const k of SAMPLE_FIELDS) expect(Object.is(samples[i]![k], live.samples[i]![k])).toBe(true);
    }
    const gapsOf = (es: RigEvent[]) => es.filter((e) => e.kind === "gap");
    expect(gapsOf(events)).toEqual(gapsOf(live.events));
    expect(gapsOf(events).some((g) => g.kind === "gap" && g.reason === "disconnect")).toBe(true);
    expect(replay.hello?.fwName).toBe("looptwin-emu");
    expect(replay.state).toBe("DISCONNECTED");
    expect(iterated.filter((e) => e.kind === "sample")).toHaveLength(samples.length);
    expect(iterated.at(-1)).toEqual({ kind: "link", state: "DISCONNECTED", reason: "end of recording" });
    // The raw lines give the stream statistics the live run had.
    expect(replay.stats().stream.seq_gaps).toBeGreaterThan(0);
    await expect(replay.send()).rejects.toThrow(/cannot take commands/);
  });

  it("a recording cut mid-line replays up to the cut", async () => {
    const path = join(dir, "session.ndjson");
    const live = await recordSession(path);
    const full = readFileSync(path);
    const cut = Math.floor(full.length * 0.6) + 7;
    const cutPath = join(dir, "cut.ndjson");
    writeFileSync(cutPath, full.subarray(0, cut));
    const replay = new ReplaySource({ path: cutPath });
    const samples: RigSample[] = [];
    replay.subscribe((e) => {
      if (e.kind === "sample") samples.push({ ...e.sample });
    });
    await replay.open();
    await replay.done;
    const complete = full.subarray(0, full.lastIndexOf(0x0a, cut - 1) + 1).toString("utf8");
    const expected = complete.split("\n").filter((l) => l.startsWith('{"type":"sample"')).length;
    expect(samples).toHaveLength(expected);
    expect(samples.at(-1)?.seq).toBe(live.samples[expected - 1]?.seq);
    expect(replay.recordingStats?.truncatedBytes).toBeGreaterThan(0);
  });

  it("paces by the recorded host time at --speed", async () => {
    const path = join(dir, "session.ndjson");
    await recordSession(path);
    const atMs = readFileSync(path, "utf8")
      .split("\n")
      .slice(1)
      .filter((l) => l !== "" && !l.startsWith('{"type":"raw"'))
      .map((l) => (JSON.parse(l) as { atMs: number }).atMs);
    const expectedMs = (atMs.at(-1)! - atMs[0]!) / 2;
    const scheduler = new VirtualScheduler();
    const replay = new ReplaySource({ path, speed: 2, scheduler });
    let n = 0;
    replay.subscribe((e) => {
      if (e.kind === "sample") n++;
    });
    await replay.open();
    // Virtual time jumps to each wait the replay makes; file reads complete in between.
    while (replay.state === "REPLAY") {
      if (scheduler.pending > 0) scheduler.advanceTo(scheduler.nextDueMs());
      await new Promise((r) => setImmediate(r));
    }
    expect(n).toBeGreaterThan(400);
    expect(expectedMs).toBeGreaterThan(10_000);
    expect(scheduler.nowMs()).toBeGreaterThanOrEqual(expectedMs - 1);
    expect(scheduler.nowMs()).toBeLessThanOrEqual(expectedMs);
  });
});
