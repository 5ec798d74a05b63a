/**
 * `npm run bench [-- --json] [-- --only NAME]`: runs every `bench/*.bench.ts` and prints named
 * figures. Each bench file default-exports a {@link BenchFile}. Speed and memory targets live
 * here, never in timed unit tests.
 *
 * Each file runs in a process of its own (`--child FILE`), so one bench's JIT and heap state
 * (code made polymorphic by another bench's use of the same functions, garbage left behind)
 * never skews the next: in one process the monitor pipeline read 35 % slower after the HIL bench.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchFigure {
  readonly value: number;
  readonly unit: string;
  /** The issue's target, when it names one. */
  readonly target?: { readonly op: ">=" | "<="; readonly value: number };
}

export interface BenchFile {
  readonly name: string;
  run(): Promise<Record<string, BenchFigure>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes("--json");
const onlyIdx = argv.indexOf("--only");
const only = onlyIdx >= 0 ? argv[onlyIdx + 1] : undefined;
const childIdx = argv.indexOf("--child");
const child = childIdx >= 0 ? argv[childIdx + 1] : undefined;

async function loadBench(file: string): Promise<BenchFile> {
  return ((await import(pathToFileURL(join(here, file)).href)) as { default: BenchFile }).default;
}

if (child !== undefined) {
  // One bench file in this process: its figures as JSON on stdout, for the parent.
  const figures = await (await loadBench(child)).run();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
const figures: Record<string, BenchFigure> = {};
for (const f of files) {
  if (only && !f.startsWith(only) && (await loadBench(f)).name !== only) continue;
  if (!json) process.stderr.write(`running ${f} ...\n`);
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--child", f],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const last = out.trim().split("\n").at(-1) ?? "{}";
  Object.assign(figures, JSON.parse(last) as Record<string, BenchFigure>);
}

function meets(fig: BenchFigure): boolean | undefined {
  if (!fig.target) return undefined;
  return fig.target.op === ">=" ? fig.value >= fig.target.value : fig.value <= fig.target.value;
}

if (json) {
  const out: Record<string, number> = {};
  for (const [k, fig] of Object.entries(figures)) out[k] = fig.value;
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} else {
  const cpu = cpus()[0]?.model ?? "unknown cpu";
  process.stdout.write(`machine: ${cpu}, ${cpus().length} cores, node ${process.version}\n`);
  for (const [k, fig] of Object.entries(figures)) {
    const m = meets(fig);
    const target = fig.target ? `target ${fig.target.op} ${fig.target.value}` : "";
    const verdict = m === undefined ? "" : m ? "ok" : "MISSED";
    process.stdout.write(
      `${k.padEnd(32)} ${fig.value.toPrecision(4).padStart(12)} ${fig.unit.padEnd(14)} ${target} ${verdict}\n`,
    );
  }
}
