/**
 * The firmware in simavr behind a serialport mock port (`@serialport/binding-mock`), so the serial
 * source's own code path (SerialPortStream, framer, parser, handshake, commands, retries,
 * reconnect) talks to the real firmware: `new SerialSource({ path: rig.path, binding:
 * rig.binding, scheduler: rig.scheduler })`. The in-process counterpart of the pseudo-terminal
 * bridge, for HIL runs and tests on virtual time.
 *
 * Time is virtual and shared: the rig drives a {@link VirtualScheduler} that the host side uses for
 * its timers, and runs device time only when asked ({@link FilInProcessRig.runUntil}), in lockstep
 * with the plant, yielding to the host between chunks so it handles every byte before time moves
 * on. As with a board: opening the port resets the MCU (an Uno's DTR), and while `link_disconnect`
 * holds the link down reads fail as an unplugged USB adapter's do and the path cannot be opened.
 */
import { createRequire } from "node:module";
import type { BindingOpenOptions, BindingPort, BindingPortInfo, SerialBinding } from "./bindingTypes.js";
import { FilDevice, type FilDeviceOptions } from "./filDevice.js";
import { VirtualScheduler } from "./scheduler.js";

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

/** A read or write while the link is down: not `canceled`, so serialport sees a disconnect. */
class LinkLostError extends Error {
  readonly disconnected = true;
  constructor(path: string) {
    super(`${path}: EIO (device disconnected)`);
  }
}

type MockPort = BindingPort & { emitData(data: Buffer): void; port?: { data: Buffer } };

/** The host side of one open of the mock port. */
class FilPort implements BindingPort {
  readonly inner: MockPort;
  private readonly owner: FilInProcessRig;
  private lost = false;
  private rejectRead: ((e: Error) => void) | null = null;

  constructor(inner: MockPort, owner: FilInProcessRig) {
    this.inner = inner;
    this.owner = owner;
  }

  get openOptions(): Required<BindingOpenOptions> {
    return this.inner.openOptions;
  }
  get isOpen(): boolean {
    return this.inner.isOpen;
  }
  set isOpen(v: boolean) {
    this.inner.isOpen = v;
  }

  disconnect(): void {
    this.lost = true;
    this.rejectRead?.(new LinkLostError(this.inner.openOptions.path));
    this.rejectRead = null;
  }

  async close(): Promise<void> {
    this.rejectRead = null;
    if (this.inner.isOpen) await this.inner.close();
    this.owner.portClosed(this);
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (this.lost) return Promise.reject(new LinkLostError(this.inner.openOptions.path));
    return new Promise((resolve, reject) => {
      this.rejectRead = reject;
      this.inner.read(buffer, offset, length).then(
        (r) => {
          this.rejectRead = null;
          resolve(r);
        },
        (e: unknown) => {
          this.rejectRead = null;
          reject(e);
        },
      );
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (this.lost) throw new LinkLostError(this.inner.openOptions.path);
    await this.inner.write(buffer);
    this.owner.fromHost(buffer);
  }

  update(options: { baudRate: number }): Promise<void> {
    return this.inner.update(options);
  }
  set(options: Parameters<BindingPort["set"]>[0]): Promise<void> {
    return this.inner.set(options);
  }
  get(): Promise<{ cts: boolean; dsr: boolean; dcd: boolean }> {
    return this.inner.get();
  }
  getBaudRate(): Promise<{ baudRate: number }> {
    return this.inner.getBaudRate();
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  drain(): Promise<void> {
    return this.inner.drain();
  }
}

/** `@serialport/binding-mock`'s API as used here (its package exports no types under NodeNext). */
interface MockBindingApi {
  createPort(
    path: string,
    options: { echo: boolean; record: boolean; maxReadSize: number; manufacturer: string },
  ): void;
  open(options: BindingOpenOptions): Promise<unknown>;
}

const { MockBinding } = createRequire(import.meta.url)("@serialport/binding-mock") as {
  MockBinding: MockBindingApi;
};

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FilInProcessRig {
  readonly path: string;
  readonly device: FilDevice;
  readonly scheduler = new VirtualScheduler();
  /** The serialport binding to hand to the serial source. */
  readonly binding: SerialBinding;
  /** Bytes the firmware sent while no host had the port open (lost, as on a real board). */
  bytesUnheard = 0;
  private readonly resetOnOpen: boolean;
  private readonly chunkMs: number;
  private open: FilPort | null = null;
  private wasUp = true;

  private constructor(device: FilDevice, path: string, options: FilInProcessOptions) {
    this.device = device;
    this.path = path;
    this.resetOnOpen = options.resetOnOpen ?? true;
    this.chunkMs = options.chunkMs ?? 100;
    this.binding = {
      list: async (): Promise<BindingPortInfo[]> =>
        this.device.linkUp
          ? [
              {
                path,
                manufacturer: "looptwin firmware-in-the-loop",
                serialNumber: this.device.uid ?? undefined,
                pnpId: undefined,
                locationId: undefined,
                productId: undefined,
                vendorId: undefined,
              },
            ]
          : [],
      open: async (opts: BindingOpenOptions): Promise<BindingPort> => {
        if (opts.path !== path || !this.device.linkUp)
          throw new Error(`Error: No such file or directory, cannot open ${opts.path}`);
        const inner = (await MockBinding.open({ ...opts, lock: false })) as unknown as MockPort;
        const port = new FilPort(inner, this);
        this.open = port;
        if (this.resetOnOpen) this.device.reboot("EXTERNAL");
        return port;
      },
    };
  }

  /** Starts the harness and creates the mock port (the MCU powers up now). */
  static async start(options: FilInProcessOptions): Promise<FilInProcessRig> {
    const path = options.path ?? "/dev/ttyFIL0";
    MockBinding.createPort(path, {
      echo: false,
      record: false,
      maxReadSize: 65_536,
      manufacturer: "looptwin",
    });
    let rig: FilInProcessRig | null = null;
    const device = await FilDevice.start({
      ...options.device,
      output: { write: (chunk) => rig?.toHost(chunk) },
    });
    rig = new FilInProcessRig(device, path, options);
    return rig;
  }

  /** Device time now [ms]. */
  get nowMs(): number {
    return this.device.nowMs;
  }

  /** Whether a host has the port open. */
  get hostConnected(): boolean {
    return this.open?.isOpen === true;
  }

  /** Runs device time up to `tMs`, yielding to the host between chunks and at every host timer. */
  async runUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    while (this.device.nowMs < tMs && !signal?.aborted) {
      const next = Math.min(tMs, this.device.nowMs + this.chunkMs, this.scheduler.nextDueMs());
      await this.device.advanceTo(Math.max(next, this.device.nowMs));
      this.checkLink();
      this.scheduler.advanceTo(this.device.nowMs);
      await yieldToHost();
    }
  }

  /** Runs `ms` more of device time. */
  runFor(ms: number, signal?: AbortSignal): Promise<void> {
    return this.runUntil(this.device.nowMs + ms, signal);
  }

  /** Stops the harness (close the source first). */
  async close(): Promise<void> {
    await this.device.close();
  }

  private checkLink(): void {
    const up = this.device.linkUp;
    if (!up && this.wasUp && this.open !== null) this.open.disconnect();
    this.wasUp = up;
  }

  /** @internal firmware bytes -> host */
  private toHost(chunk: Buffer): void {
    const port = this.open;
    if (port === null || !port.isOpen) {
      this.bytesUnheard += chunk.length;
      return;
    }
    port.inner.emitData(chunk);
  }

  /** @internal host bytes -> firmware, at the current device time */
  fromHost(chunk: Buffer): void {
    this.device.receive(chunk);
  }

  /** @internal */
  portClosed(port: FilPort): void {
    if (this.open === port) this.open = null;
  }
}
