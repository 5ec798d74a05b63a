/**
 * The emulated rig on a pseudo-terminal (`looptwin emulate --link /tmp/ttyLOOP0`): the emulated
 * device around the plant simulator, its bytes on a {@link PtyLink}, time paced by the wall clock
 * at `speed` times real time (device time = speed x wall time since start), or as fast as the
 * client reads (`speed: "max"`, flow-controlled by the terminal).
 *
 * Note on `--speed`: the device's 3 s heartbeat is device time, so a host must PING `speed` times
 * more often than its usual second (looptwin's own sources take a matching scheduler); a plain
 * terminal program sees the device go SAFE after 3 device seconds, as on a real board.
 */
import type { FaultSpec } from "../../model/faultSpec.js";
import type { PlantSimulatorOptions } from "../../model/plantSimulator.js";
import { EmulatedDevice, type EmulatorEvent } from "./emulatedDevice.js";
import { PlantDeviceAdapter } from "./plantAdapter.js";
import { openPtyLink, type PtyBackend, type PtyLink } from "./ptyLink.js";

export interface PtyEmulatorOptions {
  readonly linkPath: string;
  /** @default "auto" */
  readonly backend?: PtyBackend | "auto";
  /** Device time per wall time, or "max". @default 1 */
  readonly speed?: number | "max";
  /** Seed of the plant noise, link faults and uid. @default 1 */
  readonly seed?: number;
  /** Faults from the start (device seconds). */
  readonly faults?: readonly FaultSpec[];
  /** Plant parameters and sensors (seed defaults to `seed`). */
  readonly plant?: PlantSimulatorOptions;
  /** @default true */
  readonly hasAmbientProbe?: boolean;
  readonly uid?: string;
  readonly onEvent?: (e: EmulatorEvent) => void;
  /**
   * Pacing period [wall ms]: the device advances by about `tickMs x speed` per wake-up and the
   * process sleeps in between; host bytes advance it at once, so answers do not wait. Telemetry
   * reaches the host up to one period late. At speed 1 with a host connected the process used
   * 1.9 % of a core waking every 10 ms, 1.3 % every 20 ms, 0.9 % every 50 ms (issue 16).
   * @default 20
   */
  readonly tickMs?: number;
  /** Device time per step at "max" [ms]. @default 100 */
  readonly chunkMs?: number;
}

export class PtyEmulator {
  readonly link: PtyLink;
  readonly device: EmulatedDevice;
  readonly plant: PlantDeviceAdapter;
  readonly speed: number | "max";
  private running = true;
  private readonly loop: Promise<void>;
  private timer: NodeJS.Timeout | null = null;
  private readonly wall0 = performance.now();

  private constructor(link: PtyLink, options: PtyEmulatorOptions) {
    this.link = link;
    this.speed = options.speed ?? 1;
    const seed = options.seed ?? 1;
    this.plant = new PlantDeviceAdapter({
      seed,
      hasAmbientProbe: options.hasAmbientProbe ?? true,
      ...options.plant,
    });
    this.device = new EmulatedDevice({
      plant: this.plant,
      output: { write: (chunk) => link.write(chunk) },
      seed,
      faults: options.faults ?? [],
      hasAmbientProbe: options.hasAmbientProbe ?? true,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
    });
    link.onData((chunk) => {
      this.catchUp();
      this.device.receive(chunk);
    });
    const tickMs = options.tickMs ?? 20;
    const chunkMs = options.chunkMs ?? 100;
    if (this.speed === "max") {
      this.loop = this.runMax(chunkMs);
    } else {
      this.timer = setInterval(() => this.catchUp(), tickMs);
      this.loop = Promise.resolve();
    }
  }

  /** Creates the terminal and starts the device (which boots and sends HELLO at once). */
  static async start(options: PtyEmulatorOptions): Promise<PtyEmulator> {
    const link = await openPtyLink({ linkPath: options.linkPath, backend: options.backend ?? "auto" });
    try {
      return new PtyEmulator(link, options);
    } catch (e) {
      link.close();
      throw e;
    }
  }

  /** Device time [ms] since start. */
  get nowMs(): number {
    return this.device.nowMs;
  }

  /** Stops the device and closes the terminal (removing the link). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // Closing first releases a max-speed loop waiting for a reader that has gone.
    this.link.close();
    await this.loop;
  }

  private async runMax(chunkMs: number): Promise<void> {
    while (this.running) {
      this.device.advanceTo(this.device.nowMs + chunkMs);
      await this.link.drained();
      await new Promise((r) => setImmediate(r));
    }
  }

  private catchUp(): void {
    if (this.speed === "max" || !this.running) return;
    const target = (performance.now() - this.wall0) * this.speed;
    if (target > this.device.nowMs) this.device.advanceTo(target);
  }
}
