/**
 * `looptwin`: dispatches to the sub-commands. The only module that decides exit codes; the binary
 * (bin/looptwin.js) is the only place that sets them on the process.
 */
import { isConfigError, isInputFileError } from "../core/errors.js";
import type { CliIo, CommandEntry } from "./command.js";
import { commands } from "./registry.js";

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };

function topHelp(list: readonly CommandEntry[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    "looptwin: hardware-in-the-loop harness and digital twin for a closed thermal cooling loop",
    "",
    "Usage: looptwin <command> [options]    (looptwin <command> --help for its options)",
    "",
    "Commands:",
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(topHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(
      `looptwin: unknown command ${JSON.stringify(name)} (commands: ${commands.map((c) => c.name).join(", ")})\n`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isConfigError(e) || isInputFileError(e)) {
      io.stderr.write(`looptwin ${command.name}: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr.write(`looptwin ${command.name}: ${message}\n`);
    return 1;
  }
}

/**
 * Whether `argv`'s command holds a live link for days (its registry entry's `runsForDays`), so the
 * binary should favour a small heap over speed before it loads the command.
 */
export function runsForDays(argv: readonly string[]): boolean {
  return commands.find((c) => c.name === argv[0])?.runsForDays === true;
}

export const VERSION = "0.1.0";
