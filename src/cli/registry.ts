/** The list of sub-commands, in the order `looptwin --help` shows them. */
import type { Command } from "./command.js";
import { detectCommand } from "./detectCommand.js";
import { evalCommand } from "./evalCommand.js";
import { portsCommand } from "./portsCommand.js";

export const commands: readonly Command[] = [portsCommand, detectCommand, evalCommand];
