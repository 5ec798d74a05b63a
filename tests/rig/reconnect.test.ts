/**
 * Unplug and replug with real processes: `looptwin emulate` (the command's code, in its own
 * process) killed with SIGKILL and started again on the same link, a serial source with the real
 * serialport bindings on the other end. Every cycle must be seen and marked as its own gap, the
 * samples must stay in order with none twice, and the first sample must come while the device is
 * up (the p95 figure is measured by `npm run reconnect:cycles`, not asserted here). Then another
 * unit on the link: reported once and kept out, or accepted with `anyUnit`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reconnectCycles } from "../../scripts/reconnectCycles.js";
import type { CliIo } from "../../src/cli/command.js";
import { runRecord } from "../../src/cli/recordCommand.js";
import { socatAvailable } from "../../src/rig/emulator/ptyLink.js";
import { readRecording } from "../../src/rig/recording/recordingReader.js";

const fixture = fileURLToPath(new URL("./fixtures/emulatorProcess.mts", import.meta.url));
const emulatorCommand = [process.execPath, "--import", "tsx", fixture];
/** The uid the emulator derives from seed 1 (`looptwin emulate --seed 1` prints it). */
const UID_SEED_1 = "777F5754";

describe("replug: the emulator killed and restarted on the same link", () => {
  it("node-pty: 4 cycles, each seen while the device is up, each its own gap, samples in order", async () => {
    const r = await reconnectCycles({ cycles: 4, upS: 2.5, downS: 1.5, emulatorCommand });
    expect(r.backAfterMs).toHaveLength(4);
    for (const ms of r.backAfterMs) expect(ms).not.toBeNull();
    expect(r.disconnectGaps).toBe(4);
    expect(r.outOfOrder).toBe(0);
    // 10 Hz for about 5 x 2.5 s up: at least half of it arrived.
    expect(r.samples).toBeGreaterThan(60);
  }, 90_000);

  const socat = socatAvailable();
  it.skipIf(!socat)(
    socat
      ? "socat backend: 3 cycles, the same"
      : "socat backend: SKIPPED, socat is not installed (apt-get install socat)",
    async () => {
      const r = await reconnectCycles({
        cycles: 3,
        upS: 2.5,
        downS: 1.5,
        emulatorCommand,
        emulatorArgs: ["--backend", "socat"],
      });
      for (const ms of r.backAfterMs) expect(ms).not.toBeNull();
      expect(r.disconnectGaps).toBe(3);
      expect(r.outOfOrder).toBe(0);
    },
    90_000,
  );
});

describe("the unit's identity on replug", () => {
  it("another unit on the link is reported once and not recorded; the rig's own unit is taken back", async () => {
    // Cycle 1 brings seed 2 (another uid), cycle 2 the rig's own unit again.
    const r = await reconnectCycles({
      cycles: 2,
      upS: 2.5,
      downS: 1,
      emulatorCommand,
      seedOfCycle: (c) => (c === 1 ? 2 : 1),
    });
    expect(r.backAfterMs[0]).toBeNull();
    expect(r.backAfterMs[1]).not.toBeNull();
    const wrong = r.linkReasons.filter((x) => x.includes("was expected"));
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatch(
      new RegExp(`^RECONNECTING: unit [0-9A-F]{8} is on \\S+ttyLOOP0 where ${UID_SEED_1} was expected`),
    );
    expect(wrong[0]).not.toContain(`unit ${UID_SEED_1} is`);
    // One outage, one gap: the other unit's time on the link is part of it.
    expect(r.disconnectGaps).toBe(1);
    expect(r.outOfOrder).toBe(0);
  }, 60_000);

  it("with anyUnit the new unit is accepted and the change is said", async () => {
    const r = await reconnectCycles({
      cycles: 1,
      upS: 2.5,
      downS: 1,
      emulatorCommand,
      seedOfCycle: (c) => (c === 1 ? 2 : 1),
      anyUnit: true,
    });
    expect(r.backAfterMs[0]).not.toBeNull();
    expect(
      r.linkReasons.some((x) =>
        new RegExp(`^CONNECTED: reconnected: unit [0-9A-F]{8} replaces ${UID_SEED_1}$`).test(x),
      ),
    ).toBe(true);
    expect(r.disconnectGaps).toBe(1);
    expect(r.outOfOrder).toBe(0);
  }, 60_000);
});

describe("looptwin record on a replugged link", () => {
  it("records each outage as a gap, samples once and in order, and says once that another unit came", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-record-replug-"));
    const link = join(dir, "ttyLOOP0");
    const out = join(dir, "bench.ndjson");
    const start = (seed: number): ChildProcess =>
      spawn(
        emulatorCommand[0]!,
        [...emulatorCommand.slice(1), "--link", link, "--seed", String(seed), "--quiet"],
        {
          stdio: "ignore",
        },
      );
    const kill = async (c: ChildProcess): Promise<void> => {
      c.kill("SIGKILL");
      if (c.exitCode === null && c.signalCode === null) await new Promise((r) => c.once("exit", r));
    };
    const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
      const t0 = performance.now();
      while (!cond()) {
        if (performance.now() - t0 > 20_000) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    let stderr = "";
    const io = {
      stdout: { write: () => true },
      stderr: {
        write: (t: string) => {
          stderr += t;
          return true;
        },
      },
      cwd: dir,
    } as unknown as CliIo;
    const stop = new AbortController();
    let emulator = start(1);
    try {
      await waitFor(() => existsSync(link), "the emulator's link");
      const recording = runRecord(["--port", link, "--out", out], io, stop.signal);
      await waitFor(() => stderr.includes("Ctrl-C to stop"), "record to start");
      const cycle = async (seed: number): Promise<void> => {
        await new Promise((r) => setTimeout(r, 2000));
        await kill(emulator);
        await new Promise((r) => setTimeout(r, 1000));
        emulator = start(seed);
      };
      await cycle(1);
      await waitFor(() => (stderr.match(/reconnected/g) ?? []).length === 1, "the first reconnect");
      await cycle(2); // another unit
      await waitFor(() => stderr.includes("was expected"), "the other unit reported");
      await new Promise((r) => setTimeout(r, 2500));
      await cycle(1); // the rig's unit again
      await waitFor(() => (stderr.match(/reconnected/g) ?? []).length === 2, "the second reconnect");
      await new Promise((r) => setTimeout(r, 1000));
      stop.abort();
      expect(await recording).toBe(0);
    } finally {
      stop.abort();
      await kill(emulator);
    }
    expect(stderr.match(/unit [0-9A-F]{8} is on \S+ttyLOOP0 where 777F5754 was expected/g)).toHaveLength(1);
    const { records } = await readRecording(out);
    rmSync(dir, { recursive: true, force: true });
    const samples = records.flatMap((r) => (r.type === "sample" ? [r.sample] : []));
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.tS).toBeGreaterThan(samples[i - 1]!.tS);
    const gaps = records.filter((r) => r.type === "gap" && r.reason === "disconnect");
    expect(gaps).toHaveLength(2);
    // Only the rig's own unit is in the recording: every HELLO is 777F5754's, and no raw line
    // of the other unit's was kept.
    const hellos = records.flatMap((r) => (r.type === "hello" ? [r.hello.uid] : []));
    expect(new Set(hellos)).toEqual(new Set([UID_SEED_1]));
    const rawHellos = records.filter((r) => r.type === "raw" && r.line.startsWith("HELLO"));
    for (const r of rawHellos) if (r.type === "raw") expect(r.line).toContain(UID_SEED_1);
    expect(
      records.some((r) => r.type === "link" && r.reason !== undefined && r.reason.includes("was expected")),
    ).toBe(true);
  }, 90_000);
});
