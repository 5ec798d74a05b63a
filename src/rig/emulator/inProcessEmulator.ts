/**
 * The emulated device in-process, behind a serialport mock port ({@link MockPortRig}), so the
 * serial source's own code path (SerialPortStream, framer, parser, handshake, commands,
 * reconnect) is what runs: `new SerialSource({ path: emu.path, binding: emu.binding, scheduler:
 * emu.scheduler })`.
 *
 * Time is virtual and shared (see {@link MockPortRig}). It runs as fast as the CPU allows
 * (`start()`, `runUntil()`), or paced at `speed` times wall time (`start({ speed })`, the
 * dashboard's `--emulate`).
 *
 * The port behaves like an Arduino's: opening it resets the device (DTR), a `link_disconnect`
 * fault makes reads fail as an unplugged USB adapter does (a disconnect, not a cancel) and the
 * path unopenable until the link is back.
 */
import { EmulatedDevice, type EmulatedDeviceOptions } from "./emulatedDevice.js";
import { MockPortRig } from "./mockPortRig.js";

export interface InProcessEmulatorOptions {
  /** Mock port path. @default "/dev/ttyEMU0" */
  readonly path?: string;
  /** The device: plant, seed, faults, identity (its output goes to the mock port). */
  readonly device: Omit<EmulatedDeviceOptions, "output">;
  /** Opening the port reboots the device (an Uno's DTR reset). @default true */
  readonly resetOnOpen?: boolean;
  /** Largest step of virtual time between yields to the host [ms]. @default 100 */
  readonly chunkMs?: number;
}

export class InProcessEmulator extends MockPortRig<EmulatedDevice> {
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(options: InProcessEmulatorOptions) {
    super(
      {
        path: options.path ?? "/dev/ttyEMU0",
        manufacturer: "looptwin emulator",
        resetOnOpen: options.resetOnOpen,
        chunkMs: options.chunkMs,
      },
      (output) => new EmulatedDevice({ ...options.device, output }),
    );
  }

  /**
   * Runs in the background until {@link stop}: as fast as possible, or at `speed` times wall
   * time (virtual time then follows the wall clock, checked every 10 ms).
   */
  start(options: { readonly speed?: number } = {}): void {
    if (this.running) return;
    this.running = true;
    const speed = options.speed ?? Number.POSITIVE_INFINITY;
    this.loop = (async () => {
      const wall0 = performance.now();
      const virt0 = this.device.nowMs;
      while (this.running) {
        if (Number.isFinite(speed)) {
          const target = virt0 + (performance.now() - wall0) * speed;
          if (target > this.device.nowMs) await this.step(target);
          else await new Promise((r) => setTimeout(r, 10));
        } else {
          await this.step(this.device.nowMs + this.chunkMs);
        }
      }
    })();
  }

  /** Stops the background run (the port, if open, stays open). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
  }
}
