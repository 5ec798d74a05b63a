import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    cwd: ".",
  };
  return { code: await main(["demo", ...argv], io), stdout, stderr };
}

describe("looptwin demo", () => {
  it("prints a table every 30 s of a 10-minute run with a pump failure at 300 s", async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[2]).toMatch(/t\s+pump\s+flow\s+meas\s+T_hot\s+meas\s+T_cold\s+meas\s+dT/);
    expect(lines[3]).toMatch(/s\s+duty\s+L\/min\s+L\/min\s+C\s+C\s+C\s+C\s+K/);
    const rows = lines.filter((l) => /^\s+\d+\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows.map((c) => Number(c[0]))).toEqual(Array.from({ length: 21 }, (_, k) => k * 30));
    const before = rows[9]!;
    const after = rows[20]!;
    expect(before[9]).toBe("-");
    expect(after[9]).toBe("pump_failure");
    expect(Number(after[2])).toBe(0);
    // Started at steady state: nothing moves before the fault; T_hot climbs after it.
    expect(Number(before[4])).toBeCloseTo(Number(rows[0]![4]), 2);
    expect(Number(after[4]) - Number(before[4])).toBeGreaterThan(10);
  });

  it("takes another fault and rejects a bad one with exit 2", async () => {
    const r = await run(["--fault", "hx_fouling:start=300,severity=0.5"]);
    expect(r.stdout).toContain("hx_fouling");
    const bad = await run(["--fault", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--fault kind");
  });
});
