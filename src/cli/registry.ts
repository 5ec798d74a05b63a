/** The list of sub-commands, in the order `looptwin --help` shows them. */
import type { Command } from "./command.js";
import { portsCommand } from "./portsCommand.js";

export const commands: readonly Command[] = [portsCommand];
