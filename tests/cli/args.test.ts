import { describe, expect, it } from "vitest";
import { parseCommandArgs, parseNumberArg } from "../../src/cli/args.js";
import { main } from "../../src/cli/main.js";

function capture() {
  let out = "";
  let err = "";
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      cwd: process.cwd(),
    },
    out: () => out,
    err: () => err,
  };
}

describe("argument parsing", () => {
  const specs = { dt: { type: "string" }, flag: { type: "boolean" } } as const;

  it("names an unknown option", () => {
    expect(() => parseCommandArgs(["--bogus"], specs, false)).toThrow(/--bogus: unknown option/);
  });

  it("says how to write a negative value", () => {
    expect(() => parseCommandArgs(["--dt", "-1"], specs, false)).toThrow(
      /--dt: a value starting with '-' must be written --dt=VALUE$/,
    );
  });

  it("names a missing value", () => {
    expect(() => parseCommandArgs(["--dt"], specs, false)).toThrow(/--dt: needs a value/);
  });

  it("checks numbers against their rule, naming the argument and value", () => {
    expect(parseNumberArg("--dt", "0.5", { min: 0, minExclusive: true })).toBe(0.5);
    expect(() => parseNumberArg("--dt", "abc")).toThrow(/--dt: must be a finite number \(got "abc"\)/);
    expect(() => parseNumberArg("--dt", "0", { min: 0, minExclusive: true })).toThrow(/must be > 0/);
    expect(() => parseNumberArg("--seed", "1.5", { integer: true })).toThrow(/whole number/);
    expect(() => parseNumberArg("--x", "11", { max: 10 })).toThrow(/<= 10/);
  });
});

describe("looptwin dispatcher", () => {
  it("lists the commands with --help and exits 0", async () => {
    const c = capture();
    expect(await main(["--help"], c.io)).toBe(0);
    expect(c.out()).toMatch(/Commands:/);
    expect(c.out()).toMatch(/simulate/);
  });

  it("an unknown command is a one-line error with exit 2", async () => {
    const c = capture();
    expect(await main(["frobnicate"], c.io)).toBe(2);
    expect(c.err().trim().split("\n")).toHaveLength(1);
    expect(c.err()).toMatch(/unknown command "frobnicate"/);
  });

  it("a bad option of a command exits 2 with the option named", async () => {
    const c = capture();
    expect(await main(["simulate", "--dt", "zero"], c.io)).toBe(2);
    expect(c.err()).toMatch(/--dt/);
  });

  it("every command has --help: its own usage, on stdout", async () => {
    const c = capture();
    await main(["--help"], c.io);
    const names = [...c.out().matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
    // The commands of the README's table, written out by hand.
    const readme = [
      "dashboard",
      "emulate",
      "simulate",
      "replay",
      "record",
      "hil",
      "detect",
      "eval",
      "calibrate",
      "ports",
    ];
    for (const name of readme) expect(names).toContain(name);
    const texts = new Set<string>();
    for (const name of names) {
      const h = capture();
      expect(await main([name, "--help"], h.io)).toBe(0);
      expect(h.out(), name).toMatch(new RegExp(`^Usage: looptwin ${name}[ \n]`));
      expect(h.out().split("\n").length, name).toBeGreaterThan(3);
      expect(h.err(), name).toBe("");
      texts.add(h.out());
    }
    // No two commands share a help text.
    expect(texts.size).toBe(names.length);
  });
});
