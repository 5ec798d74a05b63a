/**
 * `looptwin emulate --firmware ELF` (runFirmwareEmulator): the real firmware on a real
 * pseudo-terminal, opened with the real serialport bindings as a board would be.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { withCrc } from "../../src/protocol/format.js";
import type { EmulatorEvent } from "../../src/rig/emulator/emulatedDevice.js";
import { FIL_DEFAULT_PATHS } from "../../src/rig/fil/filHarness.js";
import { type FirmwareEmulator, runFirmwareEmulator } from "../../src/rig/fil/filPtyEmulator.js";

let emu: FirmwareEmulator | null = null;
let port: SerialPort | null = null;
let dir = "";

afterEach(async () => {
  const p = port;
  port = null;
  if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  await emu?.stop();
  emu = null;
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});

/** Waits (wall time, bounded) until `text()` matches `re`. */
async function waitFor(text: () => string, re: RegExp, timeoutMs = 20_000): Promise<void> {
  const t0 = performance.now();
  while (!re.test(text())) {
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`no ${re} within ${timeoutMs} ms; got:\n${text()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("looptwin emulate --firmware: the firmware on a pseudo-terminal", () => {
  it("speaks the firmware's protocol to a serial client; EMU faults act in the plant", async () => {
    dir = mkdtempSync(join(tmpdir(), "looptwin-fil-"));
    const link = join(dir, "ttyFIL");
    const events: EmulatorEvent[] = [];
    const wall0 = performance.now();
    emu = await runFirmwareEmulator({
      firmwarePath: FIL_DEFAULT_PATHS.elf,
      linkPath: link,
      speed: 1,
      seed: 3,
      uid: "00FACADE",
      onEvent: (e) => events.push(e),
    });
    expect(existsSync(link)).toBe(true);
    expect(emu.device.uid).toBe("00FACADE");
    let text = "";
    port = new SerialPort({ path: link, baudRate: 115200 });
    port.on("data", (b: Buffer) => {
      text += b.toString("latin1");
    });
    await waitFor(() => text, /TLM,\d+,\d+,\d+,\d+,\d+,\d+,0,0,0,0\*[0-9A-F]{4}\n/);
    port.write(`${withCrc("PING,41")}\n${withCrc("PWM,42,pump,200")}\n`);
    await waitFor(() => text, /ACK,41\*[0-9A-F]{4}\nACK,42\*/);
    await waitFor(() => text, /TLM,\d+,\d+,\d+,\d+,\d+,\d+,200,0,0,0\*/);
    // Fault injection: the bridge answers EMU, the fault acts in the plant, the firmware sees it.
    port.write(`${withCrc("EMU,43,sensor_open:channel=cold")}\n${withCrc("PING,44")}\n`);
    await waitFor(() => text, /ACK,43\*[0-9A-F]{4}\n/);
    await waitFor(() => text, /EVT,SENSOR,cold:open\*/);
    expect(events.map((e) => e.kind)).toContain("fault_start");
    // Speed 1: device time follows the wall clock and never runs ahead of it.
    expect(emu.nowMs).toBeGreaterThan(100);
    expect(emu.nowMs).toBeLessThanOrEqual(performance.now() - wall0 + 50);
    expect(emu.error).toBeNull();
    await emu.stop();
    emu = null;
    expect(existsSync(link)).toBe(false);
  });

  it("refuses a missing ELF and a rig without an ambient probe, naming the option", async () => {
    const base = { linkPath: join(tmpdir(), `looptwin-fil-none-${process.pid}`), speed: 1 as const };
    await expect(runFirmwareEmulator({ ...base, firmwarePath: "/nonexistent.elf" })).rejects.toThrow(
      ConfigError,
    );
    await expect(runFirmwareEmulator({ ...base, firmwarePath: "/nonexistent.elf" })).rejects.toThrow(
      /--firmware/,
    );
    await expect(
      runFirmwareEmulator({
        ...base,
        firmwarePath: FIL_DEFAULT_PATHS.elf,
        plant: { hasAmbientProbe: false },
      }),
    ).rejects.toThrow(/--no-ambient/);
    await expect(
      runFirmwareEmulator({ ...base, firmwarePath: FIL_DEFAULT_PATHS.elf, speed: 0 }),
    ).rejects.toThrow(/--speed/);
    expect(existsSync(base.linkPath)).toBe(false);
  });
});
