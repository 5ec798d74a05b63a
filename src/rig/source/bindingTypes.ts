/**
 * The serialport binding contract (`@serialport/bindings-interface`), restated: that package's
 * `exports` map has no `types` entry, so NodeNext resolution cannot see its declarations. Real
 * bindings (`@serialport/bindings-cpp`), `@serialport/binding-mock` and the emulator's binding
 * all satisfy these shapes.
 */

export interface BindingOpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  lock?: boolean;
  stopBits?: 1 | 1.5 | 2;
  parity?: string;
  rtscts?: boolean;
  xon?: boolean;
  xoff?: boolean;
  xany?: boolean;
  hupcl?: boolean;
}

export interface BindingPortInfo {
  path: string;
  manufacturer: string | undefined;
  serialNumber: string | undefined;
  pnpId: string | undefined;
  locationId: string | undefined;
  productId: string | undefined;
  vendorId: string | undefined;
}

/**
 * An open port. In-progress reads and writes of a port closed on purpose reject with an error
 * whose `canceled` is true; any other rejection is a disconnect.
 */
export interface BindingPort {
  readonly openOptions: Required<BindingOpenOptions>;
  isOpen: boolean;
  close(): Promise<void>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
  update(options: { baudRate: number }): Promise<void>;
  set(options: { brk?: boolean; cts?: boolean; dsr?: boolean; dtr?: boolean; rts?: boolean }): Promise<void>;
  get(): Promise<{ cts: boolean; dsr: boolean; dcd: boolean }>;
  getBaudRate(): Promise<{ baudRate: number }>;
  flush(): Promise<void>;
  drain(): Promise<void>;
}

export interface SerialBinding {
  list(): Promise<BindingPortInfo[]>;
  open(options: BindingOpenOptions): Promise<BindingPort>;
}
