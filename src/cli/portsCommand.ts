/** `looptwin ports [--json]`: serial ports present, with or without udev. */

import { listPorts, type PortListing, udevPortList } from "../rig/hardware/portList.js";
import { flagOpt, parseCommandArgs } from "./args.js";
import type { CliIo, Command } from "./command.js";

const HELP = `Usage: looptwin ports [--json]

Lists serial ports with what is known of them (path, kind, manufacturer, serial number, USB ids).
Uses udev when present; otherwise (containers, minimal systems) scans /dev/ttyACM*, /dev/ttyUSB*,
/dev/ttyAMA*, sysfs, and emulator links /tmp/ttyLOOP* made by 'looptwin emulate'.

Options:
  --json   print {"method": "udev"|"scan", "ports": [...]} as JSON
`;

function formatTable(listing: PortListing): string {
  if (listing.ports.length === 0) return "no serial ports found\n";
  const rows = listing.ports.map((p) => [
    p.path,
    p.kind,
    p.manufacturer ?? p.product ?? "",
    p.serialNumber ?? "",
    p.vendorId !== undefined ? `${p.vendorId}:${p.productId ?? "?"}` : "",
    p.target !== undefined ? `-> ${p.target}` : "",
  ]);
  const head = ["PATH", "KIND", "MANUFACTURER", "SERIAL", "USB ID", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return `${[head, ...rows].map(line).join("\n")}\n`;
}

/** The command over a port lister; tests pass a known listing, the CLI the machine's. */
export function createPortsCommand(list: () => Promise<PortListing>): Command {
  return {
    name: "ports",
    help: HELP,
    run: (argv, io) => runPorts(list, argv, io),
  };
}

export const portsCommand: Command = createPortsCommand(() => listPorts(udevPortList));

async function runPorts(
  list: () => Promise<PortListing>,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const args = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const listing = await list();
  if (flagOpt(args, "json")) {
    io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(formatTable(listing));
  if (listing.method === "scan") {
    io.stderr.write(`(udev unavailable: ${listing.fallbackReason ?? "unknown"}; scanned /dev instead)\n`);
  }
  return 0;
}
