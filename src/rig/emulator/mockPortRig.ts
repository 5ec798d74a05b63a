/**
 * A device on virtual time behind a serialport mock port (`@serialport/binding-mock`), so the
 * serial source's own code path (SerialPortStream, framer, parser, handshake, commands, retries,
 * reconnect) is what runs: `new SerialSource({ path: rig.path, binding: rig.binding, scheduler:
 * rig.scheduler })`. The in-process emulator (`InProcessEmulator`, the emulated device) and the
 * firmware-in-the-loop rig (`FilInProcessRig`, the firmware in simavr) are this rig with their
 * device inside.
 *
 * Time is virtual and shared: the rig drives a {@link VirtualScheduler} that the host side uses for
 * its timers (PING, ACK timeouts, handshake, reconnect backoff), and runs device time only when
 * asked ({@link MockPortRig.runUntil}), yielding to the host between chunks and at every host timer
 * so the host handles every byte before time moves on.
 *
 * The port behaves like an Arduino's: opening it resets the device (DTR), and while the device's
 * link is down (a `link_disconnect` fault) reads and writes fail as an unplugged USB adapter's do
 * (a disconnect, not a cancel) and the path cannot be opened.
 */
import { createRequire } from "node:module";
import type { ResetCause } from "../../protocol/messages.js";
import type {
  BindingOpenOptions,
  BindingPort,
  BindingPortInfo,
  SerialBinding,
} from "../source/bindingTypes.js";
import { VirtualScheduler } from "../source/scheduler.js";
import type { DeviceOutput } from "./emulatedDevice.js";

/** What the rig needs of the device behind the port. */
export interface MockPortDevice {
  /** Device time now [ms]. */
  readonly nowMs: number;
  /** False while a `link_disconnect` fault holds the link down. */
  readonly linkUp: boolean;
  /** Serial number the port list shows (null: none). */
  readonly uid: string | null;
  /** Bytes from the host, arriving at the current device time. */
  receive(bytes: Uint8Array): void;
  /** Resets the device now (`EXTERNAL`: the DTR reset when the port opens). */
  reboot(cause: ResetCause): void;
  /** Runs device time to `tMs`, writing the device's output on the way (at once or by the promise). */
  advanceTo(tMs: number): void | Promise<void>;
}

export interface MockPortRigOptions {
  /** Mock port path. */
  readonly path: string;
  /** Manufacturer the port list shows for the device. */
  readonly manufacturer: string;
  /** Opening the port reboots the device (an Uno's DTR reset). @default true */
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

interface PortOwner {
  fromHost(chunk: Buffer): void;
  portClosed(port: RigPort): void;
}

/** The host side of one open of the mock port. */
class RigPort implements BindingPort {
  readonly inner: MockPort;
  private readonly owner: PortOwner;
  private lost = false;
  private rejectRead: ((e: Error) => void) | null = null;

  constructor(inner: MockPort, owner: PortOwner) {
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

  /** The device went away: the pending read fails with a disconnect. */
  disconnect(): void {
    this.lost = true;
    this.rejectRead?.(new LinkLostError(this.inner.openOptions.path));
    this.rejectRead = null;
  }

  /** Bytes waiting in the mock port for the host to read. */
  get queuedBytes(): number {
    return this.inner.port?.data.length ?? 0;
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

/** Lets the host run: its pending I/O callbacks, then the microtasks they queue. */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A device behind a mock port on shared virtual time (see the file's doc). */
export class MockPortRig<D extends MockPortDevice> {
  readonly path: string;
  readonly device: D;
  readonly scheduler = new VirtualScheduler();
  /** The serialport binding to hand to the serial source. */
  readonly binding: SerialBinding;
  /** Bytes the device sent while no host had the port open (lost, as on a real board). */
  bytesUnheard = 0;
  private readonly resetOnOpen: boolean;
  /** Largest step of device time between yields to the host [ms]. */
  protected readonly chunkMs: number;
  private open: RigPort | null = null;
  private wasUp = true;

  /**
   * Creates the mock port, then the device by `makeDevice`, whose output it must write to (bytes
   * it writes while no host has the port open count as {@link bytesUnheard}).
   */
  constructor(options: MockPortRigOptions, makeDevice: (output: DeviceOutput) => D) {
    const path = options.path;
    this.path = path;
    this.resetOnOpen = options.resetOnOpen ?? true;
    this.chunkMs = options.chunkMs ?? 100;
    MockBinding.createPort(path, {
      echo: false,
      record: false,
      maxReadSize: 65_536,
      manufacturer: "looptwin",
    });
    this.device = makeDevice({ write: (chunk) => this.toHost(chunk) });
    this.binding = {
      list: async (): Promise<BindingPortInfo[]> =>
        this.device.linkUp
          ? [
              {
                path,
                manufacturer: options.manufacturer,
                serialNumber: this.device.uid ?? undefined,
                pnpId: undefined,
                locationId: undefined,
                productId: undefined,
                vendorId: undefined,
              },
            ]
          : [],
      open: async (opts: BindingOpenOptions): Promise<BindingPort> => {
        if (opts.path !== path || !this.device.linkUp) {
          throw new Error(`Error: No such file or directory, cannot open ${opts.path}`);
        }
        const inner = (await MockBinding.open({ ...opts, lock: false })) as unknown as MockPort;
        const port = new RigPort(inner, this);
        this.open = port;
        if (this.resetOnOpen) this.device.reboot("EXTERNAL");
        return port;
      },
    };
  }

  /** Device (virtual) time now [ms]. */
  get nowMs(): number {
    return this.device.nowMs;
  }

  /** Whether a host has the port open. */
  get hostConnected(): boolean {
    return this.open?.isOpen === true;
  }

  /** Device bytes not yet read by the host. */
  get queuedBytes(): number {
    return this.open?.queuedBytes ?? 0;
  }

  /** Runs device time up to `tMs`, yielding to the host between chunks and at every host timer. */
  async runUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    while (this.device.nowMs < tMs && !signal?.aborted) {
      await this.step(tMs);
    }
  }

  /** Runs `ms` more of device time. */
  runFor(ms: number, signal?: AbortSignal): Promise<void> {
    return this.runUntil(this.device.nowMs + ms, signal);
  }

  /**
   * Sends raw bytes to the host as if the device had (garbage, a foreign device), in chunks as the
   * host reads them, so the mock port never holds more than one chunk.
   */
  async sendRaw(bytes: Uint8Array, chunkBytes = 65_536): Promise<void> {
    for (let off = 0; off < bytes.length; off += chunkBytes) {
      const port = this.open;
      if (port === null || !port.isOpen) return;
      port.inner.emitData(Buffer.from(bytes.subarray(off, off + chunkBytes)));
      while (port.queuedBytes > 0 && port.isOpen) await yieldToHost();
    }
  }

  /** One chunk of device time (at most to `limitMs`), then the host timers due, then a yield. */
  protected async step(limitMs: number): Promise<void> {
    const next = Math.min(limitMs, this.device.nowMs + this.chunkMs, this.scheduler.nextDueMs());
    // Only an asynchronous device is awaited: after a synchronous one the link check and the host
    // timers follow at once, with nothing of the host's in between.
    const running = this.device.advanceTo(Math.max(next, this.device.nowMs));
    if (running !== undefined) await running;
    this.checkLink();
    this.scheduler.advanceTo(this.device.nowMs);
    await yieldToHost();
  }

  private checkLink(): void {
    const up = this.device.linkUp;
    if (!up && this.wasUp && this.open !== null) this.open.disconnect();
    this.wasUp = up;
  }

  /** Device bytes -> host (counted as unheard while no host has the port open). */
  protected toHost(chunk: Buffer): void {
    const port = this.open;
    if (port === null || !port.isOpen) {
      this.bytesUnheard += chunk.length;
      return;
    }
    port.inner.emitData(chunk);
  }

  /** @internal host bytes -> device, at the current device time */
  fromHost(chunk: Buffer): void {
    this.device.receive(chunk);
  }

  /** @internal */
  portClosed(port: RigPort): void {
    if (this.open === port) this.open = null;
  }
}
