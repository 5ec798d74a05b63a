import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPortsCommand, portsCommand } from "../../src/cli/portsCommand.js";
import { listPorts, type PortListing } from "../../src/rig/hardware/portList.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      cwd: "/",
    },
    out,
    err,
  };
}

/** An Uno as udev describes it, and an emulator link. */
const KNOWN: PortListing = {
  method: "udev",
  ports: [
    {
      path: "/dev/ttyACM0",
      kind: "usb",
      manufacturer: "Arduino (www.arduino.cc)",
      serialNumber: "75833353035351F0E0A1",
      vendorId: "2341",
      productId: "0043",
    },
    { path: "/tmp/ttyLOOP0", kind: "emulator", manufacturer: "looptwin emulator", target: "/dev/pts/3" },
  ],
};

describe("looptwin ports on a known list of ports", () => {
  const known = (listing: PortListing) => createPortsCommand(async () => listing);

  it("prints one row per port under the header, columns padded to the widest cell", async () => {
    const t = io();
    expect(await known(KNOWN).run([], t.io)).toBe(0);
    // Written by hand: widths PATH 13, KIND 8, MANUFACTURER 24, SERIAL 20, USB ID 9, two spaces apart.
    expect(t.out.join("")).toBe(
      [
        "PATH           KIND      MANUFACTURER              SERIAL                USB ID",
        "/dev/ttyACM0   usb       Arduino (www.arduino.cc)  75833353035351F0E0A1  2341:0043",
        "/tmp/ttyLOOP0  emulator  looptwin emulator                                          -> /dev/pts/3",
        "",
      ].join("\n"),
    );
    expect(t.err).toEqual([]);
  });

  it("--json prints the listing as it is", async () => {
    const t = io();
    expect(await known(KNOWN).run(["--json"], t.io)).toBe(0);
    expect(JSON.parse(t.out.join(""))).toEqual(KNOWN);
  });

  it("says when there is no port, and why it scanned /dev when udev was missing", async () => {
    const t = io();
    const scanned: PortListing = { method: "scan", ports: [], fallbackReason: "spawn udevadm ENOENT" };
    expect(await known(scanned).run([], t.io)).toBe(0);
    expect(t.out.join("")).toBe("no serial ports found\n");
    expect(t.err.join("")).toBe("(udev unavailable: spawn udevadm ENOENT; scanned /dev instead)\n");
  });

  it("shows what udev reports through listPorts: a USB id makes a port usb, an empty field is left out", async () => {
    const noLinks = mkdtempSync(join(tmpdir(), "looptwin-ports-"));
    try {
      const udev = async () => [
        { path: "/dev/ttyS0", manufacturer: "", serialNumber: undefined },
        { path: "/dev/ttyUSB0", vendorId: "1a86", productId: "7523", manufacturer: "QinHeng" },
      ];
      const t = io();
      expect(await createPortsCommand(() => listPorts(udev, { linkDirs: [noLinks] })).run([], t.io)).toBe(0);
      expect(t.out.join("")).toBe(
        [
          "PATH          KIND    MANUFACTURER  SERIAL  USB ID",
          "/dev/ttyS0    serial",
          "/dev/ttyUSB0  usb     QinHeng               1a86:7523",
          "",
        ].join("\n"),
      );
    } finally {
      rmSync(noLinks, { recursive: true, force: true });
    }
  });
});

describe("looptwin ports on this machine", () => {
  it("prints JSON (with or without udev) and never a stack trace", async () => {
    const t = io();
    expect(await portsCommand.run(["--json"], t.io)).toBe(0);
    const parsed = JSON.parse(t.out.join("")) as { method: string; ports: unknown[] };
    expect(["udev", "scan"]).toContain(parsed.method);
    expect(Array.isArray(parsed.ports)).toBe(true);
    expect(t.err.join("")).not.toMatch(/\n\s+at /);
  });

  it("prints a table or 'no serial ports found'", async () => {
    const t = io();
    expect(await portsCommand.run([], t.io)).toBe(0);
    expect(t.out.join("")).toMatch(/^(PATH\s+KIND|no serial ports found)/);
    expect(t.err.join("")).not.toMatch(/\n\s+at /);
  });

  it("rejects unknown options as a ConfigError", async () => {
    await expect(portsCommand.run(["--bogus"], io().io)).rejects.toThrow(/--bogus|bogus/);
  });
});
