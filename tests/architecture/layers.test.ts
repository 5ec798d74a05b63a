/**
 * The layers of docs/design.md 3, enforced on the imports of every file under src/:
 *
 *   cli -> report -> dashboard | web | fleet | hil -> session -> rig | detect -> model | protocol -> core
 *
 * A file may import its own layer and the layers below it; not a layer above, not a sibling on
 * the same line. System modules stay in the layers that own them, the pure layers do no file I/O,
 * and no two files import each other, however long the way round (type-only imports count: a
 * cycle of types is still two files that cannot be understood apart).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

/** Bottom first; folders in one entry are siblings. */
const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["model", "protocol"],
  ["rig", "detect"],
  ["session"],
  ["dashboard", "web", "fleet", "hil"],
  ["report"],
  ["cli"],
];
const RANK = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank] as const)));

/**
 * Imports across the layers that are allowed by name, each with its reason. Keep this short: an
 * entry is a design decision the diagram does not show.
 */
const ALLOWED_EDGES: Readonly<Record<string, string>> = {};

/** System modules and the layers that may import them. */
const OWNERS: Readonly<Record<string, readonly string[]>> = {
  blessed: ["dashboard"],
  "blessed-contrib": ["dashboard"],
  serialport: ["rig"],
  "@serialport/stream": ["rig"],
  "@serialport/binding-mock": ["rig"],
  "@serialport/parser-readline": ["rig"],
  "johnny-five": ["rig"],
  firmata: ["rig"],
  "node-pty": ["rig"],
  mqtt: ["fleet"],
  ws: ["web"],
};
/** Layers that do no I/O (docs/design.md 3): no file system, processes, sockets or servers. */
const PURE = new Set(["core", "protocol", "model", "detect"]);
const IO_MODULES = ["node:fs", "node:fs/promises", "node:child_process", "node:net", "node:http", "node:tty"];

interface Import {
  readonly from: string;
  readonly specifier: string;
}

/** Every module specifier of a TypeScript source: static, type-only, dynamic and `require` (also through createRequire). */
function specifiersOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  const out = info.importedFiles.map((f) => f.fileName);
  // `createRequire(import.meta.url)("x")` and `const require = createRequire(...); require("x")`.
  for (const m of source.matchAll(/\b(?:require|createRequire\([^)]*\))\(\s*["']([^"']+)["']\s*\)/g))
    out.push(m[1] as string);
  return [...new Set(out)];
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`, `node-pty/lib/x` -> `node-pty`). */
function packageOf(specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/** The layer (top folder under src/) of a file. */
function layerOf(file: string): string {
  return relative(SRC, file).split("/")[0] as string;
}

/** A relative specifier as the .ts file it names. */
function resolveLocal(from: string, specifier: string): string {
  return resolve(dirname(from), specifier).replace(/\.js$/, ".ts");
}

/** Offending edges of the layer rule, as `from -> to` lines. */
function layerViolations(imports: readonly Import[]): string[] {
  const bad: string[] = [];
  for (const { from, specifier } of imports) {
    if (!specifier.startsWith(".")) continue;
    const target = resolveLocal(from, specifier);
    if (!target.startsWith(SRC)) continue;
    const a = layerOf(from);
    const b = layerOf(target);
    if (a === b) continue;
    const ra = RANK.get(a);
    const rb = RANK.get(b);
    if (`${relative(ROOT, from)} -> ${relative(ROOT, target)}` in ALLOWED_EDGES) continue;
    if (ra === undefined || rb === undefined || rb >= ra)
      bad.push(`${relative(ROOT, from)} (${a}) imports ${relative(ROOT, target)} (${b})`);
  }
  return bad;
}

function ownerViolations(imports: readonly Import[]): string[] {
  const bad: string[] = [];
  for (const { from, specifier } of imports) {
    if (specifier.startsWith(".")) continue;
    const pkg = packageOf(specifier);
    const layer = layerOf(from);
    const owners = OWNERS[pkg];
    if (owners !== undefined && !owners.includes(layer))
      bad.push(`${relative(ROOT, from)} (${layer}) imports ${pkg} (only ${owners.join(", ")})`);
    if (PURE.has(layer) && IO_MODULES.includes(specifier))
      bad.push(`${relative(ROOT, from)} (${layer}, pure) imports ${specifier}`);
  }
  return bad;
}

/** The import cycles among files (each as its members), by Tarjan's strongly connected components. */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        members.push(w);
        if (w === v) break;
      }
      if (members.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(members.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe("the checks themselves", () => {
  it("finds static, type-only, re-exported, dynamic and required specifiers", () => {
    const src = [
      'import { a } from "./a.js";',
      'import type { B } from "../b/b.js";',
      'export { c } from "./c.js";',
      'const d = await import("serialport");',
      'const e = createRequire(import.meta.url)("@serialport/binding-mock");',
      'const f = require("johnny-five");',
    ].join("\n");
    expect(specifiersOf(src).sort()).toEqual(
      ["../b/b.js", "./a.js", "./c.js", "@serialport/binding-mock", "johnny-five", "serialport"].sort(),
    );
  });

  it("flags an upward and a sibling import, not a downward one", () => {
    const f = (layer: string, name: string) => join(SRC, layer, name);
    const bad = layerViolations([
      { from: f("detect", "x.ts"), specifier: "../session/liveSession.js" },
      { from: f("rig", "x.ts"), specifier: "../detect/y.js" },
      { from: f("session", "x.ts"), specifier: "../rig/y.js" },
      { from: f("core", "x.ts"), specifier: "./y.js" },
    ]);
    expect(bad).toEqual([
      "src/detect/x.ts (detect) imports src/session/liveSession.ts (session)",
      "src/rig/x.ts (rig) imports src/detect/y.ts (detect)",
    ]);
  });

  it("flags a system module outside its owners and file I/O in a pure layer", () => {
    const bad = ownerViolations([
      { from: join(SRC, "cli", "x.ts"), specifier: "blessed" },
      { from: join(SRC, "model", "x.ts"), specifier: "node:fs" },
      { from: join(SRC, "rig", "x.ts"), specifier: "node-pty/lib/utils.js" },
    ]);
    expect(bad).toEqual([
      "src/cli/x.ts (cli) imports blessed (only dashboard)",
      "src/model/x.ts (model, pure) imports node:fs",
    ]);
  });

  it("finds a cycle of three and leaves a chain alone", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cyclesOf(g)).toEqual([["a", "b", "c"]]);
    expect(
      cyclesOf(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe("src/", () => {
  const files = tsFiles(SRC);
  const imports: Import[] = files.flatMap((from) =>
    specifiersOf(readFileSync(from, "utf8")).map((specifier) => ({ from, specifier })),
  );

  it("has every top folder in the layer list", () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.filter((n) => !RANK.has(n))).toEqual([]);
    expect(files.length).toBeGreaterThan(200);
  });

  it("allows by name only imports that exist", () => {
    const edges = new Set(
      imports
        .filter((i) => i.specifier.startsWith("."))
        .map((i) => `${relative(ROOT, i.from)} -> ${relative(ROOT, resolveLocal(i.from, i.specifier))}`),
    );
    expect(Object.keys(ALLOWED_EDGES).filter((e) => !edges.has(e))).toEqual([]);
  });

  it("imports only downwards", () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  it("keeps system modules in their layers and file I/O out of the pure ones", () => {
    expect(ownerViolations(imports)).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const graph = new Map<string, string[]>();
    for (const f of files) graph.set(f, []);
    for (const { from, specifier } of imports)
      if (specifier.startsWith(".")) graph.get(from)?.push(resolveLocal(from, specifier));
    const cycles = cyclesOf(graph).map((c) => c.map((f) => relative(ROOT, f)).join(" <-> "));
    expect(cycles).toEqual([]);
  });
});
