/** The list of sub-commands, in the order `looptwin --help` shows them. */
import type { Command } from "./command.js";
import { demoCommand } from "./demoCommand.js";
import { detectCommand } from "./detectCommand.js";
import { evalCommand } from "./evalCommand.js";
import { portsCommand } from "./portsCommand.js";
import { simulateCommand } from "./simulateCommand.js";

export const commands: readonly Command[] = [
  simulateCommand,
  demoCommand,
  portsCommand,
  detectCommand,
  evalCommand,
];
