/**
 * A Stryker ignorer (`"ignorers": ["only-listed"]`) that lets through only the mutants starting at
 * listed places, so a run tests those and not every mutant in their line ranges: `--mutate` takes
 * whole ranges, and a range that holds one unreached mutant of a function's body holds every
 * mutant of the function. Used by `npm run test:mutation:unreached` (scripts/mutationUnreached.ts).
 *
 * The list is a JSON file named by $MUTATION_ONLY: `{ "files": { "src/x.ts": [[line, column], ...] } }`,
 * lines and columns 1-based as in Stryker's reports. An AST node is ignored when no listed place
 * lies inside it (Stryker then ignores the node's mutants and its children's); a node that holds a
 * listed place is kept, so a listed mutant's own node and its ancestors are kept, and an
 * ancestor's other mutants run too (a few more than listed, never fewer). Ignored mutants appear
 * in the report as `Ignored`, which never replaces a result in npm run test:mutation:report.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

/** Reads the list: a Map from file to its places as [line, column] pairs (1-based). */
export function readPlaceList(text, source = "$MUTATION_ONLY") {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${e.message.replace(/\s+/g, " ")})`);
  }
  const files = json?.files;
  if (typeof files !== "object" || files === null || Array.isArray(files))
    throw new Error(`${source}: no "files" object`);
  const out = new Map();
  for (const [file, places] of Object.entries(files)) {
    const ok =
      Array.isArray(places) &&
      places.every(
        (p) => Array.isArray(p) && p.length === 2 && p.every((n) => Number.isInteger(n) && n >= 1),
      );
    if (!ok) throw new Error(`${source}: files["${file}"] must be a list of [line, column] pairs (1-based)`);
    out.set(file, places);
  }
  return out;
}

/**
 * Whether a node spanning [start, end] (Babel's positions: line 1-based, column 0-based, end
 * exclusive) holds none of `places` ([line, column], 1-based), so its mutants can be ignored.
 */
export function holdsNoPlace(places, start, end) {
  const before = (l1, c1, l2, c2) => l1 < l2 || (l1 === l2 && c1 < c2);
  for (const [line, column] of places) {
    const c = column - 1;
    if (!before(line, c, start.line, start.column) && before(line, c, end.line, end.column)) return false;
  }
  return true;
}

/** The ignorer for a list (null: ignore everything, saying the list is missing). */
export function onlyListedIgnorer(list, cwd = process.cwd()) {
  return {
    shouldIgnore(path) {
      if (list === null) return "not listed: $MUTATION_ONLY names no list";
      const name = path.hub?.file?.opts?.filename;
      const loc = path.node.loc;
      if (typeof name !== "string" || loc === null || loc === undefined) return undefined;
      const places = list.get(isAbsolute(name) ? relative(cwd, name) : name);
      if (places === undefined) return "not listed";
      return holdsNoPlace(places, loc.start, loc.end) ? "not listed" : undefined;
    },
  };
}

const listPath = process.env.MUTATION_ONLY;
const list = listPath === undefined ? null : readPlaceList(readFileSync(listPath, "utf8"), listPath);

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, "only-listed", onlyListedIgnorer(list))];
