/**
 * The GitHub Actions workflows cannot run here (no GitHub), so what can go wrong without running
 * them is checked: they parse as YAML, every job runs on ubuntu-latest, every `npm run X` names a
 * script of package.json, every `looptwin` command they call exists and knows the options given,
 * the HIL matrix's `--shard K/N` values are 1..N once each and its shards cover the suite exactly
 * once, and Pages is deployed with the official actions and the permissions they need.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { commands } from "../../src/cli/registry.js";
import { loadScenarioFiles } from "../../src/hil/scenarioLoader.js";
import { parseShard, shardOf } from "../../src/hil/shards.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPTS = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly "runs-on": string;
  readonly steps: readonly Step[];
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly needs?: string | readonly string[];
  readonly environment?: { readonly name: string };
}
interface Workflow {
  readonly name: string;
  readonly on: unknown;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
  return parse(readFileSync(join(ROOT, ".github", "workflows", file), "utf8")) as Workflow;
}

const FILES = ["ci.yml", "pages.yml"];

/** Every shell command of a workflow, one string per `run:` (continuation lines joined). */
function runs(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((j) =>
    j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.replace(/\\\n\s*/g, " ")])),
  );
}

/** The `looptwin` invocations in a command: the words after `node bin/looptwin.js` or `npx looptwin`. */
function looptwinCalls(run: string): string[][] {
  const calls: string[][] = [];
  for (const m of run.matchAll(/(?:node bin\/looptwin\.js|npx looptwin)((?:\s+(?![|&;])\S+)*)/g))
    calls.push((m[1] ?? "").trim().split(/\s+/));
  return calls;
}

describe.each(FILES)("%s", (file) => {
  const w = workflow(file);

  it("parses, has jobs, and every job runs on ubuntu-latest with its steps", () => {
    expect(typeof w.name).toBe("string");
    expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
    for (const [name, job] of Object.entries(w.jobs)) {
      expect(job["runs-on"], name).toBe("ubuntu-latest");
      expect(job.steps.length, name).toBeGreaterThan(0);
    }
  });

  it("uses actions at a major version", () => {
    const uses = Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@v\d+$/);
  });

  it("names only npm scripts that exist in package.json", () => {
    const named = runs(w).flatMap((r) => [...r.matchAll(/npm run ([\w:.-]+)/g)].map((m) => m[1] as string));
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(Object.keys(SCRIPTS), `npm run ${n}`).toContain(n);
  });

  it("calls only looptwin commands that exist, with options they know", async () => {
    const calls = runs(w).flatMap(looptwinCalls);
    expect(calls.length).toBeGreaterThan(0);
    for (const [name, ...rest] of calls) {
      const entry = commands.find((c) => c.name === name);
      expect(entry, `looptwin ${name}`).toBeDefined();
      const command = await entry?.load();
      for (const option of rest.filter((x) => x.startsWith("--")))
        expect(command?.help, `looptwin ${name} ${option}`).toContain(option);
    }
  });
});

describe("ci.yml", () => {
  const ci = workflow("ci.yml");
  const all = runs(ci).join("\n");

  it("runs what .ci/run runs: typecheck, lint, tests, firmware build and host tests, FIL build, browser tests", () => {
    for (const script of [
      "typecheck",
      "lint",
      "firmware:build",
      "firmware:test",
      "fil:build",
      "test:browser",
      "web:build",
    ])
      expect(all).toContain(`npm run ${script}`);
    expect(all).toMatch(/^npm test$/m);
    expect(all).toContain("npm ci");
  });

  it("splits the FIL suite over a matrix whose --shard values are 1..N once each and cover the suite once", () => {
    const job = ci.jobs["fil-suite"];
    expect(job).toBeDefined();
    const shards = (job?.strategy?.matrix?.shard ?? []) as string[];
    const parsed = shards.map((s) => parseShard(s));
    const n = parsed[0]?.count ?? 0;
    expect(n).toBeGreaterThan(1);
    for (const p of parsed) expect(p.count).toBe(n);
    expect(parsed.map((p) => p.index + 1).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const run = job?.steps.map((s) => s.run ?? "").find((r) => r.includes("--shard")) ?? "";
    expect(run).toMatch(
      /^node bin\/looptwin\.js hil run hil\/scenarios --target fil --shard \$\{\{ matrix\.shard \}\}( |$)/,
    );
    const suite = loadScenarioFiles([join(ROOT, "hil", "scenarios")], ROOT);
    const perShard = parsed.map((p) => shardOf(suite, p).map((s) => s.name));
    for (const names of perShard) expect(names.length).toBeGreaterThan(0);
    expect(perShard.flat().sort()).toEqual(suite.map((s) => s.name).sort());
  });
});

describe("pages.yml", () => {
  const pages = workflow("pages.yml");

  it("builds the standalone page and the emulator suite's HIL report, and deploys them with the Pages actions", () => {
    const all = runs(pages).join("\n");
    expect(all).toContain("npm run web:build");
    expect(all).toMatch(/node bin\/looptwin\.js hil run hil\/scenarios --html site\/hil\/index\.html/);
    expect(all).toContain("cp -r web/dist/. site/");
    const uses = Object.values(pages.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ""));
    expect(uses.some((u) => u.startsWith("actions/upload-pages-artifact@"))).toBe(true);
    expect(uses.some((u) => u.startsWith("actions/deploy-pages@"))).toBe(true);
    const upload = Object.values(pages.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"));
    expect(upload?.with?.path).toBe("site");
    expect(pages.permissions).toMatchObject({ pages: "write", "id-token": "write" });
    expect(pages.jobs.deploy?.needs).toBe("build");
    expect(pages.jobs.deploy?.environment?.name).toBe("github-pages");
  });
});
