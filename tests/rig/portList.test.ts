import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listPorts, scanPorts } from "../../src/rig/hardware/portList.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "looptwin-ports-"));
  const dev = join(root, "dev");
  mkdirSync(dev);
  for (const n of ["ttyACM0", "ttyUSB1", "ttyS0", "null", "ttyAMA0"]) writeFileSync(join(dev, n), "");
  // sysfs: /sys/class/tty/ttyACM0/device -> ../../../devices/usb1/1-1/1-1:1.0 (interface), parent has ids.
  const usbDev = join(root, "sys", "devices", "usb1", "1-1");
  mkdirSync(join(usbDev, "1-1:1.0"), { recursive: true });
  writeFileSync(join(usbDev, "idVendor"), "2341\n");
  writeFileSync(join(usbDev, "idProduct"), "0043\n");
  writeFileSync(join(usbDev, "manufacturer"), "Arduino (www.arduino.cc)\n");
  writeFileSync(join(usbDev, "serial"), "75833353035351B0E1C1\n");
  mkdirSync(join(root, "sys", "class", "tty", "ttyACM0"), { recursive: true });
  symlinkSync(join(usbDev, "1-1:1.0"), join(root, "sys", "class", "tty", "ttyACM0", "device"));
  const links = join(root, "tmp");
  mkdirSync(links);
  symlinkSync("/dev/null", join(links, "ttyLOOP0")); // a character device, like /dev/pts/N
  symlinkSync(join(root, "gone"), join(links, "ttyLOOP1")); // dangling: emulator gone
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const dirs = () => ({
  devDir: join(root, "dev"),
  sysTtyDir: join(root, "sys", "class", "tty"),
  linkDirs: [join(root, "tmp")],
});

describe("port listing without udev", () => {
  it("scans /dev, reads sysfs USB ids and finds live emulator links", () => {
    const ports = scanPorts(dirs());
    expect(ports.map((p) => p.path)).toEqual([
      join(root, "dev", "ttyACM0"),
      join(root, "dev", "ttyAMA0"),
      join(root, "dev", "ttyUSB1"),
      join(root, "tmp", "ttyLOOP0"),
    ]);
    expect(ports[0]).toEqual({
      path: join(root, "dev", "ttyACM0"),
      kind: "usb",
      vendorId: "2341",
      productId: "0043",
      manufacturer: "Arduino (www.arduino.cc)",
      serialNumber: "75833353035351B0E1C1",
    });
    expect(ports[1]?.kind).toBe("serial");
    expect(ports[2]?.kind).toBe("usb");
    expect(ports[3]).toMatchObject({ kind: "emulator", target: "/dev/null" });
  });

  it("falls back to the scan when the udev listing fails, and says why", async () => {
    const listing = await listPorts(async () => {
      throw new Error("spawn udevadm ENOENT\n    at stack line");
    }, dirs());
    expect(listing.method).toBe("scan");
    expect(listing.fallbackReason).toBe("spawn udevadm ENOENT");
    expect(listing.ports).toHaveLength(4);
  });

  it("uses the udev listing when it works, plus emulator links", async () => {
    const listing = await listPorts(
      async () => [{ path: "/dev/ttyACM3", manufacturer: "Arduino", serialNumber: "", vendorId: "2341" }],
      dirs(),
    );
    expect(listing.method).toBe("udev");
    expect(listing.ports).toEqual([
      { path: "/dev/ttyACM3", manufacturer: "Arduino", vendorId: "2341", kind: "usb" },
      {
        path: join(root, "tmp", "ttyLOOP0"),
        kind: "emulator",
        target: "/dev/null",
        manufacturer: "looptwin emulator",
      },
    ]);
  });
});
