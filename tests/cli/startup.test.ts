/**
 * Start-up footprint (issue 16): `looptwin --help` and `looptwin simulate` load only what they
 * use. The built binary runs with a preloaded recorder (loadedModules.mjs) that writes the path of
 * every module the process loads; the test fails when a heavy package shows up. Speed is a bench
 * figure (bench/startup.bench.ts: cli_help_ms, cli_simulate_1s_ms), never asserted here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, REPO_ROOT } from "../../scripts/ensureBuilt.js";

/** Packages that only the dashboard, rig I/O, the emulator, learned detection or HIL need. */
const HEAVY = [
  "blessed",
  "blessed-contrib",
  "serialport",
  "@serialport",
  "johnny-five",
  "firmata",
  "node-pty",
  "ml-matrix",
  "ml-pca",
  "yaml",
  "ws",
  "mqtt",
];

const dir = mkdtempSync(join(tmpdir(), "looptwin-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

/** Runs `node --import loadedModules.mjs bin/looptwin.js ...argv`; the modules it loaded. */
function loadedModules(argv: readonly string[], name: string): string[] {
  const record = join(dir, `${name}.txt`);
  execFileSync(
    process.execPath,
    [
      "--import",
      join(REPO_ROOT, "tests", "cli", "loadedModules.mjs"),
      join(REPO_ROOT, "bin", "looptwin.js"),
      ...argv,
    ],
    { cwd: dir, env: { ...process.env, LOOPTWIN_LOADED_MODULES: record }, stdio: "ignore" },
  );
  return readFileSync(record, "utf8").split("\n").filter(Boolean);
}

/** The npm packages among module paths/URLs (`@scope/name` or `name`). */
function packagesOf(modules: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const m of modules) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m);
    if (match) found.add(match[1]!.startsWith("@serialport/") ? "@serialport" : match[1]!);
  }
  return found;
}

describe("start-up loads only what the command uses", () => {
  it("--help loads no package and no command module", () => {
    const modules = loadedModules(["--help"], "help");
    expect(modules.some((m) => m.endsWith("/dist/cli/registry.js"))).toBe(true);
    expect([...packagesOf(modules)]).toEqual([]);
    expect(modules.filter((m) => /Command\.js$/.test(m))).toEqual([]);
  });

  it("simulate --duration 1 loads its own module and none of the heavy packages", () => {
    const modules = loadedModules(["simulate", "--duration", "1", "--out", join(dir, "run.csv")], "simulate");
    expect(modules.some((m) => m.endsWith("/dist/cli/simulateCommand.js"))).toBe(true);
    expect([...packagesOf(modules)].filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(modules.filter((m) => /Command\.js$/.test(m) && !m.endsWith("/simulateCommand.js"))).toEqual([]);
  });

  it("the recorder sees CommonJS packages (control: dashboard --help loads blessed)", () => {
    const packages = packagesOf(loadedModules(["dashboard", "--help"], "dashboard"));
    expect(packages.has("blessed")).toBe(true);
  });
});
