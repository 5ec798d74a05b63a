/** `looptwin hil` argument and file errors (exit 2, one line naming the field), and `hil list`. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

const ROOT = join(import.meta.dirname, "..", "..");

const cli = (args: string[], cwd = ROOT) => runCli(args, cwd);

describe("looptwin hil", () => {
  it("lists the shipped scenarios with their steps and expectations", async () => {
    const r = await cli(["hil", "list", "--filter", "pump-failure-deadman"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "pump-failure-deadman  (hil/scenarios/pump-failure-deadman.yaml, 180 s, physical pump)",
    );
    expect(r.out).toContain("    step pump-off: inject at 60 s");
    expect(r.out).toContain("    expect pump_failure alarm (critical) raised in pump-off .. pump-off + 2 s");
  });

  it("opens a StandardFirmata rig for firmata:PATH, and reports a port that is not there", async () => {
    const r = await cli([
      "hil",
      "run",
      "hil/scenarios/smoke-safety.yaml",
      "--target",
      "firmata:/dev/ttyLOOPTWIN-NONE",
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cannot open \/dev\/ttyLOOPTWIN-NONE/);
    expect(r.out).toMatch(/1 errors, 0 skipped of 1 on firmata:\/dev\/ttyLOOPTWIN-NONE/);
  });

  it("names the file, line and field of a bad scenario (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-hil-cli-"));
    writeFileSync(
      join(dir, "bad.yaml"),
      "name: bad\nduration: 60\nsteps:\n  - at: 10\n    setpoints: { pump: 999 }\nexpect:\n  - no_alarm: any\n",
    );
    const r = await cli(["hil", "run", "bad.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "looptwin hil: bad.yaml (line 5): steps[0].setpoints.pump: must be <= 255 (got 999)\n",
    );
  });

  it("names the field of a bad rig config (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looptwin-hil-cfg-"));
    writeFileSync(join(dir, "rig.json"), '{ "UA": "ten" }\n');
    const r = await cli(["hil", "run", "--config", "rig.json", join(ROOT, "hil", "scenarios")], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe('looptwin hil: rig.json: UA: must be a number (W/K) (got "ten")\n');
  });

  it("refuses an unknown target, a target without its path, a filter that selects nothing, a bad --set", async () => {
    const cases: [string[], string][] = [
      [
        ["hil", "run", "--target", "usb"],
        '--target: unknown target (one of emulator, pty, serial:PATH, firmata:PATH, fil[:ELF]) (got "usb")',
      ],
      [["hil", "run", "--target", "serial"], '--target: needs a path: serial:PATH (got "serial")'],
      [["hil", "run", "--filter", "no-such-scenario"], "--filter: selects none of the"],
      [["hil", "run", "--set", "UA=-1"], "--set UA: must not be negative"],
      [["hil", "walk"], 'subcommand: expected run or list (see looptwin hil --help) (got "walk")'],
      [["hil", "run", "nowhere/"], 'PATHS: no such file or folder (got "nowhere/")'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err.split("\n").filter((l) => l !== "")).toHaveLength(1);
    }
  });
});
