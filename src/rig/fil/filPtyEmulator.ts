/**
 * `looptwin emulate --firmware ELF`: the same pseudo-terminal interface as the TypeScript emulator
 * (src/rig/emulator/ptyEmulator.ts), with the real firmware in simavr as the device ({@link FilDevice})
 * and the plant simulator around it. Any serial tool opens the link (`looptwin dashboard --port`,
 * picocom, screen) and talks to the firmware's own UART0.
 *
 * Time: device time = `speed` x wall time since start, as far as the machine allows (the firmware
 * in simavr runs several times faster than real time on a desktop core; when it cannot keep up,
 * device time simply runs as fast as it can and {@link FirmwareEmulator.lagMs} says by how much it
 * trails), or as fast as the client reads (`speed: "max"`). At a finite speed the device runs in
 * chunks of at least {@link MIN_CHUNK_MS} and the process sleeps in between. Plant faults
 * (`--fault`, or `EMU` lines, answered by the bridge) act in the plant, link faults at the
 * bridge; the firmware is never patched.
 */
import { ConfigError } from "../../core/errors.js";
import type { FaultSpec } from "../../model/faultSpec.js";
import type { PlantSimulatorOptions } from "../../model/plantSimulator.js";
import type { EmulatorEvent } from "../emulator/emulatedDevice.js";
import { PlantDeviceAdapter } from "../emulator/plantAdapter.js";
import { openPtyLink, type PtyBackend, type PtyLink } from "../emulator/ptyLink.js";
import { FilDevice } from "./filDevice.js";

export interface FirmwareEmulatorOptions {
  /** The firmware ELF (`firmware/build/uno/looptwin.elf` from `npm run fil:build`). */
  readonly firmwarePath: string;
  /** The harness binary. @default firmware/sim/build/looptwin-sim */
  readonly harnessPath?: string;
  /** Symlink to the pseudo-terminal. */
  readonly linkPath: string;
  /** @default "auto" */
  readonly backend?: PtyBackend | "auto";
  /** Device time per wall time, or "max". @default 1 */
  readonly speed?: number | "max";
  /** Seed of the plant noise, link faults and uid. @default 1 */
  readonly seed?: number;
  /** Faults from the start (device seconds). */
  readonly faults?: readonly FaultSpec[];
  /** Plant parameters and sensors (seed defaults to `seed`; the firmware has an ambient probe). */
  readonly plant?: PlantSimulatorOptions;
  /** Unit id in the board's EEPROM, 8 hex digits. @default derived from the seed */
  readonly uid?: string;
  readonly onEvent?: (e: EmulatorEvent) => void;
  /** Lockstep period [device ms]. @default 20 */
  readonly stepMs?: number;
  /**
   * What the firmware speaks: `looptwin` (this project's firmware: EMU lines answered by the
   * bridge, its uid in EEPROM, 115200 baud) or `firmata` (StandardFirmata: binary, 57600 baud,
   * bytes passed through untouched, faults only from `faults` or the host's physical injections).
   * @default "looptwin"
   */
  readonly protocol?: "looptwin" | "firmata";
  /** Most device time run between looks at the wall clock and the terminal [ms]. @default 50 */
  readonly chunkMs?: number;
  /**
   * Called once per stall when device time falls {@link STALL_MS} or more behind `speed` x wall
   * time (at a finite speed), with the device time [s] and how far behind [ms]; again after it
   * has caught up. A host that times samples itself (Firmata) reads the flow low, then high.
   */
  readonly onStall?: (deviceS: number, behindMs: number) => void;
}

/** Lag behind real time [ms] reported as a stall ({@link FirmwareEmulatorOptions.onStall}). */
export const STALL_MS = 500;

/**
 * Least device time [ms] run per round trip at a finite speed; between chunks the loop sleeps. A
 * host's command waits at most this long (in device time) before it reaches the firmware, well
 * inside the protocol's 40 ms answer allowance (docs/design.md 4).
 */
const MIN_CHUNK_MS = 10;

export class FirmwareEmulator {
  readonly link: PtyLink;
  readonly device: FilDevice;
  readonly plant: PlantDeviceAdapter;
  readonly speed: number | "max";
  private running = true;
  private readonly loop: Promise<void>;
  private readonly wall0 = performance.now();
  private failure: unknown = null;
  private mostBehindMs = 0;
  private stalled = false;
  private readonly onStall: ((deviceS: number, behindMs: number) => void) | undefined;

  private constructor(
    link: PtyLink,
    device: FilDevice,
    plant: PlantDeviceAdapter,
    options: FirmwareEmulatorOptions,
  ) {
    this.link = link;
    this.device = device;
    this.plant = plant;
    this.speed = options.speed ?? 1;
    this.onStall = options.onStall;
    link.onData((chunk) => device.receive(chunk));
    this.loop = this.run(options.chunkMs ?? 50).catch((e: unknown) => {
      this.failure = e;
    });
  }

  /** Device time [ms] since start. */
  get nowMs(): number {
    return this.device.nowMs;
  }

  /** How far device time trails `speed` x wall time [ms] (0 at "max"). */
  get lagMs(): number {
    if (this.speed === "max") return 0;
    return Math.max(0, (performance.now() - this.wall0) * this.speed - this.device.nowMs);
  }

  /**
   * The most device time trailed `speed` x wall time [ms] so far (0 at "max"): how far the
   * simulation fell behind real time at its worst, e.g. while the machine gave it no core. A host
   * that stamps samples with its own clock (Firmata) sees the device's pulses bunch up by as much.
   */
  get mostLagMs(): number {
    return this.mostBehindMs;
  }

  /** Wall time [s] since the device started. */
  get wallS(): number {
    return (performance.now() - this.wall0) / 1000;
  }

  /** Why the device stopped on its own (the harness died), or null while it runs. */
  get error(): unknown {
    return this.failure;
  }

  /** Stops the device and the harness and closes the terminal (removing the link). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.device.close();
    this.link.close();
  }

  private async run(chunkMs: number): Promise<void> {
    const speed = this.speed;
    while (this.running) {
      const now = this.device.nowMs;
      if (speed === "max") {
        await this.device.advanceTo(now + chunkMs);
        await this.link.drained();
        continue;
      }
      const behindMs = (performance.now() - this.wall0) * speed - now;
      if (behindMs > this.mostBehindMs) this.mostBehindMs = behindMs;
      if (!this.stalled && behindMs >= STALL_MS) {
        this.stalled = true;
        this.onStall?.(now / 1000, behindMs);
      } else if (this.stalled && behindMs < MIN_CHUNK_MS) this.stalled = false;
      if (behindMs >= MIN_CHUNK_MS) {
        await this.device.advanceTo(now + Math.min(behindMs, chunkMs));
        // Let the terminal's data events in between chunks.
        await new Promise((r) => setImmediate(r));
      } else {
        // Sleep until a whole chunk is due: advancing by whatever wall time had passed (about a
        // millisecond per round trip to the harness) kept a core busy (issue 16).
        await new Promise((r) => setTimeout(r, (MIN_CHUNK_MS - behindMs) / speed));
      }
    }
  }

  /** See {@link runFirmwareEmulator}. */
  static async start(options: FirmwareEmulatorOptions): Promise<FirmwareEmulator> {
    const speed = options.speed ?? 1;
    if (speed !== "max" && !(speed > 0 && Number.isFinite(speed)))
      throw new ConfigError("--speed", speed, "must be a number > 0 or max");
    if (options.plant?.hasAmbientProbe === false)
      throw new ConfigError(
        "--no-ambient",
        true,
        "the firmware is built with an ambient probe (LT_HAS_AMBIENT_PROBE 1); build it without one to emulate that rig",
      );
    const seed = options.seed ?? 1;
    const firmata = options.protocol === "firmata";
    const plant = new PlantDeviceAdapter({ seed, ...options.plant, hasAmbientProbe: true });
    const link = await openPtyLink({ linkPath: options.linkPath, backend: options.backend ?? "auto" });
    let device: FilDevice;
    try {
      device = await FilDevice.start({
        plant,
        output: { write: (chunk) => link.write(chunk) },
        harness: {
          elfPath: options.firmwarePath,
          ...(options.harnessPath !== undefined ? { harnessPath: options.harnessPath } : {}),
          ...(firmata ? { baudRate: 57_600 } : {}),
        },
        seed,
        faults: options.faults ?? [],
        ...(firmata ? { uid: null, interceptEmu: false } : {}),
        ...(options.uid !== undefined ? { uid: options.uid.toUpperCase() } : {}),
        ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
        ...(options.stepMs !== undefined ? { stepMs: options.stepMs } : {}),
      });
    } catch (e) {
      link.close();
      throw e;
    }
    return new FirmwareEmulator(link, device, plant, options);
  }
}

/**
 * Starts the firmware in simavr on a pseudo-terminal: the harness loads the ELF, the MCU powers up
 * (HELLO and `EVT,BOOT,POWERON` go out at once) and device time starts running. Throws a
 * ConfigError for a missing ELF or harness, a bad speed or a rig without an ambient probe.
 */
export function runFirmwareEmulator(options: FirmwareEmulatorOptions): Promise<FirmwareEmulator> {
  return FirmwareEmulator.start(options);
}
