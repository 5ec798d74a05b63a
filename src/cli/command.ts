/** What every `looptwin` sub-command provides to the dispatcher. */

/** Where a command writes; tests pass buffers, the binary passes process streams. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** Working directory for relative paths. */
  readonly cwd: string;
}

export interface Command {
  /** The word after `looptwin`, e.g. `simulate`. */
  readonly name: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command; returns the process exit code. Throws ConfigError/InputFileError for exit 2. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/**
 * One line of the registry. The summary lives here, not in the command's module, so that
 * `looptwin --help` lists every command without importing any of them; `load` imports the
 * command's module (and with it blessed, serialport, ...) only when that command runs.
 */
export interface CommandEntry {
  /** The word after `looptwin`; equals the loaded command's `name`. */
  readonly name: string;
  /** One line for `looptwin --help`. */
  readonly summary: string;
  /**
   * The command holds a live link for hours or days (a recorder, a dashboard, the web server, the
   * emulator, the fleet view): the binary then tells V8 to keep its heap small rather than fast
   * (bin/looptwin.js; docs/design.md, section 3, "Memory over days"). Batch commands run at full speed.
   */
  readonly runsForDays?: true;
  readonly load: () => Promise<Command>;
}
