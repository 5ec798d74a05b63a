/**
 * The emulated device in-process, behind a serialport mock port (`@serialport/binding-mock`), so
 * the serial source's own code path (SerialPortStream, framer, parser, handshake, commands,
 * reconnect) is what runs: `new SerialSource({ path: emu.path, binding: emu.binding, scheduler:
 * emu.scheduler })`.
 *
 * Time is virtual and shared: the emulator drives a {@link VirtualScheduler} that the host side
 * uses for its timers (PING, ACK timeouts, handshake, reconnect backoff). Between chunks of
 * device time it yields to the event loop so the host handles every byte before time moves on.
 * It runs as fast as the CPU allows (`start()`, `runUntil()`), or paced at `speed` times wall
 * time (`start({ speed })`, the dashboard's `--emulate`).
 *
 * The port behaves like an Arduino's: opening it resets the device (DTR), a `link_disconnect`
 * fault makes reads fail as an unplugged USB adapter does (a disconnect, not a cancel) and the
 * path unopenable until the link is back.
 */
import { createRequire } from "node:module";
import type { BindingOpenOptions, BindingPort, BindingPortInfo, SerialBinding } from "./bindingTypes.js";
import { EmulatedDevice, type EmulatedDeviceOptions } from "./emulatedDevice.js";
import { VirtualScheduler } from "./scheduler.js";

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

/** Error of a read or write while the link is down: not `canceled`, so serialport sees a disconnect. */
class LinkLostError extends Error {
  readonly disconnected = true;
  constructor(path: string) {
    super(`${path}: EIO (device disconnected)`);
  }
}

/** The host side of one open of the mock port. */
class EmulatorPort implements BindingPort {
  readonly inner: BindingPort & { emitData(data: Buffer): void; port?: { data: Buffer } };
  private readonly owner: InProcessEmulator;
  private lost = false;
  private rejectRead: ((e: Error) => void) | null = null;

  constructor(inner: EmulatorPort["inner"], owner: InProcessEmulator) {
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

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class InProcessEmulator {
  readonly path: string;
  readonly device: EmulatedDevice;
  readonly scheduler = new VirtualScheduler();
  /** The serialport binding to hand to the serial source. */
  readonly binding: SerialBinding;
  private readonly resetOnOpen: boolean;
  private readonly chunkMs: number;
  private open: EmulatorPort | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wasUp = true;
  /** Bytes the device sent while no host had the port open (lost, as on a real board). */
  bytesUnheard = 0;

  constructor(options: InProcessEmulatorOptions) {
    this.path = options.path ?? "/dev/ttyEMU0";
    this.resetOnOpen = options.resetOnOpen ?? true;
    this.chunkMs = options.chunkMs ?? 100;
    MockBinding.createPort(this.path, {
      echo: false,
      record: false,
      maxReadSize: 65_536,
      manufacturer: "looptwin",
    });
    this.device = new EmulatedDevice({
      ...options.device,
      output: { write: (chunk) => this.toHost(chunk) },
    });
    const path = this.path;
    this.binding = {
      list: async (): Promise<BindingPortInfo[]> =>
        this.device.linkUp
          ? [
              {
                path,
                manufacturer: "looptwin emulator",
                serialNumber: this.device.uid,
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
        const inner = (await MockBinding.open({ ...opts, lock: false })) as unknown as EmulatorPort["inner"];
        const port = new EmulatorPort(inner, this);
        this.open = port;
        if (this.resetOnOpen) this.device.reboot("EXTERNAL");
        return port;
      },
    };
  }

  /** Virtual time now [ms]. */
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

  /** Runs virtual time up to `tMs`, yielding to the host between chunks and at every host timer. */
  async runUntil(tMs: number, signal?: AbortSignal): Promise<void> {
    while (this.device.nowMs < tMs && !signal?.aborted) {
      await this.step(tMs);
    }
  }

  /** Runs `ms` more of virtual time. */
  runFor(ms: number, signal?: AbortSignal): Promise<void> {
    return this.runUntil(this.device.nowMs + ms, signal);
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

  /** One chunk of virtual time, then the host timers due, then a yield. */
  private async step(limitMs: number): Promise<void> {
    const next = Math.min(limitMs, this.device.nowMs + this.chunkMs, this.scheduler.nextDueMs());
    this.device.advanceTo(Math.max(next, this.device.nowMs));
    this.checkLink();
    this.scheduler.advanceTo(this.device.nowMs);
    await yieldToHost();
  }

  private checkLink(): void {
    const up = this.device.linkUp;
    if (!up && this.wasUp && this.open !== null) this.open.disconnect();
    this.wasUp = up;
  }

  /** @internal device bytes -> host */
  private toHost(chunk: Buffer): void {
    const port = this.open;
    if (port === null || !port.isOpen) {
      this.bytesUnheard += chunk.length;
      return;
    }
    port.inner.emitData(chunk);
  }

  /** @internal host bytes -> device, at the current virtual time */
  fromHost(chunk: Buffer): void {
    this.device.receive(chunk);
  }

  /** @internal */
  portClosed(port: EmulatorPort): void {
    if (this.open === port) this.open = null;
  }
}
