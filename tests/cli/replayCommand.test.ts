import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { DeviceStreamDecoder } from "../../src/protocol/deviceStream.js";
import { formatDeviceMessage } from "../../src/protocol/format.js";
import { buildCaptureBasic, CAPTURE_BASIC_PATH } from "../protocol/captureFixture.js";
import { makeDeviceStream } from "../protocol/streamFixture.js";

const dir = mkdtempSync(join(tmpdir(), "looptwin-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixturesDir = new URL("../fixtures/protocol/", import.meta.url).pathname;

async function run(argv: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["replay", ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
  });
  return { code, out, err };
}

describe("looptwin replay --raw", () => {
  const capture = buildCaptureBasic();

  it("ships the capture fixture its builder describes", () => {
    expect(new Uint8Array(readFileSync(CAPTURE_BASIC_PATH))).toEqual(capture.bytes);
  });

  it("prints one JSON object with the counts of the capture", async () => {
    const r = await run(["capture-basic.bin", "--raw", "--summary", "--json"], fixturesDir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary).toMatchObject(capture.expected);
    expect(Object.keys(summary).slice(0, 7)).toEqual([
      "lines",
      "samples",
      "crc_errors",
      "malformed",
      "unknown",
      "seq_gaps",
      "lost_samples",
    ]);
    expect(summary.device).toEqual({
      protocol: "1.0",
      fw_name: "looptwin-fw",
      fw_version: "0.1.0",
      board: "uno",
      uid: "5EEDC0DE",
    });
  });

  it("prints the same as a readable table without --json", async () => {
    const r = await run(["capture-basic.bin", "--raw", "--summary"], fixturesDir);
    expect(r.code).toBe(0);
    expect(r.out).toContain("device: looptwin-fw 0.1.0 on uno, uid 5EEDC0DE, protocol 1.0");
    for (const [key, value] of Object.entries(capture.expected).filter(([k]) => k !== "bytes"))
      expect(r.out).toMatch(new RegExp(`^\\s*${key}\\s+${value}\\s`, "m"));
  });

  it("reads a capture larger than its read buffer the same as all at once", async () => {
    const big = makeDeviceStream(99, 4000);
    expect(big.bytes.length).toBeGreaterThan(3 * 65536);
    writeFileSync(join(dir, "big.bin"), big.bytes);
    const d = new DeviceStreamDecoder();
    d.push(big.bytes);
    const r = await run(["big.bin", "--raw", "--summary", "--json", "--speed", "max"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      ...d.summary(),
      truncated_tail_bytes: d.end(),
      bytes: big.bytes.length,
    });
  });

  it("summarises an empty capture as zeros", async () => {
    writeFileSync(join(dir, "empty.bin"), "");
    const r = await run(["empty.bin", "--raw", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ lines: 0, samples: 0, bytes: 0, device: null });
  });

  it("refuses a device of another major protocol version, naming the line", async () => {
    const hello = (major: number) =>
      formatDeviceMessage({
        type: "HELLO",
        major,
        minor: 0,
        fwName: "looptwin-fw",
        fwVersion: "9.0.0",
        board: "uno",
        uid: "0A1B2C3D",
      });
    writeFileSync(join(dir, "v2.bin"), `garbage\n${hello(2)}\n`);
    const r = await run(["v2.bin", "--raw", "--summary", "--json"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      "looptwin replay: v2.bin (line 2): device looptwin-fw 9.0.0 speaks protocol 2.0, this host speaks 1.x (1.0): refusing a different major version; update the host or the firmware\n",
    );
  });

  it.each([
    [["missing.bin", "--raw"], "looptwin replay: missing.bin: cannot open: no such file\n"],
    [["recording.ndjson"], /^looptwin replay: recording\.ndjson: cannot open: no such file/],
    [["--raw"], /^looptwin replay: FILE: give the capture or recording to replay/],
    [["a.bin", "b.bin", "--raw"], /^looptwin replay: FILE: give exactly one file/],
    [
      ["x.bin", "--raw", "--speed", "fast"],
      /^looptwin replay: --speed: must be a finite number \(got "fast"\)/,
    ],
    [["x.bin", "--raw", "--speed", "0"], /^looptwin replay: --speed: must be > 0/],
    [["x.bin", "--raw", "--loop"], /^looptwin replay: --loop: unknown option/],
  ])("%j is a one-line error, exit 2", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message);
    expect(r.err.split("\n")).toHaveLength(2);
  });

  it("reports a directory given as the capture", async () => {
    const r = await run([".", "--raw"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^looptwin replay: \.: cannot read: is a directory\n$/);
  });
});
