/**
 * Serial ports present on this machine. `SerialPort.list()` needs udev on Linux (it runs
 * `udevadm`), which containers and minimal systems lack (`spawn udevadm ENOENT`); then the ports
 * are found by scanning `/dev` for USB serial devices, reading what sysfs knows of them
 * (manufacturer, serial number, USB ids), and emulator links (`looptwin emulate --link`).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { staleTerminalLink } from "./pathWatch.js";

/** One port and what is known of it. */
export interface PortEntry {
  readonly path: string;
  /** `usb` a USB serial device, `emulator` a pseudo-terminal link, `serial` anything else. */
  readonly kind: "usb" | "emulator" | "serial";
  readonly manufacturer?: string;
  readonly product?: string;
  readonly serialNumber?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  /** What a link points to (`/dev/pts/3` for an emulator link). */
  readonly target?: string;
}

export interface PortListing {
  readonly ports: readonly PortEntry[];
  /** `udev` when `SerialPort.list()` answered, `scan` when the fallback was used. */
  readonly method: "udev" | "scan";
  /** Why the fallback was used (one line), if it was. */
  readonly fallbackReason?: string;
}

/** Where to look; tests point these at a temporary tree. */
export interface ScanDirs {
  /** @default "/dev" */
  readonly devDir?: string;
  /** @default "/sys/class/tty" */
  readonly sysTtyDir?: string;
  /** Directories holding emulator links named `ttyLOOP*`. @default ["/tmp"] */
  readonly linkDirs?: readonly string[];
}

/** Device names of USB serial adapters and boards (CDC ACM, FTDI/CH340/CP210x, Pi UARTs). */
const DEV_PATTERN = /^(ttyACM\d+|ttyUSB\d+|ttyAMA\d+|rfcomm\d+)$/;
/** Emulator link names (`looptwin emulate --link /tmp/ttyLOOP0`). */
export const EMULATOR_LINK_PATTERN = /^ttyLOOP/;

function readTrimmed(path: string): string | undefined {
  try {
    const s = readFileSync(path, "utf8").trim();
    return s === "" ? undefined : s;
  } catch {
    return undefined;
  }
}

/** Walks up from the tty's device directory to the USB device that has `idVendor`. */
function usbInfo(sysTtyDir: string, name: string): Partial<PortEntry> {
  let dir: string;
  try {
    dir = realpathSync(join(sysTtyDir, name, "device"));
  } catch {
    return {};
  }
  for (let i = 0; i < 4 && dir.length > 1; i++) {
    const vendorId = readTrimmed(join(dir, "idVendor"));
    if (vendorId !== undefined) {
      const info: Record<string, string> = { vendorId };
      const add = (key: keyof PortEntry, file: string): void => {
        const v = readTrimmed(join(dir, file));
        if (v !== undefined) info[key] = v;
      };
      add("productId", "idProduct");
      add("manufacturer", "manufacturer");
      add("product", "product");
      add("serialNumber", "serial");
      return info;
    }
    dir = join(dir, "..");
  }
  return {};
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Emulator links (`ttyLOOP*`) whose target still exists and is still theirs (pathWatch.ts). */
export function scanEmulatorLinks(linkDirs: readonly string[] = ["/tmp"]): PortEntry[] {
  const out: PortEntry[] = [];
  for (const d of linkDirs) {
    for (const name of safeReaddir(d)) {
      if (!EMULATOR_LINK_PATTERN.test(name)) continue;
      const path = join(d, name);
      try {
        const target = realpathSync(path);
        if (!statSync(target).isCharacterDevice() || staleTerminalLink(path) !== null) continue;
        out.push({ path, kind: "emulator", target, manufacturer: "looptwin emulator" });
      } catch {
        // A dangling link: its emulator has gone.
      }
    }
  }
  return out;
}

/** The fallback: scans `/dev` and sysfs (no udev needed). */
export function scanPorts(dirs: ScanDirs = {}): PortEntry[] {
  const devDir = dirs.devDir ?? "/dev";
  const sysTtyDir = dirs.sysTtyDir ?? "/sys/class/tty";
  const out: PortEntry[] = [];
  for (const name of safeReaddir(devDir)) {
    if (!DEV_PATTERN.test(name)) continue;
    const info = usbInfo(sysTtyDir, name);
    const usb = info.vendorId !== undefined || /^tty(ACM|USB)/.test(name);
    out.push({ path: join(devDir, name), kind: usb ? "usb" : "serial", ...info });
  }
  return [...out, ...scanEmulatorLinks(dirs.linkDirs)];
}

/** The shape of `SerialPort.list()` results that is used. */
export interface UdevPortInfo {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

/** `SerialPort.list()`, serialport loaded only when called (the CLI's start stays light). */
export async function udevPortList(): Promise<readonly UdevPortInfo[]> {
  const { SerialPort } = await import("serialport");
  return SerialPort.list();
}

/**
 * Lists ports: `list()` (normally {@link udevPortList}) first; if it throws, the scan. Emulator links
 * are added in both cases. Never throws.
 */
export async function listPorts(
  list: () => Promise<readonly UdevPortInfo[]>,
  dirs: ScanDirs = {},
): Promise<PortListing> {
  try {
    const found = await list();
    const ports: PortEntry[] = found.map((p) => {
      const e: Record<string, string> = { path: p.path };
      for (const k of ["manufacturer", "serialNumber", "vendorId", "productId"] as const) {
        const v = p[k];
        if (v !== undefined && v !== "") e[k] = v;
      }
      const kind = e.vendorId !== undefined || /tty(ACM|USB)/.test(basename(p.path)) ? "usb" : "serial";
      return { ...e, kind } as PortEntry;
    });
    return { ports: [...ports, ...scanEmulatorLinks(dirs.linkDirs)], method: "udev" };
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
    return { ports: scanPorts(dirs), method: "scan", fallbackReason: reason };
  }
}
