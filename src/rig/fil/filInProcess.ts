/**
 * The firmware in simavr behind a serialport mock port ({@link MockPortRig}), so the serial
 * source's own code path (SerialPortStream, framer, parser, handshake, commands, retries,
 * reconnect) talks to the real firmware: `new SerialSource({ path: rig.path, binding:
 * rig.binding, scheduler: rig.scheduler })`. The in-process counterpart of the pseudo-terminal
 * bridge, for HIL runs and tests on virtual time.
 *
 * Time is virtual and shared (see {@link MockPortRig}): device time runs only when asked
 * ({@link MockPortRig.runUntil}), in lockstep with the plant. As with a board: opening the port
 * resets the MCU (an Uno's DTR), and while `link_disconnect` holds the link down reads fail as an
 * unplugged USB adapter's do and the path cannot be opened.
 */

import { MockPortRig } from "../emulator/mockPortRig.js";
import { FilDevice, type FilDeviceOptions } from "./filDevice.js";

export interface FilInProcessOptions {
  /** Mock port path. @default "/dev/ttyFIL0" */
  readonly path?: string;
  /** The device: plant, harness, seed, faults, uid (its output goes to the mock port). */
  readonly device: Omit<FilDeviceOptions, "output">;
  /** Opening the port resets the MCU (an Uno's DTR). @default true */
  readonly resetOnOpen?: boolean;
  /** Largest step of device time between yields to the host [ms]. @default 100 */
  readonly chunkMs?: number;
}

export class FilInProcessRig extends MockPortRig<FilDevice> {
  private constructor(device: FilDevice, options: FilInProcessOptions) {
    super(
      {
        path: options.path ?? "/dev/ttyFIL0",
        manufacturer: "looptwin firmware-in-the-loop",
        resetOnOpen: options.resetOnOpen,
        chunkMs: options.chunkMs,
      },
      () => device,
    );
  }

  /** Starts the harness and creates the mock port (the MCU powers up now). */
  static async start(options: FilInProcessOptions): Promise<FilInProcessRig> {
    let rig: FilInProcessRig | null = null;
    // The firmware writes only while device time runs, which it does not before the rig exists.
    const device = await FilDevice.start({
      ...options.device,
      output: { write: (chunk) => rig?.toHost(chunk) },
    });
    rig = new FilInProcessRig(device, options);
    return rig;
  }

  /** Stops the harness (close the source first). */
  async close(): Promise<void> {
    await this.device.close();
  }
}
