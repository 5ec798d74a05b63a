/**
 * The list of sub-commands, in the order `looptwin --help` shows them. Each command's module is
 * imported only when that command runs (`load`), so `--help` and a light command such as
 * `simulate` never load blessed, serialport, johnny-five or node-pty (tests/cli/startup.test.ts).
 * Adding a command is one entry here.
 */
import type { CommandEntry } from "./command.js";

export const commands: readonly CommandEntry[] = [
  {
    name: "dashboard",
    runsForDays: true,
    summary: "terminal dashboard: live rig and twin, residual alarms, fault injection (works over SSH)",
    load: () => import("./dashboardCommand.js").then((m) => m.dashboardCommand),
  },
  {
    name: "serve",
    runsForDays: true,
    summary: "the live rig in a browser: page, JSON API and WebSocket stream (control only with a token)",
    load: () => import("./serveCommand.js").then((m) => m.serveCommand),
  },
  {
    name: "simulate",
    summary: "offline plant run (loop or seed model, inputs, faults, sensors) as CSV",
    load: () => import("./simulateCommand.js").then((m) => m.simulateCommand),
  },
  {
    name: "demo",
    summary: "a short simulated pump failure, as a table in the terminal",
    load: () => import("./demoCommand.js").then((m) => m.demoCommand),
  },
  {
    name: "emulate",
    runsForDays: true,
    summary: "a virtual rig on a pseudo-terminal (the firmware's protocol, driven by the plant model)",
    load: () => import("./emulateCommand.js").then((m) => m.emulateCommand),
  },
  {
    name: "ports",
    summary: "list serial ports (works without udev)",
    load: () => import("./portsCommand.js").then((m) => m.portsCommand),
  },
  {
    name: "replay",
    summary: "replay a recording (samples as CSV, or --summary), or a raw serial capture (--raw)",
    load: () => import("./replayCommand.js").then((m) => m.replayCommand),
  },
  {
    name: "record",
    runsForDays: true,
    summary: "record a live rig to an NDJSON recording (without the dashboard)",
    load: () => import("./recordCommand.js").then((m) => m.recordCommand),
  },
  {
    name: "calibrate",
    summary: "fit the loop model to a nominal recording or simulate --sensors CSV; write a rig config",
    load: () => import("./calibrateCommand.js").then((m) => m.calibrateCommand),
  },
  {
    name: "detect",
    summary: "per-row anomaly scores, decisions (and diagnoses, with the twin) on a data file or folder",
    load: () => import("./detectCommand.js").then((m) => m.detectCommand),
  },
  {
    name: "eval",
    summary: "F1, FAR, MAR, detection delay and NAB score of a detector (twin or learned) on labelled data",
    load: () => import("./evalCommand.js").then((m) => m.evalCommand),
  },
  {
    name: "hil",
    summary: "run HIL regression scenarios against the emulator, a pseudo-terminal or a real rig",
    load: () => import("./hilCommand.js").then((m) => m.hilCommand),
  },
  {
    name: "fleet",
    runsForDays: true,
    summary: "every rig on an MQTT broker: status, values, open alarms; a rig's live view (read-only)",
    load: () => import("./fleetCommand.js").then((m) => m.fleetCommand),
  },
  {
    name: "report",
    summary: "recordings as one self-contained HTML report with plots (hil run --html does it for a suite)",
    load: () => import("./reportCommand.js").then((m) => m.reportCommand),
  },
];
