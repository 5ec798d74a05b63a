import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { SeededRng } from "../../src/core/rng.js";
import { createRigSample, type RigSample } from "../../src/model/rigSample.js";
import {
  decodeRecord,
  encodeRecord,
  type KnownRecord,
  RECORDING_FORMAT_VERSION,
  type RecordingRecord,
  SAMPLE_FIELDS,
} from "../../src/rig/recording/recording.js";
import { RecordingParser, readRecording } from "../../src/rig/recording/recordingReader.js";
import { RecordingWriter } from "../../src/rig/recording/recordingWriter.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-rec-"));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function makeSamples(n: number, seed: number): RigSample[] {
  const rng = new SeededRng(seed);
  const out: RigSample[] = [];
  for (let i = 0; i < n; i++) {
    const s = createRigSample();
    s.tS = i * 0.02 + rng.uniform() * 1e-9;
    s.seq = i;
    s.tMs = i * 20;
    s.tHotC = 30 + rng.normal() / 3;
    s.tColdC = i % 17 === 0 ? Number.NaN : 25 + rng.uniform() * 0.1; // NaN: open thermistor
    s.tAmbC = Number.NaN;
    s.flowLpm = i === 0 ? Number.NaN : 2 + rng.uniform();
    s.adcHot = 1500 + rng.int(100);
    s.adcCold = 2000 + rng.int(100);
    s.adcAmb = -1;
    s.pulses = (4294967290 + i * 3) % 4294967296;
    s.pumpDuty = 200;
    s.heaterDuty = 255;
    s.fanDuty = rng.int(256);
    s.flags = i % 5;
    out.push(s);
  }
  return out;
}

function samplesOf(records: readonly RecordingRecord[]): RigSample[] {
  return records.flatMap((r) => (r.type === "sample" ? [r.sample] : []));
}

function writeRecording(path: string, samples: readonly RigSample[]): void {
  const clock = new ManualClock(1000);
  const w = new RecordingWriter(
    path,
    {
      source: { kind: "emulator" },
      rig: { name: "bench" },
      hello: {
        major: 1,
        minor: 0,
        fwName: "looptwin-emu",
        fwVersion: "0.1.0",
        board: "emu",
        uid: "0000ABCD",
      },
      startTime: new Date("2026-01-02T03:04:05Z"),
    },
    { clock },
  );
  for (let i = 0; i < samples.length; i++) {
    clock.advance(20);
    w.write({ type: "raw", atMs: w.atMs(), dir: "rx", line: `TLM,${i},x\u00ff*0000` });
    w.writeSample(samples[i]!);
    if (i % 100 === 0)
      w.write({ type: "command", atMs: w.atMs(), id: i + 1, line: `PING,${i + 1}`, attempt: 1 });
  }
  w.write({ type: "gap", atMs: w.atMs(), reason: "disconnect", fromTS: 1, toTS: 3.5, lostSamples: 125 });
  w.close();
}

describe("recording round trip", () => {
  it("replays exactly the samples that were written, NaN included", async () => {
    const path = join(dir, "r.ndjson");
    const samples = makeSamples(1000, 7);
    writeRecording(path, samples);
    const rec = await readRecording(path);
    expect(rec.header.version).toBe(RECORDING_FORMAT_VERSION);
    expect(rec.header.hello?.fwName).toBe("looptwin-emu");
    expect(rec.header.startTime).toBe("2026-01-02T03:04:05.000Z");
    const back = samplesOf(rec.records);
    expect(back).toHaveLength(samples.length);
    for (let i = 0; i < samples.length; i++) {
      for (const k of SAMPLE_FIELDS) expect(Object.is(back[i]![k], samples[i]![k])).toBe(true);
    }
    expect(rec.stats.badLines).toBe(0);
    expect(rec.stats.truncatedBytes).toBe(0);
    const raw = rec.records.find((r) => r.type === "raw");
    expect(raw?.type === "raw" && raw.line).toBe("TLM,0,x\u00ff*0000");
    const gap = rec.records.at(-1);
    expect(gap).toEqual({
      type: "gap",
      atMs: 20_000,
      reason: "disconnect",
      fromTS: 1,
      toTS: 3.5,
      lostSamples: 125,
    });
  });

  it("a file cut at any byte replays up to its last whole line", async () => {
    const path = join(dir, "full.ndjson");
    const samples = makeSamples(60, 3);
    writeRecording(path, samples);
    const full = readFileSync(path);
    const headerEnd = full.indexOf(0x0a) + 1;
    const cutPath = join(dir, "cut.ndjson");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: headerEnd, max: full.length }), async (cut) => {
        writeFileSync(cutPath, full.subarray(0, cut));
        const rec = await readRecording(cutPath);
        const wholeLines = full.subarray(0, cut).toString("latin1").split("\n").length - 1;
        expect(rec.stats.lines).toBe(wholeLines);
        const lastNl = full.lastIndexOf(0x0a, cut - 1);
        expect(rec.stats.truncatedBytes).toBe(cut - lastNl - 1);
        expect(rec.stats.badLines).toBe(0);
        const back = samplesOf(rec.records);
        // Exactly the samples whose line is complete.
        const expected = full
          .subarray(0, lastNl + 1)
          .toString("utf8")
          .split("\n")
          .filter((l) => l.startsWith('{"type":"sample"')).length;
        expect(back).toHaveLength(expected);
        for (let i = 0; i < back.length; i++) expect(back[i]!.seq).toBe(samples[i]!.seq);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("truncating the file on disk mid-record still reads (crash simulation)", async () => {
    const path = join(dir, "t.ndjson");
    writeRecording(path, makeSamples(10, 1));
    const size = readFileSync(path).length;
    truncateSync(path, size - 5);
    const rec = await readRecording(path);
    expect(rec.stats.truncatedBytes).toBeGreaterThan(0);
    expect(samplesOf(rec.records)).toHaveLength(10); // the cut line is the final gap record
    expect(rec.records.some((r) => r.type === "gap")).toBe(false);
  });

  it("flushes buffered records within the flush interval without close", () => {
    vi.useFakeTimers();
    const path = join(dir, "f.ndjson");
    const w = new RecordingWriter(
      path,
      { source: { kind: "serial", path: "/dev/ttyACM0" } },
      { flushIntervalMs: 500 },
    );
    const headerOnly = readFileSync(path, "utf8");
    w.write({ type: "note", atMs: 1, text: "hello" });
    expect(readFileSync(path, "utf8")).toBe(headerOnly);
    vi.advanceTimersByTime(500);
    expect(readFileSync(path, "utf8")).toBe(`${headerOnly}{"type":"note","atMs":1,"text":"hello"}\n`);
    w.close();
    w.close();
    w.write({ type: "note", atMs: 2, text: "ignored after close" });
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(3);
  });

  it("refuses a file that is not a recording, naming the file and line", async () => {
    const path = join(dir, "bad.ndjson");
    writeFileSync(path, "t_s,t_hot_c\n1,2\n");
    await expect(readRecording(path)).rejects.toThrow(/bad\.ndjson \(line 1\): first line is not JSON/);
    writeFileSync(path, '{"type":"header","format":"looptwin-recording","version":99,"startTime":"x"}\n');
    await expect(readRecording(path)).rejects.toThrow(/format version 99 is not supported/);
    writeFileSync(path, "");
    await expect(readRecording(path)).rejects.toThrow(/empty recording/);
  });

  it("counts bad lines and keeps unknown record types (forward compatible)", () => {
    const p = new RecordingParser("x");
    const out: RecordingRecord[] = [];
    p.push(
      '{"type":"header","format":"looptwin-recording","version":1,"startTime":"t","source":{"kind":"replay"}}\n',
      out,
    );
    p.push('{"type":"future","atMs":1,"x":2}\nnot json\n{"type":"sample","atMs":1,"sample":{}}\n', out);
    p.end();
    expect(out).toEqual([{ type: "unknown", rawType: "future", value: { type: "future", atMs: 1, x: 2 } }]);
    expect(p.stats.badLines).toBe(2);
    expect(p.stats.firstProblem).toEqual({ line: 3, problem: "not JSON" });
  });
});

describe("record encoding", () => {
  it("decode(encode(r)) == r for every record type", () => {
    const s = createRigSample();
    s.tHotC = 12.5;
    const records: KnownRecord[] = [
      { type: "raw", atMs: 1, dir: "tx", line: "PING,1*ABCD" },
      { type: "sample", atMs: 2, sample: s },
      { type: "twin", atMs: 3, tS: 1, values: { tHotC: 30, tColdC: Number.NaN } },
      { type: "residual", atMs: 3, tS: 1, values: { tHotC: 0.1 } },
      { type: "alarm", atMs: 4, tS: 1, source: "cusum", state: "raised", diagnosis: "pump_degradation" },
      { type: "command", atMs: 5, id: 7, line: "PWM,7,pump,100*0000", attempt: 2 },
      { type: "answer", atMs: 6, id: 7, result: "nak", reason: "range:duty", rttMs: 12 },
      { type: "event", atMs: 7, code: "HB_LOST", detail: "3001" },
      {
        type: "hello",
        atMs: 8,
        hello: { major: 1, minor: 0, fwName: "f", fwVersion: "v", board: "b", uid: "00000001" },
      },
      { type: "link", atMs: 9, state: "RECONNECTING", reason: "EIO" },
      { type: "gap", atMs: 10, reason: "seq", fromTS: 1, toTS: 1.2, lostSamples: 9 },
      { type: "label", atMs: 11, tS: 2, action: "start", fault: "pump_failure", by: "emulator" },
      { type: "note", atMs: 12, text: 'a "quoted" note\nwith a newline' },
    ];
    for (const r of records) {
      const line = encodeRecord(r);
      expect(line.endsWith("\n")).toBe(true);
      expect(line.indexOf("\n")).toBe(line.length - 1);
      const back = decodeRecord(line.slice(0, -1));
      if (r.type === "sample" && "type" in back && back.type === "sample") {
        for (const k of SAMPLE_FIELDS) expect(Object.is(back.sample[k], r.sample[k])).toBe(true);
      } else {
        expect(back).toEqual(r);
      }
    }
  });
});

describe("recording survives the process ending", () => {
  const script = fileURLToPath(new URL("./fixtures/crashWhileRecording.mts", import.meta.url));
  const root = fileURLToPath(new URL("../..", import.meta.url));

  it("an uncaught error still flushes what was buffered (closeOnExit)", async () => {
    const path = join(dir, "crash.ndjson");
    const r = await new Promise<{ code: number | null }>((res) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, path, "throw"], {
        cwd: root,
        stdio: "ignore",
      });
      child.on("exit", (code) => res({ code }));
    });
    expect(r.code).not.toBe(0);
    const rec = await readRecording(path);
    expect(rec.records.map((x) => (x.type === "note" ? x.text : ""))).toEqual(["note 0", "note 1", "note 2"]);
  });

  it("SIGTERM (through process.exit in the handler) flushes too", async () => {
    const path = join(dir, "term.ndjson");
    const code = await new Promise<number | null>((res) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, path, "wait"], {
        cwd: root,
        stdio: ["ignore", "pipe", "ignore"],
      });
      child.stdout?.on("data", () => child.kill("SIGTERM"));
      child.on("exit", (c) => res(c));
    });
    // The fixture's handler exits 143: the process ended through it, not killed before it ran.
    expect(code).toBe(143);
    const rec = await readRecording(path);
    // The three notes the fixture wrote, in order and whole: none lost, none cut.
    expect(rec.records).toEqual([
      { type: "note", atMs: 0, text: "note 0" },
      { type: "note", atMs: 1, text: "note 1" },
      { type: "note", atMs: 2, text: "note 2" },
    ]);
    expect(rec.stats.truncatedBytes).toBe(0);
    expect(rec.stats.badLines).toBe(0);
    expect(readFileSync(path, "utf8").endsWith("\n")).toBe(true);
  });
});
