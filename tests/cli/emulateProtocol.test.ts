/**
 * `looptwin emulate --protocol`: firmata needs a firmware ELF (a StandardFirmata build), and only
 * the two protocols exist; both mistakes are a ConfigError naming --protocol (exit 2), before
 * anything starts.
 */
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/command.js";
import { runEmulate } from "../../src/cli/emulateCommand.js";
import { ConfigError } from "../../src/core/errors.js";

const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: "/" } as unknown as CliIo;

describe("looptwin emulate --protocol", () => {
  it("refuses firmata without --firmware", async () => {
    const e = await runEmulate(["--protocol", "firmata", "--link", "/tmp/never-made"], io).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(
      '--protocol: needs --firmware ELF (a StandardFirmata build) (got "firmata")',
    );
  });

  it("refuses an unknown protocol", async () => {
    const e = await runEmulate(["--protocol", "modbus", "--firmware", "x.elf"], io).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe('--protocol: must be looptwin or firmata (got "modbus")');
  });
});
