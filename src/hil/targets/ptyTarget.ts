/**
 * `--target pty`: starts `looptwin emulate --link PATH --speed X` as a child process (a virtual
 * rig on a real pseudo-terminal) and drives it through the real serialport path, on a scheduler
 * scaled to the emulator's speed (device time = X times wall time: PINGs, ACK timeouts and steps
 * follow device time). The plant cannot be preset or re-parameterised from here: a `start:
 * steady` scenario is warmed up, and scenarios that set `rig.params` are skipped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OperationalError } from "../../core/errors.js";
import { DEFAULT_SENSOR_CALIBRATION } from "../../model/telemetryConverter.js";
import { SerialSource } from "../../rig/hardware/serialSource.js";
import { scaledScheduler, sleep, wallScheduler } from "../../rig/source/scheduler.js";
import { HIL_SOURCE_DEFAULTS } from "./emulatorTarget.js";
import { wallClockOf } from "./serialTarget.js";
import type { HilTarget, TargetContext, TargetOpenOptions, TargetSession } from "./target.js";

/** Default emulator speed of the pty target (device seconds per wall second). */
export const DEFAULT_PTY_SPEED = 10;
/** Longest wait for the emulator's link to appear [wall ms]. */
const LINK_TIMEOUT_MS = 15_000;

let counter = 0;

/**
 * The node options on a `#!/usr/bin/env -S node OPTIONS` line (none for any other first line).
 * bin/looptwin.js keeps V8's settings for every looptwin process there.
 */
export function shebangNodeOptions(firstLine: string): string[] {
  const words = firstLine.trim().split(/\s+/);
  const node = words.indexOf("node");
  if (!words[0]?.startsWith("#!") || node < 0) return [];
  return words.slice(node + 1).filter((w) => w.startsWith("--"));
}

/**
 * `[node, ...options of its #! line, <package>/bin/looptwin.js]`: how this package runs its own
 * CLI, with the same node as this process and the V8 settings a user's `looptwin` gets.
 */
export function defaultLooptwinCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/hil/targets or dist/hil/targets -> package root.
  const bin = join(here, "..", "..", "..", "bin", "looptwin.js");
  const firstLine = readFileSync(bin, "utf8").split("\n", 1)[0] ?? "";
  return [process.execPath, ...shebangNodeOptions(firstLine), bin];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

export function ptyTarget(_arg: string, context: TargetContext): HilTarget {
  const speed = context.speed ?? DEFAULT_PTY_SPEED;
  return {
    name: "pty",
    sourceKind: "pty",
    capabilities: { emu: true, truth: false, virtualTime: false, presetState: false, plantParams: false },
    async open(options: TargetOpenOptions): Promise<TargetSession> {
      const { scenario } = options;
      counter++;
      const link = join(tmpdir(), `looptwin-hil-${process.pid}-${counter}`);
      const cmd = [...(context.looptwinCommand ?? defaultLooptwinCommand())];
      const args = [
        ...cmd.slice(1),
        "emulate",
        "--link",
        link,
        "--speed",
        String(speed),
        "--seed",
        String(scenario.seed),
        "--quiet",
        ...(scenario.rig.ambientProbe ? [] : ["--no-ambient"]),
      ];
      const child = spawn(cmd[0] as string, args, { stdio: ["ignore", "pipe", "pipe"], cwd: context.cwd });
      let stderr = "";
      child.stderr?.on("data", (b: Buffer) => {
        stderr = (stderr + b.toString()).slice(-2000);
      });
      child.stdout?.resume();
      const t0 = performance.now();
      try {
        while (!existsSync(link)) {
          if (child.exitCode !== null)
            throw new OperationalError(`looptwin emulate exited (${child.exitCode}): ${stderr.trim()}`, {
              link,
            });
          if (performance.now() - t0 > LINK_TIMEOUT_MS)
            throw new OperationalError(`looptwin emulate: no link ${link} after ${LINK_TIMEOUT_MS} ms`, {
              link,
            });
          await sleep(wallScheduler, 50, options.signal);
        }
      } catch (e) {
        await stopChild(child);
        throw e;
      }
      const scheduler = scaledScheduler(speed);
      // The emulated plant has the default parts and no thermistor offsets, whatever the rig config.
      const calibration = DEFAULT_SENSOR_CALIBRATION;
      const source = new SerialSource({
        path: link,
        calibration,
        scheduler,
        rateHz: scenario.rig.rateHz,
        ...HIL_SOURCE_DEFAULTS,
        // Timeouts are in device time: keep them at least tens of wall milliseconds at any speed.
        ackTimeoutMs: Math.max(HIL_SOURCE_DEFAULTS.ackTimeoutMs, 50 * speed),
        helloTimeoutMs: 200 * speed,
        handshakeTimeoutMs: 5000 * speed,
        openTimeoutMs: 3000 * speed,
        ...(options.record !== undefined ? { record: options.record } : {}),
      });
      try {
        await source.open(options.signal);
      } catch (e) {
        await stopChild(child);
        throw e;
      }
      return {
        source,
        clock: wallClockOf(scheduler),
        calibration,
        async close(): Promise<void> {
          await source.close();
          await stopChild(child);
        },
      };
    },
  };
}
