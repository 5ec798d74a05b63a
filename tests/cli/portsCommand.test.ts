import { describe, expect, it } from "vitest";
import { portsCommand } from "../../src/cli/portsCommand.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      cwd: "/",
    },
    out,
    err,
  };
}

describe("looptwin ports", () => {
  it("prints JSON on this machine (with or without udev) and never a stack trace", async () => {
    const t = io();
    expect(await portsCommand.run(["--json"], t.io)).toBe(0);
    const parsed = JSON.parse(t.out.join("")) as { method: string; ports: unknown[] };
    expect(["udev", "scan"]).toContain(parsed.method);
    expect(Array.isArray(parsed.ports)).toBe(true);
    expect(t.err.join("")).not.toMatch(/\n\s+at /);
  });

  it("prints a table or 'no serial ports found'", async () => {
    const t = io();
    expect(await portsCommand.run([], t.io)).toBe(0);
    expect(t.out.join("")).toMatch(/^(PATH\s+KIND|no serial ports found)/);
    expect(t.err.join("")).not.toMatch(/\n\s+at /);
  });

  it("rejects unknown options as a ConfigError", async () => {
    await expect(portsCommand.run(["--bogus"], io().io)).rejects.toThrow(/--bogus|bogus/);
  });
});
