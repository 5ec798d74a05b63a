/**
 * `looptwin record` against an emulator on a real pseudo-terminal, then `looptwin replay` of the
 * recording: samples as CSV and the summary.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runRecord } from "../../src/cli/recordCommand.js";
import { replayCommand } from "../../src/cli/replayCommand.js";
import { PtyEmulator } from "../../src/rig/emulator/ptyEmulator.js";
import { readRecording } from "../../src/rig/recording/recordingReader.js";

let dir = "";
let emu: PtyEmulator | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "looptwin-record-"));
});
afterEach(async () => {
  await emu?.stop();
  emu = null;
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      cwd: dir,
    },
    out,
    err,
  };
}

describe("looptwin record and replay", () => {
  it("records an emulator link to NDJSON and replays exactly its samples", async () => {
    const link = join(dir, "ttyLOOP0");
    emu = await PtyEmulator.start({ linkPath: link, speed: 1, seed: 2, uid: "0BADC0DE" });
    const rec = io();
    expect(
      await runRecord(["--port", link, "--out", "run.ndjson", "--rate", "50", "--duration", "1"], rec.io),
    ).toBe(0);
    expect(rec.out.join("")).toMatch(/stopped \(duration\); \d+ samples, 0 gaps, 0 CRC errors/);
    const file = await readRecording(join(dir, "run.ndjson"));
    expect(file.header.hello).toMatchObject({ fwName: "looptwin-emu", uid: "0BADC0DE" });
    expect(file.header.source).toEqual({ kind: "serial", path: link });
    const recorded = file.records.flatMap((r) => (r.type === "sample" ? [r.sample] : []));
    expect(recorded.length).toBeGreaterThan(30);
    expect(file.records.some((r) => r.type === "command" && r.line.startsWith("RATE"))).toBe(true);
    expect(file.records.some((r) => r.type === "answer" && r.result === "ack")).toBe(true);
    expect(file.records.some((r) => r.type === "raw" && r.dir === "rx" && r.line.startsWith("TLM,"))).toBe(
      true,
    );

    const csv = io();
    expect(await replayCommand.run(["run.ndjson"], csv.io)).toBe(0);
    const lines = csv.out.join("").trimEnd().split("\n");
    expect(lines[0]).toBe("t_s,seq,t_hot_c,t_cold_c,t_amb_c,flow_lpm,pump_duty,heater_duty,fan_duty,flags");
    expect(lines).toHaveLength(recorded.length + 1);
    const firstRow = lines[1]!.split(",");
    expect(Number(firstRow[0])).toBe(recorded[0]!.tS);
    expect(Number(firstRow[1])).toBe(recorded[0]!.seq);
    expect(Number(firstRow[2])).toBe(recorded[0]!.tHotC);

    const sum = io();
    expect(await replayCommand.run(["run.ndjson", "--summary", "--json"], sum.io)).toBe(0);
    const summary = JSON.parse(sum.out.join("")) as {
      samples: number;
      raw: { samples: number; crc_errors: number; seq_gaps: number };
      device: { uid: string };
    };
    expect(summary.samples).toBe(recorded.length);
    expect(summary.raw.samples).toBeGreaterThanOrEqual(recorded.length);
    expect(summary.raw.crc_errors).toBe(0);
    expect(summary.device.uid).toBe("0BADC0DE");
    const table = io();
    expect(await replayCommand.run(["run.ndjson", "--summary"], table.io)).toBe(0);
    expect(table.out.join("")).toMatch(/samples:\s+\d+ \(rig time/);
  }, 30_000);

  it("a missing port or a file that is not a recording is a clear one-line error", async () => {
    const bad = io();
    await expect(runRecord(["--out", "x.ndjson"], bad.io)).rejects.toThrow(/--port: required/);
    await expect(replayCommand.run(["nope.ndjson"], io().io)).rejects.toThrow(
      /nope\.ndjson: cannot open: no such file/,
    );
    const notRec = io();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "data.csv"), "t_s,x\n1,2\n");
    await expect(replayCommand.run(["data.csv"], notRec.io)).rejects.toThrow(/first line is not JSON/);
  });
});
