/**
 * `npm run bench [-- --json] [-- --only NAME]`: runs every `bench/*.bench.ts` and prints named
 * figures. Each bench file default-exports a {@link BenchFile}. Speed and memory targets live
 * here, never in timed unit tests.
 */
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

const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
const figures: Record<string, BenchFigure> = {};
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: BenchFile };
  if (only && mod.default.name !== only && !f.startsWith(only)) continue;
  if (!json) process.stderr.write(`running ${f} ...\n`);
  Object.assign(figures, await mod.default.run());
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
