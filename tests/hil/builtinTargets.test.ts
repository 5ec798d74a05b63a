/** `--target` specs: which kinds take an argument, and the errors that name a bad one. */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { builtinTargets } from "../../src/hil/targets/builtinTargets.js";

const context = { cwd: process.cwd() };

function refusal(spec: string, speed?: number): string {
  try {
    builtinTargets().create(spec, speed === undefined ? context : { ...context, speed });
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`${spec} was accepted`);
}

describe("built-in HIL targets", () => {
  it("fil takes an optional firmware ELF, relative to the working folder", () => {
    expect(builtinTargets().create("fil", context).name).toBe("fil");
    // Any existing file will do for the factory (the harness checks it is an ELF when it runs).
    expect(builtinTargets().create("fil:package.json", context).name).toBe("fil:package.json");
    expect(refusal("fil:no/such/firmware.elf")).toMatch(
      /--target.*no such firmware ELF.*fil:no\/such\/firmware\.elf/,
    );
  });

  it("serial and firmata need a path; the emulator takes none; an unknown kind lists the known ones", () => {
    expect(refusal("serial")).toMatch(/needs a path: serial:PATH/);
    expect(refusal("firmata")).toMatch(/needs a path: firmata:PATH/);
    expect(refusal("emulator:x")).toMatch(/emulator takes no argument/);
    expect(refusal("bogus")).toMatch(
      /unknown target \(one of emulator, pty, serial:PATH, firmata:PATH, fil\[:ELF\]\)/,
    );
  });

  it("--speed is for the targets that run at it: a real rig and the virtual-time ones refuse it", () => {
    const only = "applies to --target pty and firmata:PATH only";
    expect(refusal("serial:/dev/ttyACM0", 0.5)).toBe(`--speed: ${only}, not serial:PATH (got 0.5)`);
    expect(refusal("emulator", 2)).toBe(`--speed: ${only}, not emulator (got 2)`);
    expect(refusal("fil", 2)).toBe(`--speed: ${only}, not fil[:ELF] (got 2)`);
    expect(builtinTargets().create("pty", { ...context, speed: 10 }).name).toBe("pty");
    expect(builtinTargets().create("firmata:/tmp/ttyNONE", { ...context, speed: 0.5 }).name).toBe(
      "firmata:/tmp/ttyNONE",
    );
  });
});
