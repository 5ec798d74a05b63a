/** The list of sub-commands, in the order `looptwin --help` shows them. */
import { calibrateCommand } from "./calibrateCommand.js";
import type { Command } from "./command.js";
import { dashboardCommand } from "./dashboardCommand.js";
import { demoCommand } from "./demoCommand.js";
import { detectCommand } from "./detectCommand.js";
import { emulateCommand } from "./emulateCommand.js";
import { evalCommand } from "./evalCommand.js";
import { hilCommand } from "./hilCommand.js";
import { portsCommand } from "./portsCommand.js";
import { recordCommand } from "./recordCommand.js";
import { replayCommand } from "./replayCommand.js";
import { simulateCommand } from "./simulateCommand.js";

export const commands: readonly Command[] = [
  dashboardCommand,
  simulateCommand,
  demoCommand,
  emulateCommand,
  portsCommand,
  replayCommand,
  recordCommand,
  calibrateCommand,
  detectCommand,
  evalCommand,
  hilCommand,
];
